"""Findings as JUnit XML for CI systems that read it: one testsuite per design (and per load), one testcase
per rule.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mlsd.report import AtLoad, gates
from mlsd.rules import Finding, Report
from mlsd.text import display_text

# ---------------------------------------------------------------------------------------------------------------
# JUnit XML
# ---------------------------------------------------------------------------------------------------------------


def _junit_suite(name: str, path: str, report: Report, fail_on: str, only: Sequence[Finding] | None = None
                 ) -> tuple[Any, int, int, int, int]:
    """One ``<testsuite>``: a testcase per rule, a ``<failure>`` per finding that fails the gate (lower ones, waived
    and baselined ones in ``<system-out>``), ``<skipped>`` when the rule does not apply, ``<error>`` when it
    crashed. With ``only``, the testcases hold just those findings (the findings new under load)."""
    from xml.etree import ElementTree as ET

    failing = {id(f) for f in gates(only if only is not None else report.findings, fail_on)}
    keep = None if only is None else {id(f) for f in only}
    suite = ET.Element("testsuite", name=display_text(name), file=path)
    tests = failures = errors = skipped = 0
    for res in report.results:
        tests += 1
        case = ET.SubElement(suite, "testcase", name=f"{res.rule.id} {res.rule.title}",
                             classname=f"mlsd.{res.rule.category}.{res.rule.id}", file=path)
        findings = [f for f in res.findings if keep is None or id(f) in keep]
        if res.status == "error":
            errors += 1
            ET.SubElement(case, "error", message=display_text(res.reason or "the rule raised"), type="RuleError")
            continue
        if res.status == "not_applicable" and only is None:
            skipped += 1
            ET.SubElement(case, "skipped", message=display_text(res.reason or "not applicable"))
            continue
        other = []
        failed = False
        for f in findings:
            if id(f) in failing:
                failed = True
                failure = ET.SubElement(case, "failure", message=display_text(f.message), type=f.severity)
                failure.text = display_text(f"{f.id}\n{f.message}\nFix: {f.fix}")
            else:
                state = "waived: " + (f.waiver_reason or "") if f.waived else "baselined" if f.baselined else f.severity
                other.append(display_text(f"{f.id} ({state}): {f.message}"))
        failures += failed
        if other:
            ET.SubElement(case, "system-out").text = "\n".join(other)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    return suite, tests, failures, errors, skipped


def junit_xml(reports: Sequence[tuple[str, Report]], fail_on: str = "error",
              at_load: Sequence[AtLoad | None] | None = None) -> str:
    """JUnit XML as CI tools read it: ``<testsuites>``, one ``<testsuite>`` per design (and one more per design
    judged under ``--load``), one ``<testcase>`` per rule, one ``<failure>`` per finding at or above ``fail_on``
    that is neither waived nor baselined (a testcase counts once in ``failures``)."""
    from xml.etree import ElementTree as ET

    root = ET.Element("testsuites", name="mlsd validate")
    totals = [0, 0, 0, 0]
    loads = list(at_load) if at_load is not None else [None] * len(reports)
    for (path, report), load in zip(reports, loads, strict=True):
        suites = [_junit_suite(report.design.name, path, report, fail_on)]
        if load is not None:
            suites.append(_junit_suite(f"{report.design.name} at {load.load:g}x peak", path, load.report, fail_on,
                                       load.new))
        for suite, *counts in suites:
            root.append(suite)
            totals = [a + b for a, b in zip(totals, counts, strict=True)]
    for key, value in zip(("tests", "failures", "errors", "skipped"), totals, strict=True):
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
