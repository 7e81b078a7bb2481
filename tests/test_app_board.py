"""The board page driven by Streamlit's AppTest through app.py: every board action, the canvas simulated.

The canvas (the whiteboard component) is an UnknownElement in AppTest. What Python sent it is in the element's
JSON args (``graph``, ``badges``, ``palette``, ``ack``); what the browser sends back is simulated by setting
``session_state[CANVAS_KEY]`` to the whiteboard's value, ``{"events": [...]}`` (each user action one event with
an id, see ``components.whiteboard.protocol``), and running the script, as the frontend does.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from components.board.canvas import CANVAS_KEY, layout_positions
from components.board.exports import export_files
from components.board.findings import finding_key
from components.board.state import BoardKey
from components.common.examples import ENV_DESIGNS_DIR
from mlsd import edit
from mlsd.catalog import KINDS
from mlsd.formats.layout import auto_layout
from mlsd.io import MAX_FILE_BYTES, dumps, load_file
from mlsd.model import Design
from mlsd.rules import CATEGORIES, check
from mlsd.store import open_store

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "designs"
HOSTILE = '<script>alert("x")</script> {braces} $x$'
_IDS = itertools.count(1)


# -- helpers ------------------------------------------------------------------------------------------------


def open_board(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, designs: Path | None = None) -> AppTest:
    monkeypatch.setenv("MLSD_DB", str(tmp_path / "library.db"))
    if designs is None:
        monkeypatch.delenv(ENV_DESIGNS_DIR, raising=False)
    else:
        monkeypatch.setenv(ENV_DESIGNS_DIR, str(designs))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/board.py").run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def design_of(at: AppTest) -> Design:
    d = at.session_state[BoardKey.DESIGN.value]
    assert isinstance(d, Design)
    return d


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def name_key(at: AppTest) -> str:
    return f"board.lib.name@{at.session_state[BoardKey.REV.value]}"


def canvas_args(at: AppTest) -> dict[str, Any]:
    """What Python last sent the canvas."""
    elements = at.get("component_instance")
    assert len(elements) == 1
    args: dict[str, Any] = json.loads(elements[0].proto.json_args)
    return args


def nodes(at: AppTest) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = canvas_args(at)["graph"]["nodes"]
    return found


def edges(at: AppTest) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = canvas_args(at)["graph"]["edges"]
    return found


def send(at: AppTest, *events: dict[str, Any]) -> list[dict[str, Any]]:
    """The canvas sending user actions (each a new event with a fresh id), then the rerun it triggers."""
    batch = [{"id": f"t{next(_IDS)}", **e} for e in events]
    at.session_state[CANVAS_KEY] = {"events": batch}
    at.run()
    ok(at)
    return batch


def add(at: AppTest, kind: str, x: float = 200.0, y: float = 100.0) -> None:
    """A palette tile dropped on the canvas at (x, y)."""
    send(at, {"type": "add", "kind": kind, "x": x, "y": y})


def click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    ok(at)


def button_with(at: AppTest, prefix: str, label_part: str = "") -> Any:
    found = [b for b in at.button if (b.key or "").startswith(prefix) and label_part in unescape(b.label)]
    assert found, f"no button {prefix}* with {label_part!r}: {[b.key for b in at.button]}"
    return found[0]


def start_from(at: AppTest, stem: str) -> Design:
    button_with(at, f"board.empty.tpl.{stem}").click().run()
    ok(at)
    return design_of(at)


def panel(at: AppTest, name: str) -> None:
    at.session_state[BoardKey.PANEL.value] = name
    at.run()
    ok(at)


def bottom(at: AppTest, name: str) -> None:
    at.session_state["board.bottom"] = name
    at.run()
    ok(at)


def select(at: AppTest, block: str) -> None:
    """Click a block on the canvas."""
    send(at, {"type": "select", "blocks": [block], "connections": []})


def shown_texts(at: AppTest) -> list[str]:
    return [el.value for el in [*at.markdown, *at.caption, *at.info, *at.error, *at.warning, *at.success,
                                *at.toast]]


def open_rules(at: AppTest) -> set[str]:
    """Rule ids of the findings drawn in the findings panel (every category opened)."""
    for category in CATEGORIES:
        at.session_state[f"board.find.cat.{category}"] = True
    at.run()
    ok(at)
    return {m for t in at.markdown for m in re.findall(r"`([A-Z]+-\d+)`", t.value) if "~~" not in t.value}


# -- empty board, templates, palette ------------------------------------------------------------------------


def test_an_empty_board_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    assert design_of(at).components == []
    assert any("An empty board" in m.value for m in at.markdown)
    templates = [b for b in at.button if (b.key or "").startswith("board.empty.tpl.")]
    assert templates and all(b.help for b in templates)
    assert any("**Next steps** · 0 of 4 done" in m.value for m in at.markdown)  # the findings panel: next steps
    assert any("Findings appear here" in c.value for c in at.caption)
    assert nodes(at) == [] and canvas_args(at)["palette"]  # the palette is at the canvas' edge
    assert not [b for b in at.sidebar.button if (b.key or "").startswith("board.palette")]
    # every widget explains itself
    widgets = [*at.button, *at.text_input, *at.selectbox, *at.number_input]
    assert [w.key for w in widgets if not w.help] == []


def test_start_from_a_template_in_one_click(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    expected = load_file(DESIGNS / "video_recommendations.json")
    d = start_from(at, "video_recommendations")
    assert d == expected
    drawn = nodes(at)
    assert [n["id"] for n in drawn] == [c.id for c in expected.components]
    assert [(n["x"], n["y"]) for n in drawn] == [
        (c.position.x, c.position.y) for c in expected.components]
    assert at.session_state[BoardKey.DIRTY.value] is False
    assert at.button(key="board.btn.undo").disabled
    assert not any("An empty board" in m.value for m in at.markdown)


def test_add_a_block_from_the_palette(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    assert [t["kind"] for t in canvas_args(at)["palette"]] == list(KINDS)
    add(at, "cache", 420.0, 180.0)
    d = design_of(at)
    assert [(c.id, c.kind, c.position.x, c.position.y) for c in d.components] == [("cache", "cache", 420.0, 180.0)]
    assert at.session_state[BoardKey.SELECTED.value] == "cache"
    assert at.session_state[BoardKey.PANEL.value] == "Inspector"
    assert at.session_state[BoardKey.DIRTY.value] is True
    assert [n["id"] for n in nodes(at)] == ["cache"]
    assert at.text_input(key=f"board.insp@{at.session_state[BoardKey.REV.value]}.cache.label") is not None
    add(at, "cache", 700.0, 180.0)
    assert len({c.id for c in design_of(at).components}) == 2
    assert canvas_args(at)["ack"] == f"t{next(_IDS) - 1}"  # the canvas is told which event Python handled


def test_canvas_values_that_are_not_events_change_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    send(at)
    at.session_state[CANVAS_KEY] = {"events": [{"id": "x1", "type": "teleport"}]}
    at.run()
    ok(at)
    assert any("ignored" in t.value for t in at.toast)
    add(at, "no_such_kind")
    assert design_of(at) == d
    assert at.session_state[BoardKey.UNDO.value] == [] and at.session_state[BoardKey.DIRTY.value] is False
    assert any("refused" in e.value for e in at.error)


# -- the canvas -----------------------------------------------------------------------------------------------


def test_move_keeps_the_drag_and_is_undoable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    moved = d.components[2].id
    first = send(at, {"type": "move", "positions": {moved: [1234.5, -321.0]}})
    block = design_of(at).by_id()[moved]
    assert (block.position.x, block.position.y) == (1234.5, -321.0)
    assert at.session_state[BoardKey.DIRTY.value] is True
    assert [(n["x"], n["y"]) for n in nodes(at) if n["id"] == moved] == [(1234.5, -321.0)]
    # the same value seen again (the component keeps its last value) is not applied twice, and a value that
    # still holds an event Python handled (not yet dropped by the canvas) applies only the new ones
    at.run()
    assert len(at.session_state[BoardKey.UNDO.value]) == 1
    at.session_state[CANVAS_KEY] = {"events": [*first, {"id": "later", "type": "move",
                                                        "positions": {moved: [1300.0, -321.0]}}]}
    at.run()
    ok(at)
    assert len(at.session_state[BoardKey.UNDO.value]) == 2
    assert design_of(at).by_id()[moved].position.x == 1300.0
    click(at, "board.btn.undo")
    assert design_of(at).by_id()[moved].position.x == 1234.5
    send(at, {"type": "undo"})  # Ctrl+Z on the canvas: the same history
    assert design_of(at) == d
    send(at, {"type": "redo"})
    click(at, "board.btn.redo")
    assert design_of(at).by_id()[moved].position.x == 1300.0


def test_connect_two_blocks_on_the_canvas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    add(at, "client", 0.0, 0.0)
    add(at, "online_inference", 300.0, 0.0)
    send(at, {"type": "connect", "source": "client", "target": "online_inference", "flow": "request"})
    d = design_of(at)
    assert [(e.id, e.source, e.target, e.flow) for e in d.connections] == [
        ("c1", "client", "online_inference", "request")]
    assert at.session_state[BoardKey.SELECTED.value] == "c1"
    assert [e["id"] for e in edges(at)] == ["c1"]
    # the flow is set on the connection itself (its menu on the canvas)
    send(at, {"type": "set_flow", "connection": "c1", "flow": "stream"})
    assert design_of(at).connections[0].flow == "stream"
    assert edges(at)[0]["flow"] == "stream"
    # the inspector edits the selected connection's flow type and label
    panel(at, "Inspector")
    flow = next(s for s in at.selectbox if s.label == "Flow type")
    flow.set_value("request").run()
    ok(at)
    assert design_of(at).connections[0].flow == "request"
    fallback = next(c for c in at.checkbox if c.label == "Fallback")  # shown for request connections only
    fallback.check().run()
    ok(at)
    assert design_of(at).connections[0].fallback
    label = next(t for t in at.text_input if t.label == "Label")
    label.set_value("score").run()
    ok(at)
    assert design_of(at).connections[0].label == "score"
    assert edges(at)[0]["label"] == "score"
    # the same connection drawn twice is refused (shown, nothing changes), and later events still apply
    before = design_of(at)
    send(at, {"type": "connect", "source": "client", "target": "online_inference"},
         {"type": "set_fallback", "connection": "c1", "fallback": False})
    assert [e.id for e in design_of(at).connections] == ["c1"] and not design_of(at).connections[0].fallback
    assert any("refused" in e.value for e in at.error)
    send(at, {"type": "undo"})
    assert design_of(at) == before


def test_select_and_delete_on_the_canvas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    victim = d.components[1]
    select(at, victim.id)
    assert at.session_state[BoardKey.SELECTED.value] == victim.id
    assert at.session_state[BoardKey.PANEL.value] == "Inspector"
    assert any(t.label == "Label" and t.value == victim.label for t in at.text_input)
    send(at, {"type": "remove", "blocks": [victim.id], "connections": []})
    after = design_of(at)
    assert victim.id not in after.by_id()
    assert all(victim.id not in (e.source, e.target) for e in after.connections)
    assert len(after.connections) == len(d.connections) - sum(
        victim.id in (e.source, e.target) for e in d.connections)
    assert at.session_state[BoardKey.SELECTED.value] is None
    # deleting a connection on the canvas
    send(at, {"type": "remove", "blocks": [], "connections": [after.connections[0].id]})
    assert [e.id for e in design_of(at).connections] == [e.id for e in after.connections[1:]]
    # an empty selection (a click on the background, Escape) clears the inspector
    select(at, after.components[0].id)
    send(at, {"type": "select", "blocks": [], "connections": []})
    assert at.session_state[BoardKey.SELECTED.value] is None


def test_inspector_deletes_the_selected_block(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    select(at, d.components[0].id)
    button_with(at, "board.insp@", "Delete block").click().run()
    ok(at)
    assert d.components[0].id not in design_of(at).by_id()
    assert [n["id"] for n in nodes(at)] == [c.id for c in d.components[1:]]


# -- inspector, findings, waivers -----------------------------------------------------------------------------


def _finding_by_replicas(d: Design) -> tuple[str, str]:
    """A block and the rule whose new finding appears when the block runs one replica (found via the domain)."""
    before = {(f.rule, f.components) for f in check(d).active}
    for block in d.components:
        if block.num("replicas", 0) < 2:
            continue
        after = check(edit.set_prop(d, block.id, "replicas", 1)).active
        new = [f for f in after if (f.rule, f.components) not in before and block.id in f.components]
        if new:
            return block.id, new[0].rule
    raise AssertionError("no block of the template gains a finding at one replica")


def test_a_prop_edit_makes_a_finding_appear_and_disappear(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    block_id, rule = _finding_by_replicas(d)
    old = int(d.by_id()[block_id].num("replicas"))
    assert rule not in open_rules(at)
    select(at, block_id)
    replicas = next(n for n in at.number_input if n.label == "Replicas")
    assert replicas.value == old and replicas.help and "`replicas`" in replicas.help
    replicas.set_value(1).run()
    ok(at)
    assert design_of(at).by_id()[block_id].props["replicas"] == 1
    panel(at, "Findings")
    assert rule in open_rules(at)
    badge = canvas_args(at)["badges"][block_id]  # the block carries a findings badge on the canvas
    assert badge["count"] >= 1 and badge["severity"] in ("error", "warning")
    panel(at, "Inspector")
    next(n for n in at.number_input if n.label == "Replicas").set_value(old).run()
    ok(at)
    panel(at, "Findings")
    assert rule not in open_rules(at)


def test_a_refused_edit_is_shown_inline_and_changes_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    block = d.components[0]
    select(at, block.id)
    next(t for t in at.text_input if t.label == "Label").set_value("x" * 10_240).run()
    ok(at)
    assert design_of(at) == d
    errors = [unescape(e.value) for e in at.error]
    assert f"block '{block.id}': label must be at most 200 characters, got 10240" in errors


def test_add_a_prop_in_the_inspector(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    add(at, "cache")
    new_prop = next(s for s in at.selectbox if s.label == "Add a prop")
    assert any(o.startswith("Has a fallback — ") for o in new_prop.options)
    new_prop.set_value("fallback").run()
    ok(at)
    assert design_of(at).by_id()["cache"].props["fallback"] is False
    assert any(t.label == "Has a fallback" for t in at.toggle)


def test_accept_a_finding_with_a_reason_and_withdraw_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    d = edit.set_prop(d, _finding_by_replicas(d)[0], "replicas", 1)
    # through the inspector is tested above; here the design is put on the board by import
    at.session_state["board.bottom"] = "Import / export"
    at.run()
    at.file_uploader(key="board.import.file").set_value(("one.json", dumps(d).encode(), "application/json")).run()
    ok(at)
    assert design_of(at) == d
    finding = check(d).active[0]
    rules_before = open_rules(at)
    accept = button_with(at, "board.find.accept.")
    accept.click().run()
    ok(at)
    # an empty reason is refused, inline
    button_with(at, "board.find.ok.").click().run()
    assert any("Write why this risk is accepted" in e.value for e in at.error)
    assert design_of(at).waivers == d.waivers
    at.text_input(key="board.find.reason").set_value(HOSTILE).run()
    button_with(at, "board.find.ok.").click().run()
    ok(at)
    after = design_of(at)
    assert len(after.waivers) == len(d.waivers) + 1
    waiver = after.waivers[-1]
    assert waiver.reason == HOSTILE
    counts = next(m.value for m in at.markdown if "accepted" in m.value and "errors" in m.value)
    assert f"✅ **{check(after).summary()['waived']}** accepted" in counts
    at.session_state["board.find.cat.accepted"] = True
    at.run()
    assert any("Accepted because" in m.value and "\\<script\\>" in m.value for m in at.markdown)
    assert open_rules(at) <= rules_before
    del finding
    accepted_finding = next(f for f in check(after).findings if f.waived and f.waiver_reason == HOSTILE)
    click(at, f"board.find.unwaive.{finding_key(accepted_finding)}")
    ok(at)
    assert design_of(at).waivers == d.waivers


def test_select_from_a_finding_and_open_a_blocks_findings_from_its_badge(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    block_id, _ = _finding_by_replicas(d)
    upload(at, "one-replica.json", dumps(edit.set_prop(d, block_id, "replicas", 1)).encode())
    findings = [f for f in check(design_of(at)).active if f.components]
    assert findings
    open_rules(at)
    click(at, f"board.find.sel.{finding_key(findings[0])}")
    assert at.session_state[BoardKey.SELECTED.value] == findings[0].components[0]
    # a click on a block's badge on the canvas opens that block's findings (and only those)
    panel(at, "Requirements")
    send(at, {"type": "findings", "block": block_id})
    assert at.session_state[BoardKey.PANEL.value] == "Findings"
    assert at.session_state[BoardKey.SELECTED.value] == block_id
    title = design_of(at).by_id()[block_id].title
    assert any(f"Findings on {title}" in unescape(m.value) for m in at.markdown)
    mine = {f.rule for f in check(design_of(at)).active if block_id in f.components}
    shown = {m for t in at.markdown for m in re.findall(r"`([A-Z]+-\d+)`", t.value)}
    assert shown == mine
    click(at, "board.find.focus.clear")
    assert not any("Findings on" in m.value for m in at.markdown)


def test_requirements_panel_edits_the_requirements(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    panel(at, "Requirements")
    sla = next(n for n in at.number_input if n.label.startswith("p99 latency SLA"))
    sla.set_value(1.0).run()
    ok(at)
    assert design_of(at).requirements.sla_p99_ms == 1.0
    panel(at, "Findings")
    assert "LAT-1" in open_rules(at)
    panel(at, "Requirements")
    regions = next(t for t in at.text_input if t.label == "Regions")
    regions.set_value("eu-west-1, eu-central-1").run()
    assert design_of(at).requirements.regions == ["eu-west-1", "eu-central-1"]


# -- history, library -------------------------------------------------------------------------------------


def test_undo_and_redo_every_edit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    states = [design_of(at)]
    for i, kind in enumerate(("cache", "api_gateway", "load_balancer")):
        add(at, kind, 300.0 * i, 0.0)
        states.append(design_of(at))
    for expected in reversed(states[:-1]):
        click(at, "board.btn.undo")
        assert design_of(at) == expected
    assert at.button(key="board.btn.undo").disabled
    for expected in states[1:]:
        click(at, "board.btn.redo")
        assert design_of(at) == expected
    assert at.button(key="board.btn.redo").disabled


def test_save_open_and_unsaved_changes_are_never_lost_silently(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    send(at, {"type": "move", "positions": {d.components[0].id: [-500.0, 42.0]}})
    moved = design_of(at)
    click(at, "board.lib.save")
    assert at.session_state[BoardKey.DIRTY.value] is False
    with open_store(tmp_path / "library.db") as store:
        items = store.list_designs().items
        assert [i.name for i in items] == [d.name]
        assert store.open(items[0].id).design == moved
        design_id = items[0].id
    assert any("Saved" in c.value and "revision 1" in c.value for c in at.caption)
    # an unsaved edit, then "New": the board asks before discarding it
    add(at, "cache")
    edited = design_of(at)
    at.session_state["board.lib.new_pop"] = True
    at.run()
    click(at, "board.lib.blank")
    assert design_of(at) == edited
    assert any("unsaved changes" in w.value for w in at.warning)
    click(at, "board.lib.pending.cancel")
    assert design_of(at) == edited and not at.warning
    at.session_state["board.lib.new_pop"] = True
    at.run()
    click(at, "board.lib.blank")
    click(at, "board.lib.pending.ok")
    assert design_of(at).components == []
    # open the saved design from the library: as it was saved, positions included
    at.session_state["board.lib.open_pop"] = True
    at.run()
    click(at, f"board.lib.open.{design_id}")
    assert design_of(at) == moved
    assert at.session_state[BoardKey.DIRTY.value] is False
    first = nodes(at)[0]
    assert (first["x"], first["y"]) == (-500.0, 42.0)


def test_a_save_conflict_offers_a_copy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        design_id = store.list_designs().items[0].id
        store.save(design_id, edit.rename(d, "Changed elsewhere"), base_revision=1)
    add(at, "cache")
    at.text_input(key=name_key(at)).set_value("Mine").run()  # renamed on both sides: a true conflict
    click(at, "board.lib.save")
    assert any("Merge with revision 2" in m.value for m in at.markdown)
    click(at, "board.lib.conflict.copy")
    with open_store(tmp_path / "library.db") as store:
        names = sorted(i.name for i in store.list_designs().items)
    assert names == sorted(["Changed elsewhere", "Mine (copy)"])
    assert design_of(at).name == "Mine (copy)"
    assert at.session_state[BoardKey.DIRTY.value] is False


def test_rename_the_design(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    at.text_input(key=name_key(at)).set_value("My ranking system").run()
    ok(at)
    assert design_of(at).name == "My ranking system"
    assert at.text_input(key=name_key(at)).value == "My ranking system"
    at.text_input(key=name_key(at)).set_value(" ").run()
    assert design_of(at).name == "My ranking system"
    assert any("name must not be blank" in e.value for e in at.error)


def test_auto_layout_moves_blocks_and_is_undoable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    click(at, "board.btn.layout")
    laid = design_of(at)
    assert [(c.position.x, c.position.y) for c in laid.components] != [
        (c.position.x, c.position.y) for c in d.components]
    click(at, "board.btn.undo")
    assert design_of(at) == d
    # auto-layout asked from the canvas: of the selection (the others stay put), then of the whole design
    chosen = [c.id for c in d.components[:3]]
    send(at, {"type": "auto_layout", "blocks": chosen})
    part = design_of(at)
    assert [c.position for c in part.components[3:]] == [c.position for c in d.components[3:]]
    assert min(c.position.x for c in part.components[:3]) == min(c.position.x for c in d.components[:3])
    send(at, {"type": "auto_layout", "blocks": []})
    assert design_of(at) == edit.move_blocks(part, auto_layout(part))
    send(at, {"type": "undo"}, {"type": "undo"})
    assert design_of(at) == d


# -- import, export, views ------------------------------------------------------------------------------------


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.session_state["board.bottom"] = "Import / export"
    at.run()
    at.file_uploader(key="board.import.file").set_value((name, data, "application/octet-stream")).run()
    ok(at)


def test_import_good_files_and_refuse_bad_ones(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    data = {"name": "Imported", "components": [{"id": "a", "kind": "client"}, {"id": "b", "kind": "api_gateway"}],
            "connections": [{"id": "c1", "source": "a", "target": "b"}]}
    upload(at, "good.yaml", yaml.safe_dump(data).encode())
    d = design_of(at)
    assert d.name == "Imported" and [c.id for c in d.components] == ["a", "b"]
    assert edit.has_layout(d)  # a file without positions is laid out
    bad = {**data, "components": [{"id": "a", "kind": "warp_core"}, {"id": "b", "kind": "api_gateway", "colour": 1}]}
    upload(at, "bad.json", json.dumps(bad).encode())
    assert design_of(at) == d  # untouched
    error = unescape(at.error[0].value)
    assert "bad.json is not a valid design; the board is unchanged" in error
    lines = error.splitlines()
    assert any("block 'a'" in line and "warp_core" in line for line in lines)
    assert any("block 'b'" in line and "colour" in line for line in lines)
    upload(at, "broken.json", b'{"name": "x", ')
    assert design_of(at) == d
    assert "malformed JSON at line 1" in unescape(at.error[0].value)
    upload(at, "huge.json", b" " * (MAX_FILE_BYTES + 1))
    assert design_of(at) == d
    assert "designs are limited to 20 MB" in unescape(at.error[0].value)


def test_import_over_unsaved_changes_asks_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    add(at, "cache")
    mine = design_of(at)
    upload(at, "other.json", dumps(load_file(DESIGNS / "card_fraud_scoring.json")).encode())
    assert design_of(at) == mine
    click(at, "board.lib.pending.ok")
    assert design_of(at) == load_file(DESIGNS / "card_fraud_scoring.json")


def test_exports_hold_the_blocks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    d = edit.set_label(d, d.components[0].id, HOSTILE)
    report = check(d)
    files = export_files(d, report)
    assert set(files) == {"json", "yaml", "mermaid", "drawio", "excalidraw", "dot", "markdown", "svg"}
    texts = {fmt: f.build() for fmt, f in files.items()}
    assert Design.model_validate_json(texts["json"]) == d
    assert Design.model_validate(yaml.safe_load(texts["yaml"])) == d
    plain_titles = [c.title for c in d.components if re.fullmatch(r"[A-Za-z0-9 ,:/()-]+", c.title)]
    assert len(plain_titles) > 5
    for fmt in ("mermaid", "drawio", "excalidraw", "dot", "markdown", "svg"):
        missing = [t for t in plain_titles if t not in texts[fmt]]
        assert missing == [], fmt
    assert "<script>" not in texts["svg"] and "&lt;script&gt;" in texts["svg"]
    bottom(at, "Import / export")
    buttons = [b for b in at.get("download_button")]
    assert len(buttons) == 8


def test_graphviz_and_numbers_views(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    charts = at.get("plotly_chart")
    paths = check(d).context.analysis.paths
    assert len(charts) >= min(3, len(paths)) + 1
    waterfall = json.loads(charts[0].proto.spec)
    assert waterfall["data"][0]["type"] == "waterfall"
    bottom(at, "Graphviz view")
    spec = at.get("graphviz_chart")[0].proto.spec
    assert all(c.id in spec for c in d.components)


def test_hostile_labels_show_as_text_everywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "designs"
    folder.mkdir()
    evil = {"name": f"Evil {HOSTILE}", "components": [
        {"id": "evil", "kind": "online_inference", "label": HOSTILE, "position": {"x": 0, "y": 0}},
        {"id": "gw", "kind": "api_gateway", "label": "{{7*7}} ' \" `x`", "position": {"x": 300, "y": 0}}],
        "connections": [{"id": "c1", "source": "gw", "target": "evil", "label": HOSTILE}],
        "notes": HOSTILE}
    (folder / "evil.json").write_text(json.dumps(evil), encoding="utf-8")
    at = open_board(monkeypatch, tmp_path, folder)
    start_from(at, "evil")
    labels = {n["id"]: n["label"] for n in nodes(at)}
    assert labels == {"evil": HOSTILE, "gw": "{{7*7}} ' \" `x`"}  # the canvas draws them as text (React)
    assert edges(at)[0]["label"] == HOSTILE
    select(at, "evil")
    open_rules(at)
    texts = shown_texts(at)
    assert [t for t in texts if "<script>" in t] == []  # every Markdown text escapes it
    assert all(not el.proto.allow_html for el in [*at.markdown, *at.caption])
    assert at.text_input(key=name_key(at)).value == f"Evil {HOSTILE}"  # inputs hold it verbatim
    bottom(at, "Graphviz view")
    assert "<script>" not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', at.get("graphviz_chart")[0].proto.spec)
    bottom(at, "Notes")
    assert at.text_area[0].value == HOSTILE


def test_inputs_of_an_earlier_run_change_nothing() -> None:
    at = AppTest.from_string(
        "import streamlit as st\n"
        "from components.board import state as bs\n"
        "from mlsd import edit\n"
        "bs.init()\n"
        "old = bs.widget_key('board.insp', 'gw', 'label')\n"
        "st.write(old, bs.is_current(old))\n"
        "bs.commit(edit.rename(bs.design(), 'Another name'))\n"
        "st.write(bs.is_current(old), bs.is_current(bs.widget_key('board.insp', 'gw', 'label')))\n",
        default_timeout=30,
    )
    at.run()
    ok(at)
    assert [m.value for m in at.markdown] == ["board.insp@0.gw.label `True`", "`False` `True`"]


# -- the canvas' edits -----------------------------------------------------------------------------------------


def test_edits_made_on_the_canvas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    first, conn = d.components[0], d.connections[0]
    send(at, {"type": "set_label", "block": first.id, "label": "Front door"},
         {"type": "set_fallback", "connection": conn.id, "fallback": True})
    after = design_of(at)
    assert after.by_id()[first.id].label == "Front door" and after.connections[0].fallback
    assert nodes(at)[0]["label"] == "Front door"
    send(at, {"type": "duplicate", "blocks": [first.id], "dx": 40, "dy": 40})
    copy = design_of(at).components[-1]
    assert (copy.kind, copy.label, copy.props) == (first.kind, "Front door", first.props)
    assert (copy.position.x, copy.position.y) == (first.position.x + 40, first.position.y + 40)
    assert len(at.session_state[BoardKey.UNDO.value]) == 3  # one step of the history per event


def test_layout_of_a_selection_keeps_its_corner() -> None:
    d = load_file(DESIGNS / "video_recommendations.json")
    chosen = [c.id for c in d.components[1:4]]
    laid = layout_positions(d, chosen)
    assert set(laid) == set(chosen)
    by_id = d.by_id()
    assert min(x for x, _ in laid.values()) == min(by_id[b].position.x for b in chosen)
    assert min(y for _, y in laid.values()) == min(by_id[b].position.y for b in chosen)
    assert layout_positions(d, chosen[:1]) == auto_layout(d)  # one block: the whole design


def test_a_save_conflict_can_load_their_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        design_id = store.list_designs().items[0].id
        store.save(design_id, edit.rename(d, "Theirs"), base_revision=1)
    add(at, "cache")
    at.text_input(key=name_key(at)).set_value("Mine").run()
    click(at, "board.lib.save")
    click(at, "board.lib.conflict.reload")
    assert design_of(at).name == "Mine"  # not yet: these changes are unsaved, so the board asks first
    assert any("unsaved changes" in w.value for w in at.warning)
    click(at, "board.lib.pending.ok")
    assert design_of(at).name == "Theirs"
    assert any("Saved · revision 2" in c.value for c in at.caption)
    with open_store(tmp_path / "library.db") as store:
        assert [i.revisions for i in store.list_designs().items] == [2]


def test_save_as_makes_a_new_design_and_leaves_the_first_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "card_fraud_scoring")
    click(at, "board.lib.save")
    at.session_state["board.lib.save_as_pop"] = True
    at.run()
    at.text_input(key="board.lib.save_as").set_value("Fraud, second take")
    click(at, "board.lib.save_as_ok")
    ok(at)
    with open_store(tmp_path / "library.db") as store:
        assert sorted(i.name for i in store.list_designs().items) == sorted([d.name, "Fraud, second take"])
    assert design_of(at).name == "Fraud, second take"
    assert at.session_state[BoardKey.DIRTY.value] is False
