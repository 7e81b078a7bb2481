"""Request paths and their latency (declared sums, sampled at light load), capacity and cost: hand-computed small
designs whose blocks are not queues (no throughput declared), so that load does not matter here (see test_load.py).
"""

from __future__ import annotations

import json
import math

import pytest

from mlsd.analysis import MAX_SIM_VALUES, Analysis, RequestPath, analysis_to_dict, analyze
from mlsd.catalog import KINDS
from mlsd.model import Design
from tests.conftest import design_of

# Every prop the analysis reads is set explicitly, so that catalog defaults (still being tuned) do not matter.
NEUTRAL = {
    "p99_ms": 0,
    "calls": "sequential",
    "hit_rate": 0,
    "replicas": 1,
    "qps_per_replica": 0,
    "cost_per_hour": 0,
    "storage_gb": 0,
    "cost_per_gb_month": 0,
}


def blk(bid: str, kind: str = "online_inference", **props: object) -> dict:
    return {"id": bid, "kind": kind, "props": {**NEUTRAL, **props}}


def client(bid: str = "client") -> dict:
    return {"id": bid, "kind": "client", "props": {"calls": "sequential"}}


def req(src: str, dst: str, cid: str | None = None) -> dict:
    return {"id": cid or f"{src}-{dst}", "source": src, "target": dst, "flow": "request"}


def design(blocks: list[dict], edges: list[dict], **requirements: object) -> Design:
    return design_of(blocks, edges, requirements=requirements)


def only_path(a: Analysis) -> RequestPath:
    assert len(a.paths) == 1
    return a.paths[0]


def test_sequential_calls_add_up() -> None:
    d = design(
        [client(), blk("a", p99_ms=10, p50_ms=4), blk("b", p99_ms=20, p50_ms=5), blk("c", p99_ms=30, p50_ms=6)],
        [req("client", "a"), req("a", "b"), req("a", "c")],
        sla_p99_ms=40,
    )
    p = only_path(analyze(d, samples=2_000))
    assert p.entry == "client"
    assert p.blocks == ("client", "a", "b", "c")
    assert set(p.connections) == {"client-a", "a-b", "a-c"}
    assert p.p99_sum_ms == pytest.approx(10 + 20 + 30)
    assert p.p50_sum_ms == pytest.approx(4 + 5 + 6)
    assert p.critical == ("client", "a", "b", "c")
    assert sum(ms for _, ms in p.contributions) == pytest.approx(p.p99_sum_ms)
    assert p.sla_ms == 40
    # the modelled p99 (no queues here: the light-load latency) is above 30 ms and below the 60 ms sum
    assert p.p99_ms is not None and 40 < p.p99_ms < 60 and p.p99_ms == p.light_p99_ms
    assert p.over_sla


def test_parallel_calls_wait_for_the_slowest() -> None:
    d = design(
        [client(), blk("a", p99_ms=10, calls="parallel"), blk("b", p99_ms=20), blk("c", p99_ms=30)],
        [req("client", "a"), req("a", "b"), req("a", "c")],
        sla_p99_ms=50,
    )
    p = only_path(analyze(d, samples=2_000))
    assert p.p99_sum_ms == pytest.approx(10 + max(20, 30))
    assert p.critical == ("client", "a", "c")
    assert dict(p.contributions) == {"client": 0.0, "a": 10.0, "c": 30.0}
    assert not p.over_sla


def test_nested_sequential_and_parallel() -> None:
    # a calls b then c; b calls d and e at once
    d = design(
        [
            client(),
            blk("a", p99_ms=10),
            blk("b", p99_ms=2, calls="parallel"),
            blk("c", p99_ms=7),
            blk("d", p99_ms=5),
            blk("e", p99_ms=15),
        ],
        [req("client", "a"), req("a", "b"), req("a", "c"), req("b", "d"), req("b", "e")],
    )
    p = only_path(analyze(d, samples=2_000))
    assert p.p99_sum_ms == pytest.approx(10 + (2 + max(5, 15)) + 7)
    assert p.critical == ("client", "a", "b", "e", "c")
    assert p.blocks == ("client", "a", "b", "d", "e", "c")
    assert p.sla_ms is None and not p.over_sla


