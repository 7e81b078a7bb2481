"""Privacy judged by purpose (issue 18, item 8): purpose-bound personal data with its controls is accepted, one
missing pseudonymiser is one finding, transfers are judged by jurisdiction, fixes fit the sink."""

from __future__ import annotations

from pathlib import Path

from mlsd.catalog.regions import jurisdiction_of
from mlsd.io import load_file
from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules, check
from tests.conftest import design_of
from tests.rule_helpers import block, flow, run

all_rules()
FIXTURES = Path(__file__).parent / "fixtures" / "privacy"
PRIVACY = [r.id for r in all_rules() if r.category == "privacy"]


def privacy_findings(design: Design) -> list[tuple[str, tuple[str, ...]]]:
    report = check(design, rules=[REGISTRY[rid] for rid in PRIVACY])
    return [(f.rule, f.components) for f in report.findings]


CONTROLS = {"access_controlled": True, "encrypted_at_rest": True, "retention_days": 365, "audit_logged": True}


# one cause, one finding


def test_candidate_answer_with_one_missing_pseudonymiser_gets_one_privacy_finding():
    design = load_file(FIXTURES / "candidate_answer.json")
    assert len(design.components) == 15
    assert privacy_findings(design) == [("SEC-4", ("online_fs", "offline_fs", "lake"))]
    (finding,) = run("SEC-4", design).findings
    assert finding.message.startswith(
        "Personal data from 'Watch events (views, likes, watch time)' reaches 3 ML and analytics sinks without an "
        "anonymizer or differential-privacy step: 'Online feature store (Redis)' (online_feature_store) by "
    )
    assert finding.message.endswith("From there it reaches 1 more sink: 'Daily training' (training_pipeline).")
    assert finding.fix.startswith(
        "Pseudonymise once, where the data comes in: an anonymizer on the flow out of 'Watch events (views, likes, "
        "watch time)'"
    )
    assert "protects all 4 sinks" in finding.fix and "DP-SGD" not in finding.fix  # no training block is an entry


def test_candidate_answer_with_the_pseudonymiser_has_no_privacy_finding():
    data = load_file(FIXTURES / "candidate_answer.json").model_dump()
    data["components"].append(block("pseudo", "anonymizer", "Pseudonymiser (salted user-id hash)"))
    data["connections"] = [c for c in data["connections"] if c["id"] != "events-kafka"]
    data["connections"] += [flow("events", "pseudo", "stream"), flow("pseudo", "kafka", "stream")]
    assert privacy_findings(Design.model_validate(data)) == []


def test_card_fraud_without_tokenisation_is_one_finding_listing_the_sinks():
    design = load_file(FIXTURES / "card_fraud_untokenised.json")  # designs/card_fraud_scoring.json, issue 18
    (finding,) = run("SEC-4", design).findings
    assert finding.message.startswith("Personal data from 'Card authorisation switch' reaches 3 ML and analytics "
                                      "sinks")
    assert finding.components == ("feature_store_online", "logging", "warehouse")
    assert run("SEC-7", design).status == "passed"  # training is in SEC-4's finding, not repeated
    assert run("SEC-9", design).status == "passed"  # us-west-2 → us-east-1 stays in the US


def test_two_roots_each_missing_a_pseudonymiser_are_two_findings():
    design = design_of(
        [block("ev", "user_events", "Clicks"), block("lake", "data_lake", "Lake"),
         block("pay", "transactional_db", "Payments", pii=True), block("wh", "data_warehouse", "Warehouse"),
         block("log", "logging", "Payment log")],
        [flow("ev", "lake", "batch"), flow("pay", "wh", "batch"), flow("pay", "log", "stream")],
    )
    assert [f.components for f in run("SEC-4", design).findings] == [("lake",), ("wh", "log")]


# purpose-bound personal data


def _decision_log(**log_props: object) -> Design:
    return design_of(
        [block("switch", "client", "Card switch", pii=True),
         block("scoring", "online_inference", "Fraud scoring"),
         block("log", "logging", "Decision log", pii_purpose="dispute evidence", **log_props)],
        [flow("switch", "scoring"), flow("scoring", "log", "stream")],
    )


