"""Reliability rules (REL-*): single points of failure, fallbacks, regions and timeouts."""

from __future__ import annotations

import pytest

from mlsd.analysis.failures import is_zone, region_of
from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules, check
from tests.conftest import design_of
from tests.rule_helpers import block, run

all_rules()


def req(source: str, target: str, flow: str = "request") -> dict:
    return {"id": f"{source}-{target}", "source": source, "target": target, "flow": flow}


def path_to(*blocks: dict, serve: list[str] | None = None, zones: list[str] | None = None,
            **ranker: object) -> Design:
    """app -> gateway -> ranker -> each extra block; ``serve``: required regions, ``zones``: the ranker's."""
    props = {"timeout_ms": 100, "fallback": True, **ranker, **({"regions": zones} if zones else {})}
    return design_of(
        [block("app", "client", "Mobile app"), block("gw", "api_gateway", "Gateway"),
         block("ranker", "online_inference", "Ranker", **props), *blocks],
        [req("app", "gw"), req("gw", "ranker"), *[req("ranker", b["id"]) for b in blocks]],
        requirements={"regions": serve or []},
    )


def test_rel1_flags_single_replica_self_run_blocks_only():
    design = path_to(
        block("db", "relational_db", "Profile DB", replicas=1),
        block("kv", "kv_store", "Managed KV"),  # replicas 1 but managed
        block("rules", "heuristic_baseline", "Rules", replicas=1, fallback=True),
        block("shadow", "shadow_deployment", "Shadow model"),
    )
    result = run("REL-1", design)
    assert [f.components for f in result.findings] == [("db",)]
    assert result.findings[0].message == (
        "'Profile DB' runs a single replica on the request path from 'Mobile app' and is not managed: "
        "when it fails, every request through it fails."
    )


def test_rel1_waiver_for_the_block_marks_it_waived():
    data = path_to(block("db", "relational_db", "Profile DB", replicas=1)).model_dump()
    data["waivers"] = [{"rule": "REL-1", "components": ["db"], "reason": "read replica promoted in < 30 s"}]
    report = check(Design.model_validate(data), rules=[REGISTRY["REL-1"]])
    assert [(f.components, f.waived) for f in report.findings] == [(("db",), True)]
    other = dict(data, waivers=[{"rule": "REL-1", "components": ["gw"], "reason": "covers another block"}])
    assert not check(Design.model_validate(other), rules=[REGISTRY["REL-1"]]).findings[0].waived


def test_rel1_not_applicable_without_request_paths():
    design = design_of([block("etl", "batch_etl", "ETL"), block("lake", "data_lake", "Lake")],
                       [req("etl", "lake", "batch")])
    assert run("REL-1", design).status == "not_applicable"


@pytest.mark.parametrize(
    ("fallback_block", "edge"),
    [
        (block("pop", "heuristic_baseline", "Popular items"), ("ranker", "pop")),  # the model's own fallback
        (block("cache", "cache", "Result cache"), ("gw", "cache")),  # called next to the model
    ],
)
def test_rel2_fallback_next_to_the_model(fallback_block, edge):
    design = path_to(fallback=False)
    data = design.model_dump()
    data["components"].append(fallback_block)
    data["connections"].append(req(*edge))
    assert run("REL-2", Design.model_validate(data)).status == "passed"
    result = run("REL-2", design)
    assert "'Ranker' (online_inference) has no fallback" in result.findings[0].message


def test_rel2_model_behind_an_inference_service_is_not_checked_twice():
    design = path_to(block("m", "dnn", "DNN"))
    assert run("REL-2", design).status == "passed"  # the service has fallback: true; the DNN runs inside it


def test_region_of_zone_names():
    assert region_of("eu-west-1a") == "eu-west-1"
    assert region_of("us-gov-west-1b") == "us-gov-west-1"
    assert region_of("europe-west1-b") == "europe-west1"
    assert region_of("us-east-1") == "us-east-1"
    assert region_of("Frankfurt") == "frankfurt"


def test_a_zone_is_told_from_a_region():
    assert is_zone("us-east-1a") and is_zone("europe-west1-b")
    assert not is_zone("us-east-1") and not is_zone("europe-west1")


def test_rel3_single_zone_and_single_region_for_a_multi_region_design():
    one_zone = run("REL-3", path_to(serve=["eu-west-1"], zones=["eu-west-1a"])).findings[0]
    assert one_zone.message == (
        "Losing zone eu-west-1a takes down 'Ranker' (all its replicas run there): the path from 'Mobile app' "
        "answers only from its fallback."
    )
    assert one_zone.components == ("ranker",)
    no_fallback = run("REL-3", path_to(serve=["eu-west-1"], zones=["eu-west-1a"], fallback=False)).findings[0]
    assert no_fallback.message.endswith("the path from 'Mobile app' fails.")
    assert run("REL-3", path_to(zones=["eu-west-1a", "eu-west-1b"])).status == "passed"
    # one region name in a single-region design may span zones
    assert run("REL-3", path_to(zones=["eu-west-1"])).status == "passed"
    multi = run("REL-3", path_to(serve=["eu-west-1", "us-east-1"], zones=["eu-west-1a", "eu-west-1b"]))
    (finding,) = multi.findings
    assert finding.message.startswith("Losing region eu-west-1 takes down 'Ranker'")


def test_rel3_survivors_must_carry_the_peak():
    """Computed, not counted: two zones that each hold half the replicas, sized for the peak without a spare."""
    def zoned(replicas: int) -> Design:
        design = path_to(zones=["eu-west-1a", "eu-west-1b"], replicas=replicas, qps_per_replica=100)
        design.requirements.peak_qps = 300
        return design

    result = run("REL-3", zoned(4))  # 4 × 100 for 300 req/s: losing a zone leaves 2 × 100
    assert result.status == "failed"
    assert "leaves 'Ranker' at 2 of 4 replicas (150% busy)" in result.findings[0].message
    assert run("REL-3", zoned(8)).status == "passed"  # 4 × 100 left


def test_rel3_not_applicable_reasons():
    assert run("REL-3", path_to()).reason == "no tier on a request path declares its regions"
    assert "must serve 2 regions" in run("REL-3", path_to(serve=["eu", "us"])).reason


def test_rel4_caches_are_not_counted_and_the_message_names_targets():
    design = path_to(block("cache", "cache", "Cache"), block("fs", "online_feature_store", "Features"), timeout_ms=0)
    result = run("REL-4", design)
    (finding,) = result.findings
    assert finding.message.startswith("'Ranker' calls 'Features' without a timeout")
    assert finding.connections == ("ranker-fs",)
    only_cache = path_to(block("cache", "cache", "Cache"), timeout_ms=0)
    assert run("REL-4", only_cache).status == "passed"  # the gateway's default timeout covers its one call


def test_sound_mini_architecture_has_no_reliability_findings():
    design = path_to(
        block("cache", "cache", "Cache"),
        block("fs", "online_feature_store", "Features"),
        block("m", "dnn", "DNN"),
        serve=["eu-west-1"],
        zones=["eu-west-1a", "eu-west-1b"],
    )
    found = {rid: run(rid, design) for rid in ("REL-1", "REL-2", "REL-3", "REL-4")}
    assert {rid: [f.message for f in r.findings] for rid, r in found.items() if r.findings} == {}
