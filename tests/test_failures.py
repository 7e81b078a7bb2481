"""Single-failure what-ifs: a lost replica, zone or block, and what each serving path does after it."""

from __future__ import annotations

import pytest

from mlsd.analysis import analyze
from mlsd.analysis.failures import Failure, region_of, what_if
from mlsd.model import Design
from tests.conftest import design_of


def svc(bid: str, kind: str = "online_inference", **props: object) -> dict:
    base = {"replicas": 3, "qps_per_replica": 100, "p50_ms": 5, "p99_ms": 15}
    return {"id": bid, "kind": kind, "label": bid.capitalize(), "props": {**base, **props}}


def req(src: str, dst: str) -> dict:
    return {"id": f"{src}-{dst}", "source": src, "target": dst, "flow": "request"}


def shop(peak: float = 150, **requirements: object) -> Design:
    """app -> gw -> rank (-> fs), rank's caller also calls a popular-items baseline; cache in front of fs."""
    return design_of(
        [
            {"id": "app", "kind": "client"},
            svc("gw", "api_gateway", regions=["eu-west-1a", "eu-west-1b", "eu-west-1c"]),
            svc("rank", regions=["eu-west-1a", "eu-west-1b"]),
            svc("pop", "heuristic_baseline", regions=["eu-west-1a", "eu-west-1b"]),
            svc("cache", "cache", hit_rate=0.8, regions=["eu-west-1a", "eu-west-1b"]),
            svc("fs", "online_feature_store", replicas=1, qps_per_replica=60, regions=["eu-west-1c"]),
        ],
        [req("app", "gw"), req("gw", "rank"), req("gw", "pop"), req("rank", "cache"), req("cache", "fs")],
        requirements={"peak_qps": peak, "sla_p99_ms": 200, **requirements},
    )


def by_target(failures: tuple[Failure, ...], kind: str) -> dict[str, Failure]:
    return {f.target: f for f in failures if f.kind == kind}


def test_losing_one_replica_raises_utilisation_and_can_break_a_path() -> None:
    fails = by_target(what_if(analyze(shop(peak=250))), "replica")
    rank = fails["rank"]
    (tier,) = [t for t in rank.tiers if t.block == "rank"]
    assert (tier.replicas_before, tier.replicas_after) == (3, 2)
    assert tier.utilisation_before == pytest.approx(250 / 300) and tier.utilisation_after == pytest.approx(1.25)
    (path,) = rank.paths
    assert path.state == "failing" and "'Rank' is overloaded" in path.reason and path.p99_ms is None
    assert fails["gw"].worst == "failing"  # 250 req/s on 2 × 100
    assert "fs" not in fails  # a single replica: losing it is losing the block


def test_a_well_provisioned_tier_keeps_the_path_after_losing_a_replica() -> None:
    fails = by_target(what_if(analyze(shop(peak=150))), "replica")
    assert fails["rank"].worst == "kept"
    (path,) = fails["rank"].paths
    assert path.p99_ms is not None and not path.over_sla


def test_losing_a_block_with_a_fallback_degrades_and_without_fails() -> None:
    fails = by_target(what_if(analyze(shop())), "block")
    assert fails["rank"].worst == "degraded"
    assert fails["rank"].paths[0].reason == "'Rank' is down; 'Pop' answers"
    assert fails["gw"].worst == "failing" and "'Gw' is down" in fails["gw"].paths[0].reason


def test_a_lost_cache_sends_every_request_to_what_it_fronts() -> None:
    a = analyze(shop(peak=150))
    assert a.capacity["fs"].peak_qps == pytest.approx(150 * 0.2)
    cache = by_target(what_if(a), "block")["cache"]
    (fs,) = [t for t in cache.tiers if t.block == "fs"]
    assert fs.utilisation_after == pytest.approx(150 / 60)
    assert cache.worst == "failing" and "'Fs' is overloaded" in cache.paths[0].reason


