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


def batch(props: dict[str, object], kind: str = "feature_pipeline", budget: float | None = None) -> Design:
    req: dict[str, object] = {} if budget is None else {"budget_per_month": budget}
    return design_of([{"id": "lake", "kind": "data_lake", "props": {"storage_gb": 0}},
                      {"id": "job", "kind": kind, "props": props}],
                     [{"id": "c1", "source": "lake", "target": "job", "flow": "batch"}], requirements=req)


def job_line(design: Design):
    return {line.block: line for line in analyze(design).cost}["job"]


def test_batch_job_billed_for_the_hours_its_runs_take() -> None:
    # 200 nodes × $0.24/h × 8 h a run × (730 / 24) nightly runs = $11,680 a month, not 200 × 0.24 × 730 = $35,040
    line = job_line(batch({"replicas": 200, "cost_per_hour": 0.24, "hours_per_run": 8, "freshness_minutes": 1440}))
    assert line.billed == "runs"
    assert line.hours_per_month == pytest.approx(8 * 730 / 24)
    assert line.compute_per_month == pytest.approx(200 * 0.24 * 8 * 730 / 24)
    assert line.compute_per_month == pytest.approx(11_680)
    assert "hours_per_run" in line.note


def test_batch_hours_derived_from_items_and_throughput() -> None:
    # 1e8 items at 10 × 1,000 items/s = 2.78 h a run, daily (the kind's schedule): 10 × $0.24 × 2.78 × 30.4
    line = job_line(batch({"replicas": 10, "cost_per_hour": 0.24, "items_per_run": 1e8,
                           "items_per_sec_per_replica": 1000}, kind="batch_prediction"))
    hours = 1e8 / 10_000 / 3600
    assert line.compute_per_month == pytest.approx(10 * 0.24 * hours * 730 / 24)
    assert "items ÷ throughput" in line.note


def test_training_runs_every_retrain_period_and_overlapping_runs_are_capped() -> None:
    line = job_line(batch({"replicas": 8, "cost_per_hour": 4.1, "hours_per_run": 12, "retrain_every_hours": 168},
                          kind="training_pipeline"))
    assert line.compute_per_month == pytest.approx(8 * 4.1 * 12 * 730 / 168)
    overlap = job_line(batch({"replicas": 1, "cost_per_hour": 1.0, "hours_per_run": 30, "freshness_minutes": 1440}))
    assert overlap.hours_per_month == pytest.approx(730) and "overlap" in overlap.note


def test_batch_job_without_hours_is_billed_24_7_and_says_so() -> None:
    line = job_line(batch({"replicas": 200, "cost_per_hour": 0.24}))
    assert line.billed == "hours" and line.compute_per_month == pytest.approx(200 * 0.24 * 730)
    assert line.note == "billed 24/7: declare hours_per_run"


def test_budget_check_uses_the_billed_hours() -> None:
    from mlsd.rules import load_rules
    from mlsd.rules.context import Context
    from mlsd.rules.engine import REGISTRY, run_rule

    load_rules()
    nightly = {"replicas": 200, "cost_per_hour": 0.24, "freshness_minutes": 1440}
    assert run_rule(REGISTRY["CAP-8"], Context(batch(nightly, budget=20_000))).status == "failed"  # $35,040
    nightly["hours_per_run"] = 8
    assert run_rule(REGISTRY["CAP-8"], Context(batch(nightly, budget=20_000))).status == "passed"  # $11,680


def served(store: dict[str, object], peak: float = 1000) -> Design:
    return design_of([{"id": "app", "kind": "client"},
                      {"id": "kv", "kind": "kv_store", "props": store}],
                     [{"id": "e", "source": "app", "target": "kv", "flow": "request"}],
                     requirements={"peak_qps": peak})


