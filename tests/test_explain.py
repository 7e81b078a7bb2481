"""explain: a path's p99 taken apart per hop (the parts add up to it), a tier's derivation, the facts of a finding,
and ``python -m mlsd explain``."""

from __future__ import annotations

import io
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from mlsd.analysis import analyze
from mlsd.analysis.explain import _Replay, explain_path, explain_paths, explain_tier
from mlsd.cli import main
from mlsd.io import load_file
from mlsd.rules import check
from mlsd.rules.facts import facts_text, finding_facts, severity_why
from tests.conftest import DESIGNS, design_of

ALL_DESIGNS = sorted(DESIGNS.glob("*.json")) + sorted((DESIGNS / "reference").glob("*.json"))


def busy_design(replicas: int = 12, shards: int | None = None, parallel: bool = False) -> object:
    """A client calling a gateway that calls a service near full utilisation (1,000 req/s on replicas × 100)."""
    svc: dict[str, object] = {"p50_ms": 8, "p99_ms": 30, "qps_per_replica": 100, "replicas": replicas}
    if shards:
        svc["shards"] = shards
    gw: dict[str, object] = {"p99_ms": 3, "qps_per_replica": 50000, "replicas": 2}
    comps = [{"id": "client", "kind": "client"}, {"id": "gw", "kind": "api_gateway", "props": gw},
             {"id": "svc", "kind": "online_inference", "props": svc}]
    conns = [{"id": "c1", "source": "client", "target": "gw", "flow": "request"},
             {"id": "c2", "source": "gw", "target": "svc", "flow": "request"}]
    if parallel:
        gw["calls"] = "parallel"
        comps.append({"id": "other", "kind": "kv_store", "props": {"p50_ms": 8, "p99_ms": 30, "managed": True}})
        conns.append({"id": "c3", "source": "gw", "target": "other", "flow": "request"})
    return design_of(comps, conns, requirements={"sla_p99_ms": 200, "peak_qps": 1000})


@pytest.mark.parametrize("path", ALL_DESIGNS, ids=lambda p: p.name)
def test_the_parts_of_every_path_add_up_to_its_p99(path: Path) -> None:
    a = analyze(load_file(path))
    replay = _Replay(a.model)  # type: ignore[arg-type]
    for p, e in zip(a.paths, explain_paths(a), strict=True):
        assert p.p99_ms is not None
        total = replay.total[a.model.index[p.entry]]  # type: ignore[union-attr]
        assert total is not None
        # the replay is the analysis's own sampling: the same p99, to the last bit
        assert float(np.quantile(total.astype(np.float64), 0.99)) == p.p99_ms
        assert sum(h.total_ms for h in e.hops) == pytest.approx(p.p99_ms, rel=1e-9)
        assert sum(e.parts_ms().values()) == pytest.approx(p.p99_ms, rel=1e-9)
        assert 0.95 < e.scale < 1.05, "the samples around the p99 average close to it before scaling"
        assert all(h.network_ms == 0.0 and h.service_ms >= 0.0 and h.wait_ms > -0.01 and h.fanout_ms > -0.01
                   for h in e.hops)
        assert e.hops[0].block == p.entry


def test_a_busy_tier_waits_and_a_sharded_one_fans_out() -> None:
    a = analyze(busy_design(replicas=11, shards=4))  # type: ignore[arg-type]
    e = explain_path(a, "client")
    svc = next(h for h in e.hops if h.block == "svc")
    assert svc.wait_ms > 1.0 and svc.fanout_ms > 1.0 and svc.service_ms > 1.0
    assert sum(h.total_ms for h in e.hops) == pytest.approx(e.p99_ms)
    calm = explain_path(analyze(busy_design(replicas=40)), "client")  # type: ignore[arg-type]
    assert next(h for h in calm.hops if h.block == "svc").wait_ms < svc.wait_ms


def test_parallel_branches_share_the_p99_by_how_often_each_is_the_slowest() -> None:
    a = analyze(busy_design(replicas=40, parallel=True))  # type: ignore[arg-type]
    hops = {h.block: h for h in explain_path(a, "client").hops}
    assert 0.0 < hops["svc"].counted < 1.0 and 0.0 < hops["other"].counted < 1.0
    assert hops["svc"].counted + hops["other"].counted == pytest.approx(1.0)
    assert hops["gw"].counted == 1.0


