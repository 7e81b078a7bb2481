"""Numbers that respond to load: queueing per tier, saturation, work per request, batching, shards, hedging,
autoscaling and kind defaults, on small designs whose expected values are computed independently here."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from mlsd.analysis import analysis_to_dict, analyze
from mlsd.analysis.distributions import lognormal_fit, slowest_of_quantile, sojourn_quantile
from mlsd.analysis.queueing import erlang_c_one
from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import run_rule
from tests.conftest import design_of

all_rules()


def tier_design(peak: float, replicas: int = 2, per: float = 50.0, p99: float = 30.0, p50: float | None = None,
                sla: float = 60.0, **props: object) -> Design:
    """The issue's example: a client calling one tier of ``replicas`` × ``per`` req/s."""
    own: dict[str, object] = {"replicas": replicas, "qps_per_replica": per, "p99_ms": p99, **props}
    if p50 is not None:
        own["p50_ms"] = p50
    return design_of(
        [{"id": "app", "kind": "client"}, {"id": "svc", "kind": "online_inference", "label": "Scorer", "props": own}],
        [{"id": "e", "source": "app", "target": "svc", "flow": "request"}],
        requirements={"sla_p99_ms": sla, "peak_qps": peak},
    )


def test_two_replicas_at_75_percent_queue_and_break_a_60_ms_sla() -> None:
    """The issue's example: 2 replicas at 75% utilisation, p99 30 ms at light load, against a 60 ms SLA."""
    a = analyze(tier_design(peak=75))
    t = a.capacity["svc"]
    assert t.utilisation == pytest.approx(0.75)
    assert t.servers == 2  # 50 req/s × 11 ms mean service: one request at a time per replica (Little)
    assert t.p_wait == pytest.approx(0.6429, abs=1e-4)  # Erlang C, c = 2, rho = 0.75
    (path,) = a.paths
    assert path.light_p99_ms == pytest.approx(30, rel=0.05)
    # the exact p99 of wait + service for this tier (no sampling), against the sampled path p99
    mu, sigma = lognormal_fit(10.0, 30.0)
    theta = (100 - 75) / ((1 + math.expm1(sigma**2)) / 2) / 1000  # Allen–Cunneen rate, 1/ms
    exact = sojourn_quantile(0.99, mu, sigma, erlang_c_one(2, 1.5), theta)
    assert 100 < exact < 130
    assert path.p99_ms == pytest.approx(exact, rel=0.05)
    assert path.over_sla
    result = run_rule(REGISTRY["LAT-1"], Context(tier_design(peak=75)))
    assert result.status == "failed"
    assert "queueing adds the rest" in result.findings[0].message and "75%" in result.findings[0].message


def test_p99_grows_with_load_and_light_load_keeps_the_users_word() -> None:
    p99s = []
    for peak in (5, 25, 50, 75, 90, 97):
        (path,) = analyze(tier_design(peak=peak)).paths
        assert path.light_p99_ms == pytest.approx(30, rel=0.05)
        assert path.p99_ms is not None
        p99s.append(path.p99_ms)
    assert p99s == sorted(p99s)
    assert p99s[0] == pytest.approx(30, rel=0.05) and p99s[-1] > 5 * p99s[0]


def test_a_saturated_tier_is_reported_as_such_never_as_infinity() -> None:
    a = analyze(tier_design(peak=120))
    t = a.capacity["svc"]
    (path,) = a.paths
    assert t.saturated and t.utilisation == pytest.approx(1.2)
    assert path.p99_ms is None and path.saturated == ("svc",) and path.over_sla
    data = json.loads(json.dumps(analysis_to_dict(a), allow_nan=False))
    assert data["paths"][0]["p99_ms"] is None and data["paths"][0]["saturated"] is True
    tier = next(c for c in data["capacity"] if c["block"] == "svc")
    assert tier["saturated"] is True and tier["wait_p99_ms"] is None
    # one cause, one finding: CAP-1 reports the overload, LAT-1 does not repeat it
    ctx = Context(tier_design(peak=120))
    assert run_rule(REGISTRY["LAT-1"], ctx).status == "passed"
    assert run_rule(REGISTRY["CAP-1"], ctx).status == "failed"


def ranker_design(items: int, gpu: bool = False, per: float | None = None, **props: object) -> Design:
    own: dict[str, object] = {"items_scored": items, "gpu": gpu, "replicas": 10, "p50_ms": 15, "p99_ms": 40, **props}
    if per is not None:
        own["qps_per_replica"] = per
    return design_of(
        [{"id": "app", "kind": "client"}, {"id": "rank", "kind": "dnn", "label": "DNN ranker", "props": own}],
        [{"id": "e", "source": "app", "target": "rank", "flow": "request"}],
        requirements={"sla_p99_ms": 200, "peak_qps": 100, "corpus_size": 100_000_000},
    )


