"""``validate`` in CI: baselines, JUnit XML, the gate under load, the pre-commit hook, packaging and ``--version``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import mlsd
from mlsd.io import dumps
from mlsd.rules import check
from tests.conftest import ROOT, design_of

SOUND = ROOT / "designs" / "reference" / "card_fraud.json"


def mlsd_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mlsd", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120, check=False)


def ranker(replicas: int = 4, label: str = "Ranker", extra: bool = False) -> str:
    """A small design whose ranker carries its peak (1,000 req/s on 4 × 500) but not twice it."""
    blocks = [
        {"id": "client", "kind": "client", "label": "App"},
        {"id": "gw", "kind": "api_gateway", "label": "Gateway",
         "props": {"p99_ms": 5, "qps_per_replica": 20000, "replicas": 3}},
        {"id": "inf", "kind": "online_inference", "label": label,
         "props": {"p99_ms": 40, "qps_per_replica": 500, "replicas": replicas}},
    ]
    links = [{"id": "c1", "source": "client", "target": "gw", "flow": "request"},
             {"id": "c2", "source": "gw", "target": "inf", "flow": "request"}]
    if extra:  # a second serving block, unmonitored: new findings
        blocks.append({"id": "inf2", "kind": "online_inference", "label": "Second ranker",
                       "props": {"p99_ms": 10, "qps_per_replica": 5000, "replicas": 2}})
        links.append({"id": "c3", "source": "gw", "target": "inf2", "flow": "request"})
    return dumps(design_of(blocks, links, requirements={"sla_p99_ms": 200, "peak_qps": 1000}))


def test_finding_ids_name_the_rule_and_its_blocks(small_design):
    ids = {f.id for f in check(small_design).findings}
    assert ids and all("@" in i for i in ids)
    for f in check(small_design).findings:
        assert f.id == f"{f.rule}@{','.join(sorted(f.components or f.connections)) or 'design'}"


def test_baseline_lets_known_findings_stand_and_fails_new_ones(tmp_path):
    design = tmp_path / "ranker.json"
    design.write_text(ranker(), encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    assert mlsd_cli("validate", str(design)).returncode == 1  # errors today
    written = mlsd_cli("validate", str(design), "--write-baseline", str(baseline))
    assert written.returncode == 0 and "to the baseline" in written.stderr
    data = json.loads(baseline.read_text(encoding="utf-8"))
    assert data["format"] == "mlsd-baseline/1" and "MON-1@inf" in data["files"][str(design)]

    adopted = mlsd_cli("validate", str(design), "--baseline", str(baseline))
    assert adopted.returncode == 0 and "In the baseline" in adopted.stdout
    report = json.loads(mlsd_cli("validate", str(design), "--baseline", str(baseline), "--format", "json").stdout)
    assert report["summary"]["baselined"] == sum(1 for f in report["findings"] if f.get("baselined"))

    design.write_text(ranker(label="Ranking model v2"), encoding="utf-8")  # an unrelated edit: ids unchanged
    assert mlsd_cli("validate", str(design), "--baseline", str(baseline)).returncode == 0
    design.write_text(ranker(extra=True), encoding="utf-8")  # a new unmonitored block: a new error
    new = mlsd_cli("validate", str(design), "--baseline", str(baseline))
    assert new.returncode == 1 and "MON-1" in new.stdout

    sarif = json.loads(mlsd_cli("validate", str(design), "--baseline", str(baseline), "--format", "sarif").stdout)
    results = sarif["runs"][0]["results"]
    assert any(r.get("suppressions", [{}])[0].get("kind") == "external" for r in results)
    assert all(r["partialFingerprints"]["mlsdFindingId/v1"].startswith(r["ruleId"] + "@") for r in results)


def test_unreadable_baseline_is_one_line_exit_2(tmp_path):
    design = tmp_path / "ranker.json"
    design.write_text(ranker(), encoding="utf-8")
    (tmp_path / "bad.json").write_text('{"files": []}', encoding="utf-8")
    for name in ("bad.json", "missing.json"):
        done = mlsd_cli("validate", str(design), "--baseline", str(tmp_path / name))
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_load_gate_has_its_own_exit_code(tmp_path):
    design = tmp_path / "ranker.json"
    design.write_text(ranker(), encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    mlsd_cli("validate", str(design), "--write-baseline", str(baseline))  # the peak's findings accepted
    assert mlsd_cli("validate", str(design), "--baseline", str(baseline), "--load", "1").returncode == 0
    doubled = mlsd_cli("validate", str(design), "--baseline", str(baseline), "--load", "2.0")
    assert doubled.returncode == 4, doubled.stderr
    assert "At 2× peak (2,000 qps)" in doubled.stdout and "CAP-1" in doubled.stdout
    data = json.loads(mlsd_cli("validate", str(design), "--baseline", str(baseline), "--load", "2",
                               "--format", "json").stdout)
    assert data["at_load"]["load"] == 2.0 and data["at_load"]["peak_qps"] == 2000
    assert [f["rule"] for f in data["at_load"]["findings"]] == ["CAP-1"]
    assert data["at_load"]["findings"][0]["components"] == ["inf"]
    # with 6 replicas it holds twice its peak: exit 0; a failure at the peak itself still says 1
    design.write_text(ranker(replicas=6), encoding="utf-8")
    assert mlsd_cli("validate", str(design), "--baseline", str(baseline), "--load", "2").returncode == 0
    assert mlsd_cli("validate", str(design), "--load", "2").returncode == 1
    for bad in ("0", "-1", "lots", "nan", "1000"):
        done = mlsd_cli("validate", str(design), "--load", bad)
        assert done.returncode == 2 and "Traceback" not in done.stderr


def test_junit_xml_has_a_suite_per_design_and_a_case_per_rule(tmp_path):
    design = tmp_path / "ranker.json"
    design.write_text(ranker(), encoding="utf-8")
    done = mlsd_cli("validate", str(design), str(SOUND), "--format", "junit", "--load", "2")
    assert done.returncode == 1
    root = ET.fromstring(done.stdout)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites][::2] == [json.loads(design.read_text())["name"],
                                                     json.loads(SOUND.read_text())["name"]]
    assert all(s.get("name", "").endswith("at 2x peak") for s in suites[1::2])
    n_rules = len(check(design_of([])).results)
    for suite in suites:
        cases = suite.findall("testcase")
        assert len(cases) == n_rules == int(suite.get("tests", "0"))
        for key, tag in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
            assert int(suite.get(key, "-1")) == sum(1 for c in cases if c.find(tag) is not None)
        for case in cases:  # the shape JUnit readers expect (Jenkins, GitLab, GitHub test reporters)
            assert case.get("name") and case.get("classname", "").startswith("mlsd.")
            assert set(case.attrib) <= {"name", "classname", "file", "time"}
            for child in case:
                assert child.tag in {"failure", "error", "skipped", "system-out"}
                if child.tag in ("failure", "error", "skipped"):
                    assert child.get("message")
    for key in ("tests", "failures", "errors", "skipped"):
        assert int(root.get(key, "-1")) == sum(int(s.get(key, "0")) for s in suites)
    first = suites[0]
    mon = next(c for c in first.findall("testcase") if c.get("name", "").startswith("MON-1 "))
    assert [f.get("type") for f in mon.findall("failure")] == ["error"]
    assert "MON-1@inf" in (mon.find("failure").text or "")  # type: ignore[union-attr]
    assert int(suites[2].get("failures", "-1")) == 0  # the sound design fails nothing at its peak


def test_version():
    done = mlsd_cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"mlsd {mlsd.__version__}"


def test_packaging_declares_the_console_script_and_only_the_domain():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["version"] == mlsd.__version__
    assert project["project"]["scripts"] == {"mlsd": "mlsd.cli:run"}
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["mlsd", "mlsd.*"]
    assert not any("streamlit" in dep for dep in project["project"]["dependencies"])


def test_pre_commit_hook_fails_a_flawed_design_then_passes_the_fix(tmp_path):
    """The hook as other repositories use it: pre-commit installs this checkout (``try-repo``: its working tree)
    into a fresh environment and runs ``mlsd-validate`` on the repository's design files. Offline: pip may not
    reach an index; the dependencies come from this test's own environment (PYTHONPATH)."""
    pytest.importorskip("pre_commit", reason="pre-commit is in requirements-dev.txt")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hooks = ROOT / ".pre-commit-hooks.yaml"
    assert "id: mlsd-validate" in hooks.read_text(encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "designs").mkdir(parents=True)
    sound = json.loads(SOUND.read_text(encoding="utf-8"))
    flawed = {**sound, "requirements": {**sound["requirements"],
                                        "peak_qps": sound["requirements"]["peak_qps"] * 100}}
    target = repo / "designs" / "fraud.json"
    target.write_text(json.dumps(flawed, indent=2), encoding="utf-8")
    (repo / "notes.json").write_text("{}", encoding="utf-8")  # not a design, not under designs/: not checked
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PIP_NO_INDEX": "1",
           "PIP_NO_BUILD_ISOLATION": "0",  # pip's inverted spelling: build with the setuptools already here
           "PYTHONPATH": sysconfig.get_paths()["purelib"], "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True, timeout=60)

    def hook() -> subprocess.CompletedProcess[str]:
        git("add", "-A")
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "mlsd-validate",
                               "--all-files"], cwd=repo, env=env, capture_output=True, text=True, timeout=600,
                              check=False)

    git("init", "-q")
    failed = hook()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "CAP-1" in failed.stdout and "notes.json" not in failed.stdout
    target.write_text(json.dumps(sound, indent=2), encoding="utf-8")  # the fix
    passed = hook()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "mlsd validate" in passed.stdout and "Passed" in passed.stdout


def test_the_parser_offers_every_report_format_without_importing_the_report():
    from mlsd import report
    from mlsd.cli import validate

    assert validate.FORMATS == report.FORMATS
    code = ("import sys; from mlsd.cli import build_parser; build_parser(); "
            "assert not {'numpy', 'pydantic', 'yaml', 'mlsd.report', 'mlsd.analysis'} & set(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
