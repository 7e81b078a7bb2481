"""Where personal data flows (SEC-4 raw data into ML and analytics sinks, SEC-6 to labelers, SEC-7 into training):
which routes carry it, what stops it, the fix fitted to the sink, and waivers."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules, check
from tests.conftest import design_of
from tests.rule_helpers import block, flow, run

all_rules()


def test_sec4_route_in_message_and_lookups_do_not_carry_pii():
    design = design_of(
        [
            block("app", "client", "App", pii=True),
            block("svc", "online_inference", "Ranker"),
            block("fs", "online_feature_store", "Features"),
            block("log", "logging", "Request log"),
            block("mq", "message_queue", "Kafka"),
            block("lake", "data_lake", "Lake"),
        ],
        [flow("app", "svc"), flow("svc", "fs"), flow("svc", "log"), flow("svc", "mq", "stream"),
         flow("mq", "lake", "batch")],
    )
    (finding,) = run("SEC-4", design).findings  # one root (the app), one missing pseudonymiser
    assert finding.components == ("log", "lake")  # a request into the feature store is a lookup
    assert finding.message == (
        "Personal data from 'App' reaches 2 ML and analytics sinks without an anonymizer or differential-privacy "
        "step: 'Request log' (logging) by App → Ranker → Request log; 'Lake' (data_lake) by App → Ranker → Kafka "
        "→ Lake."
    )
    assert finding.connections == ("svc-log", "mq-lake")
    assert finding.fix.startswith("Pseudonymise once, where the data comes in: an anonymizer on the flow out of "
                                  "'App'")


def test_sec4_anonymizer_stops_the_flow_but_a_bypass_does_not():
    blocks = [block("ev", "user_events", "Clicks"), block("anon", "anonymizer", "Anonymizer"),
              block("lake", "data_lake", "Lake")]
    safe = [flow("ev", "anon", "stream"), flow("anon", "lake", "batch")]
    assert run("SEC-4", design_of(blocks, safe)).status == "passed"
    bypass = run("SEC-4", design_of(blocks, [*safe, flow("ev", "lake", "batch")]))
    assert bypass.findings[0].connections == ("ev-lake",)


def test_sec4_drift_retraining_trigger_is_not_a_route_into_training():
    blocks = [
        block("ev", "user_events", "Clicks"), block("mq", "message_queue", "Kafka"),
        block("drift", "drift_detector", "Drift"), block("orch", "orchestrator", "Retrain DAG"),
        block("alert", "alerting", "Pager"), block("dash", "metrics_dashboard", "Dashboard"),
        block("anon", "anonymizer", "Anonymizer"), block("lake", "data_lake", "Lake"),
        block("train", "training_pipeline", "Training"),
    ]
    safe = [flow("ev", "mq", "stream"), flow("mq", "drift", "stream"), flow("drift", "orch", "batch"),
            flow("orch", "train", "batch"), flow("drift", "alert", "stream"), flow("mq", "dash", "stream"),
            flow("dash", "alert", "stream"), flow("mq", "anon", "stream"), flow("anon", "lake", "batch"),
            flow("lake", "train", "batch")]
    for rid in ("SEC-4", "SEC-7"):
        assert run(rid, design_of(blocks, safe)).status == "passed", rid
    # a real route of raw data into training is still found, and only that route is named
    raw = run("SEC-4", design_of(blocks, [*safe, flow("mq", "train", "batch")]))
    assert [(f.components, f.connections) for f in raw.findings] == [(("train",), ("mq-train",))]
    assert raw.findings[0].message.endswith("step: Clicks → Kafka → Training.")


def test_sec4_experiment_service_passes_personal_data_on():
    # an A/B service logs per-user assignments and exposures: not a control block, the flow goes through it
    design = design_of([block("ev", "user_events", "Clicks"), block("ab", "ab_testing", "Experiments"),
                        block("wh", "data_warehouse", "Warehouse")],
                       [flow("ev", "ab", "stream"), flow("ab", "wh", "batch")])
    assert [f.components for f in run("SEC-4", design).findings] == [("wh",)]


def test_sec4_pii_marked_sink_still_flagged_and_dp_training_is_not():
    design = design_of(
        [block("ev", "user_events", "Clicks"), block("wh", "data_warehouse", "Warehouse", pii=True),
         block("train", "training_pipeline", "DP training", epsilon=2)],
        [flow("ev", "wh", "batch"), flow("wh", "train", "batch")],
    )
    result = run("SEC-4", design)
    assert [f.components for f in result.findings] == [("wh",)]
    assert run("SEC-7", design).status == "passed"


def test_sec4_fix_fits_the_sink():
    def into(kind: str) -> str:
        design = design_of([block("ev", "user_events", "Clicks"), block("s", kind, "Sink")],
                           [flow("ev", "s", "stream")])
        (finding,) = run("SEC-4", design).findings
        return finding.fix

    assert "pseudonymise or tokenise before logging" in into("logging") and "DP-SGD" not in into("logging")
    assert "declare pii_purpose on it with access control" in into("logging")
    assert "DP-SGD" not in into("data_lake") and "pseudonymous events" in into("data_lake")
    assert "key the features by a pseudonymous id" in into("online_feature_store")
    assert "show labelers only what the label needs" in into("labeling")
    assert "DP-SGD" in into("hyperparameter_tuning")


def test_sec4_waiver_for_the_sink():
    data = design_of([block("ev", "user_events", "Clicks"), block("log", "logging", "Audit log")],
                     [flow("ev", "log", "stream")]).model_dump()
    data["waivers"] = [{"rule": "SEC-4", "components": ["log"], "reason": "audit log required by regulator"}]
    report = check(Design.model_validate(data), rules=[REGISTRY["SEC-4"]])
    assert [f.waived for f in report.findings] == [True]
    assert report.summary()["error"] == 0


def test_sec6_leaves_declared_pii_to_sec4():
    design = design_of(
        [block("ev", "user_events", "Clicks"), block("lab", "labeling", "Labelers")],
        [flow("ev", "lab", "batch")],
    )
    assert run("SEC-4", design).status == "failed"
    assert run("SEC-6", design).status == "passed"
    undeclared = design_of(
        [block("ev", "user_events", "Posts", pii=False), block("lab", "labeling", "Labelers")],
        [flow("ev", "lab", "batch")],
    )
    assert "'Labelers' receives user data from 'Posts'" in run("SEC-6", undeclared).findings[0].message
    assert run("SEC-6", design_of([block("x", "client", "App")], [])).reason == "no labeling block"


def test_sec7_pii_marked_training_block_without_dp():
    design = design_of([block("ev", "user_events", "Clicks"), block("t", "training_pipeline", "Trainer", pii=True)],
                       [])
    assert run("SEC-7", design).findings[0].message == (
        "'Trainer' trains on personal data (marked pii) without differential privacy or a declared purpose: the "
        "model can memorise and leak individual records."
    )
    with_dp = design_of(
        [block("ev", "user_events", "Clicks"), block("dp", "differential_privacy", "DP noise"),
         block("t", "training_pipeline", "Trainer")],
        [flow("ev", "dp", "batch"), flow("dp", "t", "batch")],
    )
    assert run("SEC-7", with_dp).status == "passed"
