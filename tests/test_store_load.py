"""Work on stores (issue 18, item 4): per-candidate reads load the stores a caller reads, managed tiers are sized at
the load they get, autoscaled tiers count the replicas they can reach. Expected numbers computed by hand here."""

from __future__ import annotations

import pytest

from mlsd.analysis import analysis_to_dict, analyze
from mlsd.analysis.store_work import calls_per_request
from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import run_rule
from tests.conftest import design_of

all_rules()

PEAK = 60_000


def ranker_design(ranker: dict | None = None, store_kind: str = "online_feature_store", store: dict | None = None,
                  peak: float = PEAK, cache_hit: float | None = None) -> Design:
    """app -> [cache] -> ranker (1,000 candidates) -> store."""
    blocks = [
        {"id": "app", "kind": "client"},
        {"id": "ranker", "kind": "dnn", "label": "Ranker",
         "props": {"items_scored": 1000, "qps_per_replica": 1000, "replicas": 100, "p99_ms": 40, **(ranker or {})}},
        {"id": "fs", "kind": store_kind, "label": "Features",
         "props": {"qps_per_replica": 20_000, "replicas": 6, "p99_ms": 8, **(store or {})}},
    ]
    edges = [{"id": "r", "source": "ranker", "target": "fs", "flow": "request"}]
    if cache_hit is None:
        edges.append({"id": "a", "source": "app", "target": "ranker", "flow": "request"})
    else:
        blocks.append({"id": "cache", "kind": "cache", "props": {"hit_rate": cache_hit, "replicas": 4}})
        edges += [{"id": "a", "source": "app", "target": "cache", "flow": "request"},
                  {"id": "c", "source": "cache", "target": "ranker", "flow": "request"}]
    return design_of(blocks, edges, requirements={"peak_qps": peak, "sla_p99_ms": 200, "data_volume_gb": 10})


def store_qps(design: Design, block: str = "fs") -> float:
    return analyze(design, samples=2000).capacity[block].peak_qps


def test_a_multi_get_of_100_puts_600k_calls_on_the_store() -> None:
    # 60,000 req/s × 1,000 candidates × 1 key ÷ 100 keys per call = 600,000 calls/s
    t = analyze(ranker_design({"keys_per_read": 100}), samples=2000).capacity["fs"]
    assert t.peak_qps == pytest.approx(600_000)
    assert t.per_item_qps == pytest.approx(600_000)
    assert t.capacity_qps == pytest.approx(120_000) and t.saturated  # 6 × 20,000


def test_without_a_multi_get_every_candidate_is_a_round_trip() -> None:
    assert store_qps(ranker_design()) == pytest.approx(60_000_000)  # 60,000 × 1,000 × 1 ÷ 1


def test_a_local_cache_cuts_the_keys_and_a_request_makes_at_least_one_call() -> None:
    # 1,000 × (1 − 0.9) = 100 keys; ÷ 50 per call = 2 calls → 120,000/s
    assert store_qps(ranker_design({"keys_per_read": 50, "local_cache_hit_rate": 0.9})) == pytest.approx(120_000)
    # 100 keys ÷ 500 per call: one call per request (not 0.2) → 60,000/s
    assert store_qps(ranker_design({"keys_per_read": 500, "local_cache_hit_rate": 0.9})) == pytest.approx(60_000)
    assert calls_per_request(1000, 1, 500, 0.9) == 1.0
    assert calls_per_request(1000, 2, 100, 0.0) == 20.0
    assert calls_per_request(1000, 1, 1, 1.0) == 1.0


def test_only_the_misses_of_a_cache_in_front_reach_the_caller_and_its_store() -> None:
    # 60,000 × (1 − 0.5) = 30,000 req/s reach the ranker; × 1,000 ÷ 100 = 300,000 calls/s
    assert store_qps(ranker_design({"keys_per_read": 100}, cache_hit=0.5)) == pytest.approx(300_000)


def test_kv_stores_are_read_per_request_unless_the_caller_declares_keys_per_item() -> None:
    assert store_qps(ranker_design(store_kind="kv_store", store={"managed": False})) == pytest.approx(PEAK)
    # keys_per_item 2, multi-get 100: 60,000 × 1,000 × 2 ÷ 100 = 1,200,000
    declared = ranker_design({"keys_per_item": 2, "keys_per_read": 100}, store_kind="kv_store",
                             store={"managed": False})
    assert store_qps(declared) == pytest.approx(1_200_000)
    # keys_per_item 0 on the caller: a feature store read once per request
    assert store_qps(ranker_design({"keys_per_item": 0})) == pytest.approx(PEAK)


