"""Data rules (DAT-*): skew, validation, freshness, labels, point-in-time joins and lineage."""

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


def mk(blocks: list[dict], edges: list[tuple], **fields: object) -> Design:
    conns = []
    for s, t, f, *label in edges:
        conn = {"id": f"{s}-{t}", "source": s, "target": t, "flow": f}
        if label:
            conn["label"] = label[0]
        conns.append(conn)
    return design_of(blocks, conns, **fields)


APP = B("app", "client", "Mobile app")
TRAIN = B("train", "training_pipeline", "Trainer")
REG = B("reg", "model_registry", "Model registry")
GATE = B("gate", "validation_gate", "Validation gate")
RANK = B("rank", "online_inference", "Ranking service")
DEPLOY = [("train", "reg", "batch"), ("reg", "gate", "batch"), ("gate", "rank", "batch")]


# ------------------------------------------------------------------------------------------- DAT-1


def skewed(*extra_blocks: dict, extra: tuple = ()) -> Design:
    return mk(
        [APP, RANK, TRAIN, REG, GATE, B("db", "transactional_db", "Accounts DB"),
         B("wh", "data_warehouse", "Warehouse"), *extra_blocks],
        [("app", "rank", "request"), ("rank", "db", "request"), ("db", "wh", "batch"), ("wh", "train", "batch"),
         *DEPLOY, *extra],
    )


def test_dat1_message_names_both_sides():
    (finding,) = run("DAT-1", skewed()).findings
    assert finding.message.startswith(
        "'Trainer' builds its training data from 'Warehouse', while online 'Ranking service' computes its features "
        "itself from 'Accounts DB' (it reads no feature store): no feature store or feature pipeline feeds both")
    assert finding.components == ("train", "rank")


def ad_server(*extra_blocks: dict, extra: tuple = ()) -> Design:
    """An ad server reading a business store (budgets) and an online feature store filled by Flink, while
    training recomputes its features in Spark from the lake."""
    return mk(
        [APP, B("ads", "online_inference", "Ad server"), B("ctr", "dnn", "pCTR model"),
         B("budgets", "kv_store", "Campaign budgets"), B("cat", "relational_db", "Ad catalogue"),
         B("ofs", "online_feature_store", "Online features"), B("mq", "message_queue", "Events"),
         B("flink", "stream_processor", "Flink counters"), B("lake", "data_lake", "Lake"),
         B("spark", "batch_etl", "Spark features"), TRAIN, REG, GATE, *extra_blocks],
        [("app", "ads", "request"), ("ads", "budgets", "request"), ("ads", "cat", "request"),
         ("ads", "ofs", "request"), ("ads", "ctr", "request"), ("mq", "flink", "stream"), ("flink", "ofs", "stream"),
         ("mq", "lake", "batch"), ("lake", "spark", "batch"), ("spark", "train", "batch"), ("train", "reg", "batch"),
         ("reg", "gate", "batch"), ("gate", "ctr", "batch"), *extra],
    )


def test_dat1_message_names_only_the_feature_sources_of_both_sides():
    (finding,) = run("DAT-1", ad_server()).findings
    assert finding.message.startswith(
        "'Trainer' builds its training data from 'Spark features', while online 'Ad server' reads its features from "
        "'Online features' (filled by 'Flink counters'): no feature store or feature pipeline feeds both")
    assert "Campaign budgets" not in finding.message and "Ad catalogue" not in finding.message
    assert finding.components == ("train", "ads")  # the service that reads for the model it calls


def test_dat1_a_store_written_by_a_feature_job_is_a_feature_read():
    # a kv store is a feature store when a feature job fills it; one the service only reads is business data
    design = ad_server(B("kvjob", "batch_etl", "Budget features job"), extra=(("lake", "kvjob", "batch"),
                                                                           ("kvjob", "budgets", "batch")))
    (finding,) = run("DAT-1", design).findings
    assert ("reads its features from 'Campaign budgets' and 'Online features' (filled by 'Budget features job' "
            "and 'Flink counters')") in finding.message


