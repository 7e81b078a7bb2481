"""The Board's "Load & failures" tab (AppTest through app.py) and the figures and texts it draws (plain functions).

The tab shows each serving path's p99 against load with the SLA and the knee, utilisation per tier at peak, the
single-failure what-ifs worst first, cost at each load, and a simulation run on demand. The simulation itself is
replaced here by a fast fake with its API (``components.board.load.simulation.simulate``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.board.load import simulation as sim_ui
from components.board.load.figures import (
    SLA_COLOR,
    cost_figure,
    knee_of,
    latency_histogram,
    ramp_figure,
    target_utilisation,
    utilisation_figure,
    wrap,
)
from components.board.load.tables import (
    count,
    human_reason,
    ranked,
    simulation_rows,
    what_if_rows,
    what_if_summary,
)
from components.board.load.view import NO_PEAK, load_numbers
from mlsd import edit
from mlsd.analysis import Analysis, analyze
from mlsd.analysis.failures import Failure, PathOutcome, TierAfter
from mlsd.analysis.ramp import PathRamp, Ramp
from mlsd.io import dumps, load_file
from mlsd.model import Design
from tests.board_apptest import (
    DESIGNS,
    bottom,
    design_of,
    ok,
    open_board,
    panel,
    shown_texts,
    start_from,
    unescape,
)
from tests.conftest import design_of as build_design

TEMPLATE = DESIGNS / "video_recommendations.json"
LOAD_TAB = "Load & failures"


def specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def title_of(spec: dict[str, Any]) -> str:
    return str(spec["layout"]["title"]["text"])


def chart(at: AppTest, title_part: str) -> dict[str, Any]:
    found = [s for s in specs(at) if title_part in title_of(s)]
    assert found, [title_of(s) for s in specs(at)]
    return found[0]


def shapes(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [s for s in spec["layout"].get("shapes", []) if s.get("name") == name]


# -- a fake simulation with the real one's API --------------------------------------------------------------


@dataclass(frozen=True)
class FakePath:
    entry: str
    requests: int
    p50_ms: float | None
    p99_ms: float | None
    p99_ci_ms: float | None
    model_p99_ms: float | None
    latencies_ms: tuple[float, ...]


@dataclass(frozen=True)
class FakeResult:
    load: float
    seed: int
    replications: int
    seconds: float
    simulated_seconds: float
    paths: tuple[FakePath, ...]
    converged: bool
    note: str


NOTE = "Poisson arrivals; every tier FCFS; no retries or timeouts."


class FakeSimulate:
    """Records its calls; reports progress as the real one does; answers at once."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, analysis: Analysis, load: float = 1.0, seed: int = 0, *, target_ci: float = 0.05,
                 time_budget_s: float = 15.0, progress: Any = None) -> FakeResult:
        self.calls.append({"load": load, "seed": seed, "time_budget_s": time_budget_s})
        for step in (0.0, 0.5, 1.0):
            if progress is not None:
                progress(step, f"replication {int(step * 4)} of 4")
        paths = tuple(
            FakePath(p.entry, 12_000, 40.0, 80.0, 2.5, p.p99_ms, tuple(float(10 + i % 90) for i in range(2_000)))
            for p in analysis.paths)
        return FakeResult(load, seed, 4, 0.2, 60.0, paths, True, NOTE)


@pytest.fixture
def fake_sim(monkeypatch: pytest.MonkeyPatch) -> FakeSimulate:
    fake = FakeSimulate()
    monkeypatch.setattr(sim_ui, "simulate", fake)
    return fake


# -- the tab on the board -----------------------------------------------------------------------------------


def open_load_tab(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, designs: Path | None = None,
                  stem: str = "video_recommendations") -> AppTest:
    at = open_board(monkeypatch, tmp_path, designs)
    start_from(at, stem)
    bottom(at, LOAD_TAB)
    return at


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


