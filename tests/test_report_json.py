"""The validate command's JSON output (mlsd.report): one design, findings carrying what differs from
their rule, the analysis with and without detail, verbose paths, several designs, and the JSON written a finding at
a time equal to the validation dict encoded.

The ``test_rules`` fixture (tests/conftest.py) replaces the registry by the four test rules of tests/report_rules.py.
"""

from __future__ import annotations

import io
import json

import pytest

from mlsd import report as rep
from mlsd.analysis import analysis_to_dict
from mlsd.io import load_file
from mlsd.rules import check, engine
from tests.conftest import ROOT
from tests.report_helpers import _report_cases, gateway_design, run
from tests.report_rules import TEST_RULES


def test_json_of_one_design(test_rules, small_design):
    code, text = run([("designs/small.json", small_design)])
    data = json.loads(text)
    assert code == 1
    assert {"design", "file", "findings", "summary", "score", "paths", "capacity", "cost_per_month"} <= set(data)
    assert data["design"] == "test design" and data["file"] == "designs/small.json"
    assert {f["rule"] for f in data["findings"]} == {"TST-1", "TST-2", "TST-3"}
    assert data["rule_info"] == {  # once per rule with a finding: what its findings share
        r.id: {"category": r.category, "severity": r.severity, "title": r.title, "fix": r.fix} for r in TEST_RULES[:3]}
    for f in data["findings"]:
        own_fix = {"fix"} if f["rule"] == "TST-2" else set()  # TST-2's finding has a fix of its own
        assert set(f) == {"rule", "severity", "message", "components", "connections", "waived"} | own_fix
    gw = next(f for f in data["findings"] if f["rule"] == "TST-2")
    assert gw["components"] == ["gw"] and gw["connections"] == ["c2"] and gw["fix"] == "remove it"
    assert data["summary"] == {"error": 1, "warning": 1, "info": 1, "waived": 0}
    report = check(small_design)
    assert data["score"] == json.loads(json.dumps(report.score()))
    expected = analysis_to_dict(report.context.analysis)
    reachable = ("blocks", "connections")  # a path's reachable set: only with verbose
    assert data["paths"] == json.loads(json.dumps(
        [{k: v for k, v in p.items() if k not in reachable} for p in expected["paths"]]))
    assert data["capacity"] == json.loads(json.dumps(expected["capacity"]))
    assert data["cost_per_month"] == pytest.approx(expected["cost_per_month"])
    assert data["paths"][0]["sla_ms"] == 200 and data["paths"][0]["critical"] == ["client", "gw", "inf"]
    assert "\n" not in text.rstrip("\n")  # compact: one line


def test_json_findings_carry_what_differs_from_their_rule():
    from mlsd.rules.engine import Finding

    info = {"X-1": {"category": "sla", "severity": "error", "title": "T", "fix": "F"}}
    crash = Finding("X-1", "sla", "error", "Rule X-1 could not run", "KeyError: 'a'", "report it")
    assert rep.finding_json(crash, info) == {
        "rule": "X-1", "severity": "error", "message": "KeyError: 'a'", "components": [], "connections": [],
        "waived": False, "title": "Rule X-1 could not run", "fix": "report it"}
    waived = Finding("X-1", "sla", "error", "T", "m", "F", ("a",), waived=True, waiver_reason="ok", baselined=True)
    assert rep.finding_json(waived, info) == {
        "rule": "X-1", "severity": "error", "message": "m", "components": ["a"], "connections": [], "waived": True,
        "waiver_reason": "ok", "baselined": True}
    assert rep.finding_json(waived, {})["title"] == "T"  # a rule missing from the table: nothing is lost


def test_analysis_without_detail_is_the_full_one_less_reachable_sets_and_cost_lines():
    analysis = check(load_file(ROOT / "designs" / "video_recommendations.json")).context.analysis
    full, lean = analysis_to_dict(analysis), analysis_to_dict(analysis, detail=False)
    assert full["cost"] and "cost" not in lean
    assert lean["paths"] == [{k: v for k, v in p.items() if k not in ("blocks", "connections")} for p in full["paths"]]
    assert {k: v for k, v in full.items() if k not in ("paths", "cost")} == {
        k: v for k, v in lean.items() if k != "paths"}


def test_verbose_json_lists_each_paths_reachable_set(test_rules, small_design):
    out = io.StringIO()
    rep.write_validation([("designs/small.json", check(small_design))], "json", out, verbose=True)
    data = json.loads(out.getvalue())
    path = data["paths"][0]
    assert path["blocks"] == ["client", "gw", "inf"] and path["connections"] == ["c1", "c2"]
    assert {line["block"] for line in data["cost"]} == {"gw", "inf"}
    out = io.StringIO()
    rep.write_validation([("designs/small.json", check(small_design))], "json", out)
    assert "cost" not in json.loads(out.getvalue()) and "cost_per_month" in json.loads(out.getvalue())


def test_json_of_several_designs_is_a_list_and_marks_waivers(test_rules, small_design):
    waived = gateway_design(waivers=[{"rule": "TST-2", "components": ["gw"], "reason": "by policy"}])
    data = json.loads(run([("a.json", small_design), ("b.json", waived)])[1])
    assert isinstance(data, list) and [d["file"] for d in data] == ["a.json", "b.json"]
    f = next(f for f in data[1]["findings"] if f["rule"] == "TST-2")
    assert f["waived"] is True and f["waiver_reason"] == "by policy"
    assert data[1]["summary"]["waived"] == 1 and data[1]["summary"]["warning"] == 0


def test_json_written_a_finding_at_a_time_is_the_validation_dict_encoded():
    from mlsd.cli.validate import judge_at_load

    cases = _report_cases()
    findings = [f for _, r in cases for f in r.findings]
    assert any(f.baselined for f in findings) and any(f.waived for f in findings)
    assert any(f.fix != engine.REGISTRY[f.rule].fix for f in findings)  # a finding's own fix: the dict's way
    for path, report in cases:
        for load in (None, judge_at_load(report.design, report, 3.0, None)):
            for verbose in (False, True):
                out, ref = io.StringIO(), io.StringIO()
                rep.write_validation([(path, report)], "json", out, "error", verbose, [load])
                rep._dump(rep.validation_dict(path, report, verbose, load), ref, 2)
                assert out.getvalue() == ref.getvalue()
    out, ref = io.StringIO(), io.StringIO()
    rep.write_validation(cases, "json", out, "error")
    rep._dump([rep.validation_dict(path, report, False) for path, report in cases], ref, 3)
    assert out.getvalue() == ref.getvalue()
