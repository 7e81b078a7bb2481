"""A gentle start on the board (AppTest through app.py): next steps on a blank design, no canvas colours on
unconnected blocks until they are connected, checks passed with passing checks per checklist, plurals, and the
inspector's human prop labels. Checklist progress itself (``Report.progress``) is tested here too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.board.findings import SHORT_LABELS, counts_line, readiness_text
from mlsd import edit
from mlsd.catalog import KINDS, PROP_SPECS
from mlsd.io import load_file
from mlsd.rules import CATEGORIES, check
from tests.board_apptest import add, canvas_args, design_of, ok, open_board, select, send, unescape

DESIGNS = Path(__file__).resolve().parent.parent / "designs"


def texts(at: object) -> list[str]:
    return [unescape(m.value) for m in [*at.markdown, *at.caption]]  # type: ignore[attr-defined]


def test_a_blank_board_shows_its_next_steps(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    shown = texts(at)
    assert "**Next steps** · 0 of 4 done" in shown
    steps = next(t for t in shown if "Set the requirements" in t)
    for title in ("Set the requirements", "Draw the request path", "Add the offline loop", "Add monitoring"):
        assert title in steps
    assert not at.error and not [t for t in shown if "⛔" in t]  # no wall of red
    at.button(key="board.next.requirements").click().run()  # the first step opens the Requirements tab
    ok(at)
    assert at.session_state["board.panel"] == "Requirements"
    assert any(n.label.startswith("p99 latency SLA") for n in at.number_input)


def test_the_board_calls_the_examples_what_home_calls_them(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Home lists "Example designs": the empty board and the New menu offer the same designs by the same name."""
    at = open_board(monkeypatch, tmp_path)
    at.session_state["board.lib.new_pop"] = True
    at.run()
    ok(at)
    shown = " ".join(texts(at))
    assert "Start from an example design" in shown and "From an example design:" in shown
    assert "template" not in shown.lower()