def test_losing_a_zone_takes_its_share_of_each_tier_and_every_block_only_there() -> None:
    zones = by_target(what_if(analyze(shop(peak=150))), "zone")
    assert set(zones) >= {"eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1"}
    c = zones["eu-west-1c"]
    assert c.lost == ("fs",)  # its only zone
    assert {t.block: t.replicas_after for t in c.tiers}["gw"] == 2  # 3 replicas over 3 zones: one lost
    a_zone = zones["eu-west-1a"]
    after = {t.block: t.replicas_after for t in a_zone.tiers}
    assert after["rank"] == 1  # 3 over 2 zones: the worst case loses ceil(3 / 2) = 2
    assert zones["eu-west-1"].worst == "failing"  # the whole region


def test_zone_names_belong_to_their_region() -> None:
    assert region_of("eu-west-1a") == "eu-west-1"
    assert region_of("europe-west1-b") == "europe-west1"
    assert region_of("us-east-1") == "us-east-1"


def test_what_if_can_be_limited_to_some_targets() -> None:
    fails = what_if(analyze(shop()), kinds=("block",), only=["rank"])
    assert [(f.kind, f.target) for f in fails] == [("block", "rank")]


def test_outcomes_carry_their_cause_as_data_and_the_worst_path() -> None:
    fails = what_if(analyze(shop(peak=250)))
    gw = by_target(fails, "block")["gw"].worst_path
    assert gw is not None and (gw.cause, gw.cause_kind, gw.answered_by) == ("gw", "down", None)
    rank = by_target(fails, "block")["rank"].worst_path
    assert rank is not None and (rank.cause, rank.cause_kind, rank.answered_by) == ("rank", "answered", "pop")
    overloaded = by_target(fails, "replica")["rank"].worst_path
    assert overloaded is not None and overloaded.cause_kind == "overloaded"
    assert overloaded.utilisation == pytest.approx(1.25)


def test_a_lost_callee_is_answered_by_its_callers_fallback_and_a_lost_standby_changes_nothing() -> None:
    d = design_of(
        [{"id": "app", "kind": "client"},
         svc("cand", "candidate_generation", fallback=True),
         svc("ann", "vector_index"),
         svc("rank", "dnn"),
         svc("pop", "heuristic_baseline")],
        [req("app", "cand"), req("cand", "ann"), req("app", "rank"), req("app", "pop")],
        requirements={"peak_qps": 100},
    )
    blocks = by_target(what_if(analyze(d)), "block")
    ann = blocks["ann"].worst_path
    assert ann is not None and ann.state == "degraded"
    assert (ann.cause, ann.answered_by) == ("ann", "cand") and "the fallback of 'Cand' answers" in ann.reason
    assert blocks["pop"].worst == "kept"  # the baseline beside the ranker is only its safety net


def test_a_zone_failure_of_a_whole_region_is_named_a_region():
    from mlsd.analysis.failures import Failure

    assert Failure("zone", "us-east-1", (), (), ()).domain == "region"
    assert Failure("zone", "us-east-1a", (), (), ()).domain == "zone"
    assert Failure("block", "ranker", (), (), ()).domain == "block"


def test_a_callers_own_fallback_is_told_from_a_fallback_block():
    from mlsd.analysis import analyze
    from mlsd.analysis.failures import what_if
    from tests.conftest import design_of

    design = design_of(
        [{"id": "app", "kind": "client"},
         {"id": "svc", "kind": "online_inference", "props": {"p99_ms": 10, "fallback": True}},
         {"id": "fs", "kind": "online_feature_store", "props": {"p99_ms": 5}}],
        [{"id": "a", "source": "app", "target": "svc"}, {"id": "b", "source": "svc", "target": "fs"}],
        requirements={"sla_p99_ms": 200, "peak_qps": 10},
    )
    (lost,) = what_if(analyze(design, samples=2_000), kinds=("block",), only=["fs"])
    (path,) = lost.paths
    assert path.state == "degraded" and path.answered_by == "svc" and path.callers_fallback
