"""Structure rules (STR-*), the block roles every ML checklist shares, and no false positive from the data,
training, serving, monitoring and structure checklists on five sound architectures drawn in different ways."""

from __future__ import annotations

import pytest

from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules, check
from mlsd.rules.context import Context
from mlsd.rules.engine import RuleResult, run_rule
from mlsd.rules.roles import names, roles, walk
from tests.conftest import design_of

all_rules()  # registers every rule module

MINE = ("data", "training", "serving", "monitoring", "structure")


def run(rule_id: str, design: Design) -> RuleResult:
    return run_rule(REGISTRY[rule_id], Context(design))


def B(id: str, kind: str, label: str, **props: object) -> dict:
    return {"id": id, "kind": kind, "label": label, "props": props}


def mk(blocks: list[dict], edges: list[tuple[str, str, str]], **fields: object) -> Design:
    conns = [{"id": f"c{i}", "source": s, "target": t, "flow": f} for i, (s, t, f) in enumerate(edges)]
    return design_of(blocks, conns, **fields)


# ------------------------------------------------------------------------------------------- STR-1


def test_str1_not_applicable_to_an_empty_design():
    result = run("STR-1", mk([], []))
    assert result.status == "not_applicable"
    assert "no blocks" in result.reason


def test_str1_names_each_missing_part():
    design = mk([B("app", "client", "App"), B("gw", "api_gateway", "Gateway")], [("app", "gw", "request")])
    result = run("STR-1", design)
    messages = " ".join(f.message for f in result.findings)
    assert len(result.findings) == 2
    assert "no model" in messages and "no data source" in messages


def test_str1_online_serving_nobody_can_call():
    design = mk([B("inf", "online_inference", "Scorer"), B("kv", "kv_store", "Features")], [("inf", "kv", "request")])
    result = run("STR-1", design)
    assert [f.components for f in result.findings] == [("inf",)]
    assert "'Scorer'" in result.findings[0].message and "nothing can call" in result.findings[0].message


def test_str1_a_request_into_serving_is_an_entry_even_without_a_client():
    design = mk(
        [B("pay", "third_party_api", "Card network"), B("inf", "online_inference", "Scorer")],
        [("pay", "inf", "request")],
    )
    assert run("STR-1", design).status == "passed"


# ------------------------------------------------------------------------------------------- STR-2


def test_str2_key_service_may_float_but_other_blocks_may_not():
    design = mk(
        [B("app", "client", "App"), B("inf", "online_inference", "Scorer"), B("kms", "kms", "KMS"),
         B("cache", "cache", "Old cache")],
        [("app", "inf", "request")],
    )
    result = run("STR-2", design)
    assert [f.components for f in result.findings] == [("cache",)]
    assert result.findings[0].message == "'Old cache' is not connected to any other block."


def test_str2_model_without_input_is_named():
    design = mk([B("dnn", "dnn", "Ranker (DNN)"), B("inf", "online_inference", "Ranking")], [("dnn", "inf", "batch")])
    result = run("STR-2", design)
    assert len(result.findings) == 1
    assert "Model 'Ranker (DNN)' has no input" in result.findings[0].message


def test_str2_heuristic_baseline_needs_no_training_input():
    design = mk([B("pop", "heuristic_baseline", "Popular items"), B("bp", "batch_prediction", "Nightly scoring")],
                [("pop", "bp", "batch")])
    assert run("STR-2", design).status == "passed"


def test_str2_model_on_the_request_path_has_input_and_consumer():
    design = mk([B("inf", "online_inference", "Ranking"), B("dnn", "dnn", "Ranker (DNN)")], [("inf", "dnn", "request")])
    assert run("STR-2", design).status == "passed"


def test_str2_monitoring_alone_is_not_a_consumer():
    design = mk(
        [B("train", "training_pipeline", "Trainer"), B("dnn", "dnn", "Ranker (DNN)"),
         B("dash", "metrics_dashboard", "Dashboard")],
        [("train", "dnn", "batch"), ("dnn", "dash", "stream")],
    )
    result = run("STR-2", design)
    assert [f.components for f in result.findings] == [("dnn",)]
    assert "has no consumer" in result.findings[0].message


