"""SEC-4 groups its findings by cause: one finding per missing anonymizer, naming every sink the raw data reaches
from there, never a block reaching itself round a cycle, and fast on large and cyclic designs."""

from __future__ import annotations

import time

from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import run_rule
from tests.conftest import design_of
from tests.rule_helpers import block, flow, run

all_rules()


def lake_without_anonymizer(**extra_blocks: dict) -> Design:
    """Clicks reach a lake with no anonymizer in front of it; the lake feeds a warehouse, feature stores and
    training, whose model serves requests that are logged to prediction logs (marked pii), which go back into
    the lake: a cycle through the prediction logs."""
    return design_of(
        [
            block("ev", "user_events", "Clicks"), block("mq", "message_queue", "Kafka"),
            block("lake", "data_lake", "Lake"), block("etl", "batch_etl", "Spark ETL"),
            block("wh", "data_warehouse", "Warehouse"), block("off", "offline_feature_store", "Offline features"),
            block("on", "online_feature_store", "Online features"), block("train", "training_pipeline", "Training"),
            block("reg", "model_registry", "Registry"), block("svc", "online_inference", "Ranker"),
            block("plog", "logging", "Prediction logs", pii=True), *extra_blocks.values(),
        ],
        [flow("ev", "mq", "stream"), flow("mq", "lake", "batch"), flow("lake", "etl", "batch"),
         flow("lake", "wh", "batch"), flow("etl", "off", "batch"), flow("etl", "on", "stream"),
         flow("off", "train", "batch"), flow("train", "reg", "batch"), flow("reg", "svc", "batch"),
         flow("svc", "on"), flow("svc", "plog", "stream"), flow("plog", "lake", "batch")],
    )


def test_sec4_one_missing_anonymizer_before_a_lake_is_one_finding_naming_every_sink():
    result = run("SEC-4", lake_without_anonymizer())
    (finding,) = result.findings
    # the sink where the anonymizer belongs; the sinks the same raw data reaches from there are in the message
    assert finding.components[0] == "lake"
    assert set(finding.components) == {"lake"}
    assert len(finding.components) == 1
    assert finding.connections == ("mq-lake",)  # the connection the anonymizer goes on
    assert finding.message.startswith(
        "Personal data from 'Clicks' reaches 'Lake' (data_lake) without an anonymizer or differential-privacy "
        "step: Clicks → Kafka → Lake. From there it reaches 5 more sinks: "
    )
    for title in ("Warehouse", "Offline features", "Online features", "Training", "Prediction logs"):
        assert f"'{title}'" in finding.message
    # never a block reaching itself through the cycle plog -> lake -> ... -> svc -> plog
    assert "from 'Prediction logs'" not in finding.message
    assert "'Prediction logs' (logging) without" not in finding.message
    # the fix is fitted to the lake: no DP-SGD, which only a training block could use
    assert "'Lake'" in finding.fix and "DP-SGD" not in finding.fix
    assert "protects the 5 sinks after it too" in finding.fix


def test_sec4_no_finding_reports_a_block_reaching_itself():
    # prediction logs marked pii feed the lake and get their own data back round the cycle: it is the origin,
    # and the only cause is the missing anonymizer between the logs and the lake
    design = design_of(
        [block("lake", "data_lake", "Lake"), block("train", "training_pipeline", "Training"),
         block("svc", "online_inference", "Ranker"), block("plog", "logging", "Prediction logs", pii=True)],
        [flow("plog", "lake", "batch"), flow("lake", "train", "batch"), flow("train", "svc", "batch"),
         flow("svc", "plog", "stream")],
    )
    (finding,) = run("SEC-4", design).findings
    assert finding.components == ("lake",)
    assert finding.message.startswith("Personal data from 'Prediction logs' reaches 'Lake' (data_lake)")
    # two pii-marked sinks copying to each other, with no origin outside the cycle: one cause, no self-reach
    pair = design_of([block("a", "data_lake", "Lake A", pii=True), block("b", "data_warehouse", "Warehouse B",
                                                                         pii=True)],
                     [flow("a", "b", "batch"), flow("b", "a", "batch")])
    (finding,) = run("SEC-4", pair).findings
    assert finding.components == ("b",)
    assert finding.message.startswith("Personal data from 'Lake A' reaches 'Warehouse B'")


