"""Findings stay readable at any design size: a message names a few items (the most telling first) and counts
the rest with one phrasing (``mlsd.text.counted``), and a finding points at the blocks where its cause and its
fix are, not at everything its cause reaches."""

from __future__ import annotations

import pytest

from benchmarks.synthetic import synthetic_design
from mlsd.baseline import apply_baseline
from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules, check
from mlsd.rules.pii_flow import ML_SINKS
from mlsd.text import counted
from tests.conftest import design_of
from tests.rule_helpers import block, flow, run

all_rules()

# A message names at most five items of a list, each a block title (here at most 26 characters) with a few
# words, or a route of at most 8 titles (``sla.chain``): SEC-4's, the longest, names its pii blocks, five
# sinks with their routes and five further sinks in about 1,150 characters on the 10,000-block design. 1,500
# is a paragraph; before the caps LAT-7's message alone was 4,858 characters there and grew with every entry.
MAX_MESSAGE = 1_500
# Blocks a finding may point at on that design, except SEC-4's (each sink the raw data first enters needs the
# anonymizer) and LAT-7's (each entry needs its traffic_share): before, TRN-3 pointed at 1,560 blocks.
MAX_BLOCKS = 20


# ------------------------------------------------------------------------------------------- the phrasing


def test_counted_lists_everything_shown_and_counts_the_rest():
    assert counted(["'A'"], 1, "sink") == "'A'"
    assert counted(["'A'", "'B'", "'C'"], 3, "sink") == "'A', 'B' and 'C'"
    assert counted(["'A'", "'B'"], 3, "sink") == "'A', 'B' and 1 more sink"
    assert counted(["'A'", "'B'"], 7, "sink") == "'A', 'B' and 5 more sinks"
    assert counted(["'A'"], 4, "entry", plural="entries") == "'A' and 3 more entries"
    assert counted(["'A'"], 4) == "'A' and 3 more"
    assert counted([], 4, "hop") == "4 more hops"


def test_counted_keeps_a_semicolon_between_items_that_hold_commas():
    assert counted(["a, b", "c"], 2, "route", sep="; ") == "a, b; c"
    assert counted(["a, b", "c"], 9, "route", sep="; ") == "a, b; c; and 7 more routes"


# ------------------------------------------------------------------------------------- small designs, capped


def test_lat7_names_five_entries_counts_the_rest_and_points_at_every_entry():
    clients = [block(f"c{i}", "client", f"Client {i}") for i in range(8)]
    design = design_of(
        [*clients, block("svc", "online_inference", "Service", p99_ms=20, qps_per_replica=500, replicas=4)],
        [flow(f"c{i}", "svc") for i in range(8)],
        requirements={"sla_p99_ms": 200, "peak_qps": 800},
    )
    (finding,) = run("LAT-7", design).findings
    assert ("between them: 'Client 0' 100 req/s, 'Client 1' 100 req/s, 'Client 2' 100 req/s, 'Client 3' 100 "
            "req/s, 'Client 4' 100 req/s and 3 more entries.") in finding.message
    assert "'Client 5'" not in finding.message
    assert finding.components == tuple(f"c{i}" for i in range(8))  # each entry needs its share


def test_trn3_points_at_the_models_it_names():
    design = design_of([block(f"m{i}", "gbdt", f"Model {i}") for i in range(5)], [])
    (finding,) = run("TRN-3", design).findings
    assert finding.message.startswith("'Model 0', 'Model 1', 'Model 2' and 2 more have no simple baseline")
    assert finding.components == ("m0", "m1", "m2")


def lake_feeding(n: int) -> Design:
    """Raw clicks land in a lake, which copies them into ``n`` warehouses."""
    return design_of(
        [block("ev", "user_events", "Clicks"), block("lake", "data_lake", "Lake"),
         *(block(f"w{i}", "data_warehouse", f"Warehouse {i}") for i in range(n))],
        [flow("ev", "lake", "batch"), *(flow("lake", f"w{i}", "batch") for i in range(n))],
    )


def test_sec4_points_at_the_sink_the_data_enters_and_counts_the_sinks_after_it():
    (finding,) = run("SEC-4", lake_feeding(7)).findings
    assert finding.message.startswith("Personal data from 'Clicks' reaches 'Lake' (data_lake)")
    assert finding.message.endswith(
        "From there it reaches 7 more sinks: 'Warehouse 0' (data_warehouse), 'Warehouse 1' (data_warehouse), "
        "'Warehouse 2' (data_warehouse), 'Warehouse 3' (data_warehouse), 'Warehouse 4' (data_warehouse) and 2 "
        "more sinks."
    )
    assert finding.components == ("lake",)  # where the anonymizer belongs; not the seven warehouses
    assert finding.connections == ("ev-lake",)
    assert finding.id == "SEC-4@lake"


