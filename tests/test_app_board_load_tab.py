"""The Board's "Load & failures" tab (AppTest through app.py): the p99 ramp with the SLA and the knee, utilisation
per tier, cost at each load and the single-failure what-ifs worst first; computed only when shown; what it says
without a peak or without blocks; hostile labels shown as text. The simulation is the fake ``fake_sim``
(tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.board.load import simulation as sim_ui
from components.board.load.view import NO_PEAK, load_numbers
from mlsd import edit
from mlsd.analysis import analyze
from mlsd.io import dumps, load_file
from tests.board_apptest import (
    LOAD_TAB,
    bottom,
    chart,
    design_of,
    ok,
    open_board,
    open_load_tab,
    shapes,
    shown_texts,
    specs,
    start_from,
    title_of,
)
from tests.fake_simulation import FakeSimulate
from tests.load_samples import TEMPLATE


def test_the_load_views_appear_for_a_template_with_a_peak(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          fake_sim: FakeSimulate) -> None:
    at = open_load_tab(monkeypatch, tmp_path)
    d = design_of(at)
    numbers = load_numbers(d, analyze(d))
    assert numbers.ramp is not None and numbers.ramp.paths
    texts = shown_texts(at)
    assert any("queueing model (M/G/c per tier)" in t for t in texts)  # the model is named
    assert any("the knee" in t and "First to saturate" in t for t in texts)
    ramp_spec = chart(at, "p99 against load")
    assert shapes(ramp_spec, "sla") and shapes(ramp_spec, "sla")[0]["y0"] == d.requirements.sla_p99_ms
    assert chart(at, "Utilisation per tier at peak")
    assert chart(at, "Monthly cost at each load")
    failures = len(numbers.failures)
    assert any(f"of {failures} single failures" in t for t in texts)
    [table] = [df.value for df in at.dataframe if "Outcome" in df.value.columns]
    assert len(table) == failures
    order = {"failing": 0, "degraded": 1, "kept": 2}
    assert list(table["Outcome"]) == sorted(table["Outcome"], key=order.__getitem__)  # worst first
    assert set(table["Outcome"]) <= set(order)  # the state is written out, not only coloured
    assert at.button(key=sim_ui.RUN_KEY)  # the simulation waits for its button
    assert fake_sim.calls == []


def test_the_ramp_is_computed_only_when_its_tab_is_shown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "video_recommendations")
    reviews = at.session_state["board.review"]
    assert all("load" not in r.memo for r in reviews.values())
    bottom(at, LOAD_TAB)
    current = next(reversed(at.session_state["board.review"].values()))
    assert "load" in current.memo
    built = current.memo["load"]
    at.run()
    ok(at)
    assert next(reversed(at.session_state["board.review"].values())).memo["load"] is built  # kept per design


def test_without_a_peak_the_tab_says_where_to_set_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "designs"
    folder.mkdir()
    template = load_file(TEMPLATE)
    (folder / "no_peak.json").write_text(dumps(edit.set_requirements(template, peak_qps=None)), encoding="utf-8")
    at = open_load_tab(monkeypatch, tmp_path, folder, stem="no_peak")
    assert any(NO_PEAK in i.value for i in at.info)
    assert "peak load (requests/s)" in NO_PEAK and "Requirements" in NO_PEAK
    assert not [s for s in specs(at) if "p99 against load" in title_of(s)]
    assert not [df for df in at.dataframe if "Outcome" in df.value.columns]
    at.button(key="board.load.open_req").click().run()
    ok(at)
    assert at.session_state["board.panel"] == "Requirements"


def test_an_empty_board_says_the_numbers_come_with_blocks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    bottom(at, LOAD_TAB)
    assert any("once it has blocks" in i.value for i in at.info)


def test_hostile_labels_show_as_text_in_the_load_views(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                       fake_sim: FakeSimulate) -> None:
    evil = '<script>alert("x")</script> [link](http://x) $x$'
    folder = tmp_path / "designs"
    folder.mkdir()
    template = edit.set_label(load_file(TEMPLATE), "client", evil)
    template = edit.set_label(template, "ranker", evil + " ranker")
    (folder / "evil.json").write_text(dumps(template), encoding="utf-8")
    at = open_load_tab(monkeypatch, tmp_path, folder, stem="evil")
    at.button(key=sim_ui.RUN_KEY).click().run()
    ok(at)
    texts = shown_texts(at)
    assert any("\\<script\\>" in t for t in texts)  # shown, escaped
    assert [t for t in texts if "<script>" in t] == []
    assert all(not el.proto.allow_html for el in [*at.markdown, *at.caption])
    for spec in specs(at):
        assert "<script>" not in json.dumps(spec)