def test_decision_log_kept_for_disputes_with_its_controls_is_accepted():
    design = _decision_log(**CONTROLS)
    assert run("SEC-4", design).status == "passed"
    assert run("SEC-10", design).status == "passed"


def test_purpose_without_a_control_is_one_finding_naming_the_control():
    design = _decision_log(**{**CONTROLS, "audit_logged": False})
    assert run("SEC-4", design).status == "passed"  # the anonymisation is not what is missing
    (finding,) = run("SEC-10", design).findings
    assert finding.message == (
        "'Decision log' keeps personal data for its purpose ('dispute evidence') without audit_logged."
    )
    bare = run("SEC-10", _decision_log(retention_days=0, encrypted_at_rest=False, access_controlled=False))
    assert bare.findings[0].message.endswith(
        "without access_controlled, encrypted_at_rest, retention_days (or kept_for_account_lifetime with "
        "erasure_supported) and audit_logged."
    )


def test_purpose_on_a_pii_store_leaves_encryption_access_and_retention_to_sec1_sec3_sec5():
    design = _decision_log(pii=True, access_controlled=False, encrypted_at_rest=False, retention_days=30,
                           erasure_supported=True)
    stores = [REGISTRY[r] for r in ("SEC-1", "SEC-3", "SEC-4", "SEC-5", "SEC-10")]
    assert [f.rule for f in check(design, rules=stores).findings] == ["SEC-1", "SEC-3", "SEC-10"]
    assert run("SEC-10", design).findings[0].message.endswith("without audit_logged.")


def test_declaring_a_purpose_says_the_block_keeps_personal_data():
    # nobody marked the source pii, but a purpose for personal data at the log says it holds some
    design = design_of([block("ev", "user_events", "Clicks", pii=False),
                        block("log", "logging", "Log", pii_purpose="debugging")], [flow("ev", "log", "stream")])
    assert run("SEC-10", design).findings[0].message.endswith(
        "without retention_days (or kept_for_account_lifetime with erasure_supported) and audit_logged."
    )
    assert run("SEC-10", design_of([block("x", "client", "App")])).reason == "no block declares pii_purpose"


def _detector(**annotated_props: object) -> Design:
    """Street View blurring: a face and plate detector trained and labelled on raw panoramas."""
    purpose = {"pii_purpose": "face and plate detector training", "access_controlled": True,
               "audit_logged": True}
    return design_of(
        [block("raw", "object_storage", "Raw panoramas", pii=True, encrypted_at_rest=True, access_controlled=True,
               retention_days=90, erasure_supported=True, audit_logged=True, encrypted_in_transit=True),
         block("label", "labeling", "Labelling (boxes)", **purpose),
         block("set", "offline_feature_store", "Annotated set", **annotated_props),
         block("train", "training_pipeline", "Detector training", **purpose)],
        [flow("raw", "label", "batch"), flow("label", "set", "batch"), flow("set", "train", "batch")],
    )


def test_detector_trained_on_faces_with_purpose_and_controls_needs_no_waiver():
    design = _detector(pii_purpose="face and plate detector training", retention_days=365, encrypted_at_rest=True,
                       access_controlled=True, audit_logged=True)
    for rid in ("SEC-4", "SEC-6", "SEC-7", "SEC-10"):
        assert run(rid, design).status == "passed", rid
    assert privacy_findings(design) == []


def test_purpose_does_not_stop_the_flow_into_a_sink_that_declares_none():
    (finding,) = run("SEC-4", _detector()).findings
    assert finding.components == ("set",)
    assert finding.message.endswith("Raw panoramas → Labelling (boxes) → Annotated set.")
    assert "If 'Annotated set' needs the identity for its purpose, declare pii_purpose" in finding.fix


def test_internal_reviewers_with_purpose_are_not_external_annotators():
    def review(**props: object) -> Design:
        return design_of(
            [block("app", "client", "App: create post"), block("workers", "online_inference", "Policy workers"),
             block("review", "labeling", "Trust & safety review", **props)],
            [flow("app", "workers"), flow("workers", "review", "stream")],
        )

    assert run("SEC-6", review()).status == "failed"
    accepted = review(pii_purpose="reviewers judge the reported post", access_controlled=True, audit_logged=True)
    assert run("SEC-6", accepted).status == "passed"
    assert run("SEC-10", accepted).status == "passed"  # a labeling block keeps nothing at rest: access + audit


