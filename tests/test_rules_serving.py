"""Serving rules (SRV-*): deployment paths in both modelings of a model, rollout, rollback, batch predictions."""

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
TRAIN = B("train", "training_pipeline", "Trainer")
DNN = B("dnn", "dnn", "Ranker (DNN)")
REG = B("reg", "model_registry", "Model registry")
GATE = B("gate", "validation_gate", "Validation gate")


def serving(**props: object) -> dict:
    return B("rank", "online_inference", "Ranking service", **props)


# ------------------------------------------------------------------------------------------- SRV-1


def test_srv1_issue_example_message_and_path():
    design = mk([APP, TRAIN, DNN, serving()],
                [("app", "rank", "request"), ("train", "dnn", "batch"), ("dnn", "rank", "batch")])
    (finding,) = run("SRV-1", design).findings
    assert finding.message.startswith(
        "'Ranker (DNN)' is trained by 'Trainer' and deployed straight to 'Ranking service' with no model registry "
        "or validation gate between them")
    assert finding.components == ("train", "dnn", "rank")
    assert finding.connections == ("train-dnn", "dnn-rank")


def test_srv1_model_on_the_request_path_trained_directly_is_flagged():
    design = mk([APP, TRAIN, DNN, serving()],
                [("app", "rank", "request"), ("rank", "dnn", "request"), ("train", "dnn", "batch")])
    (finding,) = run("SRV-1", design).findings
    assert finding.message.startswith("'Trainer' deploys straight to 'Ranker (DNN)'")


def test_srv1_model_on_the_request_path_behind_registry_and_gate_passes():
    design = mk([APP, TRAIN, REG, GATE, DNN, serving()],
                [("app", "rank", "request"), ("rank", "dnn", "request"), ("train", "reg", "batch"),
                 ("reg", "gate", "batch"), ("gate", "dnn", "batch")])
    assert run("SRV-1", design).status == "passed"


def test_srv1_a_direct_edge_beside_a_proper_path_is_still_flagged():
    design = mk([APP, TRAIN, REG, GATE, serving()],
                [("app", "rank", "request"), ("train", "reg", "batch"), ("reg", "gate", "batch"),
                 ("gate", "rank", "batch"), ("train", "rank", "batch")])
    (finding,) = run("SRV-1", design).findings
    assert finding.connections == ("train-rank",)


def test_srv1_registry_without_gate_says_what_is_missing():
    design = mk([APP, TRAIN, REG, serving()],
                [("app", "rank", "request"), ("train", "reg", "batch"), ("reg", "rank", "batch")])
    (finding,) = run("SRV-1", design).findings
    assert "through 'Model registry' but no validation gate" in finding.message


def test_srv1_gate_drawn_beside_the_registry_counts():
    design = mk([APP, TRAIN, REG, GATE, serving()],
                [("app", "rank", "request"), ("train", "reg", "batch"), ("reg", "rank", "batch"),
                 ("gate", "reg", "batch")])
    assert run("SRV-1", design).status == "passed"


def test_srv1_not_applicable_reasons():
    no_training = mk([APP, serving()], [("app", "rank", "request")])
    assert "no training pipeline" in run("SRV-1", no_training).reason
    unlinked = mk([APP, TRAIN, REG, serving()], [("app", "rank", "request"), ("train", "reg", "batch")])
    result = run("SRV-1", unlinked)
    assert result.status == "not_applicable" and "no connection path" in result.reason


def test_srv1_waiver_naming_the_blocks_accepts_the_finding():
    design = mk([APP, TRAIN, DNN, serving()],
                [("app", "rank", "request"), ("train", "dnn", "batch"), ("dnn", "rank", "batch")],
                waivers=[{"rule": "SRV-1", "components": ["train", "dnn", "rank"], "reason": "prototype only"}])
    assert [f.waived for f in run("SRV-1", design).findings] == [True]


# ------------------------------------------------------------------------------------------- SRV-2


def deployed(**props: object) -> Design:
    return mk([APP, TRAIN, REG, GATE, serving(**props)],
              [("app", "rank", "request"), ("train", "reg", "batch"), ("reg", "gate", "batch"),
               ("gate", "rank", "batch")])


def test_srv2_names_the_declared_rollout():
    (finding,) = run("SRV-2", deployed()).findings
    assert "'Ranking service'" in finding.message and "(rollout: none)" in finding.message


def test_srv2_ab_test_in_front_covers_the_service_and_its_model():
    design = mk([APP, B("ab", "ab_testing", "Experiment router"), serving(), DNN],
                [("app", "ab", "request"), ("ab", "rank", "request"), ("rank", "dnn", "request")])
    assert run("SRV-2", design).status == "passed"