def test_a_serving_block_reads_features_for_the_candidates_it_hands_to_its_ranker() -> None:
    """svc (no items of its own) calls candgen (1,000 candidates), the feature store and the ranker; candgen reads
    an ANN index and a kv_store per request (its items_scored is what it returns)."""
    d = design_of(
        [{"id": "app", "kind": "client"},
         {"id": "svc", "kind": "online_inference", "props": {"keys_per_read": 100}},
         {"id": "candgen", "kind": "candidate_generation", "props": {"items_scored": 1000}},
         {"id": "ann", "kind": "vector_index"},
         {"id": "lists", "kind": "kv_store"},
         {"id": "fs", "kind": "online_feature_store"},
         {"id": "ranker", "kind": "dnn", "props": {"items_scored": 1000}}],
        [{"id": "a", "source": "app", "target": "svc"}, {"id": "b", "source": "svc", "target": "candgen"},
         {"id": "c", "source": "candgen", "target": "ann"}, {"id": "d", "source": "candgen", "target": "lists"},
         {"id": "e", "source": "svc", "target": "fs"}, {"id": "f", "source": "svc", "target": "ranker"}],
        requirements={"peak_qps": 1000},
    )
    cap = analyze(d, samples=2000).capacity
    assert cap["fs"].peak_qps == pytest.approx(1000 * 1000 / 100)  # 10 calls per request
    assert cap["ann"].peak_qps == pytest.approx(1000) and cap["lists"].peak_qps == pytest.approx(1000)


def test_a_store_call_keeps_its_latency_whatever_the_keys_it_returns() -> None:
    roomy = {"qps_per_replica": 1_000_000, "replicas": 10}
    one = analyze(ranker_design({"keys_per_item": 0}, store=roomy), samples=4000)
    ten = analyze(ranker_design({"keys_per_read": 100}, store=roomy), samples=4000)
    assert one.capacity["fs"].light_p99_ms == ten.capacity["fs"].light_p99_ms == pytest.approx(8)
    assert one.paths[0].light_p99_ms == pytest.approx(ten.paths[0].light_p99_ms)


def test_the_ramp_and_what_ifs_scale_the_per_candidate_reads() -> None:
    a = analyze(ranker_design({"keys_per_read": 100}), samples=2000)
    m = a.model
    assert m is not None
    fs, ranker = m.index["fs"], m.index["ranker"]
    assert m.rates(2.0)[fs] == pytest.approx(1_200_000)
    assert m.rates(1.0, cut={ranker})[fs] == 0.0


def test_cap1_names_the_per_candidate_reads_and_the_missing_multi_get() -> None:
    result = run_rule(REGISTRY["CAP-1"], Context(ranker_design()))
    (finding,) = [f for f in result.findings if f.components == ("fs",)]
    assert finding.message == (
        "'Features' carries 6 × 20,000 = 120,000 req/s but needs 78,000,000 req/s (60,000,000 req/s at peak + 30% "
        "headroom): 3900 replicas needed, 6 running. Per-candidate reads: 'Ranker' reads 1,000 candidates × 1 key "
        "÷ 1 key per call = 1,000 calls per request × 60,000 req/s = 60,000,000 calls/s. 'Ranker' declares no "
        "multi-get size (keys_per_read, 1 key per call by default) and no local cache (local_cache_hit_rate): "
        "declare them, or size the store for the reads."
    )
    # multi-get 500 and a 90% local cache: 100 keys, one call per request = 60,000/s < 120,000 / 1.3
    fixed = ranker_design({"keys_per_read": 500, "local_cache_hit_rate": 0.9})
    assert not [f for f in run_rule(REGISTRY["CAP-1"], Context(fixed)).findings if f.components == ("fs",)]


def test_a_managed_store_is_sized_at_its_load_unless_it_declares_a_ceiling() -> None:
    d = ranker_design({"keys_per_read": 100, "keys_per_item": 1}, store_kind="kv_store")
    d.components[2].props = {"managed": True, "p99_ms": 8}  # kind defaults: 1 × 10,000, no ceiling declared
    t = analyze(d, samples=2000).capacity["fs"]
    assert t.peak_qps == pytest.approx(600_000) and t.capacity_qps == pytest.approx(600_000)
    assert t.scales_with_load and t.headroom is None and t.needed_replicas is None and t.ceiling_qps is None
    assert t.managed
    # a declared ceiling (own qps_per_replica and replicas): 6 × 20,000 = 120,000 < 600,000 × 1.3
    capped = ranker_design({"keys_per_read": 100, "keys_per_item": 1}, store_kind="kv_store",
                           store={"managed": True})
    t = analyze(capped, samples=2000).capacity["fs"]
    assert t.ceiling_qps == pytest.approx(120_000) and t.capacity_qps == pytest.approx(120_000)
    assert t.headroom == pytest.approx(120_000 / 600_000 - 1) and not t.scales_with_load
    (finding,) = run_rule(REGISTRY["CAP-9"], Context(capped)).findings
    assert finding.message.startswith(
        "'Features' is managed with a declared limit of 6 × 20,000 = 120,000 req/s but receives 600,000 req/s at "
        "peak (780,000 with 30% headroom): requests over the limit are throttled. Per-candidate reads: 'Ranker' "
        "reads 1,000 candidates × 1 key ÷ 100 keys per call = 10 calls per request × 60,000 req/s = 600,000 "
        "calls/s.")
    cap1 = run_rule(REGISTRY["CAP-1"], Context(capped)).findings
    assert not [f for f in cap1 if "fs" in f.components]  # one cause, one finding: CAP-1 does not size it


def test_the_exported_capacity_carries_the_arrival_rate_for_cost() -> None:
    out = analysis_to_dict(analyze(ranker_design({"keys_per_read": 100}), samples=2000))
    fs = next(t for t in out["capacity"] if t["block"] == "fs")
    assert fs["peak_qps"] == pytest.approx(600_000) and fs["per_item_qps"] == pytest.approx(600_000)