def test_str2_waiver_accepts_an_orphan_with_its_reason():
    design = mk(
        [B("app", "client", "App"), B("inf", "online_inference", "Scorer"), B("cache", "cache", "Old cache")],
        [("app", "inf", "request")],
        waivers=[{"rule": "STR-2", "components": ["cache"], "reason": "kept for the migration"}],
    )
    result = run("STR-2", design)
    assert [(f.waived, f.waiver_reason) for f in result.findings] == [(True, "kept for the migration")]


# ------------------------------------------------------------------------------------------- STR-3


def test_str3_flags_default_request_flow_from_training_to_model():
    design = mk([B("train", "training_pipeline", "Trainer"), B("dnn", "dnn", "Ranker (DNN)")],
                [("train", "dnn", "request")])
    result = run("STR-3", design)
    assert [(f.components, f.connections) for f in result.findings] == [(("train", "dnn"), ("c0",))]
    assert "batch-tier 'Trainer'" in result.findings[0].message


def test_str3_cdn_fetching_its_origin_bucket_is_normal():
    design = mk([B("app", "client", "App"), B("cdn", "cdn", "CDN"), B("s3", "object_storage", "Video bucket")],
                [("app", "cdn", "request"), ("cdn", "s3", "request")])
    assert run("STR-3", design).status == "passed"


def test_str3_not_applicable_without_request_connections():
    design = mk([B("lake", "data_lake", "Lake"), B("etl", "batch_etl", "ETL")], [("lake", "etl", "batch")])
    assert run("STR-3", design).status == "not_applicable"


# ------------------------------------------------------------------------------------------- shared helpers


def test_names_lists_labels_and_counts_the_rest():
    design = mk([B(f"b{i}", "kv_store", f"S{i}") for i in range(5)], [])
    ctx = Context(design)
    assert names(ctx, ["b0"]) == "'S0'"
    assert names(ctx, ["b0", "b1"]) == "'S0' and 'S1'"
    assert names(ctx, ["b0", "b1", "b2", "b3", "b4"]) == "'S0', 'S1', 'S2' and 2 more"


def test_walk_respects_flows_passable_kinds_and_depth():
    design = mk(
        [B("a", "user_events", "A"), B("q", "message_queue", "Q"), B("t", "training_pipeline", "T"),
         B("r", "model_registry", "R"), B("x", "kv_store", "X")],
        [("a", "q", "stream"), ("q", "t", "batch"), ("t", "r", "batch"), ("a", "x", "request")],
    )
    ctx = Context(design)
    assert walk(ctx, ["a"], flows=frozenset({"stream", "batch"})) == {"q": "a", "t": "a", "r": "a"}
    assert set(walk(ctx, ["a"], flows=frozenset({"stream", "batch"}), passable=frozenset({"message_queue"}))) == {
        "q", "t"}
    assert set(walk(ctx, ["a"], depth=1)) == {"q", "x"}
    assert set(walk(ctx, ["t"], forward=False)) == {"q", "a"}


def test_roles_accept_both_modelings_of_a_served_model():
    artifact = mk(
        [B("train", "training_pipeline", "T"), B("dnn", "dnn", "M"), B("inf", "online_inference", "S")],
        [("train", "dnn", "batch"), ("dnn", "inf", "batch")],
    )
    on_path = mk(
        [B("train", "training_pipeline", "T"), B("dnn", "dnn", "M"), B("inf", "online_inference", "S")],
        [("train", "dnn", "batch"), ("inf", "dnn", "request")],
    )
    r1, r2 = roles(Context(artifact)), roles(Context(on_path))
    assert r1.online_units == ("inf",) and r1.deploys["train"] == {"dnn", "inf"}
    assert set(r2.online_units) == {"inf", "dnn"} and r2.deploys["train"] == {"dnn", "inf"}


