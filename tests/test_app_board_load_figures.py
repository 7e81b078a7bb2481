"""The load tab's figures (components.board.load.figures), read as data: the p99 ramp with the SLA, the knee and
saturated loads, utilisation per tier, cost with the budget, the simulated latency histogram, wrapped labels."""

from __future__ import annotations

from dataclasses import replace

import pytest

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
from mlsd import edit
from mlsd.analysis import analyze
from mlsd.analysis.ramp import Ramp
from mlsd.io import load_file
from tests.load_samples import LOADS, TEMPLATE, a_ramp, tiny_design


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


def test_a_path_over_the_sla_from_the_lowest_load_has_no_knee_mark() -> None:
    ramp = Ramp(LOADS, (replace(a_ramp().paths[0], p99_ms=(None,) * len(LOADS), knee_load=0.5, knee_below_ramp=True,
                                saturation_load=0.01),), (), (1.0,) * len(LOADS))
    fig = ramp_figure(tiny_design(), ramp).to_plotly_json()
    assert not [t for t in fig["data"] if t["name"].startswith("knee")]
    assert list(next(t for t in fig["data"] if t["name"].startswith("saturated"))["x"]) == list(LOADS)
