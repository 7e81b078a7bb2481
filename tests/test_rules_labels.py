"""Label rules (TRN-7, TRN-8, TRN-9): late labels, decisions that censor their labels, and model staleness."""

from __future__ import annotations

import math

from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import RuleResult, run_rule
from mlsd.rules.label_paths import DEPLOY_MINUTES_BY_ROLLOUT, label_delays, model_staleness
from tests.conftest import design_of

all_rules()  # registers every rule module


def run(rule_id: str, design: Design) -> RuleResult:
    return run_rule(REGISTRY[rule_id], Context(design))


def B(id: str, kind: str, label: str, **props: object) -> dict:
    return {"id": id, "kind": kind, "label": label, "props": props}


def mk(blocks: list[dict], edges: list[tuple[str, str, str]], **fields: object) -> Design:
    conns = [{"id": f"{s}-{t}", "source": s, "target": t, "flow": f} for s, t, f in edges]
    return design_of(blocks, conns, **fields)


def fraud(chargebacks: dict | None = None, train: dict | None = None, scoring: dict | None = None,
          model: dict | None = None, extra: list[dict] | None = None,
          extra_edges: list[tuple[str, str, str]] | None = None, **fields: object) -> Design:
    """switch -> Scoring -> Model; Scoring -> log -feedback-> warehouse <-feedback- Chargebacks; warehouse -> Trainer
    -> Model."""
    return mk(
        [B("switch", "client", "Switch"), B("scoring", "online_inference", "Scoring", **(scoring or {})),
         B("model", "gbdt", "Model", **(model or {})), B("log", "logging", "Decision log"),
         B("cb", "third_party_api", "Chargebacks", **(chargebacks or {})), B("wh", "data_warehouse", "Warehouse"),
         B("train", "training_pipeline", "Trainer", **(train or {})), *(extra or [])],
        [("switch", "scoring", "request"), ("scoring", "model", "request"), ("scoring", "log", "stream"),
         ("log", "wh", "feedback"), ("cb", "wh", "feedback"), ("wh", "train", "batch"), ("train", "model", "batch"),
         *(extra_edges or [])],
        **fields,
    )


# ------------------------------------------------------------------------------------------- label paths


def test_the_slowest_declared_delay_reaches_training_whichever_source_comes_first():
    design = fraud(chargebacks={"label_delay_hours": 2160},
                   extra=[B("fast", "user_events", "Fast", label_delay_hours=1)],
                   extra_edges=[("fast", "log", "stream")])
    delays = label_delays(Context(design))
    assert (delays["train"].hours, delays["train"].source) == (2160, "cb")
    assert (delays["log"].hours, delays["log"].source) == (1, "fast")


def test_a_delay_does_not_travel_along_request_connections():
    design = fraud(scoring={"label_delay_hours": 5})
    delays = label_delays(Context(design))
    assert "model" not in delays  # scoring -> model is a request
    assert delays["train"].source == "scoring"  # scoring -> log -> warehouse -> trainer


# ------------------------------------------------------------------------------------------- TRN-7


def test_trn7_not_applicable_without_training():
    design = mk([B("c", "client", "App"), B("inf", "online_inference", "Service")], [("c", "inf", "request")])
    assert run("TRN-7", design).reason == "no training pipeline in the design"


def test_trn7_not_applicable_when_labels_come_from_people_only():
    design = mk([B("lab", "labeling", "Annotators", label_delay_hours=48), B("lake", "data_lake", "Lake"),
                 B("train", "training_pipeline", "Trainer"), B("m", "gbdt", "Model")],
                [("lab", "lake", "batch"), ("lake", "train", "batch"), ("train", "m", "batch")])
    result = run("TRN-7", design)
    assert result.status == "not_applicable"
    assert result.reason == "no training pipeline learns from delayed or natural labels"


