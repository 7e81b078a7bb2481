"""Monthly cost: per block, against the budget, per 1,000 predictions."""

from __future__ import annotations

import pytest

from mlsd.analysis import analyze
from mlsd.analysis.cost import PEAK_TO_AVERAGE, SECONDS_PER_MONTH, per_thousand
from mlsd.model import Design
from tests.conftest import design_of


def priced(budget: float | None = None, peak: float | None = 1000) -> Design:
    req: dict[str, object] = {"peak_qps": peak} if peak is not None else {}
    if budget is not None:
        req["budget_per_month"] = budget
    return design_of(
        [{"id": "app", "kind": "client"},
         {"id": "svc", "kind": "online_inference", "props": {"replicas": 4, "cost_per_hour": 0.5}},
         {"id": "lake", "kind": "data_lake", "props": {"storage_gb": 1000, "cost_per_gb_month": 0.02,
                                                       "replicas": 1, "cost_per_hour": 0}}],
        [{"id": "e", "source": "app", "target": "svc", "flow": "request"}],
        requirements=req,
    )


def test_cost_lines_and_total() -> None:
    a = analyze(priced())
    assert a.cost_per_month == pytest.approx(4 * 0.5 * 730 + 1000 * 0.02)


def test_budget_is_compared() -> None:
    assert analyze(priced(budget=1000)).over_budget  # $1,480 a month
    assert analyze(priced(budget=1000)).budget_per_month == 1000
    assert not analyze(priced(budget=5000)).over_budget
    assert not analyze(priced()).over_budget


def test_cost_per_thousand_predictions_uses_the_average_load() -> None:
    a = analyze(priced())
    requests = 1000 / PEAK_TO_AVERAGE * SECONDS_PER_MONTH
    assert a.cost_per_thousand == pytest.approx(a.cost_per_month / requests * 1000)
    assert analyze(priced(peak=None)).cost_per_thousand is None
    assert per_thousand(1000.0, 0) is None