def cache_design(hit_rate: float) -> Design:
    return design(
        [
            client(),
            blk("gw", p99_ms=1, p50_ms=0.5),
            blk("cache", kind="cache", p99_ms=2, p50_ms=1, hit_rate=hit_rate),
            blk("svc", p99_ms=100, p50_ms=50),
        ],
        [req("client", "gw"), req("gw", "cache"), req("cache", "svc")],
        peak_qps=1000,
    )


def test_cache_lowers_downstream_qps_and_modelled_p99_but_not_the_conservative_p99() -> None:
    hot, cold = analyze(cache_design(0.995)), analyze(cache_design(0.0))
    assert hot.capacity["cache"].peak_qps == pytest.approx(1000)
    assert hot.capacity["svc"].peak_qps == pytest.approx(1000 * (1 - 0.995))
    assert cold.capacity["svc"].peak_qps == pytest.approx(1000)
    # the miss path decides the conservative p99 either way
    assert only_path(hot).p99_sum_ms == pytest.approx(1 + 2 + 100) == only_path(cold).p99_sum_ms
    # fewer than 1% of requests reach svc: the modelled p99 stays below svc's median
    assert only_path(hot).light_p99_ms < 50 < only_path(cold).light_p99_ms


def test_dag_node_counts_in_each_branch_and_sums_qps() -> None:
    d = design(
        [client(), blk("a", p99_ms=1), blk("b", p99_ms=2), blk("c", p99_ms=3), blk("db", p99_ms=100)],
        [req("client", "a"), req("a", "b"), req("a", "c"), req("b", "db"), req("c", "db")],
        peak_qps=400,
    )
    a = analyze(d, samples=2_000)
    p = only_path(a)
    assert p.p99_sum_ms == pytest.approx(1 + (2 + 100) + (3 + 100))
    assert p.critical.count("db") == 2
    assert p.blocks.count("db") == 1
    assert a.capacity["db"].peak_qps == pytest.approx(2 * 400)
    assert p.light_p50_ms > 2 * 100 / 3  # db's median (p99 / 3) is paid twice


def test_request_cycle_is_reported_and_not_followed() -> None:
    d = design(
        [client(), blk("a", p99_ms=10), blk("b", p99_ms=20), blk("x", p99_ms=1), blk("y", p99_ms=1)],
        [req("client", "a"), req("a", "b"), req("b", "a"), req("x", "y"), req("y", "x")],
        peak_qps=100,
    )
    a = analyze(d, samples=2_000)
    assert set(a.cycles) == {("a", "b"), ("x", "y")}
    p = only_path(a)  # x and y form a cycle with no entry: nothing starts there
    assert p.p99_sum_ms == pytest.approx(10 + 20)
    assert "b-a" not in p.connections
    assert a.capacity["a"].peak_qps == pytest.approx(100)
    assert set(a.capacity) == {"client", "a", "b"}


def test_blocks_without_latency_are_listed_and_count_zero() -> None:
    no_latency = next(k for k, kind in KINDS.items() if "p99_ms" not in kind.props and k != "client")
    quiet = {"id": "q", "kind": no_latency, "props": {}}
    d = design([client(), blk("a", p99_ms=10), quiet], [req("client", "a"), req("a", "q")])
    p = only_path(analyze(d, samples=2_000))
    assert p.missing_latency == ("q",)
    assert p.p99_sum_ms == pytest.approx(10)


def test_zero_latency_stays_zero_and_missing_p50_is_a_third_of_p99() -> None:
    d = design([client(), blk("z", p99_ms=0), blk("a", p99_ms=30)], [req("client", "z"), req("z", "a")])
    p = only_path(analyze(d, samples=20_000))
    assert p.missing_latency == ()
    assert p.p50_sum_ms == pytest.approx(30 / 3)
    assert p.light_p50_ms == pytest.approx(30 / 3, rel=0.05)
    assert p.light_p99_ms == pytest.approx(30, rel=0.1)
    zero = design([client(), blk("z", p99_ms=0)], [req("client", "z")])
    assert only_path(analyze(zero)).light_p99_ms == 0.0


def test_p50_not_below_p99_gives_a_narrow_distribution() -> None:
    d = design([client(), blk("a", p99_ms=40, p50_ms=60)], [req("client", "a")])
    p = only_path(analyze(d, samples=5_000))
    assert p.light_p50_ms == pytest.approx(40, rel=0.05)
    assert p.light_p99_ms == pytest.approx(40, rel=0.01)