def test_a_waiver_written_for_the_old_sec4_finding_still_accepts_it():
    # the Board wrote waivers with every block a finding named: the entry sink and every sink after it
    data = lake_feeding(7).model_dump()
    data["waivers"] = [{"rule": "SEC-4", "components": ["lake", *(f"w{i}" for i in range(7))],
                        "reason": "reviewed with the DPO"}]
    report = check(Design.model_validate(data), rules=[REGISTRY["SEC-4"]])
    assert [(f.waived, f.waiver_reason) for f in report.findings] == [(True, "reviewed with the DPO")]


def test_a_baseline_written_for_the_old_sec4_finding_still_baselines_it():
    report = check(lake_feeding(7), rules=[REGISTRY["SEC-4"]])
    old_id = "SEC-4@" + ",".join(sorted(["lake", *(f"w{i}" for i in range(7))]))  # before: every sink reached
    assert [f.baselined for f in apply_baseline(report, {old_id: 1}).findings] == [True]
    assert [f.baselined for f in apply_baseline(report, {"SEC-4@lake": 1}).findings] == [True]
    # an id of another rule, or one that does not name all of the finding's blocks, is no cover
    assert [f.baselined for f in apply_baseline(report, {"SEC-2@" + old_id[6:]: 1}).findings] == [False]
    assert [f.baselined for f in apply_baseline(report, {"SEC-4@w0,w1": 1}).findings] == [False]
    # one left-over id covers as many findings as it counted
    two = check(design_of(
        [block("ev", "user_events", "Clicks"), block("lake", "data_lake", "Lake"),
         block("db", "transactional_db", "Orders"), block("wh", "data_warehouse", "Warehouse")],
        [flow("ev", "lake", "batch"), flow("db", "wh", "batch")],
    ), rules=[REGISTRY["SEC-4"]])
    assert [f.baselined for f in apply_baseline(two, {"SEC-4@lake,wh": 1}).findings] == [True, False]


def test_sec2_names_five_connections_counts_the_rest_and_lists_every_connection():
    design = design_of(
        [block("db", "relational_db", "Profiles", pii=True),
         *(block(f"s{i}", "online_inference", f"Service {i}") for i in range(8))],
        [flow(f"s{i}", "db") for i in range(8)],
    )
    (finding,) = run("SEC-2", design).findings
    assert finding.message.startswith("8 connections of 'Profiles' touch personal data")
    assert finding.message.endswith("Service 4 → Profiles (request); and 3 more connections.")
    assert finding.components == ("db", "s0", "s1", "s2", "s3", "s4")  # the setting's block, the ends named
    assert finding.connections == tuple(f"s{i}-db" for i in range(8))


# ---------------------------------------------------------------------------------- the 10,000-block design


@pytest.fixture(scope="module")
def large_report():
    return check(Design.model_validate(synthetic_design(10_000)))


def test_no_message_grows_with_the_design(large_report):
    longest = max(large_report.findings, key=lambda f: len(f.message))
    assert len(longest.message) <= MAX_MESSAGE, (longest.rule, len(longest.message))


def test_findings_point_at_their_cause_not_at_what_it_reaches(large_report):
    wide = sorted({f.rule for f in large_report.findings if len(f.components) > MAX_BLOCKS})
    assert wide == ["LAT-7", "SEC-4"]
    trn3 = [f for f in large_report.findings if f.rule == "TRN-3"]
    assert len(trn3) == 1 and len(trn3[0].components) == 3


def test_sec4_points_at_the_sinks_the_data_enters_and_the_connections_into_them(large_report):
    design = large_report.design
    blocks = {c.id: c for c in design.components}
    ends = {e.id: e.target for e in design.connections}
    findings = [f for f in large_report.findings if f.rule == "SEC-4"]
    assert len(findings) > 50
    for f in findings:
        assert all(blocks[b].kind in ML_SINKS for b in f.components)  # the sinks, never a block on the way
        assert set(f.components) == {ends[c] for c in f.connections}  # each entered by a connection it names
        assert len(set(f.components)) == len(f.components)
    assert sum(len(f.components) for f in findings) < 1_000  # was 46,000 (every sink each leak reaches)