# ------------------------------------------------------------------------------------------- sound architectures

JOB = {"alerts_on_failure": True}
TRAIN = {"split": "time", "offline_metric": "NDCG@10", "online_metric": "watch time", "slice_eval": True,
         "reproducible": True, "versioned": True, "alerts_on_failure": True, "label_maturity_hours": 1}


def video_recommendations() -> Design:
    """Orchestrating service behind an A/B router; models both on the request path and as artifacts; a daily
    ANN index beside a fresh-uploads retriever."""
    return mk(
        [B("app", "client", "Mobile app"), B("gw", "api_gateway", "API gateway"),
         B("ab", "ab_testing", "Experiment router"), B("cg", "candidate_generation", "Candidate generation"),
         B("tt", "two_tower", "Two-tower retrieval"), B("ann", "vector_index", "Video ANN index"),
         B("rank", "online_inference", "Ranking service", model_version_kept=True),
         B("dnn", "dnn", "Ranker (DNN)", explores=True), B("pop", "heuristic_baseline", "Popular videos"),
         B("rerank", "reranker", "Diversity re-ranker"),
         B("ofs", "online_feature_store", "Online features", freshness_minutes=5),
         B("events", "user_events", "Watch events", label_delay_hours=1), B("mq", "message_queue", "Event stream"),
         B("sp", "stream_processor", "Streaming features", **JOB), B("lake", "data_lake", "Events lake"),
         B("dv", "data_validation", "Schema check", **JOB), B("fp", "feature_pipeline", "Feature pipeline", **JOB),
         B("offs", "offline_feature_store", "Offline features"), B("train", "training_pipeline", "Trainer", **TRAIN),
         B("tune", "hyperparameter_tuning", "Tuner"), B("reg", "model_registry", "Model registry"),
         B("gate", "validation_gate", "Validation gate"), B("log", "logging", "Impression log"),
         B("dash", "metrics_dashboard", "Serving dashboard"), B("drift", "drift_detector", "Drift detector"),
         B("alert", "alerting", "On-call"), B("orch", "orchestrator", "Scheduler", **JOB),
         B("fresh", "candidate_generation", "Fresh uploads", cold_start="new_items"),
         B("recent", "kv_store", "Recent uploads by topic"), B("videos", "transactional_db", "Video catalogue")],
        [("app", "gw", "request"), ("gw", "ab", "request"), ("ab", "cg", "request"), ("ab", "rank", "request"),
         ("cg", "fresh", "request"), ("fresh", "recent", "request"), ("videos", "recent", "stream"),
         ("cg", "ann", "request"), ("rank", "dnn", "request"), ("rank", "ofs", "request"),
         ("rank", "rerank", "request"), ("rank", "pop", "request"), ("app", "events", "stream"),
         ("events", "mq", "stream"), ("mq", "sp", "stream"), ("sp", "ofs", "stream"), ("mq", "lake", "batch"),
         ("lake", "dv", "batch"), ("dv", "fp", "batch"), ("fp", "offs", "batch"), ("fp", "ofs", "batch"),
         ("offs", "train", "batch"), ("tune", "train", "batch"), ("train", "reg", "batch"), ("reg", "gate", "batch"),
         ("gate", "dnn", "batch"), ("gate", "tt", "batch"), ("tt", "cg", "batch"), ("tt", "ann", "batch"),
         ("cg", "log", "stream"), ("rank", "log", "stream"), ("rerank", "log", "stream"), ("rank", "dash", "stream"),
         ("log", "lake", "feedback"), ("log", "drift", "stream"), ("drift", "alert", "stream"),
         ("drift", "orch", "stream"), ("orch", "train", "batch")],
        requirements={"sla_p99_ms": 200, "peak_qps": 50000, "freshness_minutes": 5},
    )