def test_dat1_log_and_wait_passes():
    design = skewed(B("log", "logging", "Feature log"), extra=(("rank", "log", "stream"), ("log", "wh", "feedback")))
    assert run("DAT-1", design).status == "passed"


def test_dat1_offline_store_materialised_into_the_online_store_passes():
    design = mk(
        [APP, RANK, TRAIN, REG, GATE, B("fp", "feature_pipeline", "Features"),
         B("offs", "offline_feature_store", "Offline"), B("ofs", "online_feature_store", "Online")],
        [("app", "rank", "request"), ("rank", "ofs", "request"), ("fp", "offs", "batch"), ("offs", "ofs", "batch"),
         ("offs", "train", "batch"), *DEPLOY],
    )
    assert run("DAT-1", design).status == "passed"


def test_dat1_separate_streaming_and_batch_feature_code_is_skew():
    design = mk(
        [APP, RANK, TRAIN, REG, GATE, B("mq", "message_queue", "Events"), B("sp", "stream_processor", "Flink job"),
         B("ofs", "online_feature_store", "Online"), B("lake", "data_lake", "Lake"),
         B("etl", "batch_etl", "Spark SQL")],
        [("app", "rank", "request"), ("rank", "ofs", "request"), ("mq", "sp", "stream"), ("sp", "ofs", "stream"),
         ("mq", "lake", "batch"), ("lake", "etl", "batch"), ("etl", "train", "batch"), *DEPLOY],
    )
    assert run("DAT-1", design).status == "failed"


def test_dat1_serving_only_training_artifacts_passes():
    design = mk(
        [APP, B("cg", "candidate_generation", "Similar listings"), B("ann", "vector_index", "Listing index"),
         TRAIN, REG, GATE, B("lake", "data_lake", "Sessions")],
        [("app", "cg", "request"), ("cg", "ann", "request"), ("lake", "train", "batch"), ("train", "ann", "batch"),
         ("train", "reg", "batch"), ("reg", "gate", "batch"), ("gate", "cg", "batch")],
    )
    assert run("DAT-1", design).status == "passed"


def test_dat1_service_computing_its_own_features_is_named_as_such():
    design = mk([APP, RANK, TRAIN, REG, GATE, B("wh", "data_warehouse", "Warehouse")],
                [("app", "rank", "request"), ("wh", "train", "batch"), *DEPLOY])
    (finding,) = run("DAT-1", design).findings
    assert "reads no feature store (it computes its features itself)" in finding.message


def test_dat1_not_applicable_reasons():
    assert "nothing serves online" in run("DAT-1", mk([TRAIN], [])).reason
    assert "no training pipeline" in run("DAT-1", mk([APP, RANK], [("app", "rank", "request")])).reason


# ------------------------------------------------------------------------------------------- DAT-2


def test_dat2_validation_beside_the_training_read_counts():
    design = mk([B("lake", "data_lake", "Lake"), B("dv", "data_validation", "Checks"), TRAIN],
                [("lake", "train", "batch"), ("lake", "dv", "batch")])
    assert run("DAT-2", design).status == "passed"


def test_dat2_validation_of_other_data_is_mentioned():
    design = mk([B("lake", "data_lake", "Lake"), B("logs", "logging", "Logs"), B("dv", "data_validation", "Checks"),
                 TRAIN], [("lake", "train", "batch"), ("logs", "dv", "batch")])
    (finding,) = run("DAT-2", design).findings
    assert "('Checks' validates other data)" in finding.message


def test_dat2_not_applicable_without_training_data():
    assert run("DAT-2", mk([TRAIN], [])).status == "not_applicable"


# ------------------------------------------------------------------------------------------- DAT-3