def test_capacity_needed_replicas_and_headroom() -> None:
    d = design(
        [client(), blk("svc", p99_ms=1, replicas=3, qps_per_replica=300), blk("db", p99_ms=1, replicas=2,
                                                                               qps_per_replica=100)],
        [req("client", "svc"), req("svc", "db")],
        peak_qps=1000,
        headroom=0.3,
    )
    cap = analyze(d, samples=1_000).capacity
    svc = cap["svc"]
    assert (svc.peak_qps, svc.replicas, svc.qps_per_replica, svc.capacity_qps) == (1000, 3, 300, 900)
    assert svc.needed_replicas == math.ceil(1000 * 1.3 / 300)
    assert svc.headroom == pytest.approx(900 / 1000 - 1)
    assert cap["db"].needed_replicas == 13  # 1000 * 1.3 / 100 is 13 exactly (not 14 by float noise)
    assert cap["client"].qps_per_replica is None and cap["client"].needed_replicas is None


def test_capacity_without_peak_qps() -> None:
    d = design([client(), blk("svc", p99_ms=1, replicas=2, qps_per_replica=300)], [req("client", "svc")])
    svc = analyze(d, samples=1_000).capacity["svc"]
    assert svc.peak_qps == 0
    assert svc.headroom is None and svc.needed_replicas is None
    assert svc.capacity_qps == 600


def test_cost_per_month() -> None:
    d = design(
        [
            blk("svc", replicas=3, cost_per_hour=0.5),
            blk("db", kind="relational_db", replicas=2, cost_per_hour=1.0, storage_gb=100, cost_per_gb_month=0.1),
            blk("free"),
        ],
        [],
    )
    a = analyze(d)
    lines = {line.block: line for line in a.cost}
    assert set(lines) == {"svc", "db"}
    assert lines["svc"].compute_per_month == pytest.approx(3 * 0.5 * 730)
    assert lines["db"].storage_per_month == pytest.approx(100 * 0.1)
    assert lines["db"].total == pytest.approx(2 * 1.0 * 730 + 10)
    assert a.cost_per_month == pytest.approx(3 * 0.5 * 730 + 2 * 730 + 10)
    assert a.paths == () and a.capacity == {}


def test_several_entries_share_the_peak() -> None:
    d = design(
        [
            client("web"),
            client("app"),
            blk("job", kind="batch_prediction", p99_ms=1),  # no incoming request: an entry too
            blk("gw", p99_ms=5),
            blk("svc", p99_ms=20),
        ],
        [req("web", "gw"), req("app", "gw"), req("gw", "svc"), req("job", "svc")],
        peak_qps=900,
    )
    a = analyze(d, samples=2_000)
    assert [p.entry for p in a.paths] == ["web", "app", "job"]
    # the batch job is an entry but not user-facing: the peak is split between the two clients only
    assert a.capacity["gw"].peak_qps == pytest.approx(900)
    assert a.capacity["svc"].peak_qps == pytest.approx(900)
    assert [p.p99_sum_ms for p in a.paths] == pytest.approx([25, 25, 21])


def test_peak_goes_to_all_entries_when_none_is_user_facing() -> None:
    d = design(
        [blk("job1", kind="batch_prediction", p99_ms=1), blk("job2", kind="batch_prediction", p99_ms=1),
         blk("svc", p99_ms=20)],
        [req("job1", "svc"), req("job2", "svc")],
        peak_qps=100,
    )
    a = analyze(d, samples=2_000)
    assert a.capacity["job1"].peak_qps == pytest.approx(50)
    assert a.capacity["svc"].peak_qps == pytest.approx(100)


def test_sampling_is_deterministic_for_a_seed() -> None:
    d = cache_design(0.5)
    first, again, other = analyze(d, seed=7), analyze(d, seed=7), analyze(d, seed=8)
    assert first == again
    assert only_path(first).p99_ms == only_path(again).p99_ms
    assert only_path(first).light_p99_ms != only_path(other).light_p99_ms


def test_modelled_p99_lies_between_largest_median_and_conservative_sum() -> None:
    specs = [(3, 10), (5, 40), (1, 2), (20, 60), (8, 30)]
    blocks = [client()] + [blk(f"b{i}", p50_ms=p50, p99_ms=p99) for i, (p50, p99) in enumerate(specs)]
    edges = [req("client", "b0")] + [req(f"b{i}", f"b{i + 1}") for i in range(len(specs) - 1)]
    p = only_path(analyze(design(blocks, edges)))
    assert max(p50 for p50, _ in specs) <= p.light_p99_ms <= p.p99_sum_ms == sum(p99 for _, p99 in specs)
    assert p.light_p50_ms < p.light_p99_ms


