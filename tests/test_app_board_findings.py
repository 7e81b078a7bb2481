"""The board's inspector, findings and requirements panels (AppTest through app.py): a prop edit makes a
finding appear and disappear, refused edits change nothing, a finding accepted with a reason and withdrawn, a
finding's block selected and a badge opening a block's findings, the requirements edited."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.board.findings import finding_key
from components.board.state import BoardKey
from mlsd import edit
from mlsd.io import dumps
from mlsd.model import Design
from mlsd.rules import check
from tests.board_apptest import (
    HOSTILE,
    add,
    button_with,
    canvas_args,
    click,
    design_of,
    ok,
    open_board,
    open_rules,
    panel,
    select,
    send,
    start_from,
    unescape,
    upload,
)


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