def card_fraud() -> Design:
    """Inline scoring; one stream job writes both feature stores; chargeback labels and analyst review."""
    t = {**TRAIN, "offline_metric": "PR-AUC", "online_metric": "fraud loss", "imbalance_strategy": "class_weights"}
    return mk(
        [B("pos", "client", "Payment service"), B("gw", "api_gateway", "Payments API"),
         B("score", "online_inference", "Fraud scoring", rollout="shadow", model_version_kept=True),
         B("gbdt", "gbdt", "Fraud model (GBDT)"), B("rules", "heuristic_baseline", "Rules fallback"),
         B("ofs", "online_feature_store", "Card velocity features"), B("txdb", "transactional_db", "Transactions"),
         B("cdc", "message_queue", "Transaction stream"), B("sp", "stream_processor", "Velocity aggregator", **JOB),
         B("offs", "offline_feature_store", "Feature history"), B("wh", "data_warehouse", "Transaction history"),
         B("cb", "third_party_api", "Card network"), B("lab", "labeling", "Analyst review"),
         B("dv", "data_validation", "Label and schema check", **JOB), B("train", "training_pipeline", "Trainer", **t),
         B("tune", "hyperparameter_tuning", "Tuner"), B("reg", "model_registry", "Model registry"),
         B("gate", "validation_gate", "Backtest gate"), B("log", "logging", "Decision log"),
         B("dash", "metrics_dashboard", "Fraud dashboard"), B("drift", "drift_detector", "Score drift"),
         B("alert", "alerting", "Fraud on-call"), B("orch", "orchestrator", "Airflow", **JOB)],
        [("pos", "gw", "request"), ("gw", "score", "request"), ("score", "gbdt", "request"),
         ("score", "ofs", "request"), ("score", "rules", "request"), ("txdb", "cdc", "stream"), ("cdc", "sp", "stream"),
         ("sp", "ofs", "stream"), ("sp", "offs", "stream"), ("cdc", "wh", "batch"), ("cb", "wh", "batch"),
         ("score", "log", "stream"), ("log", "lab", "batch"), ("lab", "wh", "batch"), ("wh", "dv", "batch"),
         ("dv", "train", "batch"), ("offs", "train", "batch"), ("tune", "train", "batch"), ("train", "reg", "batch"),
         ("reg", "gate", "batch"), ("gate", "gbdt", "batch"), ("score", "dash", "stream"), ("log", "drift", "stream"),
         ("drift", "alert", "stream"), ("drift", "orch", "stream"), ("orch", "train", "batch")],
        requirements={"sla_p99_ms": 100, "peak_qps": 5000, "positive_rate": 0.002, "freshness_minutes": 1},
    )