def test_work_per_item_bounds_throughput_and_stretches_latency() -> None:
    small = analyze(ranker_design(500)).capacity["rank"]
    assert small.qps_per_replica == pytest.approx(300)  # the kind's 300 req/s: 500 × 0.0066 ms fits in it
    tenfold = analyze(ranker_design(5_000)).capacity["rank"]
    assert tenfold.qps_per_replica == pytest.approx(1000 / (5_000 * 0.0066))  # 29.9 req/s: the work decides
    assert tenfold.declared_qps_per_replica == pytest.approx(300)
    # 5,000 items take 33.5 ms of a replica, more than the declared 16 ms mean: latency stretched by that ratio
    assert tenfold.light_p99_ms > 60
    corpus = analyze(ranker_design(100_000_000))
    assert corpus.paths[0].p99_ms is None  # saturated
    assert corpus.capacity["rank"].saturated  # 100 req/s against 10 × 0.0015 req/s
    assert corpus.capacity["rank"].light_p99_ms > 1_000_000  # 660,000 ms of work per request


def test_a_gpu_block_of_a_cpu_kind_takes_the_gpu_cost_per_item() -> None:
    cpu = analyze(ranker_design(1_000, per=500)).capacity["rank"]
    gpu = analyze(ranker_design(1_000, gpu=True, per=500)).capacity["rank"]
    assert cpu.qps_per_replica == pytest.approx(1000 / (1_000 * 0.0066))
    assert gpu.qps_per_replica == pytest.approx(500)  # 1,000 × 0.002 ms = 2 ms: 500 req/s, as declared
    own = analyze(ranker_design(1_000, per=500, ms_per_item=0.001)).capacity["rank"]
    assert own.qps_per_replica == pytest.approx(500)  # the user's own figure wins


def test_dynamic_batching_waits_for_the_batch_at_light_load_and_less_at_peak() -> None:
    def batching(peak: float) -> Design:
        return tier_design(peak=peak, replicas=1, per=20_000, p99=20, p50=10, sla=200, batch_size=32,
                           max_batch_wait_ms=8)

    plain = analyze(tier_design(peak=1, replicas=1, per=20_000, p99=20, p50=10, sla=200)).paths[0]
    light = analyze(batching(1)).paths[0]
    # light load: a request waits up to the whole 8 ms window, spread evenly: p99 of lognormal(10, 20) + U(0, 8)
    rng = np.random.default_rng(1)
    mu, sigma = lognormal_fit(10, 20)
    expected = float(np.quantile(np.exp(mu + sigma * rng.standard_normal(400_000)) + 8 * rng.random(400_000), 0.99))
    assert plain.light_p99_ms == pytest.approx(20, rel=0.05)
    assert light.light_p99_ms == pytest.approx(expected, rel=0.05)
    # at 8,000 req/s the 31 further requests of a batch arrive in 3.9 ms: the batch closes before the window
    busy = analyze(batching(8_000)).paths[0]
    assert busy.p99_ms is not None and plain.light_p99_ms < busy.p99_ms < light.light_p99_ms


def test_shards_pay_the_slowest_of_n_and_hedging_cuts_it() -> None:
    def sharded(**props: object) -> Design:
        return design_of(
            [{"id": "app", "kind": "client"},
             {"id": "ann", "kind": "vector_index", "props": {"p50_ms": 4, "p99_ms": 12, "shards": 40, **props}}],
            [{"id": "e", "source": "app", "target": "ann", "flow": "request"}],
        )

    mu, sigma = lognormal_fit(4, 12)
    expected = slowest_of_quantile(mu, sigma, 40, 0.99)
    assert expected == pytest.approx(21, abs=1)  # the senior review's 12 → 21 ms for 40 shards
    (path,) = analyze(sharded()).paths
    assert path.light_p99_ms == pytest.approx(expected, rel=0.05)
    (hedged,) = analyze(sharded(hedged_requests=True)).paths
    assert hedged.light_p99_ms < 0.8 * path.light_p99_ms


def test_shards_multiply_cost_and_each_shard_sees_every_request() -> None:
    d = design_of(
        [{"id": "app", "kind": "client"},
         {"id": "ann", "kind": "vector_index", "props": {"replicas": 3, "shards": 10, "cost_per_hour": 1.0,
                                                         "qps_per_replica": 1000, "storage_gb": 0}}],
        [{"id": "e", "source": "app", "target": "ann", "flow": "request"}],
        requirements={"peak_qps": 2400},
    )
    a = analyze(d)
    assert {c.block: c.compute_per_month for c in a.cost}["ann"] == pytest.approx(3 * 10 * 1.0 * 730)
    assert a.capacity["ann"].utilisation == pytest.approx(2400 / 3000)


def test_managed_services_and_clients_are_not_queues() -> None:
    d = design_of(
        [{"id": "app", "kind": "client"},
         {"id": "kv", "kind": "kv_store", "props": {"managed": True, "qps_per_replica": 100, "replicas": 1}}],
        [{"id": "e", "source": "app", "target": "kv", "flow": "request"}],
        requirements={"peak_qps": 10_000},
    )
    cap = analyze(d).capacity
    assert not cap["kv"].queued and cap["kv"].utilisation is None and not cap["kv"].saturated
    assert not cap["app"].queued