def test_a_saturated_path_has_no_parts() -> None:
    a = analyze(busy_design(replicas=5))  # type: ignore[arg-type]
    e = explain_path(a, "client")
    assert e.p99_ms is None and e.hops == () and e.saturated == ("svc",)


def test_a_tier_is_derived_with_textbook_erlang_c() -> None:
    a = analyze(busy_design(replicas=12))  # type: ignore[arg-type]
    t = explain_tier(a, "svc")
    assert t is not None
    c, util = t.figures["servers"], t.figures["utilisation"]
    assert isinstance(c, int) and isinstance(util, float)
    offered = Fraction(c) * Fraction(util).limit_denominator(10**9)
    top = offered**c / math.factorial(c) * c / (c - offered)
    textbook = float(top / (sum(offered**k / math.factorial(k) for k in range(c)) + top))  # Kleinrock §3.5
    assert t.figures["p_wait"] == pytest.approx(textbook, rel=1e-6)
    assert t.figures["arrival_rate_qps"] == 1000.0 and t.figures["needed_replicas"] == 13
    text = "\n".join(t.lines)
    assert "1,000 / 1,200 = 83.3%" in text and "ceil(1,000 × (1 + 30% headroom) / 100) = 13" in text


def test_a_finding_shows_its_props_figures_thresholds_and_why_its_severity() -> None:
    report = check(busy_design(replicas=12))  # type: ignore[arg-type]
    finding = next(f for f in report.findings if f.rule == "CAP-1")
    facts = finding_facts(report, finding)
    assert facts.props["svc"]["qps_per_replica"] == 100 and facts.props["svc"]["replicas"] == 12
    assert facts.figures["tier svc"]["needed_replicas"] == 13
    assert facts.thresholds["requirements.headroom"] == 0.3
    assert facts.severity_why.startswith("error: the design does not hold as drawn")
    assert "Why: a tier short of capacity at peak queues without bound" in facts.severity_why  # CAP-1's docstring
    assert "Why: a ranking path that blows its budget at peak" in severity_why("LAT-1")
    assert "to_dict" in dir(finding) and "facts" not in finding.to_dict()  # the report contract is unchanged
    lines = facts_text(facts)
    assert lines[0].startswith("severity — error") and any(line.startswith("props of svc") for line in lines)


def test_explain_cli_prints_the_parts_and_json(tmp_path: Path) -> None:
    out = io.StringIO()
    assert main(["explain", str(DESIGNS / "video_recommendations.json"), "--path", "client"], out) == 0
    text = out.getvalue()
    assert "Path from" in text and "= p99" in text and "fan-out" in text
    out = io.StringIO()
    assert main(["explain", str(DESIGNS / "video_recommendations.json"), "--format", "json"], out) == 0
    data = json.loads(out.getvalue())
    for p in data["paths"]:
        assert sum(h["total_ms"] for h in p["hops"]) == pytest.approx(p["p99_ms"])
    assert data["tiers"] and data["cost"]["lines"]


def test_explain_cli_rule_and_block(tmp_path: Path) -> None:
    from mlsd.io import save_file

    f = tmp_path / "busy.json"
    save_file(busy_design(replicas=12), f)  # type: ignore[arg-type]
    out = io.StringIO()
    assert main(["explain", str(f), "--rule", "CAP-1"], out) == 0
    assert "CAP-1@svc" in out.getvalue() and "requirements.headroom = 0.3" in out.getvalue()
    out = io.StringIO()
    assert main(["explain", str(f), "--block", "svc"], out) == 0
    assert "utilisation: 1,000 / 1,200" in out.getvalue()


@pytest.mark.parametrize("args, message", [
    (["--path", "nope"], "--path: 'nope' is not the entry of a request path"),
    (["--block", "nope"], "--block: 'nope' is not a block of this design"),
    (["--rule", "XYZ-9"], "--rule: 'XYZ-9' is not a rule id"),
    (["--path", "client", "--block", "gw"], "at most one of --path, --block, --rule"),
])
def test_explain_cli_names_bad_ids(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(DESIGNS / "video_recommendations.json"), *args], io.StringIO()) == 2
    assert message in capsys.readouterr().err