def ad_clicks() -> Design:
    """Models as artifacts (training -> model -> registry -> gate -> serving); drift retrains directly; new ads
    reach the index within the 5-minute freshness."""
    t = {**TRAIN, "offline_metric": "log loss", "online_metric": "CTR", "imbalance_strategy": "resampling",
         "explores": True, "label_maturity_hours": 0.083}
    return mk(
        [B("app", "client", "Publisher page"), B("lb", "load_balancer", "Load balancer"),
         B("cg", "candidate_generation", "Ad retrieval"), B("idx", "vector_index", "Ad index"),
         B("builder", "batch_etl", "Ad index builder (5-min micro-batches)", freshness_minutes=5, **JOB),
         B("ads", "relational_db", "Ad inventory"),
         B("rank", "online_inference", "CTR ranking", rollout="canary"), B("dnn", "dnn", "CTR model (DNN)"),
         B("lr", "logistic_regression", "CTR baseline (LR)"), B("ofs", "online_feature_store", "Online features"),
         B("clicks", "user_events", "Impressions and clicks", label_delay_hours=0.083),
         B("mq", "message_queue", "Click stream"),
         B("sp", "stream_processor", "Click joiner", **JOB), B("lake", "data_lake", "Click lake"),
         B("offs", "offline_feature_store", "Offline features"), B("dv", "data_validation", "Data checks", **JOB),
         B("train", "training_pipeline", "Continual trainer", **t), B("tune", "hyperparameter_tuning", "Tuner"),
         B("reg", "model_registry", "Registry"), B("gate", "validation_gate", "Gate"),
         B("dash", "metrics_dashboard", "Ads dashboard"), B("drift", "drift_detector", "Feature drift"),
         B("alert", "alerting", "Alerts")],
        [("app", "lb", "request"), ("lb", "cg", "request"), ("cg", "idx", "request"), ("cg", "rank", "request"),
         ("rank", "ofs", "request"), ("ads", "builder", "batch"), ("builder", "idx", "batch"),
         ("app", "clicks", "stream"), ("clicks", "mq", "stream"), ("mq", "sp", "stream"), ("sp", "ofs", "stream"),
         ("sp", "lake", "stream"), ("lake", "dv", "batch"), ("dv", "offs", "batch"), ("sp", "offs", "stream"),
         ("offs", "train", "batch"), ("tune", "train", "batch"), ("train", "dnn", "batch"), ("train", "lr", "batch"),
         ("dnn", "reg", "batch"), ("lr", "reg", "batch"), ("reg", "gate", "batch"), ("gate", "rank", "batch"),
         ("cg", "dash", "stream"), ("rank", "dash", "stream"), ("rank", "mq", "stream"), ("ofs", "drift", "stream"),
         ("mq", "drift", "stream"), ("drift", "alert", "stream"), ("drift", "train", "stream")],
        requirements={"sla_p99_ms": 100, "peak_qps": 100000, "positive_rate": 0.01, "freshness_minutes": 5},
    )


def people_you_may_know() -> Design:
    """Batch only: nightly scoring into a key-value table the gateway reads."""
    t = {**TRAIN, "offline_metric": "recall@20", "online_metric": "requests sent", "label_maturity_hours": 168}
    return mk(
        [B("app", "client", "Mobile app"), B("gw", "api_gateway", "API gateway"), B("pymk", "kv_store", "PYMK table"),
         B("events", "user_events", "Connection events", label_delay_hours=168),
         B("graph", "transactional_db", "Social graph"),
         B("etl", "batch_etl", "Graph snapshot", versioned=True, **JOB), B("lake", "data_lake", "Graph lake"),
         B("dv", "data_validation", "Snapshot checks", **JOB), B("train", "training_pipeline", "PYMK trainer", **t),
         B("tune", "hyperparameter_tuning", "Tuner"), B("gbdt", "gbdt", "Link scorer (GBDT)"),
         B("base", "heuristic_baseline", "Friends-of-friends count"), B("reg", "model_registry", "Registry"),
         B("gate", "validation_gate", "Gate"), B("bp", "batch_prediction", "Nightly PYMK scoring", **JOB),
         B("drift", "drift_detector", "Score drift"), B("alert", "alerting", "Alerts"),
         B("orch", "orchestrator", "Scheduler", **JOB)],
        [("app", "gw", "request"), ("gw", "pymk", "request"), ("app", "events", "stream"), ("events", "lake", "batch"),
         ("graph", "etl", "batch"), ("etl", "lake", "batch"), ("lake", "dv", "batch"), ("dv", "train", "batch"),
         ("tune", "train", "batch"), ("train", "gbdt", "batch"), ("gbdt", "reg", "batch"), ("reg", "gate", "batch"),
         ("gate", "bp", "batch"), ("lake", "bp", "batch"), ("bp", "pymk", "batch"), ("base", "bp", "batch"),
         ("bp", "drift", "batch"), ("drift", "alert", "stream"), ("drift", "orch", "stream"),
         ("orch", "train", "batch")],
        requirements={"sla_p99_ms": 300, "peak_qps": 20000},
    )