def test_sec5_accepts_content_kept_for_the_account_life_with_erasure():
    posts = block("posts", "kv_store", "Post store", pii=True, kept_for_account_lifetime=True)
    assert run("SEC-5", design_of([posts])).findings[0].message == (
        "'Post store' stores personal data with no erasure on request (erasure_supported)."
    )
    posts["props"]["erasure_supported"] = True
    assert run("SEC-5", design_of([posts])).status == "passed"


def test_sec7_accepts_training_with_a_purpose_and_leaves_raw_data_to_sec4():
    raw = design_of([block("ev", "user_events", "Clicks"), block("t", "training_pipeline", "Trainer", pii=True)],
                    [flow("ev", "t", "batch")])
    assert run("SEC-4", raw).findings[0].components == ("t",)
    assert run("SEC-7", raw).status == "passed"
    on_purpose = design_of([block("t", "training_pipeline", "Trainer", pii=True, pii_purpose="fraud model")])
    assert run("SEC-7", on_purpose).status == "passed"


# transfers by jurisdiction


def _placed(source: list[str], target: list[str]) -> Design:
    return design_of([block("ev", "user_events", "Clicks", regions=source),
                      block("mq", "message_queue", "Kafka", regions=target)], [flow("ev", "mq", "stream")])


def test_jurisdiction_table():
    assert jurisdiction_of("eu-west-1") == jurisdiction_of("europe-west4") == jurisdiction_of("westeurope") == "EU/EEA"
    assert jurisdiction_of("norwayeast") == "EU/EEA"  # EEA
    assert jurisdiction_of("eu-west-2") == jurisdiction_of("europe-west2") == jurisdiction_of("uksouth") == "UK"
    assert jurisdiction_of("eu-central-2") == jurisdiction_of("europe-west6") == "CH"
    assert jurisdiction_of("us-gov-west-1") == jurisdiction_of("us-east-9") == "US"  # a family of one country
    assert jurisdiction_of("eu-west-9") is None  # eu- holds London and Zurich: no guess
    assert jurisdiction_of("ap-south-1") == jurisdiction_of("asia-south2") == "IN"


def test_sec9_judges_jurisdictions_not_region_names():
    assert run("SEC-9", _placed(["us-west-2"], ["us-east-1"])).status == "passed"
    assert run("SEC-9", _placed(["eu-west-1"], ["europe-west4-a"])).status == "passed"  # AWS Ireland → GCP NL
    (to_uk,) = run("SEC-9", _placed(["eu-west-1"], ["eu-west-2"])).findings
    assert to_uk.message.startswith("Personal data leaves EU/EEA for UK on 1 connection")
    assert "GDPR Chapter V" in to_uk.message
    (from_uk,) = run("SEC-9", _placed(["uksouth"], ["us-east-1"])).findings
    assert "UK GDPR Chapter V" in from_uk.message
    (from_br,) = run("SEC-9", _placed(["sa-east-1"], ["us-east-1"])).findings
    assert from_br.message.endswith("A transfer out of BR falls under the cross-border transfer rules of that "
                                    "jurisdiction.")
    assert "GDPR" not in from_br.message


def test_sec9_does_not_guess_unknown_regions():
    result = run("SEC-9", _placed(["dc-paris"], ["us-east-1"]))
    assert result.status == "not_applicable"
    assert result.reason.endswith("(unknown: dc-paris)")


def test_sec9_one_finding_per_pair_of_jurisdictions():
    design = design_of(
        [block("ev", "user_events", "Clicks", regions=["eu-central-1"]),
         block("mq", "message_queue", "Kafka", regions=["us-east-1"]),
         block("lake", "data_lake", "Lake", regions=["us-east-1"]),
         block("jp", "data_warehouse", "Warehouse", regions=["ap-northeast-1"])],
        [flow("ev", "mq", "stream"), flow("ev", "lake", "batch"), flow("ev", "jp", "batch")],
    )
    findings = run("SEC-9", design).findings
    assert sorted((f.message.split(" on ")[0], f.connections) for f in findings) == [
        ("Personal data leaves EU/EEA for JP", ("ev-jp",)),
        ("Personal data leaves EU/EEA for US", ("ev-mq", "ev-lake")),
    ]
