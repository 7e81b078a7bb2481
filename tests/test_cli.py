"""``python -m mlsd`` as a user or a CI job runs it: exit codes, stdout formats and one-line errors on stderr."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mlsd.catalog import KINDS
from mlsd.io import dumps
from mlsd.rules import all_rules
from tests.conftest import ROOT, design_of

RULE_FIXTURES = ROOT / "tests" / "fixtures" / "rules"


def mlsd(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mlsd", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, check=False)


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.fixture
def design_file(tmp_path: Path, small_design) -> str:
    return write(tmp_path / "small.json", dumps(small_design))


def test_catalog_text_and_json():
    text = mlsd("catalog")
    assert text.returncode == 0 and text.stderr == ""
    assert all(kind in text.stdout for kind in KINDS)
    data = json.loads(mlsd("catalog", "--format", "json").stdout)
    assert [row["kind"] for row in data] == list(KINDS)
    assert {"kind", "label", "category", "tier", "purpose", "shape", "color", "props", "source"} <= set(data[0])


def test_schema_is_json_with_a_schema_uri():
    done = mlsd("schema")
    schema = json.loads(done.stdout)
    assert done.returncode == 0
    assert schema["$schema"].startswith("https://json-schema.org/") and schema["type"] == "object"
    assert "components" in schema["properties"]


def test_rules_in_every_format():
    rules = all_rules()
    data = json.loads(mlsd("rules", "--format", "json").stdout)
    assert [r["id"] for r in data] == [r.id for r in rules]
    assert all(set(r) == {"id", "category", "severity", "title", "fix", "doc", "source"} for r in data)
    text = mlsd("rules").stdout
    assert all(r.id in text for r in rules)
    markdown = mlsd("rules", "--format", "markdown").stdout
    assert markdown.startswith("# Checklist rules")


def test_validate_exit_zero_and_one(design_file):
    errors = [r for r in all_rules() if r.severity == "error" and (RULE_FIXTURES / r.id / "trigger.json").exists()]
    assert errors, "no error rule with a trigger fixture to validate against"
    trigger = str(RULE_FIXTURES / errors[0].id / "trigger.json")
    failing = mlsd("validate", trigger)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert errors[0].id in failing.stdout and failing.stderr == ""
    assert mlsd("validate", trigger, "--fail-on", "never").returncode == 0
    data = json.loads(mlsd("validate", trigger, design_file, "--format", "json").stdout)
    assert [d["file"] for d in data] == [trigger, design_file]
    assert any(f["rule"] == errors[0].id and f["severity"] == "error" for f in data[0]["findings"])


def test_validate_sarif_on_stdout(design_file):
    done = mlsd("validate", design_file, "--format", "sarif", "--fail-on", "never")
    log = json.loads(done.stdout)
    assert done.returncode == 0
    assert log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "mlsd"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"name": "x", "components": [{"id": "a", "kind": "nope"}]}', ["block 'a'", "unknown kind 'nope'"]),
        ('{"name": "x", "colour": 1}', ["colour", "not a known field"]),
        ('{"name": "x", "components": [', ["malformed JSON at line 1"]),
        ('{"name": "x", "components": [{"id": "a", "kind": "cache", "props": {"replicas": 0}}]}',
         ["block 'a'", "props.replicas"]),
    ],
)
def test_validate_bad_file_gives_one_clear_line_per_problem(tmp_path, content, expected):
    path = write(tmp_path / "bad.json", content)
    done = mlsd("validate", path)
    assert done.returncode == 2
    assert done.stdout == "" and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(line.startswith(f"{path}: ") for line in lines)
    assert all(part in done.stderr for part in expected)


def test_validate_reports_every_bad_file_and_every_problem(tmp_path, design_file):
    two = write(tmp_path / "two.json", json.dumps({"name": "x", "components": [
        {"id": "a", "kind": "nope"}, {"id": "b", "kind": "cache", "labl": "typo"}]}))
    missing = str(tmp_path / "missing.json")
    done = mlsd("validate", design_file, two, missing)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert sum(line.startswith(two) for line in lines) == 2
    expected = f"{missing}: cannot read file: No such file or directory"
    assert [line for line in lines if line.startswith(missing)] == [expected]


def test_render_every_format(tmp_path):
    design = design_of([{"id": "app", "kind": "client", "label": 'App "<b>"'},
                        {"id": "inf", "kind": "online_inference", "label": "Ranker"}],
                       [{"id": "c", "source": "app", "target": "inf", "flow": "request", "label": "score"}],
                       requirements={"sla_p99_ms": 100})
    path = write(tmp_path / "d.json", dumps(design))
    outputs = {}
    for fmt in ("dot", "svg", "mermaid", "markdown"):
        done = mlsd("render", path, "--format", fmt)
        assert done.returncode == 0 and done.stderr == "", (fmt, done.stderr)
        outputs[fmt] = done.stdout
    assert outputs["dot"].startswith("digraph mlsd {") and outputs["dot"].count(" -> ") == 1
    svg = ET.fromstring(outputs["svg"])
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert outputs["mermaid"].startswith("flowchart LR\n") and "#quot;#lt;b#gt;#quot;" in outputs["mermaid"]
    assert outputs["markdown"].startswith("# test design\n") and "```mermaid" in outputs["markdown"]
    assert "## Findings" in outputs["markdown"] and "## Numbers" in outputs["markdown"]


def test_render_bad_file_exits_two(tmp_path):
    done = mlsd("render", write(tmp_path / "x.yaml", "name: [unclosed"), "--format", "svg")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(str(tmp_path / "x.yaml") + ": malformed YAML")
