"""Monitoring rules (MON-*): observed serving, drift watched and acted on, feedback loops, job alerts."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import RuleResult, run_rule
from tests.conftest import design_of

all_rules()  # registers every rule module


def run(rule_id: str, design: Design) -> RuleResult:
    return run_rule(REGISTRY[rule_id], Context(design))


def B(id: str, kind: str, label: str, **props: object) -> dict:
    return {"id": id, "kind": kind, "label": label, "props": props}


def mk(blocks: list[dict], edges: list[tuple[str, str, str]], **fields: object) -> Design:
    conns = [{"id": f"{s}-{t}", "source": s, "target": t, "flow": f} for s, t, f in edges]
    return design_of(blocks, conns, **fields)


APP = B("app", "client", "Mobile app")
GW = B("gw", "api_gateway", "Gateway")
SVC = B("svc", "online_inference", "Recommendation service")
CG = B("cg", "candidate_generation", "Candidates")
DNN = B("dnn", "dnn", "Ranker (DNN)")
LOG = B("log", "logging", "Serving log")
TRAIN = B("train", "training_pipeline", "Trainer")
REG = B("reg", "model_registry", "Registry")
GATE = B("gate", "validation_gate", "Gate")


# ------------------------------------------------------------------------------------------- MON-1


def test_mon1_blocks_called_by_a_monitored_service_are_observed_through_it():
    design = mk([APP, SVC, CG, DNN, LOG],
                [("app", "svc", "request"), ("svc", "cg", "request"), ("svc", "dnn", "request"),
                 ("svc", "log", "stream")])
    assert run("MON-1", design).status == "passed"


def test_mon1_unmonitored_service_is_reported_once_for_its_callees():
    design = mk([APP, SVC, CG, DNN], [("app", "svc", "request"), ("svc", "cg", "request"), ("svc", "dnn", "request")])
    assert [f.components for f in run("MON-1", design).findings] == [("svc",)]


def test_mon1_model_called_straight_from_the_gateway_needs_its_own_monitoring():
    design = mk([APP, GW, DNN, LOG], [("app", "gw", "request"), ("gw", "dnn", "request"), ("gw", "log", "stream")])
    (finding,) = run("MON-1", design).findings
    assert finding.message.startswith("'Ranker (DNN)' serves online but no metrics dashboard or log")


def test_mon1_logging_through_a_queue_counts():
    design = mk([APP, SVC, B("mq", "message_queue", "Log topic"), LOG],
                [("app", "svc", "request"), ("svc", "mq", "stream"), ("mq", "log", "stream")])
    assert run("MON-1", design).status == "passed"


def test_mon1_not_applicable_without_online_serving():
    assert run("MON-1", mk([B("bp", "batch_prediction", "Scoring")], [])).reason == "nothing serves online"


# ------------------------------------------------------------------------------------------- MON-2


def test_mon2_drift_on_training_data_only_does_not_count():
    design = mk([APP, SVC, LOG, B("lake", "data_lake", "Lake"), B("drift", "drift_detector", "Drift")],
                [("app", "svc", "request"), ("svc", "log", "stream"), ("lake", "drift", "batch")])
    (finding,) = run("MON-2", design).findings
    assert "('Drift' sees none of their data)" in finding.message


def test_mon2_drift_on_the_features_serving_reads_counts():
    design = mk([APP, SVC, B("ofs", "online_feature_store", "Online features"), B("drift", "drift_detector", "Drift")],
                [("app", "svc", "request"), ("svc", "ofs", "request"), ("ofs", "drift", "stream")])
    assert run("MON-2", design).status == "passed"


def test_mon2_embedding_job_belongs_to_the_system_whose_index_it_fills():
    design = mk(
        [APP, SVC, LOG, B("drift", "drift_detector", "Drift"), B("bp", "batch_prediction", "Item embeddings"),
         B("emb", "embedding_store", "Embeddings"), B("ann", "vector_index", "ANN index")],
        [("app", "svc", "request"), ("svc", "ann", "request"), ("svc", "log", "stream"), ("log", "drift", "stream"),
         ("bp", "emb", "batch"), ("emb", "ann", "batch")])
    assert run("MON-2", design).status == "passed"


# ------------------------------------------------------------------------------------------- MON-3


def test_mon3_alerts_on_failure_is_not_an_alert_on_drift():
    # the prop says a failed run of the detector pages someone; drift itself reaches no one
    design = mk([B("drift", "drift_detector", "Drift", alerts_on_failure=True), B("orch", "orchestrator", "Airflow")],
                [("drift", "orch", "stream")])
    (finding,) = run("MON-3", design).findings
    assert finding.message == (
        "'Drift' detects drift but reaches no alerting block (its alerts_on_failure pages only when its own run "
        "fails, not when it finds drift): retraining starts, but no one learns that the data shifted."
    )
    without_prop = mk([B("drift", "drift_detector", "Drift"), B("orch", "orchestrator", "Airflow")],
                      [("drift", "orch", "stream")])
    assert run("MON-3", without_prop).findings[0].message == (
        "'Drift' detects drift but reaches no alerting block: retraining starts, but no one learns that the data "
        "shifted."
    )


def test_mon3_a_connection_to_alerting_alerts_someone():
    direct = mk([B("drift", "drift_detector", "Drift"), B("orch", "orchestrator", "Airflow"),
                 B("alert", "alerting", "Pager")],
                [("drift", "orch", "batch"), ("drift", "alert", "stream")])
    assert run("MON-3", direct).status == "passed"
    # through a dashboard whose alert rules page on-call
    via_dashboard = mk([B("drift", "drift_detector", "Drift"), B("orch", "orchestrator", "Airflow"),
                        B("dash", "metrics_dashboard", "Grafana"), B("alert", "alerting", "Pager")],
                       [("drift", "orch", "batch"), ("drift", "dash", "stream"), ("dash", "alert", "stream")])
    assert run("MON-3", via_dashboard).status == "passed"


def test_mon3_alerting_without_retraining_is_named():
    design = mk([B("drift", "drift_detector", "Drift"), B("alert", "alerting", "Pager")],
                [("drift", "alert", "stream")])
    (finding,) = run("MON-3", design).findings
    assert finding.message == (
        "'Drift' detects drift but reaches no training pipeline or orchestrator: someone is paged, but "
        "retraining waits for a person."
    )


def test_mon3_a_detector_connected_to_nothing_changes_nothing():
    design = mk([B("drift", "drift_detector", "Drift", alerts_on_failure=True)], [])
    (finding,) = run("MON-3", design).findings
    assert finding.message.endswith("and reaches no training pipeline or orchestrator: detected drift changes "
                                    "nothing.")
    assert finding.message.startswith("'Drift' detects drift but reaches no alerting block (its alerts_on_failure")


def test_mon3_not_applicable_without_a_detector():
    assert run("MON-3", mk([APP], [])).status == "not_applicable"


# ------------------------------------------------------------------------------------------- MON-4 / MON-5


def served(*extra_blocks: dict, extra: tuple = (), **svc_props: object) -> Design:
    return mk(
        [APP, CG, B("svc", "online_inference", "Ranking service", **svc_props), LOG, TRAIN, REG, GATE,
         B("lake", "data_lake", "Lake"), *extra_blocks],
        [("app", "cg", "request"), ("cg", "svc", "request"), ("svc", "log", "stream"), ("lake", "train", "batch"),
         ("train", "reg", "batch"), ("reg", "gate", "batch"), ("gate", "svc", "batch"), *extra],
    )


def test_mon4_names_the_trainer_and_what_it_serves():
    (finding,) = run("MON-4", served()).findings
    assert finding.message.startswith("Nothing flows back from 'Ranking service' to 'Trainer'")
    assert finding.components == ("train", "svc")


def test_mon4_user_events_into_training_data_close_the_loop():
    design = served(B("ev", "user_events", "Clicks"), extra=(("app", "ev", "stream"), ("ev", "lake", "batch")))
    assert run("MON-4", design).status == "passed"


def test_mon4_not_applicable_when_no_trained_model_is_served():
    design = mk([TRAIN, B("lake", "data_lake", "Lake")], [("lake", "train", "batch")])
    assert run("MON-4", design).reason == "no trained model reaches a serving block"


def test_mon5_not_applicable_without_a_loop_or_a_recommender():
    assert run("MON-5", served()).reason == "recommendations do not feed back into training"
    fraud = mk([APP, SVC, LOG], [("app", "svc", "request"), ("svc", "log", "stream")])
    assert run("MON-5", fraud).reason == "no candidate generation or ranking system"


def test_mon5_exploration_declared_on_the_trainer_passes():
    loop = (("log", "lake", "feedback"),)
    assert run("MON-5", served(extra=loop)).status == "failed"
    design = mk(
        [APP, CG, B("svc", "online_inference", "Ranking service"), LOG,
         B("train", "training_pipeline", "Trainer", explores=True), REG, GATE, B("lake", "data_lake", "Lake")],
        [("app", "cg", "request"), ("cg", "svc", "request"), ("svc", "log", "stream"), ("log", "lake", "feedback"),
         ("lake", "train", "batch"), ("train", "reg", "batch"), ("reg", "gate", "batch"), ("gate", "svc", "batch")],
    )
    assert run("MON-5", design).status == "passed"


# ------------------------------------------------------------------------------------------- MON-6


def test_mon6_job_logging_into_alerting_passes():
    design = mk([B("etl", "batch_etl", "ETL"), LOG, B("alert", "alerting", "Pager")],
                [("etl", "log", "stream"), ("log", "alert", "stream")])
    assert run("MON-6", design).status == "passed"


def test_mon6_one_finding_per_silent_job():
    design = mk([B("etl", "batch_etl", "ETL"), B("train", "training_pipeline", "Trainer", alerts_on_failure=True),
                 B("fp", "feature_pipeline", "Features")], [("etl", "fp", "batch"), ("fp", "train", "batch")])
    assert [f.components for f in run("MON-6", design).findings] == [("etl",), ("fp",)]


def test_mon6_orchestrator_without_alerting_does_not_cover():
    design = mk([B("orch", "orchestrator", "Airflow"), B("etl", "batch_etl", "ETL")], [("orch", "etl", "batch")])
    assert run("MON-6", design).status == "failed"


def test_mon6_not_applicable_without_jobs():
    assert run("MON-6", mk([APP], [])).status == "not_applicable"