def online_store(freshness_req: float | None, pipeline_minutes: float, **store_props: object) -> Design:
    req = {} if freshness_req is None else {"freshness_minutes": freshness_req}
    return mk([APP, RANK, B("ofs", "online_feature_store", "Online", **store_props),
               B("fp", "feature_pipeline", "Feature job", freshness_minutes=pipeline_minutes),
               B("lake", "data_lake", "Lake")],
              [("app", "rank", "request"), ("rank", "ofs", "request"), ("lake", "fp", "batch"), ("fp", "ofs", "batch")],
              requirements=req)


def test_dat3_not_applicable_without_a_fresh_need():
    assert run("DAT-3", online_store(None, 1440)).status == "not_applicable"
    assert run("DAT-3", online_store(240, 1440)).status == "not_applicable"


def test_dat3_hourly_pipeline_meets_an_hourly_need():
    assert run("DAT-3", online_store(60, 60)).status == "passed"


def test_dat3_store_own_freshness_overrides_the_requirement():
    (finding,) = run("DAT-3", online_store(240, 60, freshness_minutes=10)).findings
    assert "at most 10 min fresh (its freshness_minutes)" in finding.message
    assert "'Feature job' (every 60 min)" in finding.message


def test_dat3_leaves_a_store_no_source_reaches_to_dat7():
    design = mk([APP, RANK, B("ofs", "online_feature_store", "Online"),
                 B("fp", "feature_pipeline", "Feature job", freshness_minutes=1440)],
                [("app", "rank", "request"), ("rank", "ofs", "request"), ("fp", "ofs", "batch")],
                requirements={"freshness_minutes": 5})
    assert run("DAT-3", design).status == "passed"
    assert run("DAT-7", design).status == "failed"


def test_dat3_judges_the_freshest_write_path_not_every_writer():
    blocks = [APP, RANK, B("ofs", "online_feature_store", "Online"), B("lake", "data_lake", "Lake"),
              B("fp", "feature_pipeline", "Daily job", freshness_minutes=1440), B("ev", "user_events", "Events"),
              B("sp", "stream_processor", "Flink", freshness_minutes=2)]
    daily = [("app", "rank", "request"), ("rank", "ofs", "request"), ("lake", "fp", "batch"), ("fp", "ofs", "batch")]
    (finding,) = run("DAT-3", mk(blocks, daily, requirements={"freshness_minutes": 5})).findings
    assert "'Daily job' (every 1,440 min)" in finding.message
    streamed = [*daily, ("ev", "sp", "stream"), ("sp", "ofs", "stream")]  # a 2-minute stream beside the daily job
    assert run("DAT-3", mk(blocks, streamed, requirements={"freshness_minutes": 5})).status == "passed"


# ------------------------------------------------------------------------------------------- DAT-4


def trained_gbdt(*extra_blocks: dict, extra: tuple = ()) -> Design:
    return mk([B("wh", "data_warehouse", "Warehouse"), TRAIN, B("gbdt", "gbdt", "Fraud model"), *extra_blocks],
              [("wh", "train", "batch"), ("train", "gbdt", "batch"), *extra])


def test_dat4_connection_labelled_as_labels_is_a_label_source():
    design = trained_gbdt(B("cb", "third_party_api", "Card network"),
                          extra=(("cb", "wh", "batch", "chargeback labels"),))
    assert run("DAT-4", design).status == "passed"


def test_dat4_feedback_into_training_data_is_a_label_source():
    design = trained_gbdt(B("log", "logging", "Outcome log"), extra=(("log", "wh", "feedback"),))
    assert run("DAT-4", design).status == "passed"


def test_dat4_model_called_by_a_labelled_deployment_passes():
    design = mk([APP, RANK, B("dnn", "dnn", "Ranker"), TRAIN, REG, GATE, B("lab", "labeling", "Raters")],
                [("app", "rank", "request"), ("rank", "dnn", "request"), ("lab", "train", "batch"), *DEPLOY])
    assert run("DAT-4", design).status == "passed"


def test_dat4_model_without_any_training():
    design = mk([APP, RANK, B("dnn", "dnn", "Ranker")], [("app", "rank", "request"), ("rank", "dnn", "request")])
    (finding,) = run("DAT-4", design).findings
    assert finding.message.startswith("'Ranker' is supervised but no training pipeline or label source reaches it")


