"""The validate command's output (text, JSON, SARIF 2.1.0), its exit codes, and the rule catalog's output."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import jsonschema
import pytest

from mlsd import report as rep
from mlsd.analysis import analysis_to_dict
from mlsd.io import dumps, load_file
from mlsd.model import Design
from mlsd.report import catalog, sarif
from mlsd.rules import Hit, NotApplicable, Report, Rule, all_rules, check, engine
from mlsd.rules.context import Context
from tests.conftest import ROOT, design_of


def _inference(ctx: Context) -> list[Hit]:
    """Every online inference block is flagged (a test rule).

    Source: this test.
    """
    return [Hit(f"{c.title} is an inference block", (c.id,)) for c in ctx.of_kind("online_inference")]


def _gateway(ctx: Context) -> list[Hit]:
    """Every API gateway is flagged, with its outgoing connections (a test rule).

    Source: this test.
    """
    return [Hit("gateway seen", (c.id,), tuple(e.id for e in ctx.out_edges.get(c.id, ())), fix="remove it")
            for c in ctx.of_kind("api_gateway")]


def _notes(ctx: Context) -> list[Hit]:
    """A design without notes gets an info finding (a test rule).

    Source: this test.
    """
    return [] if ctx.design.notes else [Hit("no notes")]


def _never(ctx: Context) -> list[Hit]:
    """Never applies (a test rule).

    Source: this test.
    """
    raise NotApplicable("nothing to check")


TEST_RULES = [
    Rule("TST-1", "sla", "error", "Inference block present", "Remove the inference block.", _inference),
    Rule("TST-2", "data", "warning", "Gateway present", "Route around the gateway.", _gateway),
    Rule("TST-3", "structure", "info", "Notes missing", "Write notes.", _notes),
    Rule("TST-4", "monitoring", "error", "Never applies", "Nothing.", _never),
]


@pytest.fixture
def test_rules(monkeypatch: pytest.MonkeyPatch) -> list[Rule]:
    """Replace the registry by the four test rules (the real rule modules are loaded first, so that loading
    them later cannot register into the replacement)."""
    all_rules()
    monkeypatch.setattr(engine, "REGISTRY", {r.id: r for r in TEST_RULES})
    return TEST_RULES


def gateway_design(**fields: Any) -> Design:
    return design_of(
        [{"id": "client", "kind": "client", "label": "App"},
         {"id": "gw", "kind": "api_gateway", "label": "Gateway"}],
        [{"id": "c1", "source": "client", "target": "gw", "flow": "request"}],
        requirements={"sla_p99_ms": 100, "peak_qps": 500}, **fields,
    )


def run(designs: list[tuple[str, Design]], fmt: str = "json", fail_on: str = "error") -> tuple[int, str]:
    out = io.StringIO()
    code = rep.render_validation(designs, fmt, fail_on, out)
    return code, out.getvalue()


# ---------------------------------------------------------------------------------------------------------------
# Exit codes
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fail_on", "warning_only", "with_error"),
    [("error", 0, 1), ("warning", 1, 1), ("info", 1, 1), ("never", 0, 0)],
)
def test_exit_code_by_fail_on(test_rules, small_design, fail_on, warning_only, with_error):
    assert run([("a.json", gateway_design(notes="n"))], "text", fail_on)[0] == warning_only
    assert run([("a.json", small_design)], "text", fail_on)[0] == with_error
    # several files: the worst one decides
    assert run([("a.json", gateway_design(notes="n")), ("b.json", small_design)], "json", fail_on)[0] == with_error


def test_info_only_fails_only_at_info(test_rules):
    design = design_of([{"id": "x", "kind": "cache"}])  # only TST-3 (info) fires
    assert [run([("x.json", design)], "text", level)[0] for level in ("error", "warning", "info", "never")] == [
        0, 0, 1, 0]


def test_waived_findings_do_not_fail(test_rules, small_design):
    waived = design_of([c.model_dump() for c in small_design.components],
                       [e.model_dump() for e in small_design.connections],
                       notes="n", waivers=[{"rule": "TST-1", "components": ["inf"], "reason": "accepted"},
                                           {"rule": "TST-2", "reason": "gateway kept"}])
    assert run([("w.json", waived)], "text", "info")[0] == 0
    assert run([("w.json", small_design)], "text", "info")[0] == 1


def test_bad_arguments_are_refused(test_rules, small_design):
    with pytest.raises(ValueError, match="fail_on"):
        run([("a.json", small_design)], "text", "fatal")
    with pytest.raises(ValueError, match="unknown format"):
        run([("a.json", small_design)], "xml", "error")


# ---------------------------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------------------------


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_groups_by_category_and_shows_waivers_apart(test_rules, small_design):
    design = design_of([c.model_dump() for c in small_design.components],
                       [e.model_dump() for e in small_design.connections],
                       waivers=[{"rule": "TST-2", "reason": "gateway kept on purpose"}])
    code, text = run([("designs/x.json", design)], "text")
    assert code == 1
    assert text.startswith("designs/x.json: test design\n")
    assert "\x1b[" not in text  # not a terminal: no colours
    lat = text.index("  Latency SLA\n")  # the findings in full, after the numbers summary
    assert text.index("TST-1", lat) > lat and "Ranker is an inference block" in text
    waived = text.index("Waived (1)")
    assert text.index("TST-2") > waived and "gateway kept on purpose" in text[waived:]
    assert "fix: Remove the inference block." in text
    assert "blocks: inf" in text
    overall = check(design).score()["overall"]
    assert re.search(rf"1 error, 0 warnings, 1 info, 1 waived; checks passed {overall}/100", text)


def test_text_colours_only_on_a_terminal(test_rules, small_design):
    out = Tty()
    rep.render_validation([("x.json", small_design)], "text", "never", out)
    assert "\x1b[1;31merror" in out.getvalue()


def test_text_never_passes_control_characters_from_labels(test_rules):
    design = design_of([{"id": "inf", "kind": "online_inference", "label": "evil\x1b[2J\u202eclear"}])
    text = run([("x.json", design)], "text")[1]
    assert "\x1b" not in text and "\u202e" not in text
    assert "evil␛[2J[U+202E]clear is an inference block" in text


def test_text_of_several_designs_ends_with_totals(test_rules, small_design):
    text = run([("a.json", small_design), ("b.json", gateway_design())], "text")[1]
    assert text.rstrip().endswith("2 designs: 1 error, 2 warnings, 2 info, 0 waived")


# ---------------------------------------------------------------------------------------------------------------
# SARIF 2.1.0
# ---------------------------------------------------------------------------------------------------------------

_MESSAGE = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
_ARTIFACT_LOCATION = {"type": "object", "properties": {"uri": {"type": "string", "format": "uri-reference"},
                                                       "uriBaseId": {"type": "string"}}}
# The parts of the SARIF 2.1.0 schema (OASIS, sarif-schema-2.1.0.json) that our output uses, with their
# required properties and enumerations as the specification gives them (§3.13 sarifLog, §3.14 run, §3.18 tool,
# §3.19 toolComponent, §3.27 result, §3.28 location, §3.29 physicalLocation, §3.30 region, §3.33
# logicalLocation, §3.34 suppression, §3.49 reportingDescriptor, §3.50 reportingConfiguration).
SARIF_SUBSET: dict[str, Any] = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "format": "uri"},
        "version": {"enum": ["2.1.0"]},
        "runs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["tool"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "informationUri": {"type": "string", "format": "uri"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["id"],
                                            "properties": {
                                                "id": {"type": "string"},
                                                "name": {"type": "string"},
                                                "shortDescription": _MESSAGE,
                                                "fullDescription": _MESSAGE,
                                                "help": _MESSAGE,
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {
                                                        "level": {"enum": ["none", "note", "warning", "error"]}
                                                    },
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "artifacts": {"type": "array", "items": {"type": "object", "properties": {
                        "location": _ARTIFACT_LOCATION}}},
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["message"],
                            "properties": {
                                "ruleId": {"type": "string"},
                                "ruleIndex": {"type": "integer", "minimum": -1},
                                "level": {"enum": ["none", "note", "warning", "error"]},
                                "message": _MESSAGE,
                                "locations": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "anyOf": [{"required": ["address"]},
                                                          {"required": ["artifactLocation"]}],
                                                "properties": {
                                                    "artifactLocation": _ARTIFACT_LOCATION,
                                                    "region": {"type": "object", "properties": {
                                                        "startLine": {"type": "integer", "minimum": 1}}},
                                                },
                                            },
                                            "logicalLocations": {
                                                "type": "array",
                                                "items": {"type": "object", "properties": {
                                                    "name": {"type": "string"},
                                                    "fullyQualifiedName": {"type": "string"},
                                                    "kind": {"type": "string"}}},
                                            },
                                        },
                                    },
                                },
                                "suppressions": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "required": ["kind"],
                                        "properties": {"kind": {"enum": ["inSource", "external"]},
                                                       "justification": {"type": "string"}},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}


def validate_sarif(log: dict[str, Any]) -> None:
    jsonschema.validate(log, SARIF_SUBSET, format_checker=jsonschema.FormatChecker())
    for run_ in log["runs"]:
        rules = run_["tool"]["driver"].get("rules", [])
        assert len({r["id"] for r in rules}) == len(rules)
        for result in run_.get("results", []):
            if "ruleIndex" in result:  # §3.27.6: the index must point at the descriptor of ruleId
                assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_structure_and_waived_findings_as_suppressions(test_rules, small_design, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    design = design_of([c.model_dump() for c in small_design.components],
                       [e.model_dump() for e in small_design.connections],
                       waivers=[{"rule": "TST-2", "components": ["gw"], "reason": "gateway is required"}])
    (tmp_path / "designs").mkdir()
    (tmp_path / "designs" / "my design.json").write_text(dumps(design), encoding="utf-8")
    code, text = run([("designs/my design.json", design)], "sarif", "error")
    log = json.loads(text)
    validate_sarif(log)
    assert code == 1
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "mlsd" and driver["informationUri"].startswith("https://")
    assert [r["id"] for r in driver["rules"]] == ["TST-1", "TST-2", "TST-4", "TST-3"]  # category order
    tst1 = driver["rules"][0]
    assert tst1["shortDescription"]["text"] == "Inference block present"
    assert tst1["fullDescription"]["text"].startswith("Every online inference block is flagged")
    assert tst1["name"] == "InferenceBlockPresent" and tst1["defaultConfiguration"]["level"] == "error"
    assert driver["rules"][3]["defaultConfiguration"]["level"] == "note"
    results = {r["ruleId"]: r for r in log["runs"][0]["results"]}
    assert set(results) == {"TST-1", "TST-2", "TST-3"}
    inf = results["TST-1"]
    assert inf["level"] == "error" and "suppressions" not in inf
    loc = inf["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "designs/my%20design.json", "uriBaseId": "%SRCROOT%"}
    lines = (tmp_path / "designs" / "my design.json").read_text().splitlines()
    assert '"id": "inf"' in lines[loc["physicalLocation"]["region"]["startLine"] - 1]
    assert loc["logicalLocations"] == [{"name": "inf", "fullyQualifiedName": "components/inf", "kind": "object"}]
    gw = results["TST-2"]
    assert gw["suppressions"] == [{"kind": "inSource", "justification": "gateway is required"}]
    assert [ll["name"] for ll in gw["locations"][0]["logicalLocations"]] == ["gw", "c2"]
    assert results["TST-3"]["level"] == "note"


def test_sarif_uri_of_a_file_outside_the_working_directory(tmp_path, monkeypatch):
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    assert sarif.artifact_uri("a b/c.json") == ("a%20b/c.json", True)
    outside = tmp_path / "elsewhere.json"
    assert sarif.artifact_uri(str(outside)) == (outside.resolve().as_uri(), False)
    assert sarif.artifact_uri("../elsewhere.json") == (outside.resolve().as_uri(), False)
    assert sarif.artifact_uri(str(tmp_path / "work" / "x.json")) == ("x.json", True)


def test_real_rules_give_valid_json_and_sarif(small_design):
    hostile = design_of([{"id": "a", "kind": "online_inference", "label": 'x"<script>\x1b\u202e'},
                         {"id": "b", "kind": "kv_store"}],
                        [{"id": "e", "source": "a", "target": "b"}], requirements={"sla_p99_ms": 0.001})
    designs = [("small.json", small_design), ("hostile.json", hostile)]
    validate_sarif(json.loads(run(designs, "sarif")[1]))
    data = json.loads(run(designs, "json")[1])
    assert [d["design"] for d in data] == ["test design", "test design"]
    for d, (_, design) in zip(data, designs, strict=True):
        assert len(d["findings"]) == len(check(design).findings)


# ---------------------------------------------------------------------------------------------------------------
# The rule catalog
# ---------------------------------------------------------------------------------------------------------------


def test_rules_json_text_and_markdown(test_rules):
    data = catalog.rules_json()
    assert [r["id"] for r in data] == ["TST-1", "TST-2", "TST-4", "TST-3"]
    assert data[0] == {"id": "TST-1", "category": "sla", "severity": "error", "title": "Inference block present",
                       "fix": "Remove the inference block.", "doc": TEST_RULES[0].doc, "source": "this test."}
    text = catalog.rules_text()
    assert "Latency SLA (1)" in text and re.search(r"TST-2\s+warning\s+Gateway present", text)
    assert text.rstrip().endswith("4 rules in 4 checklist categories")
    md = catalog.rules_markdown()
    assert md.startswith("# Checklist rules\n")
    assert "- [Latency SLA](#sla) (1)" in md and "  - [TST-1](#tst-1): Inference block present" in md
    assert "### TST-1: Inference block present" in md
    assert "Every online inference block is flagged (a test rule).\n\nSource: this test." in md
    assert md.index("## Latency SLA") < md.index("## Data & features") < md.index("## Structure")


def test_rules_cover_the_real_registry():
    real = all_rules()
    assert [r["id"] for r in catalog.rules_json()] == [r.id for r in real]
    md = catalog.rules_markdown()
    for r in real:
        assert f"### {r.id}: {r.title}" in md


def test_exceeds_checks_its_threshold():
    assert rep.exceeds([], "error") is False
    with pytest.raises(ValueError):
        rep.exceeds([], "loud")


def _report_cases() -> list[tuple[str, Report]]:
    """Every design in designs/ (waivers among them), one with hostile text in a label and a waiver reason, and
    one with half its findings in a baseline."""
    from mlsd.baseline import apply_baseline

    cases = [(str(p.relative_to(ROOT)), check(load_file(p))) for p in sorted((ROOT / "designs").glob("*.json"))]
    data = json.loads((ROOT / "designs" / "ad_click_prediction.json").read_text(encoding="utf-8"))
    drift = next(c for c in data["components"] if c["id"] == "drift")
    drift["label"] = 'quote " back\\slash \x1b[31m \u202e tab\t é ✓'
    data["waivers"] = [{"rule": "MON-3", "reason": 'because "we\\said"\nso \u2028 \x07'}]
    hostile = check(Design.model_validate(data))
    assert any(f.waived and "quote" in f.message for f in hostile.findings)
    path, report = cases[0]
    known = {f.id: 1 for f in report.findings[::2]}
    baselined = apply_baseline(report, known)
    assert any(f.baselined for f in baselined.findings)
    return [*cases, ("/abs/outside the cwd/h.json", hostile), (path, baselined)]


def test_sarif_written_a_result_at_a_time_is_the_log_encoded():
    from mlsd.cli.validate import judge_at_load

    cases = _report_cases()
    for path, report in cases:
        loads = [None, [judge_at_load(report.design, report, 3.0, None)]]
        for load in loads:
            out = io.StringIO()
            sarif.write_sarif([(path, report)], load, out)
            assert out.getvalue() == rep.encode_json(sarif.sarif_log([(path, report)], load)) + "\n"
    out = io.StringIO()
    sarif.write_sarif(cases, None, out)
    assert out.getvalue() == rep.encode_json(sarif.sarif_log(cases)) + "\n"
    validate_sarif(json.loads(out.getvalue()))


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