def test_autoscaling_runs_what_the_load_needs_within_its_bounds() -> None:
    # issue 18: max_replicas counts only with a stated scale-up within 10 minutes (see the next test)
    scaling = {"autoscaling": True, "max_replicas": 40, "scale_up_minutes": 5}
    within = analyze(tier_design(peak=500, replicas=2, **scaling)).capacity["svc"]
    assert within.replicas == math.ceil(500 * 1.3 / 50)  # 13: keeps the 30% headroom
    capped = analyze(tier_design(peak=5_000, replicas=2, **scaling)).capacity["svc"]
    assert capped.replicas == 40 and capped.saturated
    assert capped.saturation_load == pytest.approx(40 * 50 / 5_000)


def test_autoscaling_without_a_stated_or_with_a_slow_scale_up_runs_its_floor() -> None:
    for extra in ({}, {"scale_up_minutes": 25}):
        t = analyze(tier_design(peak=500, replicas=2, autoscaling=True, max_replicas=40, **extra)).capacity["svc"]
        assert t.replicas == 2 and t.reach_replicas == 2 and t.max_replicas == 40
        assert t.saturated and t.headroom == pytest.approx(2 * 50 / 500 - 1)  # -80%, the table and CAP-1 agree
        assert t.reach_capacity_qps == pytest.approx(100)


def test_kind_defaults_are_named() -> None:
    d = design_of(
        [{"id": "app", "kind": "client"}, {"id": "svc", "kind": "online_inference", "props": {"replicas": 2}}],
        [{"id": "e", "source": "app", "target": "svc", "flow": "request"}],
        requirements={"peak_qps": 10},
    )
    svc = analyze(d).capacity["svc"]
    assert set(svc.kind_defaults) >= {"p99_ms", "p50_ms", "qps_per_replica"} and "replicas" not in svc.kind_defaults


@pytest.mark.parametrize("peak", [0.0, 1e-9, 99.999, 100.0, 1e9])
def test_edge_loads_never_give_nan_or_infinity(peak: float) -> None:
    data = analysis_to_dict(analyze(tier_design(peak=peak)))
    json.dumps(data, allow_nan=False)  # raises on NaN or infinity


def test_zero_throughput_is_no_queue_and_says_so() -> None:
    a = analyze(tier_design(peak=100, per=0))
    t = a.capacity["svc"]
    assert not t.queued and t.qps_per_replica is None and t.utilisation is None
    assert a.paths[0].p99_ms == pytest.approx(30, rel=0.05)


def test_a_block_called_from_two_places_takes_two_independent_times() -> None:
    """app -> a -> (x, b), b -> x: x is called twice per request, each call its own draw (not the same one)."""
    lat = {"a": (5, 15), "b": (5, 15), "x": (20, 60)}
    d = design_of(
        [{"id": "app", "kind": "client"},
         *[{"id": b, "kind": "online_inference", "props": {"p50_ms": p50, "p99_ms": p99, "qps_per_replica": 0}}
           for b, (p50, p99) in lat.items()]],
        [{"id": f"{s}-{t}", "source": s, "target": t, "flow": "request"}
         for s, t in (("app", "a"), ("a", "x"), ("a", "b"), ("b", "x"))],
    )
    rng = np.random.default_rng(3)

    def draw(block: str) -> np.ndarray:
        mu, sigma = lognormal_fit(*lat[block])
        return np.exp(mu + sigma * rng.standard_normal(1_000_000))

    independent = float(np.quantile(draw("a") + draw("x") + draw("b") + draw("x"), 0.99))
    (path,) = analyze(d).paths
    assert path.light_p99_ms == pytest.approx(independent, rel=0.04)


def test_hedging_applies_to_an_unsharded_block_too() -> None:
    def index(**props: object) -> Design:
        return design_of(
            [{"id": "app", "kind": "client"},
             {"id": "ann", "kind": "vector_index", "props": {"p50_ms": 4, "p99_ms": 12, "qps_per_replica": 0,
                                                             **props}}],
            [{"id": "e", "source": "app", "target": "ann", "flow": "request"}],
        )

    # min(T1, d + T2) with d the p95: P(H > t) = S(t) · S(t − d); its p99 by bisection
    mu, sigma = lognormal_fit(4, 12)
    d95 = float(np.exp(mu + sigma * 1.6448536))
    from statistics import NormalDist

    def survival(t: float) -> float:
        return 1 - NormalDist(mu, sigma).cdf(math.log(t)) if t > 0 else 1.0

    lo, hi = 1.0, 100.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if survival(mid) * survival(mid - d95) > 0.01 else (lo, mid)
    (plain,) = analyze(index()).paths
    (hedged,) = analyze(index(hedged_requests=True)).paths
    assert plain.light_p99_ms == pytest.approx(12, rel=0.04)
    assert hedged.light_p99_ms == pytest.approx(lo, rel=0.04) and lo < plain.light_p99_ms