def test_two_unconnected_blocks_are_not_painted_until_connected(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    add(at, "api_gateway", 100, 100)
    add(at, "online_inference", 400, 100)
    gateway, model = (c.id for c in design_of(at).components)
    assert canvas_args(at)["badges"] == {}  # no badge, no red on the canvas
    at.session_state["board.panel"] = "Findings"
    at.run()
    errors = check(design_of(at)).summary()["error"]
    assert errors > 1 and f"⛔ **{errors}** errors" in "\n".join(texts(at))  # the list still shows everything
    assert any("**Next steps** · 0 of 4 done" in t for t in texts(at))
    assert not [t for t in texts(at) if "*Fix:*" in t]  # no category of errors opens by itself yet
    send(at, {"type": "connect", "source": gateway, "target": model, "flow": "request"})
    badges = canvas_args(at)["badges"]
    assert badges[model]["severity"] == "error" and badges[model]["count"] >= 1
    at.session_state["board.panel"] = "Findings"
    at.run()
    ok(at)
    assert any("**Next steps** · 1 of 4 done" in t for t in texts(at))
    assert [t for t in texts(at) if "*Fix:*" in t]  # now the first checklist with errors is open


def test_requirements_alone_start_the_colours(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    add(at, "online_inference")
    assert canvas_args(at)["badges"] == {}
    at.session_state["board.panel"] = "Requirements"
    at.run()
    next(n for n in at.number_input if n.label.startswith("p99 latency SLA")).set_value(200.0).run()
    ok(at)
    assert canvas_args(at)["badges"]["online_inference"]["count"] >= 1


def test_checks_passed_comes_with_progress_per_checklist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    at.button(key="board.empty.tpl.card_fraud_scoring.json").click().run()
    ok(at)
    report = check(design_of(at))
    score = report.score()
    bar = at.get("progress")[0]
    assert bar.proto.text.startswith(f"Checks passed {score['overall']}/100")
    line = next(t for t in texts(at) if t.startswith("Checks passing per checklist: "))
    shown = dict(re.findall(r"([A-Za-z]+) (\d+/\d+)", line))
    assert shown and {k: tuple(int(n) for n in v.split("/")) for k, v in shown.items()} == {
        SHORT_LABELS[c]: counts for c, counts in report.progress().items()}


def test_progress_counts_passing_and_applicable_rules_per_checklist() -> None:
    for path in sorted(DESIGNS.glob("*.json")):
        report = check(load_file(path))
        progress = report.progress()
        assert list(progress) == [c for c in CATEGORIES if c in progress]
        for category, (passing, applicable) in progress.items():
            results = [r for r in report.results if r.rule.category == category and r.status != "not_applicable"]
            assert applicable == len(results) and 0 <= passing <= applicable
            failing = {r.rule.id for r in results if any(not f.waived for f in r.findings) or r.status == "error"}
            assert passing == applicable - len(failing), (path.name, category)
        scores = report.score()["categories"]
        assert isinstance(scores, dict)
        for category, (passing, applicable) in progress.items():
            assert (scores[category] == 100) == (passing == applicable)


def test_the_weakest_checklist_is_named_beside_the_score_when_it_lags() -> None:
    d = edit.new_design()
    d, model = edit.add_block(d, "online_inference")
    level = readiness_text(check(d))
    assert level is not None and "weakest" not in level[0]  # every checklist at 0: none is the weakest
    d = edit.set_prop(d, model, "fallback", True)  # reliability passes, the others still fail
    report = check(d)
    shown = readiness_text(report)
    assert shown is not None
    head, per_checklist = shown
    weakest = report.score()["weakest"]
    assert isinstance(weakest, str)
    lowest = report.score()["categories"][weakest]  # type: ignore[index]
    tied = [c for c, v in report.score()["categories"].items() if v == lowest]  # type: ignore[union-attr]
    assert head.endswith(f" · weakest: {', '.join(SHORT_LABELS[c] for c in tied)} {lowest}/100")
    for category in tied:
        assert f"**{SHORT_LABELS[category]} " in per_checklist  # the weakest checklists are in bold
    assert per_checklist.count("**") == 2 * len(tied)
    assert readiness_text(check(edit.new_design())) is None  # nothing applies to a blank design


@pytest.mark.parametrize(("counts", "expected"), [
    ({"error": 1, "warning": 1, "info": 1, "waived": 0}, "⛔ **1** error · ⚠️ **1** warning · ℹ️ **1** info"),
    ({"error": 2, "warning": 0, "info": 5, "waived": 3}, "⛔ **2** errors · ⚠️ **0** warnings · ℹ️ **5** info"),
])
def test_counts_have_their_plurals_right(counts: dict[str, int], expected: str) -> None:
    assert counts_line(counts).startswith(expected)


def test_every_prop_has_a_human_label_and_help() -> None:
    for name, spec in PROP_SPECS.items():
        assert spec.label and spec.help, name
        assert "_" not in spec.label and (spec.label[0].isupper() or spec.label.startswith("p99")), name
        if spec.type in ("float", "int") and name != "epsilon":  # a privacy budget ε has no unit
            assert spec.unit, f"{name} is a number without a unit"
    assert len({s.label for s in PROP_SPECS.values()}) == len(PROP_SPECS)  # no two props read the same


def test_the_inspector_shows_labels_with_units_not_prop_ids(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    kind = max(KINDS.values(), key=lambda k: len(k.props))
    add(at, kind.kind)
    select(at, design_of(at).components[0].id)
    inputs = [*at.number_input, *at.toggle, *at.selectbox, *at.text_input]
    labels = {w.label for w in inputs}
    for name in kind.props:
        spec = PROP_SPECS[name]
        assert any(label.startswith(spec.label) for label in labels), name
        assert name not in labels
    throughput = [w for w in at.number_input if w.label == "Throughput per replica (req/s)"]
    if "qps_per_replica" in kind.props:
        assert throughput and "Requests per second" in (throughput[0].help or "")
