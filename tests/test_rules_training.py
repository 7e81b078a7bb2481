"""Training rules (TRN-*): splits, class imbalance, baselines, metrics, slices, tuning and reproducibility."""

from __future__ import annotations

import pytest

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


def trained(source_kind: str = "data_lake", train_props: dict | None = None, model_props: dict | None = None,
            **fields: object) -> Design:
    """source -> Trainer -> 'Model' (GBDT)."""
    return mk(
        [B("src", source_kind, "Source"), B("train", "training_pipeline", "Trainer", **(train_props or {})),
         B("gbdt", "gbdt", "Model", **(model_props or {}))],
        [("src", "train", "batch"), ("train", "gbdt", "batch")],
        **fields,
    )


# ------------------------------------------------------------------------------------------- TRN-1


def test_trn1_not_applicable_without_time_ordered_data():
    assert run("TRN-1", trained("data_warehouse")).reason == "no user events, stream or feedback reaches training"


def test_trn1_undeclared_split_on_event_data():
    (finding,) = run("TRN-1", trained("user_events")).findings
    assert "learns from time-ordered data (from 'Source') but declares no split" in finding.message
    assert finding.components == ("train", "gbdt")


@pytest.mark.parametrize(("where", "split"), [("train", "time"), ("model", "time"), ("train", "group")])
def test_trn1_time_or_group_split_passes(where, split):
    props = {"split": split}
    design = trained("user_events", props if where == "train" else None, props if where == "model" else None)
    assert run("TRN-1", design).status == "passed"


def test_trn1_feedback_into_training_data_makes_it_time_ordered():
    design = mk([B("log", "logging", "Outcome log"), B("wh", "data_warehouse", "Warehouse"),
                 B("train", "training_pipeline", "Trainer", split="random")],
                [("log", "wh", "feedback"), ("wh", "train", "batch")])
    assert "randomly (split: random)" in run("TRN-1", design).findings[0].message


# ------------------------------------------------------------------------------------------- TRN-2


def test_trn2_not_applicable_when_rate_unknown_or_not_rare():
    assert run("TRN-2", trained()).reason == "requirements.positive_rate is not set"
    assert "not rare" in run("TRN-2", trained(requirements={"positive_rate": 0.3})).reason


def test_trn2_strategy_on_the_model_and_a_non_accuracy_metric_pass():
    design = trained(train_props={"offline_metric": "balanced accuracy"},
                     model_props={"imbalance_strategy": "focal_loss"}, requirements={"positive_rate": 0.001})
    assert run("TRN-2", design).status == "passed"


def test_trn2_missing_strategy_with_unset_metric_mentions_only_the_strategy():
    (finding,) = run("TRN-2", trained(requirements={"positive_rate": 0.002})).findings
    assert finding.message.startswith("Positives are 0.2% of examples, but 'Trainer' declares no imbalance strategy:")


# ------------------------------------------------------------------------------------------- TRN-3


def test_trn3_not_applicable_with_only_simple_models():
    design = mk([B("lr", "logistic_regression", "LR"), B("pop", "heuristic_baseline", "Popular")], [])
    assert run("TRN-3", design).status == "not_applicable"


def test_trn3_logistic_regression_is_a_baseline():
    design = mk([B("dnn", "dnn", "DNN"), B("lr", "logistic_regression", "LR")], [])
    assert run("TRN-3", design).status == "passed"


def test_trn3_lists_all_complex_models():
    design = mk([B("dnn", "dnn", "Ranker"), B("tt", "two_tower", "Retrieval")], [])
    (finding,) = run("TRN-3", design).findings
    assert finding.message.startswith("'Ranker' and 'Retrieval' have no simple baseline")
    assert finding.components == ("dnn", "tt")


# ------------------------------------------------------------------------------------------- TRN-4


def test_trn4_online_metric_on_the_serving_block_counts():
    design = mk([B("train", "training_pipeline", "Trainer", offline_metric="AUC"),
                 B("rank", "online_inference", "Ranking", online_metric="CTR")], [("train", "rank", "batch")])
    assert run("TRN-4", design).status == "passed"


def test_trn4_untrained_model_is_checked_on_its_own():
    design = mk([B("app", "client", "App"), B("rank", "online_inference", "Ranking"), B("dnn", "dnn", "Ranker")],
                [("app", "rank", "request"), ("rank", "dnn", "request")])
    (finding,) = run("TRN-4", design).findings
    assert finding.message.startswith("'Ranker' declares no offline_metric and no online_metric")


def test_trn4_names_the_single_missing_metric():
    (finding,) = run("TRN-4", trained(train_props={"offline_metric": "AUC"})).findings
    assert "declares no online_metric:" in finding.message


def test_trn4_not_applicable_to_heuristics_only():
    assert run("TRN-4", mk([B("pop", "heuristic_baseline", "Popular")], [])).status == "not_applicable"


# ------------------------------------------------------------------------------------------- TRN-5 / TRN-6


def test_trn5_slice_eval_on_the_model_counts():
    assert run("TRN-5", trained(model_props={"slice_eval": True})).status == "passed"


def test_trn5_not_applicable_without_training():
    assert run("TRN-5", mk([B("dnn", "dnn", "DNN")], [])).status == "not_applicable"


def test_trn6_reports_each_missing_part():
    design = mk([B("tune", "hyperparameter_tuning", "Tuner"), B("train", "training_pipeline", "Trainer")],
                [("train", "tune", "batch")])
    (finding,) = run("TRN-6", design).findings
    assert finding.message == "'Trainer': its runs are not declared reproducible."
    (finding,) = run("TRN-6", trained(train_props={"reproducible": True})).findings
    assert finding.message == "'Trainer': no hyperparameter tuning is connected to it."