def test_dat4_not_applicable_for_unsupervised_models():
    design = mk([B("pop", "heuristic_baseline", "Popular"), B("dnn", "dnn", "Autoencoder", supervised=False)], [])
    assert run("DAT-4", design).reason == "no supervised model in the design"


# ------------------------------------------------------------------------------------------- DAT-5


def test_dat5_training_declaring_point_in_time_passes():
    design = mk([B("ofs", "online_feature_store", "Online"), B("train", "training_pipeline", "T", point_in_time=True)],
                [("ofs", "train", "batch")])
    assert run("DAT-5", design).status == "passed"


def test_dat5_store_found_through_a_processing_step():
    design = mk([B("ofs", "online_feature_store", "Online"), B("etl", "batch_etl", "Training set builder"), TRAIN],
                [("ofs", "etl", "batch"), ("etl", "train", "batch")])
    (finding,) = run("DAT-5", design).findings
    assert finding.components == ("train", "ofs")


def test_dat5_not_applicable_without_a_feature_store():
    design = mk([B("lake", "data_lake", "Lake"), TRAIN], [("lake", "train", "batch")])
    assert run("DAT-5", design).reason == "no training pipeline reads a feature store"


# ------------------------------------------------------------------------------------------- DAT-6


def test_dat6_lists_every_unversioned_input():
    design = mk([B("wh", "data_warehouse", "Warehouse"), B("lab", "labeling", "Labels"),
                 B("lake", "data_lake", "Lake"), TRAIN],
                [("wh", "train", "batch"), ("lab", "train", "batch"), ("lake", "train", "batch")])
    (finding,) = run("DAT-6", design).findings
    assert "'Warehouse' and 'Labels', which are not versioned" in finding.message


def test_dat6_training_that_snapshots_its_inputs_passes():
    design = mk([B("wh", "data_warehouse", "Warehouse"), B("train", "training_pipeline", "T", versioned=True)],
                [("wh", "train", "batch")])
    assert run("DAT-6", design).status == "passed"


def test_dat6_versioned_processing_step_stands_for_its_inputs():
    design = mk([B("wh", "data_warehouse", "Warehouse"), B("etl", "batch_etl", "Snapshot job", versioned=True),
                 TRAIN], [("wh", "etl", "batch"), ("etl", "train", "batch")])
    assert run("DAT-6", design).status == "passed"


def test_dat1_one_job_filling_the_serving_store_and_the_training_data_passes():
    design = mk(
        [APP, RANK, TRAIN, REG, GATE, B("wh", "data_warehouse", "Warehouse"), B("etl", "batch_etl", "Feature job"),
         B("kv", "kv_store", "Redis features"), B("lake", "data_lake", "Training snapshots")],
        [("app", "rank", "request"), ("rank", "kv", "request"), ("wh", "etl", "batch"), ("etl", "kv", "batch"),
         ("etl", "lake", "batch"), ("lake", "train", "batch"), *DEPLOY],
    )
    assert run("DAT-1", design).status == "passed"


def test_dat1_raw_export_upstream_of_both_sides_is_not_sharing():
    design = mk(
        [APP, RANK, TRAIN, REG, GATE, B("db", "transactional_db", "Orders"), B("etl", "batch_etl", "Raw export"),
         B("lake", "data_lake", "Lake"), B("fp", "feature_pipeline", "Serving features"),
         B("ofs", "online_feature_store", "Online")],
        [("app", "rank", "request"), ("rank", "ofs", "request"), ("db", "etl", "batch"), ("etl", "lake", "batch"),
         ("lake", "fp", "batch"), ("fp", "ofs", "batch"), ("lake", "train", "batch"), *DEPLOY],
    )
    (finding,) = run("DAT-1", design).findings
    assert "'Trainer' builds its training data from 'Lake'" in finding.message
