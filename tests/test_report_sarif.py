"""The validate command's SARIF 2.1.0 output (mlsd.report.sarif), checked against the parts of the
schema it uses: its structure with waived findings as suppressions, artifact URIs, the real rules' output, and the
log written a result at a time equal to the log encoded.

The ``test_rules`` fixture (tests/conftest.py) replaces the registry by the four test rules of tests/report_rules.py.
"""

from __future__ import annotations

import io
import json
from typing import Any

import jsonschema

from mlsd import report as rep
from mlsd.io import dumps
from mlsd.report import sarif
from mlsd.rules import check
from tests.conftest import design_of
from tests.report_helpers import _report_cases, run

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
