"""Privacy & security rules on connections and paths: SEC-2 encryption in transit, SEC-8 authentication before
inference, SEC-9 personal data crossing jurisdictions."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import all_rules
from tests.conftest import design_of
from tests.rule_helpers import block, flow, run

all_rules()


def test_sec2_one_encrypted_end_is_enough():
    def clicks(**queue: object) -> Design:
        return design_of([block("ev", "user_events", "Clicks"), block("mq", "message_queue", "Kafka", **queue),
                          block("sp", "stream_processor", "Counter")],
                         [flow("ev", "mq", "stream"), flow("mq", "sp", "stream")])

    result = run("SEC-2", clicks())
    # only the connection touching the pii block is checked
    assert [f.connections for f in result.findings] == [("ev-mq",)]
    assert result.findings[0].message == (
        "Connection 'Clicks' → 'Kafka' (stream) touches personal data and neither end declares encrypted_in_transit."
    )
    assert run("SEC-2", clicks(encrypted_in_transit=True)).status == "passed"


def test_sec2_one_missing_setting_at_a_block_is_one_finding():
    design = design_of(
        [block("ev", "user_events", "Clicks"), block("mq", "message_queue", "Kafka"),
         block("lake", "data_lake", "Lake"), block("db", "transactional_db", "Orders DB"),
         block("etl", "batch_etl", "ETL")],
        [flow("ev", "mq", "stream"), flow("ev", "lake", "batch"), flow("db", "etl", "batch")],
    )
    result = run("SEC-2", design)
    assert [(f.components, f.connections) for f in result.findings] == [
        (("db", "etl"), ("db-etl",)),  # on its own: as before
        (("ev", "mq", "lake"), ("ev-mq", "ev-lake")),  # one setting on 'Clicks' encrypts both
    ]
    grouped = result.findings[1]
    assert grouped.message == (
        "2 connections of 'Clicks' touch personal data and neither end declares encrypted_in_transit: "
        "Clicks → Kafka (stream); Clicks → Lake (batch)."
    )
    assert grouped.fix.startswith("Set encrypted_in_transit (TLS / mTLS) on 'Clicks': one setting encrypts all 2")
    # TLS at the block fixes them all; TLS at one other end leaves a single connection, reported alone
    ev_tls = design.model_copy(deep=True)
    ev_tls.components[0].props["encrypted_in_transit"] = True
    assert [f.connections for f in run("SEC-2", ev_tls).findings] == [("db-etl",)]
    mq_tls = design.model_copy(deep=True)
    mq_tls.components[1].props["encrypted_in_transit"] = True
    assert [f.components for f in run("SEC-2", mq_tls).findings] == [("db", "etl"), ("ev", "lake")]


def test_sec8_authentication_anywhere_before_inference():
    def app_to(*gateway_props: tuple[str, object], model_auth: bool = False) -> Design:
        return design_of(
            [block("app", "client", "App"), block("lb", "load_balancer", "LB"),
             block("gw", "api_gateway", "Gateway", **dict(gateway_props)),
             block("svc", "online_inference", "Ranker", authenticated=model_auth)],
            [flow("app", "lb"), flow("lb", "gw"), flow("gw", "svc")],
        )

    result = run("SEC-8", app_to())
    assert [f.components for f in result.findings] == [("gw",)]
    assert result.findings[0].message == (
        "'Gateway' (api_gateway) does not authenticate callers, and 1 inference block is reachable through it: "
        "'Ranker'. Example route: App → LB → Gateway → Ranker."
    )
    assert result.findings[0].fix == "Set authenticated: true on 'Gateway' (OAuth, API keys, mTLS)."
    assert run("SEC-8", app_to(("authenticated", True))).status == "passed"
    assert run("SEC-8", app_to(model_auth=True)).status == "passed"


def test_sec9_zones_count_as_their_region():
    def placed(source: list[str], target: list[str]) -> Design:
        return design_of([block("ev", "user_events", "Clicks", regions=source),
                          block("mq", "message_queue", "Kafka", regions=target)],
                         [flow("ev", "mq", "stream")])

    assert run("SEC-9", placed(["eu-west-1"], ["eu-west-1a", "eu-west-1b"])).status == "passed"
    assert run("SEC-9", placed(["eu-west-1"], ["eu-west-1", "us-east-1"])).status == "passed"  # called locally
    result = run("SEC-9", placed(["eu-west-1", "us-east-1"], ["us-east-1a"]))
    assert result.findings[0].message == (
        "Personal data leaves EU/EEA for US on 1 connection: 'Clicks' (eu-west-1, us-east-1) → 'Kafka' "
        "(us-east-1). A transfer out of EU/EEA falls under GDPR Chapter V (Art. 44-49: adequacy decision, standard "
        "contractual clauses or binding corporate rules)."
    )
