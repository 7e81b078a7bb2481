"""The board page driven by Streamlit's AppTest through app.py: every board action, the canvas simulated.

The canvas (streamlit-flow) is an UnknownElement in AppTest. What Python sent it is in the element's JSON args;
what the browser would send back is simulated by setting ``session_state[CANVAS_KEY]`` to the frontend's value
shape (``nodes``, ``edges``, ``selectedId``, ``timestamp``) and running the script, as the frontend does.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from components.board.exports import export_files
from components.board.findings import finding_key
from components.board.flow import CANVAS_KEY
from components.board.state import BoardKey
from components.common.examples import ENV_DESIGNS_DIR
from mlsd import edit
from mlsd.io import MAX_FILE_BYTES, dumps, load_file
from mlsd.model import Design
from mlsd.rules import CATEGORIES, check
from mlsd.store import open_store

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "designs"
HOSTILE = '<script>alert("x")</script> {braces} $x$'
_STAMP = [int(time.time() * 1000) + 60_000]


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


def send(at: AppTest, nodes: list[dict[str, Any]], edges: list[dict[str, Any]], selected: str | None = None) -> None:
    """Report a canvas state as the frontend does (always with a new timestamp), then rerun."""
    _STAMP[0] += 1
    at.session_state[CANVAS_KEY] = {"nodes": nodes, "edges": edges, "selectedId": selected, "timestamp": _STAMP[0]}
    at.run()
    ok(at)


def echo(at: AppTest) -> None:
    """The frontend reporting back exactly what it was sent (it does so twice whenever it loads a state)."""
    args = canvas_args(at)
    send(at, args["nodes"], args["edges"])


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


def select(at: AppTest, item: str) -> None:
    """Click a block or arrow on the canvas."""
    args = canvas_args(at)
    send(at, args["nodes"], args["edges"], item)


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
    assert any("Add a block from the palette in the sidebar" in i.value for i in at.info) or any(
        "Findings appear here" in i.value for i in at.info)
    assert canvas_args(at)["nodes"] == []
    # every widget explains itself
    widgets = [*at.button, *at.text_input, *at.selectbox, *at.number_input]
    assert [w.key for w in widgets if not w.help] == []


def test_start_from_a_template_in_one_click(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    expected = load_file(DESIGNS / "video_recommendations.json")
    d = start_from(at, "video_recommendations")
    assert d == expected
    nodes = canvas_args(at)["nodes"]
    assert [n["id"] for n in nodes] == [c.id for c in expected.components]
    assert [(n["position"]["x"], n["position"]["y"]) for n in nodes] == [
        (c.position.x, c.position.y) for c in expected.components]
    assert at.session_state[BoardKey.DIRTY.value] is False
    assert at.button(key="board.btn.undo").disabled
    assert not any("An empty board" in m.value for m in at.markdown)


def test_add_a_block_from_the_palette(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    at.session_state["board.palette.cat.serving"] = True
    at.run()
    click(at, "board.palette.add.cache")
    d = design_of(at)
    assert [(c.id, c.kind) for c in d.components] == [("cache", "cache")]
    assert at.session_state[BoardKey.SELECTED.value] == "cache"
    assert at.session_state[BoardKey.PANEL.value] == "Inspector"
    assert at.session_state[BoardKey.DIRTY.value] is True
    assert [n["id"] for n in canvas_args(at)["nodes"]] == ["cache"]
    assert at.text_input(key=f"board.insp@{at.session_state[BoardKey.REV.value]}.cache.label") is not None
    click(at, "board.palette.add.cache")
    d = design_of(at)
    a, b = d.components
    assert (a.position.x, a.position.y) != (b.position.x, b.position.y)


def test_palette_search_finds_kinds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    at.text_input(key="board.palette.search").set_value("drift").run()
    labels = [unescape(b.label) for b in at.button if (b.key or "").startswith("board.palette.add.")]
    assert labels == ["Drift detector"]
    at.text_input(key="board.palette.search").set_value("zzzz").run()
    assert any("No block matches" in c.value for c in at.caption)


# -- the canvas -----------------------------------------------------------------------------------------------


def test_mount_reports_change_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    echo(at)
    echo(at)
    assert design_of(at) == d
    assert at.session_state[BoardKey.UNDO.value] == []
    assert at.session_state[BoardKey.DIRTY.value] is False


def test_move_keeps_the_drag_and_is_undoable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    args = canvas_args(at)
    nodes = [dict(n) for n in args["nodes"]]
    moved = nodes[2]["id"]
    nodes[2]["position"] = {"x": 1234.5678, "y": -321.0}
    send(at, nodes, args["edges"])
    block = design_of(at).by_id()[moved]
    assert (block.position.x, block.position.y) == (1234.6, -321.0)
    assert at.session_state[BoardKey.DIRTY.value] is True
    assert canvas_args(at)["timestamp"] == args["timestamp"]  # no redraw: the canvas keeps the person's drag
    # the same report seen again (the component keeps its last value) is not applied twice
    at.run()
    assert len(at.session_state[BoardKey.UNDO.value]) == 1
    click(at, "board.btn.undo")
    assert design_of(at).by_id()[moved].position.x != 1234.6
    assert canvas_args(at)["timestamp"] > args["timestamp"]  # undo redraws the canvas
    at.run()  # the old report, still the component's value, does not re-apply the move
    assert design_of(at).by_id()[moved].position.x != 1234.6
    click(at, "board.btn.redo")
    assert design_of(at).by_id()[moved].position.x == 1234.6


def test_connect_two_blocks_on_the_canvas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    at.session_state["board.palette.cat.clients"] = True
    at.session_state["board.palette.cat.serving"] = True
    at.run()
    click(at, "board.palette.add.client")
    click(at, "board.palette.add.online_inference")
    at.session_state[BoardKey.NEW_FLOW.value] = "stream"
    at.run()
    args = canvas_args(at)
    new_edge = {"id": "st-flow-edge_client-online_inference", "source": "client", "target": "online_inference"}
    send(at, args["nodes"], [*args["edges"], new_edge], new_edge["id"])
    d = design_of(at)
    assert [(e.id, e.source, e.target, e.flow) for e in d.connections] == [
        ("c1", "client", "online_inference", "stream")]
    assert at.session_state[BoardKey.SELECTED.value] == "c1"
    pushed = canvas_args(at)
    assert [e["id"] for e in pushed["edges"]] == ["c1"] and pushed["timestamp"] > args["timestamp"]
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
    assert canvas_args(at)["edges"][0]["label"] == "score"
    # a report sent before the canvas had the new ids (still naming the frontend's edge) changes nothing
    send(at, args["nodes"], [*args["edges"], new_edge])
    assert [e.id for e in design_of(at).connections] == ["c1"]


def test_select_and_delete_on_the_canvas(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    victim = d.components[1]
    select(at, victim.id)
    assert at.session_state[BoardKey.SELECTED.value] == victim.id
    assert at.session_state[BoardKey.PANEL.value] == "Inspector"
    assert any(t.label == "Label" and t.value == victim.label for t in at.text_input)
    args = canvas_args(at)
    nodes = [n for n in args["nodes"] if n["id"] != victim.id]
    edges = [e for e in args["edges"] if victim.id not in (e["source"], e["target"])]
    send(at, nodes, edges)
    after = design_of(at)
    assert victim.id not in after.by_id()
    assert all(victim.id not in (e.source, e.target) for e in after.connections)
    assert len(after.connections) == len(d.connections) - sum(
        victim.id in (e.source, e.target) for e in d.connections)
    assert at.session_state[BoardKey.SELECTED.value] is None
    # deleting a connection on the canvas
    args = canvas_args(at)
    send(at, args["nodes"], args["edges"][1:])
    assert [e.id for e in design_of(at).connections] == [e.id for e in after.connections[1:]]


def test_inspector_deletes_the_selected_block(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    select(at, d.components[0].id)
    button_with(at, "board.insp@", "Delete block").click().run()
    ok(at)
    assert d.components[0].id not in design_of(at).by_id()
    assert [n["id"] for n in canvas_args(at)["nodes"]] == [c.id for c in d.components[1:]]


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
    replicas = next(n for n in at.number_input if n.label == "replicas")
    assert replicas.value == old and replicas.help
    replicas.set_value(1).run()
    ok(at)
    assert design_of(at).by_id()[block_id].props["replicas"] == 1
    panel(at, "Findings")
    assert rule in open_rules(at)
    marked = {n["id"]: n["data"]["content"] for n in canvas_args(at)["nodes"]}
    assert marked[block_id].startswith(("⛔", "⚠️"))  # the block carries a marker on the canvas
    panel(at, "Inspector")
    next(n for n in at.number_input if n.label == "replicas").set_value(old).run()
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
    at.session_state["board.palette.cat.serving"] = True
    at.run()
    click(at, "board.palette.add.cache")
    add = next(s for s in at.selectbox if s.label == "Add a prop")
    assert any(o.startswith("fallback — ") for o in add.options)
    add.set_value("fallback").run()
    ok(at)
    assert design_of(at).by_id()["cache"].props["fallback"] is False
    assert any(t.label == "fallback" for t in at.toggle)


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
    assert f"**✅ {check(after).summary()['waived']}** accepted" in counts
    at.session_state["board.find.cat.accepted"] = True
    at.run()
    assert any("Accepted because" in m.value and "\\<script\\>" in m.value for m in at.markdown)
    assert open_rules(at) <= rules_before
    del finding
    accepted_finding = next(f for f in check(after).findings if f.waived and f.waiver_reason == HOSTILE)
    click(at, f"board.find.unwaive.{finding_key(accepted_finding)}")
    ok(at)
    assert design_of(at).waivers == d.waivers


def test_select_from_a_finding_highlights_its_block(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    block_id, _ = _finding_by_replicas(d)
    upload(at, "one-replica.json", dumps(edit.set_prop(d, block_id, "replicas", 1)).encode())
    findings = [f for f in check(design_of(at)).active if f.components]
    assert findings
    open_rules(at)
    before = canvas_args(at)["timestamp"]
    click(at, f"board.find.sel.{finding_key(findings[0])}")
    assert at.session_state[BoardKey.SELECTED.value] == findings[0].components[0]
    args = canvas_args(at)
    assert args["timestamp"] > before
    assert [n["id"] for n in args["nodes"] if n["selected"]] == [findings[0].components[0]]
    echo(at)  # the canvas reports the new state back with no selection: the selection stays
    assert at.session_state[BoardKey.SELECTED.value] == findings[0].components[0]


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
    at.session_state["board.palette.cat.serving"] = True
    at.run()
    states = [design_of(at)]
    for kind in ("cache", "api_gateway", "load_balancer"):
        click(at, f"board.palette.add.{kind}")
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
    args = canvas_args(at)
    nodes = [dict(n) for n in args["nodes"]]
    nodes[0]["position"] = {"x": -500.0, "y": 42.0}
    send(at, nodes, args["edges"])
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
    at.session_state["board.palette.cat.serving"] = True
    at.run()
    click(at, "board.palette.add.cache")
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
    first = canvas_args(at)["nodes"][0]
    assert (first["position"]["x"], first["position"]["y"]) == (-500.0, 42.0)


def test_a_save_conflict_offers_a_copy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        design_id = store.list_designs().items[0].id
        store.save(design_id, edit.rename(d, "Changed elsewhere"), base_revision=1)
    at.session_state["board.palette.cat.serving"] = True
    at.run()
    click(at, "board.palette.add.cache")
    click(at, "board.lib.save")
    assert any("someone saved this design in the meantime" in e.value for e in at.error)
    click(at, "board.lib.conflict.copy")
    with open_store(tmp_path / "library.db") as store:
        names = sorted(i.name for i in store.list_designs().items)
    assert names == sorted(["Changed elsewhere", f"{d.name} (copy)"])
    assert design_of(at).name == f"{d.name} (copy)"
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
    at.session_state["board.palette.cat.serving"] = True
    at.run()
    click(at, "board.palette.add.cache")
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
    assert set(files) == {"json", "yaml", "mermaid", "dot", "markdown", "svg"}
    texts = {fmt: f.build() for fmt, f in files.items()}
    assert Design.model_validate_json(texts["json"]) == d
    assert Design.model_validate(yaml.safe_load(texts["yaml"])) == d
    plain_titles = [c.title for c in d.components if re.fullmatch(r"[A-Za-z0-9 ,:/()-]+", c.title)]
    assert len(plain_titles) > 5
    for fmt in ("mermaid", "dot", "markdown", "svg"):
        missing = [t for t in plain_titles if t not in texts[fmt]]
        assert missing == [], fmt
    assert "<script>" not in texts["svg"] and "&lt;script&gt;" in texts["svg"]
    bottom(at, "Import / export")
    buttons = [b for b in at.get("download_button")]
    assert len(buttons) == 6


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
    nodes = {n["id"]: n["data"]["content"] for n in canvas_args(at)["nodes"]}
    assert "<script>" not in nodes["evil"] and "\\<script\\>" in nodes["evil"]
    assert "\\{\\{7\\*7\\}\\}" in nodes["gw"]
    assert canvas_args(at)["edges"][0]["label"] == HOSTILE  # drawn as SVG text on the arrow
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


def test_a_report_from_before_a_push_is_not_applied_and_the_canvas_is_pushed_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    at = open_board(monkeypatch, tmp_path)
    empty = canvas_args(at)
    d = start_from(at, "video_recommendations")
    pushed = canvas_args(at)["timestamp"]
    # the empty canvas reports (its layout pass) after the template was pushed: not an edit, and the canvas,
    # whose last report is now newer than the push, gets the design again with a newer timestamp
    send(at, empty["nodes"], empty["edges"])
    assert design_of(at) == d
    again = canvas_args(at)["timestamp"]
    assert again > pushed and again > _STAMP[0]
    # a report from an older push of this design (nodes carry the old ``gen``) is not applied either
    old = canvas_args(at)
    stale = [dict(n, data={**n["data"], "gen": pushed}, position={"x": 9_999, "y": 9_999}) for n in old["nodes"]]
    send(at, stale, old["edges"])
    assert design_of(at) == d
    echo(at)
    assert at.session_state[BoardKey.UNDO.value] == [] and at.session_state[BoardKey.DIRTY.value] is False


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


# -- the canvas' pure functions -------------------------------------------------------------------------------


def _tiny() -> Design:
    return Design.model_validate({
        "name": "tiny",
        "components": [{"id": "a", "kind": "client", "position": {"x": 0, "y": 0}},
                       {"id": "b", "kind": "api_gateway", "label": HOSTILE, "position": {"x": 240, "y": 0}},
                       {"id": "c", "kind": "online_inference", "position": {"x": 480, "y": 0}}],
        "connections": [{"id": "c1", "source": "a", "target": "b"}],
        "waivers": [{"rule": "REL-1", "components": ["b"], "reason": "managed"},
                    {"rule": "CAP-2", "components": ["b", "c"], "reason": "tested"}],
    })


def test_flow_state_draws_blocks_markers_and_flows() -> None:
    from components.board.flow import flow_state

    d = _tiny()
    findings = [f for f in check(d).findings if f.components]
    state = flow_state(d, findings, selected="b", timestamp=123)
    nodes = {n.id: n for n in state.nodes}
    assert list(nodes) == ["a", "b", "c"] and state.timestamp == 123
    assert all(n.data["gen"] == 123 for n in state.nodes)
    assert nodes["b"].selected and not nodes["a"].selected
    assert "<script>" not in nodes["b"].data["content"] and "\\<script\\>" in nodes["b"].data["content"]
    worst = {}
    for f in findings:
        if not f.waived and f.severity in ("error", "warning"):
            for block in f.components:
                worst[block] = "error" if f.severity == "error" or worst.get(block) == "error" else "warning"
    for block_id, n in nodes.items():
        marked = n.data["content"].startswith(("⛔", "⚠️"))
        assert marked == (block_id in worst), block_id
    assert [(e.id, e.source, e.target, e.label) for e in state.edges] == [("c1", "a", "b", "request")]


def test_read_canvas_maps_frontend_edges_and_trims_waivers() -> None:
    from components.board.flow import flow_state, read_canvas

    d = _tiny()
    state = flow_state(d, timestamp=1)
    # a connection the frontend named, plus one duplicating c1 under the frontend's name, plus a self-loop
    for source, target in (("b", "c"), ("a", "b"), ("c", "c")):
        state.edges.append(type(state.edges[0])(id=f"st-flow-edge_{source}-{target}", source=source,
                                                 target=target))
    state.selected_id = "st-flow-edge_b-c"
    change = read_canvas(d, state, new_flow="stream")
    assert [(e.id, e.source, e.target, e.flow) for e in change.design.connections] == [
        ("c1", "a", "b", "request"), ("c2", "b", "c", "stream")]
    assert change.selected == "c2" and change.structural
    # deleting block c on the canvas trims the waiver naming it and keeps the one naming only b
    state = flow_state(change.design, timestamp=2)
    state.nodes = [n for n in state.nodes if n.id != "c"]
    state.edges = [e for e in state.edges if "c" not in (e.source, e.target)]
    after = read_canvas(change.design, state)
    assert [c.id for c in after.design.components] == ["a", "b"]
    assert [(w.rule, w.components) for w in after.design.waivers] == [("REL-1", ["b"]), ("CAP-2", ["b"])]
    assert after.changes == ["deleted block 'Online inference'"]


def test_read_canvas_ignores_nonsense_positions_and_reports_nothing_when_nothing_moved() -> None:
    from components.board.flow import flow_state, read_canvas

    d = _tiny()
    state = flow_state(d, timestamp=1)
    assert not read_canvas(d, state).changed
    state.nodes[0].position = {"x": 1e12, "y": 0}
    state.nodes[1].position = {"x": 240.3, "y": 0.2}  # within half a unit: not a move
    assert not read_canvas(d, state).changed


def test_edits_made_with_the_canvas_menus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    args = canvas_args(at)
    edges = [dict(e) for e in args["edges"]]
    edges[0]["label"] = "  user  calls "
    nodes = [dict(n) for n in args["nodes"]]
    nodes[0]["data"] = {**nodes[0]["data"], "content": "my own text"}
    send(at, nodes, edges)
    after = design_of(at)
    # "Edit Edge" renames the connection; "Edit Node" text is not a label: the canvas gets the design back
    assert after.connections[0].label == "user calls"
    assert after.components == d.components
    assert any("edited in the Inspector" in t.value for t in at.toast)
    pushed = {n["id"]: n["data"]["content"] for n in canvas_args(at)["nodes"]}
    assert pushed[nodes[0]["id"]] != "my own text"
    assert canvas_args(at)["edges"][0]["label"] == "user calls"


def test_a_save_conflict_can_load_their_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    click(at, "board.lib.save")
    with open_store(tmp_path / "library.db") as store:
        design_id = store.list_designs().items[0].id
        store.save(design_id, edit.rename(d, "Theirs"), base_revision=1)
    at.session_state["board.palette.cat.serving"] = True
    at.run()
    click(at, "board.palette.add.cache")
    click(at, "board.lib.save")
    click(at, "board.lib.conflict.reload")
    assert design_of(at).name == d.name  # not yet: these changes are unsaved, so the board asks first
    assert any("unsaved changes" in w.value for w in at.warning)
    click(at, "board.lib.pending.ok")
    assert design_of(at).name == "Theirs"
    assert any("Saved · revision 2" in c.value for c in at.caption)
    with open_store(tmp_path / "library.db") as store:
        assert [i.revisions for i in store.list_designs().items] == [2]
