"""Privacy rules on stores of personal data (SEC-1 encryption at rest, SEC-3 access control, SEC-5 retention and
erasure): what counts as a store, and what each one asks for."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import all_rules
from tests.conftest import design_of
from tests.rule_helpers import block, flow, run

all_rules()


def test_sec1_kms_connection_counts_as_encryption():
    db = block("db", "relational_db", "Profiles", pii=True)
    assert run("SEC-1", design_of([db], [])).findings[0].message == (
        "'Profiles' stores personal data (pii) without encryption at rest."
    )
    with_kms = design_of([db, block("kms", "kms", "KMS")], [flow("db", "kms")])
    assert run("SEC-1", with_kms).status == "passed"


def test_sec1_pii_that_is_not_a_store_is_not_applicable():
    design = design_of([block("ev", "user_events", "Clicks"), block("mq", "message_queue", "Kafka")],
                       [flow("ev", "mq", "stream")])
    assert run("SEC-1", design).reason == (
        "no store holds personal data (no block with pii is a store or declares retention_days)"
    )


def _raw_buffer(kind: str, **props: object) -> Design:
    """Raw click events with personal data buffered in a block of a pass-through kind."""
    return design_of([block("ev", "user_events", "Clicks", pii=False), block("buf", kind, "Raw clicks", pii=True,
                                                                           **props)],
                     [flow("ev", "buf", "stream")])


def test_pass_through_kinds_without_retention_are_not_stores():
    for kind in ("cache", "stream_processor"):
        for rid in ("SEC-1", "SEC-3", "SEC-5"):
            result = run(rid, _raw_buffer(kind))
            assert result.status == "not_applicable", (kind, rid)
            assert result.reason.startswith("no store holds personal data"), (kind, rid)


def test_pass_through_kinds_declaring_retention_store_personal_data():
    for kind in ("cache", "stream_processor"):
        design = _raw_buffer(kind, retention_days=3)
        assert run("SEC-1", design).findings[0].message == (
            "'Raw clicks' keeps personal data (pii) at rest for 3 days without encryption at rest."
        ), kind
        assert run("SEC-3", design).findings[0].message == (
            "'Raw clicks' keeps personal data (pii) at rest for 3 days without access control."
        ), kind
        assert run("SEC-5", design).findings[0].message == (
            "'Raw clicks' stores personal data with no erasure on request (erasure_supported)."
        ), kind
    # retention_days 0 means forever: kept at rest, and SEC-5 asks for a period
    forever = _raw_buffer("cache", retention_days=0)
    assert "keeps personal data (pii) at rest forever" in run("SEC-1", forever).findings[0].message
    assert "no retention period" in run("SEC-5", forever).findings[0].message


def test_message_queue_keeps_its_default_seven_days_at_rest():
    # the catalog's message queue keeps 7 days (Kafka's default): raw events with PII sit on its disks
    kafka = _raw_buffer("message_queue")
    assert run("SEC-1", kafka).status == "passed"  # the kind's default encrypts at rest
    assert run("SEC-3", kafka).findings[0].message == (
        "'Raw clicks' keeps personal data (pii) at rest for 7 days without access control."
    )
    assert [f.message for f in run("SEC-5", kafka).findings] == [
        "'Raw clicks' stores personal data with no erasure on request (erasure_supported)."
    ]
    guarded = _raw_buffer("message_queue", access_controlled=True, erasure_supported=True, retention_days=1)
    assert {rid: run(rid, guarded).status for rid in ("SEC-1", "SEC-3", "SEC-5")} == dict.fromkeys(
        ("SEC-1", "SEC-3", "SEC-5"), "passed"
    )
    unmarked = design_of([block("ev", "user_events", "Clicks"), block("mq", "message_queue", "Kafka")],
                         [flow("ev", "mq", "stream")])
    assert run("SEC-3", unmarked).status == "not_applicable"  # only blocks marked pii count, as for databases


def test_sec3_access_control_block_connected():
    db = block("db", "relational_db", "Profiles", pii=True)
    assert run("SEC-3", design_of([db], [])).status == "failed"
    guarded = design_of([db, block("iam", "access_control", "IAM")], [flow("iam", "db")])
    assert run("SEC-3", guarded).status == "passed"


def test_sec5_says_what_is_missing():
    db = block("db", "relational_db", "Profiles", pii=True, retention_days=30)
    assert run("SEC-5", design_of([db], [])).findings[0].message == (
        "'Profiles' stores personal data with no erasure on request (erasure_supported)."
    )