def test_request_billed_store_costs_its_requests() -> None:
    # 1,000 req/s at peak = 500 on average × 2,628,000 s = 1.314e9 requests × $0.25 per million = $328.50
    a = analyze(served({"cost_per_million_requests": 0.25, "storage_gb": 0}))
    line = {c.block: c for c in a.cost}["kv"]
    assert line.billed == "requests"
    assert line.requests_per_month == pytest.approx(1000 / PEAK_TO_AVERAGE * SECONDS_PER_MONTH)
    assert line.compute_per_month == pytest.approx(328.5)
    # the load ramp scales request-billed lines with the load
    from mlsd.analysis.ramp import ramp
    costs = ramp(a, (1.0, 2.0)).cost_per_month
    assert costs[1] - costs[0] == pytest.approx(328.5)


def test_gpu_block_without_a_price_is_billed_as_the_cheapest_gpu() -> None:
    from mlsd.catalog.prices import CHEAPEST_GPU

    gpu = design_of([{"id": "app", "kind": "client"},
                     {"id": "rank", "kind": "dnn", "props": {"gpu": True, "replicas": 4}},
                     {"id": "own", "kind": "dnn", "props": {"gpu": True, "replicas": 4, "cost_per_hour": 0.34}}],
                    [{"id": "e", "source": "app", "target": "rank", "flow": "request"}])
    lines = {c.block: c for c in analyze(gpu).cost}
    assert CHEAPEST_GPU.usd_per_hour == 0.526  # g4dn.xlarge, one T4, us-east-1 on demand
    assert lines["rank"].compute_per_month == pytest.approx(4 * 0.526 * 730)
    assert "g4dn.xlarge" in lines["rank"].note
    assert lines["own"].compute_per_month == pytest.approx(4 * 0.34 * 730)  # the user's word stays


def test_cost_table_names_what_is_billed() -> None:
    from mlsd.analysis.cost import cost_table

    a = analyze(batch({"replicas": 200, "cost_per_hour": 0.24, "hours_per_run": 8, "freshness_minutes": 1440}))
    (first, *_) = cost_table(a.cost, {"job": "Graph features"})
    assert first.startswith("Graph features: $11,680/month = 200 × $0.24/h × 243 h (runs)")


def test_a_job_run_at_least_hourly_is_billed_as_running_continuously():
    from mlsd.analysis import analyze
    from tests.conftest import design_of

    def line(every: float) -> str:
        design = design_of([{"id": "train", "kind": "training_pipeline",
                             "props": {"retrain_every_hours": every, "cost_per_hour": 1.0, "replicas": 2}}])
        (cost,) = [c for c in analyze(design).cost if c.block == "train"]
        assert cost.compute_per_month == pytest.approx(2 * 1.0 * 730)  # no hours declared: billed all month
        return cost.note

    assert line(0.25).startswith("runs continuously (every 15 min")
    assert line(24) == "billed 24/7: declare hours_per_run"


def _kv_line(**props: object):
    design = design_of([{"id": "app", "kind": "client"}, {"id": "svc", "kind": "online_inference"},
                        {"id": "kv", "kind": "kv_store", "props": {"managed": True, **props}}],
                       [{"id": "a", "source": "app", "target": "svc"}, {"id": "b", "source": "svc", "target": "kv"}],
                       requirements={"peak_qps": 1000})
    return {line.block: line for line in analyze(design).cost}["kv"]


def test_a_managed_store_without_a_price_is_billed_for_its_load():
    line = _kv_line()
    requests = 1000 / PEAK_TO_AVERAGE * SECONDS_PER_MONTH  # 1,000 reads/s at peak, half of it on average
    assert line.billed == "requests" and line.requests_per_month == pytest.approx(requests)
    assert line.compute_per_month == pytest.approx(requests * 0.125 / 1e6)  # DynamoDB on-demand reads
    assert "managed: billed per request at DynamoDB on-demand reads" in line.note


def test_a_managed_store_with_its_own_price_or_provisioned_capacity_keeps_it():
    assert _kv_line(cost_per_hour=2.0).billed == "hours"
    provisioned = _kv_line(qps_per_replica=5000, replicas=2)
    assert provisioned.billed == "hours" and provisioned.replicas == 2
    declared = _kv_line(cost_per_million_requests=0.25)
    assert declared.price_per_million == 0.25 and "managed: billed" not in declared.note
