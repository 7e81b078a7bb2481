"""Latency-SLA rules (LAT-*): numbers in messages, what counts as a serving path, and no false positives."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules, check
from mlsd.rules.context import Context
from tests.conftest import design_of
from tests.rule_helpers import block, run

all_rules()  # registers every rule module


def req(source: str, target: str, flow: str = "request") -> dict:
    return {"id": f"{source}-{target}", "source": source, "target": target, "flow": flow}


def ranking_path(ranker_p99: float, store_p99: float, calls: str = "sequential", **requirements: object) -> Design:
    """app -> gateway -> ranker -> (feature store, candidates)."""
    return design_of(
        [
            block("app", "client", "Mobile app"),
            block("gw", "api_gateway", "Gateway", p99_ms=5),
            block("ranker", "online_inference", "Ranker", p99_ms=ranker_p99, calls=calls),
            block("fs", "online_feature_store", "Feature store", p99_ms=store_p99),
            block("cg", "candidate_generation", "Candidates", p99_ms=store_p99),
        ],
        [req("app", "gw"), req("gw", "ranker"), req("ranker", "fs"), req("ranker", "cg")],
        requirements={"sla_p99_ms": 200, **requirements},
    )


def test_lat1_message_gives_the_p99_at_peak_the_sum_and_the_chain():
    result = run("LAT-1", ranking_path(ranker_p99=150, store_p99=80))
    assert result.status == "failed"
    (finding,) = result.findings
    # declared: 5 + 150 + 80 + 80 = 315 ms; modelled p99 of the sum of four lognormals: ~250 ms
    assert "at peak (0 req/s, queueing model) against a 200 ms SLA" in finding.message
    assert "The declared p99s add up to 315 ms." in finding.message
    assert "already" in finding.message and "at light load" in finding.message
    assert "Mobile app → Gateway → Ranker → Feature store → Candidates" in finding.message
    assert "slowest 'Ranker' at 150 ms" in finding.message
    assert set(finding.components) == {"app", "gw", "ranker", "fs", "cg"}
    assert set(finding.connections) == {"app-gw", "gw-ranker", "ranker-fs", "ranker-cg"}


def test_lat1_judges_the_modelled_p99_not_the_sum_of_p99s():
    # declared p99s add up to 225 ms against 200 ms, but a p99 of the whole path is well below that
    result = run("LAT-1", ranking_path(ranker_p99=120, store_p99=50))
    assert result.status == "passed"
    (path,) = Context(ranking_path(ranker_p99=120, store_p99=50)).analysis.paths
    assert path.p99_sum_ms == 225 and path.p99_ms is not None and path.p99_ms < 200


def test_lat1_parallel_calls_count_as_their_maximum():
    assert run("LAT-1", ranking_path(150, 80, calls="sequential")).status == "failed"
    assert run("LAT-1", ranking_path(150, 80, calls="parallel")).status == "passed"


def test_lat1_names_queueing_when_a_busy_tier_makes_the_difference():
    design = design_of(
        [block("app", "client", "App"),
         block("svc", "online_inference", "Scorer", p99_ms=30, replicas=2, qps_per_replica=50)],
        [req("app", "svc")],
        requirements={"sla_p99_ms": 60, "peak_qps": 75},
    )
    (finding,) = run("LAT-1", design).findings
    assert "queueing adds the rest: 'Scorer' runs at 75% of its capacity (2 × 50 req/s for 75 req/s)" in (
        finding.message)
    assert finding.fix is not None and "Run more replicas of 'Scorer'" in finding.fix


def test_lat1_without_sla_is_not_applicable():
    design = ranking_path(150, 80)
    design.requirements.sla_p99_ms = None
    result = run("LAT-1", design)
    assert result.status == "not_applicable"
    assert "sla_p99_ms" in result.reason


def test_lat1_waiver_marks_the_finding_waived():
    design = ranking_path(150, 80)
    data = design.model_dump()
    data["waivers"] = [{"rule": "LAT-1", "components": [], "reason": "budget renegotiated to 250 ms"}]
    report = check(Design.model_validate(data), rules=[REGISTRY["LAT-1"]])
    (finding,) = report.findings
    assert finding.waived and finding.waiver_reason == "budget renegotiated to 250 ms"
    assert report.summary()["error"] == 0 and report.summary()["waived"] == 1


def test_lat1_ignores_paths_that_start_at_a_batch_job():
    design = design_of(
        [block("job", "batch_prediction", "Nightly scorer"), block("model", "online_inference", "Model", p99_ms=900)],
        [req("job", "model")],
        requirements={"sla_p99_ms": 200},
    )
    result = run("LAT-1", design)
    assert result.status == "not_applicable"
    assert run("LAT-3", design).status == "not_applicable"


def test_lat2_names_the_block_without_latency_but_not_batch_blocks_or_clients():
    design = design_of(
        [
            block("app", "client", "Mobile app"),
            block("svc", "online_inference", "Scorer", p99_ms=30),
            block("db", "transactional_db", "Orders DB"),
            block("wh", "data_warehouse", "Warehouse"),
            block("etl", "batch_etl", "ETL"),
        ],
        [req("app", "svc"), req("svc", "db"), req("svc", "etl")],
        requirements={"sla_p99_ms": 200},
    )
    result = run("LAT-2", design)
    assert [f.components for f in result.findings] == [("db",)]
    assert "'Orders DB' is on the request path from 'Mobile app' but declares no p99_ms" in result.findings[0].message
    lat3 = run("LAT-3", design)
    assert [f.components for f in lat3.findings] == [("etl",)]


def test_lat3_allows_cdn_origin_fetch_but_not_a_service_reading_object_storage():
    cdn = design_of(
        [block("app", "client", "Browser"), block("cdn", "cdn", "CDN"), block("s3", "object_storage", "Images")],
        [req("app", "cdn"), req("cdn", "s3")],
        requirements={"sla_p99_ms": 200},
    )
    assert run("LAT-3", cdn).status == "passed"
    service = design_of(
        [block("app", "client", "Browser"), block("svc", "online_inference", "Ranker"),
         block("s3", "object_storage", "Feature dumps")],
        [req("app", "svc"), req("svc", "s3")],
        requirements={"sla_p99_ms": 200},
    )
    result = run("LAT-3", service)
    assert result.status == "failed"
    message = result.findings[0].message
    assert "'Feature dumps' (object_storage, batch tier) is called synchronously by 'Ranker'" in message


def _fan_out(targets: int, **props: object) -> Design:
    shards = [block(f"s{i}", "vector_index", f"Shard {i}") for i in range(targets)]
    return design_of(
        [block("agg", "online_inference", "Aggregator", calls="parallel", **props), *shards],
        [req("agg", f"s{i}") for i in range(targets)],
    )


def test_lat4_counts_stragglers_and_accepts_hedging():
    assert run("LAT-4", _fan_out(10)).status == "not_applicable"
    result = run("LAT-4", _fan_out(50))
    assert "calls 50 targets in parallel" in result.findings[0].message
    assert "39% of requests wait for a straggler" in result.findings[0].message  # 1 - 0.99^50
    assert len(result.findings[0].connections) == 50
    assert run("LAT-4", _fan_out(50, hedged_requests=True)).status == "passed"
    assert run("LAT-4", _fan_out(50, timeout_ms=30)).status == "passed"


def _funnel(cg_items: int | None, ranker_items: int, rerank_items: int, corpus: float | None = 1e7) -> Design:
    blocks = [block("app", "client", "App"), block("svc", "online_inference", "Ranking service")]
    edges = [req("app", "svc")]
    if cg_items is not None:
        blocks.append(block("cg", "candidate_generation", "Candidates", items_scored=cg_items))
        edges.append(req("svc", "cg"))
    blocks += [block("dnn", "dnn", "Ranker", items_scored=ranker_items),
               block("rr", "reranker", "Reranker", items_scored=rerank_items)]
    edges += [req("svc", "dnn"), req("svc", "rr")]
    requirements = {} if corpus is None else {"corpus_size": corpus}
    return design_of(blocks, edges, requirements=requirements)


def test_lat5_funnel_must_shrink_stage_to_stage():
    assert run("LAT-5", _funnel(1000, 500, 100)).status == "passed"
    assert run("LAT-5", _funnel(1000, 1000, 100)).status == "passed"  # the ranker scores every candidate
    result = run("LAT-5", _funnel(1000, 500, 800))
    (finding,) = result.findings
    assert "'Reranker' scores 800 items per request but 'Ranker' scores only 500" in finding.message
    assert finding.components == ("dnn", "rr")
    result = run("LAT-5", _funnel(300, 500, 100))
    assert "candidate generation ('Candidates') returns 300" in result.findings[0].message


def test_lat5_full_corpus_and_not_applicable_cases():
    result = run("LAT-5", _funnel(None, 500, 100, corpus=5e6))
    (finding,) = result.findings  # the first stage scores the corpus; the reranker then gets its top 500
    assert finding.components == ("dnn",)
    assert "'Ranker' (dnn) would score the full corpus of 5,000,000 items" in finding.message
    assert "sized for 500 items" in finding.message
    assert run("LAT-5", _funnel(None, 500, 100, corpus=400)).status == "passed"  # a small catalogue fits
    grows = run("LAT-5", _funnel(None, 500, 800, corpus=400))
    assert [f.components for f in grows.findings] == [("dnn", "rr")]
    na = run("LAT-5", _funnel(None, 500, 100, corpus=None))
    assert na.status == "not_applicable" and "corpus_size" in na.reason


def test_lat5_accepts_candidates_precomputed_offline():
    design = design_of(
        [block("app", "client", "App"), block("svc", "online_inference", "Ranking service"),
         block("kv", "kv_store", "Candidate lists"), block("cg", "candidate_generation", "Offline candidates"),
         block("dnn", "dnn", "Ranker", items_scored=500)],
        [req("app", "svc"), req("svc", "kv"), req("svc", "dnn"), req("cg", "kv", "batch")],
        requirements={"corpus_size": 1e9},
    )
    assert run("LAT-5", design).status != "failed"


def test_sound_mini_recommender_passes_every_latency_rule():
    design = design_of(
        [
            block("app", "client", "Mobile app"),
            block("gw", "api_gateway", "Gateway", replicas=3, authenticated=True, timeout_ms=180),
            block("svc", "online_inference", "Ranking service", p99_ms=20, timeout_ms=150, fallback=True),
            block("cache", "cache", "Result cache", hit_rate=0.4),
            block("cg", "candidate_generation", "ANN candidates", items_scored=1000),
            block("vi", "vector_index", "Vector index"),
            block("fs", "online_feature_store", "Feature store"),
            block("dnn", "dnn", "Ranker", items_scored=500),
            block("tt", "two_tower", "Two-tower"),
        ],
        [req("app", "gw"), req("gw", "svc"), req("svc", "cache"), req("cache", "cg"), req("cg", "vi"),
         req("svc", "fs"), req("svc", "dnn"), req("tt", "vi", "batch")],
        requirements={"sla_p99_ms": 200, "peak_qps": 1000, "corpus_size": 1e7},
    )
    results = {rid: run(rid, design) for rid in ("LAT-1", "LAT-2", "LAT-3", "LAT-4", "LAT-5")}
    assert not [f.message for r in results.values() for f in r.findings]
    assert results["LAT-1"].status == "passed" and results["LAT-5"].status == "passed"


def test_lat5_judges_the_work_a_heavy_model_is_given_not_its_declared_latency():
    """A DNN declared to score the whole 100M-item corpus with a 40 ms p99: its work alone is 660 s."""
    design = design_of(
        [block("app", "client", "App"),
         block("rank", "dnn", "DNN ranker", items_scored=100_000_000, p99_ms=40, qps_per_replica=300, replicas=10)],
        [req("app", "rank")],
        requirements={"sla_p99_ms": 200, "peak_qps": 100},
    )
    result = run("LAT-5", design)
    (finding,) = result.findings
    assert "'DNN ranker' (dnn) scores 100,000,000 items per request at 0.0066 ms of a replica each" in finding.message
    assert "Within the SLA one replica scores at most about 30,303 items." in finding.message
    # one cause, one finding: the latency and capacity it breaks are not reported again
    assert run("LAT-1", design).status == "passed"
    assert run("CAP-1", design).status == "passed"


def test_lat1_names_a_batch_window_that_eats_the_budget():
    design = design_of(
        [block("app", "client", "App"),
         block("gpu", "online_inference", "GPU scorer", p50_ms=20, p99_ms=40, batch_size=4096, max_batch_wait_ms=500)],
        [req("app", "gpu")],
        requirements={"sla_p99_ms": 100},
    )
    (finding,) = run("LAT-1", design).findings
    assert "'GPU scorer' waits up to 500 ms for its batch to fill (max_batch_wait_ms)" in finding.message


def test_without_an_sla_no_latency_check_passes_so_the_checklist_claims_nothing():
    """A design with no p99 SLA: LAT-2 and LAT-3 (which would pass here) are not applicable, like every rule
    that judges against the SLA, so the SLA checklist counts 0 applicable checks instead of "2/2" passing."""
    parts = [block("app", "client", "Client app"), block("svc", "online_inference", "Scorer", p99_ms=30),
             block("fs", "online_feature_store", "Features", p99_ms=5)]
    links = [req("app", "svc"), req("svc", "fs")]
    report = check(design_of(parts, links))
    sla = [r for r in report.results if r.rule.category == "sla"]
    assert sla and all(r.status == "not_applicable" for r in sla), [(r.rule.id, r.status) for r in sla]
    assert {r.rule.id: r.reason for r in sla}["LAT-2"] == "no p99 SLA is declared (requirements.sla_p99_ms)"
    assert report.progress().get("sla", (0, 0)) == (0, 0)
    declared = check(design_of(parts, links, requirements={"sla_p99_ms": 200}))
    assert {r.rule.id: r.status for r in declared.results}["LAT-2"] == "passed"
    assert {r.rule.id: r.status for r in declared.results}["LAT-3"] == "passed"