def news_feed() -> Design:
    """Gate beside the registry; ranker model called by retrieval; monitoring through a queue; offline store
    materialised into the online one; the app writes follow edges into the graph store."""
    t = {**TRAIN, "offline_metric": "NDCG@10", "online_metric": "time spent"}
    return mk(
        [B("app", "client", "Mobile app"), B("lb", "load_balancer", "Load balancer"),
         B("gw", "api_gateway", "API gateway"), B("cg", "candidate_generation", "Post retrieval"),
         B("graph", "kv_store", "Follow graph"),
         B("msr", "multi_stage_ranker", "Feed ranker", rollout="canary", explores=True),
         B("base", "heuristic_baseline", "Reverse-chronological feed"),
         B("ofs", "online_feature_store", "Online features"),
         B("posts", "user_events", "Posts and reactions", label_delay_hours=1), B("mq", "message_queue", "Event bus"),
         B("sp", "stream_processor", "Engagement counters", **JOB), B("lake", "data_lake", "Event lake"),
         B("dv", "data_validation", "Data checks", **JOB), B("fp", "feature_pipeline", "Feature jobs", **JOB),
         B("offs", "offline_feature_store", "Offline features"), B("train", "training_pipeline", "Feed trainer", **t),
         B("tune", "hyperparameter_tuning", "Tuner"), B("reg", "model_registry", "Registry"),
         B("gate", "validation_gate", "Gate"), B("smq", "message_queue", "Serving events"),
         B("log", "logging", "Serving log"), B("drift", "drift_detector", "Drift"), B("alert", "alerting", "Pager"),
         B("orch", "orchestrator", "Scheduler", **JOB)],
        [("app", "lb", "request"), ("lb", "gw", "request"), ("gw", "cg", "request"), ("cg", "graph", "request"),
         ("cg", "msr", "request"), ("msr", "ofs", "request"), ("msr", "base", "request"), ("app", "posts", "stream"),
         ("posts", "mq", "stream"), ("mq", "sp", "stream"), ("sp", "ofs", "stream"), ("mq", "lake", "batch"),
         ("app", "graph", "stream"), ("lake", "dv", "batch"), ("dv", "fp", "batch"), ("fp", "offs", "batch"),
         ("offs", "ofs", "batch"),
         ("offs", "train", "batch"), ("tune", "train", "batch"), ("train", "gate", "batch"), ("gate", "reg", "batch"),
         ("reg", "msr", "batch"), ("cg", "smq", "stream"), ("msr", "smq", "stream"), ("smq", "log", "stream"),
         ("log", "lake", "feedback"), ("log", "drift", "stream"), ("drift", "alert", "stream"),
         ("drift", "orch", "stream"), ("orch", "train", "batch")],
        requirements={"sla_p99_ms": 200, "peak_qps": 46000},
    )


SOUND = [video_recommendations, card_fraud, ad_clicks, people_you_may_know, news_feed]


@pytest.mark.parametrize("build", SOUND, ids=[b.__name__ for b in SOUND])
def test_sound_architecture_raises_no_finding_and_no_crash(build):
    report = check(build(), [r for r in all_rules() if r.category in MINE])
    assert [f"{f.rule}: {f.message}" for f in report.findings] == []
    assert all(res.status in ("passed", "not_applicable") for res in report.results)


@pytest.mark.parametrize("build", SOUND, ids=[b.__name__ for b in SOUND])
def test_sound_architecture_exercises_most_rules(build):
    """The sound designs prove something only if the rules apply to them."""
    report = check(build(), [r for r in all_rules() if r.category in MINE])
    passed = [res.rule.id for res in report.results if res.status == "passed"]
    assert len(passed) >= 16, passed


def test_str3_batch_prediction_calling_its_model_is_not_flagged():
    design = mk([B("bp", "batch_prediction", "Nightly scoring"), B("gbdt", "gbdt", "Model"),
                 B("wh", "data_warehouse", "Warehouse"), B("kv", "kv_store", "Scores")],
                [("bp", "gbdt", "request"), ("bp", "wh", "request"), ("bp", "kv", "batch")])
    result = run("STR-3", design)
    assert [f.connections for f in result.findings] == [("c1",)]