def test_sec4_two_independent_origins_missing_their_controls_are_two_findings():
    design = design_of(
        [block("ev", "user_events", "Clicks"), block("lake", "data_lake", "Lake"),
         block("train", "training_pipeline", "Training"),
         block("db", "transactional_db", "Orders DB"), block("wh", "data_warehouse", "Warehouse"),
         block("fs", "offline_feature_store", "Features")],
        [flow("ev", "lake", "batch"), flow("lake", "train", "batch"), flow("db", "wh", "batch"),
         flow("wh", "fs", "batch")],
    )
    result = run("SEC-4", design)
    assert [(f.components, f.connections) for f in result.findings] == [
        (("lake",), ("ev-lake",)), (("wh",), ("db-wh",)),
    ]
    by_entry = {f.components[0]: f for f in result.findings}
    assert by_entry["lake"].message.startswith("Personal data from 'Clicks' reaches 'Lake'")
    assert by_entry["wh"].message.startswith("Personal data from 'Orders DB' reaches 'Warehouse'")
    # DP-SGD is offered where the anonymizer would go into training, and nowhere else
    assert all("DP-SGD" not in f.fix for f in result.findings)
    direct = run("SEC-4", design_of([block("ev", "user_events", "Clicks"),
                                     block("train", "training_pipeline", "Training")],
                                    [flow("ev", "train", "batch")]))
    assert "DP-SGD" in direct.findings[0].fix


def test_sec4_sink_reached_by_two_missing_controls_is_listed_under_both():
    # raw events enter the log and, separately, the lake; the log also feeds the lake
    design = design_of(
        [block("app", "client", "App", pii=True), block("svc", "online_inference", "Ranker"),
         block("log", "logging", "Request log"), block("ev", "user_events", "Clicks"),
         block("lake", "data_lake", "Lake")],
        [flow("app", "svc"), flow("svc", "log", "stream"), flow("log", "lake", "batch"),
         flow("ev", "lake", "batch")],
    )
    result = run("SEC-4", design)
    assert [f.components for f in result.findings] == [("lake",), ("log",)]


def test_sec4_names_every_sink_the_old_per_sink_rule_named_and_stays_fast_on_cycles():
    from benchmarks.synthetic import synthetic_design
    from mlsd.rules import pii_leaks
    from mlsd.rules.pii_flow import pii_flow

    for n, seed in ((100, 0), (100, 1), (1_000, 0), (1_000, 1)):
        design = Design.model_validate(synthetic_design(n, seed))
        ctx = Context(design)
        pii = pii_flow(ctx)
        affected = {c.id for c in design.components
                    if pii_leaks.is_ml_sink(ctx, c) and pii_leaks.raw_pii_inputs(ctx, pii, c)}
        findings = run_rule(REGISTRY["SEC-4"], ctx).findings
        assert {b for c in pii_leaks.find_causes(ctx, pii) for lk in c.leaks  # grouped, none lost, none added
                for b in (lk.entry, *lk.downstream)} == affected
        assert len(findings) < len(affected)
        assert all(len(set(f.components)) == len(f.components) for f in findings)  # never a sink twice
    # 2,000 pairs of pii-marked stores copying to each other: one finding per pair, found in one pass
    blocks, edges = [], []
    for i in range(2_000):
        blocks += [block(f"a{i}", "data_lake", f"Lake {i}", pii=True), block(f"b{i}", "hdfs", f"HDFS {i}", pii=True)]
        edges += [flow(f"a{i}", f"b{i}", "batch"), flow(f"b{i}", f"a{i}", "batch")]
    start = time.perf_counter()
    findings = run("SEC-4", design_of(blocks, edges)).findings
    assert time.perf_counter() - start < 2.0
    assert len(findings) == 2_000 and all(f.components[0].startswith("b") for f in findings)
