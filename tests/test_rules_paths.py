"""Path rules: asynchronous consumers (LAT-6), the peak's split (LAT-7), deadline budgets (LAT-8), degraded
paths (LAT-9), leaf caches (STR-4), and the rules that defer to them (LAT-1, CAP-1, REL-1, REL-2)."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import RuleResult, run_rule
from tests.conftest import design_of
from tests.test_paths_async import block, conn, queue_fed, with_fallback

all_rules()


def run(rule_id: str, design: Design) -> RuleResult:
    return run_rule(REGISTRY[rule_id], Context(design))


def test_lat1_leaves_an_asynchronous_path_slower_than_the_sla_to_lat6():
    design = queue_fed()  # the async path's 400 ms model is over the 300 ms SLA; minutes of lag are fine
    assert run("LAT-1", design).status == "passed"
    assert run("LAT-6", design).status == "passed"


def test_lat6_names_the_consumer_that_cannot_keep_up_and_cap1_leaves_it():
    design = queue_fed(workers={"replicas": 2})  # 2 × 100 msg/s for 1,000 msg/s
    (finding,) = run("LAT-6", design).findings
    assert "receives 1,000 messages/s" in finding.message
    assert "'Workers' carries 200 req/s for 1,000 req/s (500%)" in finding.message
    assert "5 min from the default of 5 min" in finding.message
    assert finding.components == ("workers",)
    assert all("workers" not in f.components for f in run("CAP-1", design).findings)


def test_lat6_lag_target_comes_from_the_block_then_the_freshness_requirement():
    slow = queue_fed(workers={"max_lag_minutes": 0.001})  # 60 ms: the path's p99 is several hundred ms
    (finding,) = run("LAT-6", slow).findings
    assert "over its lag target of 0.001 min (its max_lag_minutes)" in finding.message
    assert "drains in" in finding.message
    fresh = design_of(
        [b.model_dump(exclude_none=True) for b in queue_fed().components],
        [c.model_dump(exclude_none=True) for c in queue_fed().connections],
        requirements={"sla_p99_ms": 300, "peak_qps": 1000, "freshness_minutes": 0.002},
    )
    (finding,) = run("LAT-6", fresh).findings
    assert "requirements.freshness_minutes" in finding.message


def test_lat6_does_not_apply_without_a_queue_fed_consumer():
    assert run("LAT-6", with_fallback()).status == "not_applicable"


def two_entries(web_share: float | None, app_share: float | None) -> Design:
    def client(id: str, share: float | None) -> dict:
        return block(id, "client", id.title(), **({} if share is None else {"traffic_share": share}))

    return design_of(
        [client("web", web_share), client("app", app_share),
         block("svc", "online_inference", "Service", p99_ms=20, qps_per_replica=500, replicas=4)],
        [conn("web", "svc"), conn("app", "svc")],
        requirements={"sla_p99_ms": 200, "peak_qps": 1000},
    )


def test_lat7_names_the_entries_and_the_rate_each_was_given():
    (finding,) = run("LAT-7", two_entries(None, None)).findings
    assert "'Web' 500 req/s and 'App' 500 req/s" in finding.message
    assert set(finding.components) == {"web", "app"}


def test_lat7_accepts_one_entry_taking_the_rest():
    assert run("LAT-7", two_entries(0.2, None)).status == "passed"


def test_lat7_names_an_asynchronous_consumer_given_the_whole_peak():
    design = design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Service", p99_ms=20),
         block("events", "user_events", "Events"), block("queue", "message_queue", "Queue"),
         block("workers", "online_inference", "Workers", p99_ms=30, qps_per_replica=100, replicas=15)],
        [conn("app", "svc"), conn("events", "queue", "stream"), conn("queue", "workers", "stream")],
        requirements={"sla_p99_ms": 300, "peak_qps": 800},
    )
    (finding,) = run("LAT-7", design).findings
    assert "'Workers' is fed by a queue or stream" in finding.message and "800 messages/s" in finding.message


def gateway_chain(gw_timeout: float | None, svc_timeout: float, sla: float = 200) -> Design:
    gw = {"p99_ms": 5} if gw_timeout is None else {"p99_ms": 5, "timeout_ms": gw_timeout}
    return design_of(
        [block("app", "client", "App"), block("gw", "api_gateway", "Gateway", **gw),
         block("svc", "online_inference", "Service", p99_ms=40, timeout_ms=svc_timeout),
         block("fs", "online_feature_store", "Features")],
        [conn("app", "gw"), conn("gw", "svc"), conn("svc", "fs")],
        requirements={"sla_p99_ms": sla, "peak_qps": 1000},
    )


def test_lat8_a_gateway_left_at_its_15000_ms_default_is_one_finding_per_path():
    (finding,) = run("LAT-8", gateway_chain(None, 5000)).findings
    assert "'Gateway' waits up to 15,000 ms (its kind's default) against 200 ms (the SLA)" in finding.message
    # the callee's budget: min(gateway timeout, its budget) less the gateway's own 5 ms
    assert "'Service' waits up to 5,000 ms against 195 ms (what 'Gateway' leaves after its own p99)" in finding.message
    assert finding.components == ("gw", "svc")


def test_lat8_accepts_careful_timeouts_within_ten_percent_of_the_sla():
    assert run("LAT-8", gateway_chain(190, 180)).status == "passed"  # 180 vs 185: within budget
    assert run("LAT-8", gateway_chain(190, 200)).status == "passed"  # 200 vs 185: 15 ms over, within 20 ms
    assert run("LAT-8", gateway_chain(190, 210)).status == "failed"  # 25 ms over


def test_lat9_a_fallback_after_a_long_timeout_misses_the_sla():
    (finding,) = run("LAT-9", with_fallback(1000)).findings
    assert "'Service' waits 150 ms for it" in finding.message and "then 60 ms for its fallback 'Popular'" in \
        finding.message
    assert finding.components == ("svc", "ranker", "popular")
    assert run("LAT-9", with_fallback(100)).status == "passed"


def test_lat9_does_not_apply_to_a_fallback_called_on_every_request():
    assert run("LAT-9", with_fallback(fallback_edge=False)).status == "not_applicable"


def test_rel1_and_rel2_accept_a_fallback_connection():
    design = design_of(
        [block("app", "client", "App"),
         block("svc", "online_inference", "Service", p99_ms=10, replicas=2, timeout_ms=150),
         block("model", "online_inference", "Model", p99_ms=50, replicas=1),
         block("rules", "heuristic_baseline", "Rules", p99_ms=5, replicas=2)],
        [conn("app", "svc"), conn("svc", "model"), conn("svc", "rules", fallback=True)],
        requirements={"sla_p99_ms": 200, "peak_qps": 100},
    )
    assert all("model" not in f.components for f in run("REL-1", design).findings)
    assert all("model" not in f.components for f in run("REL-2", design).findings)
    drawn_plain = design.model_copy(update={"connections": [c.model_copy(update={"fallback": False})
                                                            for c in design.connections]})
    # called on every request, a heuristic_baseline still counts for REL-2, not for REL-1
    assert any("model" in f.components for f in run("REL-1", drawn_plain).findings)


def leaf_cache(through: bool, fallback_only: bool = False) -> Design:
    conns = [conn("app", "svc"), conn("svc", "cache")]
    if through:
        conns.append(conn("cache", "db", fallback=fallback_only))
    else:
        conns.append(conn("svc", "db"))
    return design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Service", p99_ms=20),
         block("cache", "cache", "Cache", hit_rate=0.95), block("db", "transactional_db", "DB", p99_ms=10)],
        conns,
        requirements={"sla_p99_ms": 200, "peak_qps": 1000},
    )


def test_str4_names_a_leaf_cache_and_its_hit_rate():
    (finding,) = run("STR-4", leaf_cache(False)).findings
    assert "'Cache' is called by 'Service' but calls nothing behind it" in finding.message
    assert "hit_rate 0.95 has no effect" in finding.message


def test_str4_passes_a_read_through_cache_and_counts_a_fallback_call_as_none():
    assert run("STR-4", leaf_cache(True)).status == "passed"
    assert run("STR-4", leaf_cache(True, fallback_only=True)).status == "failed"
