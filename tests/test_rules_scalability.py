"""Capacity & scalability rules (CAP-*): the numbers they report and the tiers they leave alone."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules, check
from tests.conftest import design_of
from tests.rule_helpers import block, run

all_rules()


def req(source: str, target: str, flow: str = "request") -> dict:
    return {"id": f"{source}-{target}", "source": source, "target": target, "flow": flow}


def tiered(peak: float, *extra: dict, edges: tuple[dict, ...] = (), headroom: float = 0.3, **ranker: object) -> Design:
    """app -> gateway -> ranker (+ extra blocks and edges)."""
    props = {"qps_per_replica": 300, "replicas": 3, **ranker}
    return design_of(
        [block("app", "client", "Mobile app"), block("gw", "api_gateway", "Gateway", replicas=3),
         block("ranker", "online_inference", "Ranker", **props), *extra],
        [req("app", "gw"), req("gw", "ranker"), *edges],
        requirements={"peak_qps": peak, "headroom": headroom, "sla_p99_ms": 200, "data_volume_gb": 10},
    )


def test_cap1_reports_needed_replicas_with_headroom():
    result = run("CAP-1", tiered(1000))
    (finding,) = result.findings
    assert finding.components == ("ranker",)
    assert finding.message == (
        "'Ranker' carries 3 × 300 = 900 req/s but needs 1,300 req/s (1,000 req/s at peak + 30% headroom): "
        "5 replicas needed, 3 running."
    )
    assert run("CAP-1", tiered(1000, headroom=0.0)).findings[0].message.endswith("4 replicas needed, 3 running.")


def test_cap1_counts_max_replicas_of_an_autoscaling_tier_and_skips_managed_ones():
    # issue 18: max_replicas counts when the block states a scale-up within 10 minutes
    assert run("CAP-1", tiered(1000, autoscaling=True, max_replicas=6, scale_up_minutes=5)).status == "passed"
    assert run("CAP-1", tiered(1000, autoscaling=True, max_replicas=4, scale_up_minutes=5)).status == "failed"
    assert run("CAP-1", tiered(1000, managed=True)).status == "passed"


def test_cap1_counts_an_autoscaling_tier_at_its_floor_without_a_fast_enough_scale_up():
    for extra, why in (({}, "declares no scale_up_minutes"),
                       ({"scale_up_minutes": 20}, "takes 20 min to scale up, over the 10-minute bound")):
        (finding,) = run("CAP-1", tiered(1000, autoscaling=True, max_replicas=6, **extra)).findings
        assert finding.message == (
            "'Ranker' carries 3 × 300 = 900 req/s but needs 1,300 req/s (1,000 req/s at peak + 30% headroom): "
            f"5 replicas needed, 3 running. It autoscales to 6 replicas but {why}, so only its 3 running replicas "
            "count for the peak: state a scale-up of at most 10 minutes (scale_up_minutes) or run 5 replicas."
        )


def test_cap1_load_behind_a_cache_is_only_the_misses():
    design = design_of(
        [block("app", "client", "App"), block("cache", "cache", "Cache", hit_rate=0.8),
         block("ranker", "online_inference", "Ranker", qps_per_replica=300, replicas=2)],
        [req("app", "cache"), req("cache", "ranker")],
        requirements={"peak_qps": 2000},
    )
    # 2,000 * 0.2 = 400 req/s, * 1.3 = 520 <= 600
    assert run("CAP-1", design).status == "passed"


def test_cap1_not_applicable_without_peak_or_throughput():
    design = tiered(1000)
    design.requirements.peak_qps = None
    assert run("CAP-1", design).reason == "no peak QPS is declared (requirements.peak_qps)"
    bare = design_of([block("app", "client", "App"), block("x", "labeling", "Labels")], [req("app", "x")],
                     requirements={"peak_qps": 10})
    assert run("CAP-1", bare).status == "not_applicable"


def test_cap2_n_plus_one_and_no_double_report_with_cap1():
    result = run("CAP-2", tiered(1000, qps_per_replica=800, replicas=2))
    assert result.findings[0].message == (
        "'Ranker' runs 2 replicas of 800 req/s at 62% at peak; losing one leaves 1 at 125% for 1,000 req/s: the "
        "tier is overloaded and every path through it fails (N+1 needs 3)."
    )
    assert run("CAP-2", tiered(1000, qps_per_replica=800, replicas=3)).status == "passed"
    short = tiered(1000, replicas=2)  # 600 req/s: CAP-1's finding, not repeated here
    assert run("CAP-1", short).status == "failed"
    assert run("CAP-2", short).status == "passed"


def test_cap2_judges_the_p99_after_the_loss_not_only_the_replica_count():
    """Enough replicas to carry the peak after a loss, but queueing at 93% on one-request-at-a-time replicas breaks
    the 200 ms SLA (p99 ~60 ms before the loss, ~270 ms after)."""
    design = tiered(140, qps_per_replica=50, replicas=4, p50_ms=15, p99_ms=40)
    result = run("CAP-2", design)
    assert result.status == "failed", result.findings
    message = result.findings[0].message
    assert "losing one leaves 3 at 93%" in message and "rises to p99" in message and "over the 200 ms SLA" in message
    assert run("CAP-2", tiered(140, qps_per_replica=50, replicas=5, p50_ms=15, p99_ms=40)).status == "passed"


def test_cap3_only_clients_calling_replicas_directly():
    direct = design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Scorer", replicas=4)],
        [req("app", "svc")],
    )
    result = run("CAP-3", direct)
    assert result.findings[0].message.startswith("'App' calls 'Scorer' (4 replicas) directly")
    assert result.findings[0].connections == ("app-svc",)
    # the gateway is the balancer; service-to-service calls and stores route themselves
    features = block("fs", "online_feature_store", "Features")
    assert run("CAP-3", tiered(1000, features, edges=(req("ranker", "fs"),))).status == "passed"
    autoscaled = design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Scorer", replicas=1, autoscaling=True,
                                              max_replicas=8)],
        [req("app", "svc")],
    )
    assert "(1-8 replicas)" in run("CAP-3", autoscaled).findings[0].message
    managed = design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Endpoint", replicas=4, managed=True)],
        [req("app", "svc")],
    )
    assert run("CAP-3", managed).status == "not_applicable"


def test_cap4_stream_processor_fed_by_a_queue_passes():
    design = design_of(
        [block("ev", "user_events", "Events"), block("mq", "message_queue", "Kafka"),
         block("sp", "stream_processor", "Aggregator")],
        [req("ev", "mq", "stream"), req("mq", "sp", "stream")],
    )
    assert run("CAP-4", design).status == "passed"
    alone = design_of([block("sp", "stream_processor", "Aggregator")], [])
    assert run("CAP-4", alone).findings[0].components == ("sp",)


def test_cap5_models_behind_an_inference_service_are_part_of_it():
    design = tiered(1000, block("m", "gbdt", "GBDT"), edges=(req("ranker", "m"),), autoscaling=True)
    result = run("CAP-5", design)
    assert result.status == "passed"
    direct = design_of([block("app", "client", "App"), block("m", "gbdt", "Scorer", replicas=2)], [req("app", "m")])
    assert "'Scorer' runs a fixed 2 replicas (2 × 1,000 = 2,000 req/s)" in run("CAP-5", direct).findings[0].message


def test_cap6_reports_the_monthly_cost_of_spare_replicas():
    result = run("CAP-6", tiered(1000, replicas=40, cost_per_hour=0.5))
    (finding,) = result.findings
    # needs 5 (1,300 / 300), 6 with a spare; 34 extra * 0.5 $/h * 730 h = 12,410 $
    assert "runs 40 replicas of 300 req/s for 1,300 req/s needed" in finding.message
    assert "6 would do with a spare; the 34 extra cost $12,410/month" in finding.message
    assert run("CAP-6", tiered(1000, replicas=12, cost_per_hour=0.5)).status == "passed"


def regional(peak: float, served: list[str], **ranker: object) -> Design:
    """``tiered`` for a design that must serve these regions."""
    design = tiered(peak, **ranker)
    design.requirements.regions = served
    return design


THREE_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"]


def test_cap6_allows_n_plus_one_in_each_region():
    # tiny load: 1 replica needed, but each of 3 regions keeps 2 (N+1): 6 is the floor, not over-provisioned
    assert run("CAP-6", regional(10, THREE_REGIONS, replicas=6)).status == "passed"
    assert run("CAP-6", tiered(10, replicas=6)).status == "failed"  # one region: 2 would do
    (finding,) = run("CAP-6", regional(10, THREE_REGIONS, replicas=20, cost_per_hour=0.5)).findings
    assert finding.components == ("ranker",)
    assert "runs 20 replicas of 300 req/s for 13 req/s needed" in finding.message
    assert ("6 would do with a spare in each region (2 per region × 3 regions, at least 2 per region); "
            "the 14 extra cost $5,110/month") in finding.message


def test_cap6_regional_floor_grows_with_the_load_and_follows_the_tier_regions():
    # 1,300 req/s needs 5 replicas: 2 per region (ceil(5 / 3)) + a spare = 3 per region, 9 in all
    assert run("CAP-6", regional(1000, THREE_REGIONS, replicas=18)).status == "passed"
    message = run("CAP-6", regional(1000, THREE_REGIONS, replicas=19)).findings[0].message
    assert "9 would do with a spare in each region (3 per region × 3 regions" in message
    # zones of one region are one region; a tier's own regions prop (here one region) wins over the design's
    assert run("CAP-6", regional(10, ["eu-west-1a", "eu-west-1b"], replicas=6)).status == "failed"
    placed = regional(10, THREE_REGIONS, replicas=6, regions=["us-east-1a", "us-east-1b"])
    assert "2 would do with a spare;" in run("CAP-6", placed).findings[0].message


def test_cap7_batch_design_needs_only_data_volume():
    batch = design_of(
        [block("lake", "data_lake", "Lake"), block("job", "batch_prediction", "Scorer"),
         block("kv", "kv_store", "Scores")],
        [req("lake", "job", "batch"), req("job", "kv", "batch")],
    )
    result = run("CAP-7", batch)
    assert [f.message for f in result.findings] == [
        "The design is a batch design but declares no data volume (requirements.data_volume_gb)."
    ]
    batch.requirements.data_volume_gb = 100
    assert run("CAP-7", batch).status == "passed"
    assert run("CAP-7", design_of([], [])).status == "not_applicable"


def test_cap7_every_missing_requirement_is_one_finding():
    design = design_of([block("app", "client", "Mobile app"), block("ranker", "online_inference", "Ranker")],
                       [req("app", "ranker")])
    (finding,) = run("CAP-7", design).findings  # one cause: the requirements were not filled in
    assert finding.message == (
        "The design serves online requests but declares no p99 SLA (requirements.sla_p99_ms), no peak QPS "
        "(requirements.peak_qps) and no data volume (requirements.data_volume_gb)."
    )
    assert finding.fix == "Fill in the requirements: the p99 SLA in ms, the peak QPS and the data volume in GB."
    design.requirements.peak_qps = 100
    (finding,) = run("CAP-7", design).findings
    assert "no p99 SLA (requirements.sla_p99_ms) and no data volume" in finding.message
    assert "peak" not in finding.message


def test_cap7_waiver_without_blocks_accepts_the_design_level_finding():
    data = tiered(1000).model_dump()
    data["requirements"]["data_volume_gb"] = None
    data["waivers"] = [{"rule": "CAP-7", "reason": "stateless service, no stored data"}]
    report = check(Design.model_validate(data), rules=[REGISTRY["CAP-7"]])
    assert [f.waived for f in report.findings] == [True]


def test_sound_mini_architecture_has_no_capacity_findings():
    design = tiered(
        1000,
        block("cache", "cache", "Cache", hit_rate=0.5),
        block("fs", "online_feature_store", "Features"),
        edges=(req("ranker", "cache"), req("ranker", "fs")),
        replicas=6, autoscaling=True, max_replicas=10, scale_up_minutes=5,
    )
    found = {rid: run(rid, design) for rid in ("CAP-1", "CAP-2", "CAP-3", "CAP-4", "CAP-5", "CAP-6", "CAP-7")}
    assert {rid: [f.message for f in r.findings] for rid, r in found.items() if r.findings} == {}


def test_cap8_budget_names_the_overrun_and_the_biggest_lines():
    design = tiered(1000, replicas=5, cost_per_hour=2.0)
    design.requirements.budget_per_month = 5000
    (finding,) = run("CAP-8", design).findings
    # ranker 5 × $2 × 730 = $7,300; gateway 3 × $0.085 × 730 = $186
    assert finding.message.startswith("The design costs $7,486 a month against a budget of $5,000 (50% over)")
    assert "the biggest lines: 'Ranker' $7,300, 'Gateway' $186" in finding.message
    assert finding.components[0] == "ranker"
    design.requirements.budget_per_month = 8000
    assert run("CAP-8", design).status == "passed"
    design.requirements.budget_per_month = None
    assert run("CAP-8", design).status == "not_applicable"
