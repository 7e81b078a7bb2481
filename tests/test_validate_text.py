"""The score ("checks passed") and the numbers summary that opens ``python -m mlsd validate --format text``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlsd import report as rep
from mlsd.io import load_file
from mlsd.model import Design
from mlsd.report.numbers import MAX_FINDINGS, WIDTH, numbers_summary
from mlsd.rules import check
from mlsd.rules.engine import Hit, NotApplicable, Rule
from tests.conftest import design_of

ROOT = Path(__file__).resolve().parent.parent
DESIGN_FILES = sorted((ROOT / "designs").glob("*.json")) + sorted((ROOT / "designs" / "reference").glob("*.json"))
FIXTURES = sorted((ROOT / "tests" / "fixtures" / "rules").glob("*/*.json"))


def text_of(design: Design, path: str = "x.json") -> str:
    out = io.StringIO()
    rep.render_validation([(path, design)], "text", "never", out)
    return out.getvalue()


def served(**requirements: object) -> Design:
    """App → gateway → ranker (3 × 300 req/s) → feature store, with a budget and an SLA."""
    return design_of(
        [{"id": "app", "kind": "client", "label": "Mobile app"},
         {"id": "gw", "kind": "api_gateway", "label": "Gateway", "props": {"p99_ms": 5, "p50_ms": 2}},
         {"id": "ranker", "kind": "online_inference", "label": "Ranker",
          "props": {"p99_ms": 40, "p50_ms": 20, "qps_per_replica": 300, "replicas": 3, "cost_per_hour": 2.0}},
         {"id": "fs", "kind": "online_feature_store", "label": "Features", "props": {"p99_ms": 8, "p50_ms": 3}}],
        [{"id": "c1", "source": "app", "target": "gw", "flow": "request"},
         {"id": "c2", "source": "gw", "target": "ranker", "flow": "request"},
         {"id": "c3", "source": "ranker", "target": "fs", "flow": "request"}],
        requirements={"sla_p99_ms": 200, "peak_qps": 500, **requirements},
    )


# ---------------------------------------------------------------------------------------------------------------
# The score
# ---------------------------------------------------------------------------------------------------------------


def _rule(rule_id: str, severity: str, fails: bool) -> Rule:
    def func(ctx):
        """A test rule."""
        if fails:
            return [Hit("found", ("x",))]
        return None
    return Rule(rule_id, "structure", severity, "t", "f", func)  # type: ignore[arg-type]


def test_one_failing_info_among_many_passing_errors_keeps_the_score_below_100():
    # 200 passing error rules weigh 600; one failing info rule weighs 1: 600/601 = 99.8%, which rounds to 100
    rules = [_rule(f"P-{i}", "error", False) for i in range(200)] + [_rule("F-1", "info", True)]
    design = design_of([{"id": "x", "kind": "cache"}])
    score = check(design, rules).score()
    assert score["overall"] == 99 and score["categories"]["structure"] == 99
    waived = design_of([{"id": "x", "kind": "cache"}], waivers=[{"rule": "F-1", "reason": "accepted"}])
    assert check(waived, rules).score()["overall"] == 100  # a waived finding passes


def test_overall_is_the_weighted_share_of_all_applicable_checks_and_weakest_names_the_lowest_category():
    def na(ctx):
        """Never applies."""
        raise NotApplicable("no")
    rules = [Rule("A-1", "sla", "error", "t", "f", _rule("A-1", "error", False).func),
             Rule("A-2", "privacy", "warning", "t", "f", _rule("A-2", "warning", True).func),
             Rule("A-3", "privacy", "info", "t", "f", _rule("A-3", "info", False).func),
             Rule("A-4", "data", "error", "t", "f", na)]
    score = check(design_of([{"id": "x", "kind": "cache"}]), rules).score()
    # earned: error 3 + info 1 of error 3 + warning 2 + info 1 (A-4 does not apply): 4/6
    assert score["overall"] == 100 * 4 // 6
    assert score["categories"]["sla"] == 100 and score["categories"]["privacy"] == 100 * 1 // 3
    assert score["categories"]["data"] is None and score["weakest"] == "privacy"


@pytest.mark.parametrize("path", FIXTURES + DESIGN_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_any_open_finding_keeps_the_score_below_100(path: Path):
    report = check(load_file(path))
    overall = report.score()["overall"]
    if report.active:
        assert overall is not None and overall < 100, [f.rule for f in report.active]
    elif overall is not None:
        assert overall == 100


def test_json_keeps_the_score_keys():
    out = io.StringIO()
    rep.render_validation([("x.json", served())], "json", "never", out)
    score = json.loads(out.getvalue())["score"]
    assert {"overall", "categories"} <= set(score)


# ---------------------------------------------------------------------------------------------------------------
# The numbers summary
# ---------------------------------------------------------------------------------------------------------------


def test_summary_prints_p99_at_peak_beside_the_declared_sum_and_the_sla():
    design = served()
    report = check(design)
    path = report.context.analysis.paths[0]
    text = text_of(design)
    head = text.split("\n")
    assert head[1].startswith(f"  Checks passed {report.score()['overall']}/100: ")
    assert "  Request paths, p99 at peak vs the 200 ms SLA" in head
    line = next(x for x in head if x.startswith("    app "))
    assert f"p99 {path.p99_ms:,.0f} ms" in line and f"declared sum {path.p99_sum_ms:,.0f} ms" in line
    assert "500 req/s" in line and line.endswith("ok")
    tight = design.model_copy(deep=True)
    tight.requirements.sla_p99_ms = 10
    assert next(x for x in text_of(tight).split("\n") if x.startswith("    app ")).endswith("OVER SLA")


def test_summary_names_the_tightest_tier_with_utilisation_and_headroom():
    design = served()
    tier = check(design).context.analysis.capacity["ranker"]
    text = text_of(design)
    section = text.split("Tightest tiers at peak", 1)[1].split("\n")
    first = section[1]
    assert first.strip().startswith("ranker ")  # 500 of 900 req/s: the most loaded
    assert tier.utilisation is not None and tier.headroom is not None
    assert f"util {tier.utilisation:.0%}" in first and f"headroom {tier.headroom:+.0%}" in first
    assert "3 × 300 req/s" in first
    assert "SHORT" not in first  # +80% over the 30% required
    short = served(peak_qps=800)
    assert "SHORT" in text_of(short).split("Tightest tiers at peak", 1)[1].split("\n")[1]


def test_summary_prints_cost_against_budget_per_thousand_and_the_costliest_blocks():
    report = check(served(budget_per_month=1000))
    a = report.context.analysis
    text = text_of(served(budget_per_month=1000))
    line = next(x for x in text.split("\n") if x.startswith("  Cost "))
    assert f"${a.cost_per_month:,.0f}/month" in line and "OVER budget $1,000" in line
    assert a.cost_per_thousand is not None and f"${a.cost_per_thousand:,.4f} per 1,000 predictions" in line
    most = text.split(line, 1)[1].split("\n")[1]
    ranker = next(c for c in a.cost if c.block == "ranker")  # the lines cost_lines computed
    assert most.startswith("    ranker: ") and f"${ranker.total:,.0f}/month" in most
    assert f"{ranker.replicas} × $" in most and "730 h" in most  # what is billed: replicas × price × hours
    roomy = text_of(served(budget_per_month=10_000_000))
    assert "within budget $10,000,000" in roomy
    assert "(no budget set)" in text_of(served())


def test_top_findings_come_by_severity_and_are_cut_to_a_few():
    design = load_file(ROOT / "designs" / "card_fraud_scoring.json")
    report = check(design)
    lines = numbers_summary(report)
    start = next(i for i, x in enumerate(lines) if x.startswith("  Top findings ("))
    shown = lines[start + 1:start + 1 + MAX_FINDINGS]
    rank = {"error": 0, "warning": 1, "info": 2}
    severities = [x.split()[0] for x in shown]
    assert severities == sorted(severities, key=rank.__getitem__)
    assert len(report.active) > MAX_FINDINGS and f"({MAX_FINDINGS} of {len(report.active)} open" in lines[start]
    worst = sorted(report.active, key=lambda f: rank[f.severity])[0]
    assert shown[0].split()[:2] == [worst.severity, worst.rule]


@pytest.mark.parametrize("path", DESIGN_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_summary_fits_100_columns_on_every_design(path: Path):
    report = check(load_file(path))
    lines = numbers_summary(report)
    assert all(len(x) <= WIDTH for x in lines), [x for x in lines if len(x) > WIDTH]
    assert any(x.startswith("  Cost $") for x in lines)


def test_json_and_sarif_do_not_import_the_text_summary():
    code = (
        "import io, sys\n"
        "from mlsd.io import load_file\n"
        "from mlsd.report import render_validation\n"
        "d = load_file('designs/card_fraud_scoring.json')\n"
        "for fmt in ('json', 'sarif'):\n"
        "    render_validation([('x.json', d)], fmt, 'never', io.StringIO())\n"
        "assert 'mlsd.report.numbers' not in sys.modules\n"
        "render_validation([('x.json', d)], 'text', 'never', io.StringIO())\n"
        "assert 'mlsd.report.numbers' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_summary_says_an_asynchronous_path_is_judged_on_its_lag_not_the_sla():
    design = load_file(Path(__file__).parent / "fixtures" / "rules" / "LAT-6" / "pass.json")
    lines = text_of(design).split("\n")
    workers = next(x for x in lines if x.strip().startswith("workers ") and "p99" in x)
    app = next(x for x in lines if x.strip().startswith("app ") and "p99" in x)
    assert workers.endswith("async: judged on its lag (LAT-6)") and "ok" not in workers.split(")")[-1]
    assert app.endswith("  ok")


def test_summary_leaves_out_a_managed_tier_that_scales_with_its_load():
    design = load_file(Path(__file__).parent / "fixtures" / "rules" / "CAP-9" / "pass.json")  # kv: managed, ceiling
    kv = design.by_id()["kv"]
    assert " kv " in text_of(design).split("Tightest tiers", 1)[-1].split("Cost ", 1)[0]  # a ceiling: shown
    kv.props.pop("qps_per_replica", None)
    kv.props.pop("replicas", None)
    report = check(design)
    assert report.context.analysis.capacity["kv"].scales_with_load
    tiers = "\n".join(numbers_summary(report)).split("Tightest tiers", 1)[-1].split("Cost ", 1)[0]
    assert " kv " not in tiers