def test_srv2_rollout_declared_on_the_model_covers_its_service():
    design = mk([APP, serving(), B("dnn", "dnn", "Ranker (DNN)", rollout="canary")],
                [("app", "rank", "request"), ("rank", "dnn", "request")])
    assert run("SRV-2", design).status == "passed"


def test_srv2_model_called_by_an_uncovered_service_is_reported_with_it():
    design = mk([APP, serving(), DNN], [("app", "rank", "request"), ("rank", "dnn", "request")])
    assert [f.components for f in run("SRV-2", design).findings] == [("rank",)]


def test_srv2_rules_only_reranker_is_not_checked():
    design = mk([APP, B("rr", "reranker", "Diversity rules")], [("app", "rr", "request")])
    assert run("SRV-2", design).status == "not_applicable"


# ------------------------------------------------------------------------------------------- SRV-3


def test_srv3_registry_keeps_versions_by_default():
    assert run("SRV-3", deployed()).status == "passed"


def test_srv3_no_registry_on_the_way():
    design = mk([APP, TRAIN, GATE, serving()],
                [("app", "rank", "request"), ("train", "gate", "batch"), ("gate", "rank", "batch")])
    (finding,) = run("SRV-3", design).findings
    assert "no model registry on its deployment path" in finding.message


def test_srv3_serving_block_keeping_its_previous_model_passes():
    design = mk([APP, serving(model_version_kept=True)], [("app", "rank", "request")])
    assert run("SRV-3", design).status == "passed"


def test_srv3_service_calling_a_registry_deployed_model_is_covered():
    design = mk([APP, B("cg", "candidate_generation", "Retrieval"), TRAIN, REG, B("tt", "two_tower", "User tower")],
                [("app", "cg", "request"), ("cg", "tt", "request"), ("train", "reg", "batch"),
                 ("reg", "tt", "batch")])
    assert run("SRV-3", design).status == "passed"


# ------------------------------------------------------------------------------------------- SRV-4


def test_srv4_not_applicable_without_batch_prediction():
    assert run("SRV-4", deployed()).reason == "no batch prediction block"


def test_srv4_prediction_going_nowhere():
    design = mk([B("lake", "data_lake", "Lake"), B("bp", "batch_prediction", "Nightly scoring")],
                [("lake", "bp", "batch")])
    (finding,) = run("SRV-4", design).findings
    assert finding.message.startswith("'Nightly scoring' writes its predictions nowhere")


def test_srv4_store_read_through_a_queue_and_a_cache_passes():
    design = mk([B("bp", "batch_prediction", "Nightly scoring"), B("mq", "message_queue", "Score topic"),
                 B("cache", "cache", "Score cache"), APP, serving()],
                [("bp", "mq", "batch"), ("mq", "cache", "stream"), ("app", "rank", "request"),
                 ("rank", "cache", "request")])
    assert run("SRV-4", design).status == "passed"


def test_srv1_batch_prediction_calling_a_model_trained_straight_is_flagged():
    design = mk([TRAIN, B("gbdt", "gbdt", "Scorer model"), B("bp", "batch_prediction", "Nightly scoring")],
                [("train", "gbdt", "batch"), ("bp", "gbdt", "request")])
    (finding,) = run("SRV-1", design).findings
    assert finding.message.startswith(
        "'Scorer model' is trained by 'Trainer' and deployed straight to 'Nightly scoring'")
    assert finding.connections == ("train-gbdt", "bp-gbdt")


def test_batch_predictions_reach_online_reads_through_an_anonymizer():
    """SRV-4 follows a detector's output through a blur step to the store a CDN serves (street view)."""
    design = design_of(
        [{"id": "viewer", "kind": "client"}, {"id": "cdn", "kind": "cdn"},
         {"id": "raw", "kind": "object_storage"}, {"id": "detect", "kind": "batch_prediction"},
         {"id": "blur", "kind": "anonymizer"}, {"id": "published", "kind": "object_storage"}],
        [{"id": "e1", "source": "viewer", "target": "cdn"}, {"id": "e2", "source": "cdn", "target": "published"},
         {"id": "e3", "source": "raw", "target": "detect", "flow": "batch"},
         {"id": "e4", "source": "detect", "target": "blur", "flow": "batch"},
         {"id": "e5", "source": "blur", "target": "published", "flow": "batch"}],
    )
    result = run_rule(REGISTRY["SRV-4"], Context(design))
    assert result.status == "passed", [f.message for f in result.findings]