def test_trn7_declared_delay_without_maturity_names_the_delay_and_its_source():
    (finding,) = run("TRN-7", fraud(chargebacks={"label_delay_hours": 2160})).findings
    assert finding.message.startswith("'Trainer' learns from labels that arrive up to 90 days late "
                                      "(label_delay_hours on 'Chargebacks') but declares no label_maturity_hours")
    assert finding.components == ("train", "cb")


def test_trn7_a_maturity_shorter_than_the_delay_is_named_with_the_delay():
    (finding,) = run("TRN-7", fraud(chargebacks={"label_delay_hours": 2160},
                                    train={"label_maturity_hours": 720})).findings
    assert "up to 90 days late" in finding.message
    assert "trains on examples only 30 days old (label_maturity_hours 720)" in finding.message


def test_trn7_passes_when_training_waits_at_least_the_delay():
    result = run("TRN-7", fraud(chargebacks={"label_delay_hours": 2160}, train={"label_maturity_hours": 2160}))
    assert result.status == "passed"


def test_trn7_a_delay_declared_on_the_training_pipeline_itself_counts():
    (finding,) = run("TRN-7", mk([B("lake", "data_lake", "Lake"),
                                  B("train", "training_pipeline", "Trainer", label_delay_hours=24)],
                                 [("lake", "train", "batch")])).findings
    assert "(its own label_delay_hours)" in finding.message
    assert finding.components == ("train",)


def test_trn7_undeclared_delay_on_natural_labels_is_asked_for():
    (finding,) = run("TRN-7", fraud()).findings
    assert "learns from outcomes of predictions (from 'Scoring') but nothing on its label path declares " \
           "label_delay_hours" in finding.message
    assert finding.fix and "label_delay_hours on the label source" in finding.fix


def test_trn7_undeclared_delay_passes_when_training_declares_its_maturity():
    assert run("TRN-7", fraud(train={"label_maturity_hours": 24})).status == "passed"


def test_trn7_a_delay_on_a_labeling_block_is_not_read_as_negatives():
    design = fraud(train={"label_maturity_hours": 1},
                   extra=[B("review", "labeling", "Analyst review", label_delay_hours=24)],
                   extra_edges=[("review", "wh", "feedback")])
    assert run("TRN-7", design).status == "passed"


# ------------------------------------------------------------------------------------------- TRN-8


def test_trn8_not_applicable_when_nothing_censors():
    assert run("TRN-8", fraud()).reason == "no block declares censors_labels (no kind censors by default)"


def test_trn8_a_censoring_decision_without_holdout_is_one_finding_naming_its_training():
    (finding,) = run("TRN-8", fraud(scoring={"censors_labels": True}, model={"censors_labels": True})).findings
    assert finding.message.startswith("'Scoring' and 'Model' censor the labels of their own decisions")
    assert "so 'Trainer' retrains on a biased sample" in finding.message
    assert finding.components == ("scoring", "model", "train")


def test_trn8_a_holdout_or_exploration_passes_but_a_zero_holdout_does_not():
    assert run("TRN-8", fraud(scoring={"censors_labels": True, "holdout_share": 0.01})).status == "passed"
    assert run("TRN-8", fraud(scoring={"censors_labels": True}, model={"explores": True})).status == "passed"
    assert run("TRN-8", fraud(scoring={"censors_labels": True, "holdout_share": 0})).status == "failed"


def test_trn8_people_labelling_for_its_training_pass():
    design = fraud(scoring={"censors_labels": True}, extra=[B("review", "labeling", "Analyst review")],
                   extra_edges=[("review", "wh", "feedback")])
    assert run("TRN-8", design).status == "passed"


def test_trn8_a_model_off_the_request_path_is_judged_with_the_service_it_feeds():
    base = [B("app", "client", "App"), B("svc", "online_inference", "Service"),
            B("m", "gbdt", "Model", censors_labels=True), B("train", "training_pipeline", "Trainer")]
    edges = [("app", "svc", "request"), ("train", "m", "batch"), ("m", "svc", "batch")]
    (finding,) = run("TRN-8", mk(base, edges)).findings
    assert finding.components == ("m", "train")
    base[1] = B("svc", "online_inference", "Service", holdout_share=0.02)
    assert run("TRN-8", mk(base, edges)).status == "passed"