def test_the_simulation_runs_on_demand_and_is_kept_until_the_design_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_sim: FakeSimulate
) -> None:
    at = open_load_tab(monkeypatch, tmp_path)
    assert any("No simulation run" in t for t in shown_texts(at))
    at.button(key=sim_ui.RUN_KEY).click().run()
    ok(at)
    assert fake_sim.calls == [{"load": 1.0, "seed": 0, "time_budget_s": sim_ui.TIME_BUDGET_S}]
    [table] = [df.value for df in at.dataframe if "Simulated p99 (ms)" in df.value.columns]
    d = design_of(at)
    model = analyze(d).paths[0].p99_ms
    assert list(table["Simulated p99 (ms)"]) == [80.0] and list(table["± 95% CI (ms)"]) == [2.5]
    assert table["Model p99 (ms)"][0] == pytest.approx(model, abs=0.05)
    hist = chart(at, "Simulated latencies")
    assert [s["x0"] for s in shapes(hist, "simulated p99")] == [80.0]
    assert [round(s["x0"], 1) for s in shapes(hist, "model p99")] == [round(model or 0, 1)]
    assert any(NOTE in unescape(i.value) for i in at.info)  # what the simulation simplifies
    at.run()  # a rerun keeps the result without simulating again
    ok(at)
    assert len(fake_sim.calls) == 1 and [df for df in at.dataframe if "Simulated p99 (ms)" in df.value.columns]
    panel(at, "Requirements")  # change the design: the result belonged to the design before
    sla = next(n for n in at.number_input if n.label.startswith("p99 latency SLA"))
    sla.set_value(150.0).run()
    ok(at)
    assert not [df for df in at.dataframe if "Simulated p99 (ms)" in df.value.columns]
    assert any("No simulation run" in t for t in shown_texts(at))
    at.button(key="board.btn.undo").click().run()  # back to that design: its result is back
    ok(at)
    assert [df for df in at.dataframe if "Simulated p99 (ms)" in df.value.columns]


def test_the_chosen_load_is_simulated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                      fake_sim: FakeSimulate) -> None:
    at = open_load_tab(monkeypatch, tmp_path)
    at.select_slider(key=sim_ui.LOAD_KEY).set_value(1.5).run()
    at.button(key=sim_ui.RUN_KEY).click().run()
    ok(at)
    assert fake_sim.calls[-1]["load"] == 1.5
    assert any("at 1.5× peak" in m.value for m in at.markdown)


def test_a_path_saturated_in_the_simulation_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def saturated(analysis: Analysis, load: float = 1.0, seed: int = 0, **kwargs: Any) -> FakeResult:
        paths = tuple(FakePath(p.entry, 0, None, None, None, None, ()) for p in analysis.paths)
        return FakeResult(load, seed, 1, 0.1, 10.0, paths, True, NOTE)

    monkeypatch.setattr(sim_ui, "simulate", saturated)
    at = open_load_tab(monkeypatch, tmp_path)
    at.select_slider(key=sim_ui.LOAD_KEY).set_value(3.0).run()
    at.button(key=sim_ui.RUN_KEY).click().run()
    ok(at)
    assert any("is saturated at 3× peak" in unescape(w.value) for w in at.warning)
    assert not [s for s in specs(at) if "Simulated latencies" in title_of(s)]


