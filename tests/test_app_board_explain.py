"""The Board's "Explain & size" tab (AppTest through app.py) and the figures it draws (plain functions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.board import sizing as size_ui
from components.board.explain import path_waterfall
from mlsd.analysis import analyze
from mlsd.analysis.explain import explain_path
from mlsd.io import load_file
from tests.board_apptest import DESIGNS, bottom, click, design_of, ok, open_board, shown_texts, start_from

TAB = "Explain & size"


def test_the_waterfall_adds_up_to_the_p99_and_shows_the_sla() -> None:
    d = load_file(DESIGNS / "video_recommendations.json")
    e = explain_path(analyze(d), "client")
    fig = path_waterfall(d, e)
    ends = [b + x for trace in fig.data for b, x in zip(trace.base, trace.x, strict=True)]
    assert max(ends) == pytest.approx(e.p99_ms)
    assert {t.name for t in fig.data} >= {"service", "fan-out (shards)"}
    assert any(s.x0 == e.sla_ms for s in fig.layout.shapes)


def test_explain_popovers_size_apply_and_undo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    before = start_from(at, "card_fraud_scoring")
    bottom(at, TAB)
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert any("Where the p99 goes" in s["layout"]["title"]["text"] for s in specs)
    labels = [p.proto.popover.label for p in at.get("popover")]
    assert any("p99" in label for label in labels) and any(label.startswith("Cost: $") for label in labels)
    texts = shown_texts(at)
    assert any("severity — " in t for t in texts)  # the facts of the first finding
    click(at, size_ui.RUN_KEY)
    result, diff = next(reversed(at.session_state["board.review"].values())).memo[size_ui.MEMO_KEY]
    assert result.changes and any("props.replicas" in line for line in diff)
    assert any("Cannot be met" in w.value for w in at.warning)  # the scoring tier runs in one region only
    click(at, size_ui.APPLY_KEY)
    after = design_of(at)
    assert after == result.after and after != before
    click(at, "board.btn.undo")  # one undoable step
    assert design_of(at) == before
    ok(at)


def test_the_numbers_tab_has_a_popover_per_number_with_its_derivation(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "card_fraud_scoring")
    bottom(at, "Numbers")
    a = analyze(design_of(at))
    pops = {p.proto.popover.label: p for p in at.get("popover")}
    slowest = max(a.paths, key=lambda p: p.p99_sum_ms)
    p99 = explain_path(a, slowest.entry).p99_ms
    assert p99 is not None
    path_pop = next(p for label, p in pops.items() if label.endswith(f": p99 {p99:,.0f} ms"))
    assert any(f"**{p99:,.1f} ms**" in m.value for m in path_pop.markdown)  # the parts add up to the p99 shown
    headroom = [label for label in pops if label.endswith("headroom")]
    assert len(headroom) == len([t for t in a.capacity.values() if t.headroom is not None])
    tier = min((t for t in a.capacity.values() if t.headroom is not None), key=lambda t: t.headroom or 0.0)
    tier_pop = next(p for label, p in pops.items() if label.endswith(f"{tier.headroom:+.0%} headroom"))
    # one Markdown element per popover, a line per formula; user text is escaped for Markdown
    shown = [line for m in tier_pop.markdown for line in m.value.replace("\\", "").splitlines()]
    assert any(f"capacity: {tier.replicas} replicas" in m for m in shown)
    assert any(m.startswith("- headroom: ") and m.endswith(f" − 1 = {tier.headroom:+.0%} (required 30%: "
                                                            "requirements.headroom)") for m in shown)
    budget = a.budget_per_month
    cost_label = f"Cost: ${a.cost_per_month:,.0f}/month" + (f" of ${budget:,.0f} budget" if budget else "")
    assert any(line.startswith(f"- total: ${a.cost_per_month:,.0f}/month")
               for m in pops[cost_label].markdown for line in m.value.replace("\\", "").splitlines())