def _recommender(**ranker: object) -> Design:
    return mk([B("app", "client", "App"), B("cg", "candidate_generation", "Candidates"),
               B("rank", "online_inference", "Ranker", **ranker), B("log", "logging", "Log"),
               B("lake", "data_lake", "Lake"), B("train", "training_pipeline", "Trainer")],
              [("app", "cg", "request"), ("cg", "rank", "request"), ("rank", "log", "stream"),
               ("log", "lake", "feedback"), ("lake", "train", "batch"), ("train", "rank", "batch")])


def test_mon5_leaves_a_censoring_recommender_to_trn8():
    assert run("MON-5", _recommender()).status == "failed"
    censoring = _recommender(censors_labels=True)
    result = run("MON-5", censoring)
    assert result.status == "not_applicable" and "TRN-8" in result.reason
    assert run("TRN-8", censoring).status == "failed"


# ------------------------------------------------------------------------------------------- TRN-9


def test_model_staleness_sums_label_retrain_and_deploy_with_their_bases():
    s = model_staleness(Context(fraud(chargebacks={"label_delay_hours": 2160})), "train")
    assert [(t.name, t.minutes) for t in s.terms] == [
        ("label delay", 2160 * 60), ("retrain period", 24 * 60), ("deploy", DEPLOY_MINUTES_BY_ROLLOUT["none"])]
    assert [t.basis for t in s.terms] == ["declared on 'Chargebacks'", "kind default", "default for rollout none"]
    assert s.biggest.name == "label delay"
    assert s.minutes == 2160 * 60 + 24 * 60 + DEPLOY_MINUTES_BY_ROLLOUT["none"]


def test_model_staleness_uses_maturity_run_time_declared_deploy_and_the_slowest_rollout():
    design = fraud(chargebacks={"label_delay_hours": 1},
                   train={"label_maturity_hours": 48, "retrain_every_hours": 6, "hours_per_run": 2},
                   model={"rollout": "canary"})
    s = model_staleness(Context(design), "train")
    assert [(t.name, t.minutes) for t in s.terms] == [
        ("label maturity window", 48 * 60), ("retrain period", 360), ("training run", 120),
        ("deploy", DEPLOY_MINUTES_BY_ROLLOUT["canary"])]
    declared = fraud(train={"deploy_minutes": 7}, model={"rollout": "ab_test"})
    assert model_staleness(Context(declared), "train").terms[-1].minutes == 7


def test_trn9_not_applicable_without_a_model_freshness_requirement():
    assert run("TRN-9", fraud()).reason == "requirements.model_freshness_minutes is not set"


def test_trn9_names_the_biggest_term():
    design = fraud(chargebacks={"label_delay_hours": 2160}, requirements={"model_freshness_minutes": 10080})
    (finding,) = run("TRN-9", design).findings
    assert "can be 91 days behind its newest labels" in finding.message
    assert "requirements.model_freshness_minutes is 10080: the biggest term is the label delay (90 days)" \
        in finding.message
    assert finding.components == ("train",)


def test_trn9_passes_within_the_requirement_and_retraining_on_trigger_has_no_bound():
    fast = fraud(train={"retrain_every_hours": 0.25, "deploy_minutes": 5},
                 requirements={"model_freshness_minutes": 30})
    assert run("TRN-9", fast).status == "passed"
    on_trigger = fraud(train={"retrain_every_hours": 0}, requirements={"model_freshness_minutes": 1e6})
    s = model_staleness(Context(on_trigger), "train")
    assert math.isinf(s.minutes)
    (finding,) = run("TRN-9", on_trigger).findings
    assert "has no bound on how far it falls behind" in finding.message
    assert "the retrain period (unbounded)" in finding.message