def test_a_failing_simulation_is_shown_not_raised(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ciw exploded")

    monkeypatch.setattr(sim_ui, "simulate", broken)
    at = open_load_tab(monkeypatch, tmp_path)
    at.button(key=sim_ui.RUN_KEY).click().run()
    ok(at)
    assert any("ciw exploded" in e.value for e in at.error)


def test_without_the_simulation_module_the_section_says_so(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setattr(sim_ui, "simulate", None)
    at = open_load_tab(monkeypatch, tmp_path)
    assert any("not available" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == sim_ui.RUN_KEY]


# -- the figures, read as data ------------------------------------------------------------------------------


LOADS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)


def a_ramp(p99: tuple[float | None, ...] = (50.0, 60.0, 90.0, 250.0, None, None), sla: float | None = 200.0,
           knee: float | None = 1.9, saturation: float | None = 2.2, budget_costs: tuple[float, ...] = ()
           ) -> Ramp:
    path = PathRamp(entry="client", peak_qps=1000.0, p99_ms=p99, sla_ms=sla, knee_load=knee, knee_below_ramp=False,
                    first_saturated="ranker" if saturation else None, saturation_load=saturation)
    return Ramp(loads=LOADS, paths=(path,), tiers=(), cost_per_month=budget_costs or (100.0,) * len(LOADS))


def tiny_design(**requirements: Any) -> Design:
    return build_design([{"id": "client", "kind": "client", "label": "Mobile <b>app</b>"},
                  {"id": "ranker", "kind": "online_inference", "label": "Ranker"}],
                 [{"id": "c1", "source": "client", "target": "ranker", "flow": "request"}],
                 requirements={"sla_p99_ms": 200, "peak_qps": 1000, **requirements})


def test_ramp_figure_draws_the_sla_the_knee_and_saturated_loads_as_such() -> None:
    fig = ramp_figure(tiny_design(), a_ramp()).to_plotly_json()
    path = next(t for t in fig["data"] if t.get("meta") == "client")
    assert list(path["y"]) == [50.0, 60.0, 90.0, 250.0, None, None]  # no number where the queue has no bound
    assert path["connectgaps"] is False
    assert path["name"] == "Mobile &lt;b&gt;app&lt;/b&gt;"  # user text shown as text
    assert list(path["customdata"]) == [500.0, 1000.0, 1500.0, 2000.0, 2500.0, 3000.0]  # req/s on hover
    assert "req/s" in path["hovertemplate"]
    saturated = next(t for t in fig["data"] if t["name"].startswith("saturated"))
    assert list(saturated["x"]) == [2.5, 3.0]
    knee = next(t for t in fig["data"] if t["name"].startswith("knee"))
    assert list(knee["x"]) == [1.9] and list(knee["y"]) == [200.0] and list(knee["text"]) == ["knee 1.9×"]
    sla = [s for s in fig["layout"]["shapes"] if s["name"] == "sla"]
    assert len(sla) == 1 and sla[0]["y0"] == sla[0]["y1"] == 200.0 and sla[0]["line"]["color"] == SLA_COLOR
    notes = " ".join(a["text"] for a in fig["layout"]["annotations"])
    assert "SLA 200 ms" in notes and "Ranker<br>saturates at 2.2×" in notes
    assert [s["x0"] for s in fig["layout"]["shapes"] if s["name"] == "knee"] == [1.9]
    assert "queueing model (M/G/c per tier)" in fig["layout"]["title"]["text"]


def test_the_knee_is_never_past_the_load_where_the_path_saturates() -> None:
    ramp = a_ramp(knee=2.3, saturation=2.2)
    assert knee_of(ramp.paths[0]) == 2.2
    fig = ramp_figure(tiny_design(), ramp).to_plotly_json()
    assert list(next(t for t in fig["data"] if t["name"].startswith("knee"))["x"]) == [2.2]


def test_ramp_figure_without_an_sla_has_no_sla_line_and_without_paths_no_figure() -> None:
    fig = ramp_figure(tiny_design(), a_ramp(p99=(5.0, 5.0, 5.0, 5.0, 5.0, 5.0), sla=None, knee=None,
                                            saturation=None)).to_plotly_json()
    assert not [s for s in fig["layout"]["shapes"] if s["name"] == "sla"]
    assert not [t for t in fig["data"] if t["name"].startswith(("knee", "saturated"))]
    assert ramp_figure(tiny_design(), Ramp(LOADS, (), (), (0.0,) * len(LOADS))) is None


def test_utilisation_figure_marks_100_percent_the_target_and_saturated_tiers() -> None:
    d = load_file(TEMPLATE)
    hot = edit.set_prop(d, "ranker", "replicas", 10)
    hot = edit.set_prop(hot, "ranker", "autoscaling", False)
    analysis = analyze(hot)
    fig = utilisation_figure(hot, analysis)
    assert fig is not None
    spec = fig.to_plotly_json()
    assert [s["x0"] for s in spec["layout"]["shapes"] if s["name"] == "capacity"] == [100]
    target = target_utilisation(d.requirements.headroom) * 100
    assert [s["x0"] for s in spec["layout"]["shapes"] if s["name"] == "target"] == [pytest.approx(target)]
    bars, values = spec["data"]
    saturated = [i for i, t in enumerate(values["text"]) if "saturated" in t]
    assert saturated and all(bars["marker"]["pattern"]["shape"][i] == "/" for i in saturated)  # not colour alone
    assert all(x <= 150 for x in bars["x"])


def test_cost_figure_draws_the_budget_only_when_there_is_one() -> None:
    ramp = a_ramp(budget_costs=(100.0, 100.0, 150.0, 200.0, 250.0, 300.0))
    with_budget = cost_figure(ramp, 180.0)
    assert with_budget is not None
    budget = [s for s in with_budget.to_plotly_json()["layout"]["shapes"] if s["name"] == "budget"]
    assert budget and budget[0]["y0"] == 180.0
    without = cost_figure(ramp, None)
    assert without is not None and not [s for s in without.to_plotly_json()["layout"]["shapes"]
                                        if s["name"] == "budget"]
    assert cost_figure(replace(ramp, cost_per_month=(0.0,) * len(LOADS)), None) is None


def test_latency_histogram_marks_both_p99s_and_the_ci() -> None:
    fig = latency_histogram("x", [float(i % 100) for i in range(5000)], 98.0, 1.5, 95.0, 200.0)
    assert fig is not None
    spec = fig.to_plotly_json()
    named = {s["name"]: s for s in spec["layout"]["shapes"]}
    assert named["simulated p99"]["x0"] == 98.0 and named["model p99"]["x0"] == 95.0
    assert (named["ci"]["x0"], named["ci"]["x1"]) == (96.5, 99.5)
    assert sum(spec["data"][0]["y"]) == 5000
    assert latency_histogram("x", [], None, None, None, None) is None


def test_long_labels_wrap_instead_of_being_cut() -> None:
    assert wrap("Online feature store (user & video)") == "Online feature store<br>(user &amp; video)"
    assert wrap("short") == "short"


# -- texts and the what-if table ----------------------------------------------------------------------------


TITLES = {"ranker": "Ranking DNN", "popular": "Popular fallback", "gw": "API gateway"}


def test_reasons_name_blocks_by_their_titles() -> None:
    def out(cause: str | None, kind: str, by: str | None = None, busy: float | None = None,
            reason: str = "") -> PathOutcome:
        return PathOutcome("client", "failing", None, False, reason, cause, kind, by, busy)  # type: ignore[arg-type]

    assert human_reason(TITLES, out("ranker", "answered", "popular")) == "Ranking DNN is down; Popular fallback answers"
    assert human_reason(TITLES, out("ranker", "answered", "popular"), lost="ranker") == \
        "Popular fallback answers in its place"
    assert human_reason(TITLES, out("ranker", "answered")) == "Ranking DNN is down; its own fallback answers"
    by_caller = PathOutcome("client", "degraded", None, False, "", "ranker", "answered", "gw", callers_fallback=True)
    assert human_reason(TITLES, by_caller) == "Ranking DNN is down; the fallback of API gateway answers"
    assert human_reason(TITLES, out("gw", "down"), lost="gw") == "nothing answers in its place"
    assert human_reason(TITLES, out("ranker", "overloaded", busy=1.04)) == "Ranking DNN overloaded at 104%"
    assert human_reason(TITLES, out(None, "", reason="something else entirely")) == "something else entirely"


def failure(kind: str, target: str, state: str, p99: float | None, over: bool = False, reason: str = "") -> Failure:
    return Failure(kind, target, (), (TierAfter(target, 3, 2, 0.5, 0.75),),  # type: ignore[arg-type]
                   (PathOutcome("client", state, p99, over, reason),))  # type: ignore[arg-type]


def test_the_what_if_table_puts_the_worst_first_and_counts_right() -> None:
    fs = [failure("replica", "ranker", "kept", 60.0), failure("block", "gw", "failing", None, True,
                                                             "gw is down and nothing answers in its place"),
          failure("block", "ranker", "degraded", 70.0, False, "ranker is down; popular answers"),
          failure("replica", "popular", "kept", 250.0, True)]
    order = ranked(fs)
    assert [f.target for f in order] == ["gw", "ranker", "popular", "ranker"]
    rows = what_if_rows(tiny_design(), order)
    assert [r["Outcome"] for r in rows] == ["failing", "degraded", "kept", "kept"]
    assert rows[0]["SLA"] == "no answer" and rows[0]["p99 after (ms)"] is None
    assert rows[2]["SLA"] == "over" and "over the SLA" in rows[2]["Why"]
    assert rows[3]["Why"] == "2 of 3 replicas left; every block still runs"
    assert what_if_summary(fs) == ("**1 of 4 single failures** breaks a serving path (failing); 1 more degrades one "
                                   "(a fallback answers); 2 leave every path running, 1 of them over the SLA.")
    assert what_if_summary(fs[:1]) == "**0 of 1 single failure** break a serving path (failing); 1 leaves every " \
        "path running."
    assert what_if_summary([]).startswith("No single failure")
    assert what_if_summary(fs[1:2] * 3) == "**All 3 single failures** break a serving path (failing)."
    assert what_if_summary(fs[1:2]) == "**The only single failure** breaks a serving path (failing)."
    assert count(1, "replica") == "1 replica" and count(2, "replica") == "2 replicas"


def test_simulation_rows_sit_beside_the_model() -> None:
    path = FakePath("client", 10_000, 40.0, 80.0, 2.5, 64.0, ())
    result = FakeResult(1.0, 0, 3, 1.0, 30.0, (path,), True, NOTE)
    [row] = simulation_rows(tiny_design(), result)
    assert row["Path"] == "Mobile <b>app</b>"  # tables show text as text
    assert row["Simulated p99 (ms)"] == 80.0 and row["± 95% CI (ms)"] == 2.5
    assert row["Difference"] == "+25%" and row["Model p99 (ms)"] == 64.0


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


def test_a_path_over_the_sla_from_the_lowest_load_has_no_knee_mark() -> None:
    ramp = Ramp(LOADS, (replace(a_ramp().paths[0], p99_ms=(None,) * len(LOADS), knee_load=0.5, knee_below_ramp=True,
                                saturation_load=0.01),), (), (1.0,) * len(LOADS))
    fig = ramp_figure(tiny_design(), ramp).to_plotly_json()
    assert not [t for t in fig["data"] if t["name"].startswith("knee")]
    assert list(next(t for t in fig["data"] if t["name"].startswith("saturated"))["x"]) == list(LOADS)


def test_the_view_names_the_numbers_taken_from_kind_defaults() -> None:
    from components.board.load.tables import kind_default_line

    design = build_design(
        [{"id": "app", "kind": "client"},
         {"id": "svc", "kind": "online_inference", "label": "Scorer <b>x</b>", "props": {"replicas": 2}}],
        [{"id": "e", "source": "app", "target": "svc", "flow": "request"}],
        requirements={"peak_qps": 100},
    )
    line = kind_default_line(design, analyze(design))
    assert line is not None and "Scorer" in line and "<b>" not in line
    assert "p99" in line and "throughput per replica" in line and "replicas" not in line.split("Scorer")[1]