def test_long_chain_has_no_recursion_limit_and_fewer_samples() -> None:
    n = 5_000
    blocks = [client()] + [blk(f"s{i}", p99_ms=1, p50_ms=0.5) for i in range(n)]
    edges = [req("client", "s0")] + [req(f"s{i}", f"s{i + 1}") for i in range(n - 1)]
    a = analyze(design(blocks, edges, peak_qps=10))
    p = only_path(a)
    assert p.p99_sum_ms == pytest.approx(n)
    assert len(p.blocks) == n + 1
    assert a.capacity[f"s{n - 1}"].peak_qps == pytest.approx(10)
    assert a.sim_samples < 20_000
    assert a.sim_samples * n <= MAX_SIM_VALUES
    assert n * 0.5 < p.light_p50_ms < p.light_p99_ms < n


def test_analysis_to_dict_is_json_ready() -> None:
    d = cache_design(0.5)
    d.requirements.sla_p99_ms = 40
    data = json.loads(json.dumps(analysis_to_dict(analyze(d, samples=1_000))))
    path = data["paths"][0]
    for key in ("entry", "blocks", "critical", "contributions", "p99_sum_ms", "p50_sum_ms", "light_p50_ms",
                "light_p99_ms", "p50_ms", "p99_ms", "saturated", "saturated_tiers", "peak_qps", "sla_ms", "over_sla",
                "missing_latency", "asynchronous"):
        assert key in path
    assert path["over_sla"] is True and path["sla_ms"] == 40 and path["asynchronous"] is False
    assert {c["block"] for c in data["capacity"]} == {"client", "gw", "cache", "svc"}
    assert data["cycles"] == []
    assert data["cost"] == [] and data["cost_per_month"] == 0


def test_samples_must_be_positive() -> None:
    with pytest.raises(ValueError, match="samples"):
        analyze(cache_design(0.5), samples=0)


def test_chain_of_diamonds_overflows_to_null_without_raising() -> None:
    # each diamond calls the next one twice: 2 ** 1100 calls overflow a float; the analysis must not raise
    blocks, edges = [client(), blk("d0", p99_ms=1, qps_per_replica=10)], [req("client", "d0")]
    for i in range(1_100):
        blocks += [blk(f"l{i}", p99_ms=1), blk(f"r{i}", p99_ms=1), blk(f"d{i + 1}", p99_ms=1, qps_per_replica=10)]
        edges += [req(f"d{i}", f"l{i}"), req(f"d{i}", f"r{i}"), req(f"l{i}", f"d{i + 1}"), req(f"r{i}", f"d{i + 1}")]
    a = analyze(design(blocks, edges, peak_qps=100))
    p = only_path(a)
    assert p.p99_sum_ms == math.inf
    assert a.capacity["d2"].peak_qps == pytest.approx(400)
    assert a.capacity["d1100"].needed_replicas is None
    data = json.loads(json.dumps(analysis_to_dict(a), allow_nan=False))
    assert data["paths"][0]["p99_sum_ms"] is None
    assert len(p.critical) < 100_000


def test_traffic_share_sends_a_declared_share_of_the_peak_to_an_entry() -> None:
    d = design(
        [
            blk("web", kind="client", traffic_share=0.75),
            client("app"),
            client("partner"),
            blk("svc", p99_ms=20),
        ],
        [req("web", "svc"), req("app", "svc"), req("partner", "svc")],
        peak_qps=1000,
    )
    a = analyze(d, samples=2_000)
    assert a.capacity["web"].peak_qps == pytest.approx(750)
    assert a.capacity["app"].peak_qps == pytest.approx(125)
    assert a.capacity["partner"].peak_qps == pytest.approx(125)
    assert a.capacity["svc"].peak_qps == pytest.approx(1000)


def test_roll_of_the_latency_sampler_is_numpys():
    import numpy as np

    from mlsd.analysis.latency import _roll

    rng = np.random.default_rng(1)
    for k, s in ((1, 1), (1, 2), (3, 5), (2, 200)):
        t = rng.random((k, s), dtype=np.float32)
        for shift in range(1, s + 1):
            assert np.array_equal(_roll(t, shift), np.roll(t, shift, axis=1))
