"""What ``python -m mlsd validate`` and ``python -m mlsd rules`` print: findings as text, JSON, SARIF 2.1.0 or
JUnit XML, and the rule catalog as text, JSON or Markdown (the Markdown is ``docs/rules.md``).

JSON and SARIF are written compact (no indentation; pipe through ``python -m json.tool`` to read them) and name
each request path by its entry, critical chain and numbers: the blocks and connections a path can reach (its
reachable set, the bulk of a large design's report) and the JSON's per-block cost lines only with ``verbose``.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import quote

from mlsd import __version__
from mlsd.model import Design
from mlsd.rules import Finding, Report, Rule, all_rules, check
from mlsd.rules.engine import CATEGORIES, SEVERITIES
from mlsd.text import display_text

OutputFormat = Literal["text", "json", "sarif", "junit"]
FORMATS: tuple[str, ...] = ("text", "json", "sarif", "junit")
FailOn = Literal["error", "warning", "info", "never"]

TOOL_NAME = "mlsd"
TOOL_VERSION = __version__
INFORMATION_URI = "https://mlsd-whiteboard.invalid/"  # the project has no public home yet (as mlsd.schema)
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS: dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}
_RANK: dict[str, int] = {"error": 3, "warning": 2, "info": 1}

_ANSI: dict[str, str] = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[33m",
    "info": "\x1b[36m",
    "heading": "\x1b[1m",
    "dim": "\x1b[2m",
    "ok": "\x1b[32m",
    "reset": "\x1b[0m",
}


def exceeds(findings: Sequence[Finding], fail_on: str) -> bool:
    """Whether an unwaived finding at or above ``fail_on`` exists (``never``: never)."""
    if fail_on == "never":
        return False
    if fail_on not in _RANK:
        raise ValueError(f"fail_on must be one of error, warning, info, never; got {fail_on!r}")
    threshold = _RANK[fail_on]
    return any(not f.waived and not f.baselined and _RANK[f.severity] >= threshold for f in findings)


def gates(findings: Sequence[Finding], fail_on: str) -> list[Finding]:
    """The findings that fail the run at ``fail_on``: unwaived, not baselined, at or above the threshold."""
    if fail_on == "never":
        return []
    threshold = _RANK[fail_on]
    return [f for f in findings if not f.waived and not f.baselined and _RANK[f.severity] >= threshold]


@dataclass(frozen=True)
class AtLoad:
    """One design judged at ``load`` × its peak (``validate --load``): the report there, and its findings that
    the design does not have at its peak (by stable id, counted)."""

    load: float
    peak_qps: float | None  # the scaled peak the rules saw (None: the design declares no peak)
    report: Report
    new: tuple[Finding, ...]


def new_at_load(peak: Report, loaded: Report) -> tuple[Finding, ...]:
    """The findings of ``loaded`` beyond those of ``peak`` with the same stable id."""
    seen = Counter(f.id for f in peak.findings)
    out = []
    for f in loaded.findings:
        if seen[f.id] > 0:
            seen[f.id] -= 1
        else:
            out.append(f)
    return tuple(out)


def render_validation(designs: Sequence[tuple[str, Design]], fmt: str, fail_on: str, out: TextIO) -> int:
    """Check each (file, design), write the findings to ``out`` in ``fmt``; return the exit code.

    0 when no unwaived finding at or above ``fail_on`` exists in any design (always with ``never``), else 1.
    """
    if fail_on != "never" and fail_on not in _RANK:
        raise ValueError(f"fail_on must be one of error, warning, info, never; got {fail_on!r}")
    reports = [(path, check(design)) for path, design in designs]
    write_validation(reports, fmt, out, fail_on)
    failed = any(exceeds(report.findings, fail_on) for _, report in reports)
    return 1 if failed else 0


def write_validation(reports: Sequence[tuple[str, Report]], fmt: str, out: TextIO, fail_on: str = "error",
                     verbose: bool = False, at_load: Sequence[AtLoad | None] | None = None) -> None:
    """Write checked designs to ``out`` in ``fmt`` (text, json, sarif, junit); ``at_load[i]``, when given, is
    design i judged under load (its new findings are reported beside the peak's)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose {', '.join(FORMATS)}")
    loads = list(at_load) if at_load is not None else [None] * len(reports)
    if fmt == "json":
        pairs = zip(reports, loads, strict=True)
        data = [validation_dict(path, report, verbose, load) for (path, report), load in pairs]
        _dump(data[0], out, 2) if len(data) == 1 else _dump(data, out, 3)  # down to each finding, tier, path
    elif fmt == "sarif":
        _dump(sarif_log(reports, loads), out, 4)  # down to each result
    elif fmt == "junit":
        out.write(junit_xml(reports, fail_on, loads))
    else:
        color = _isatty(out)
        for k, ((path, report), load) in enumerate(zip(reports, loads, strict=True)):
            if k:
                out.write("\n")
            out.write(validation_text(path, report, color))
            if load is not None:
                out.write(load_text(load, color))
        if len(reports) > 1:
            out.write("\n" + _totals(reports, color))


_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def _dump(data: Any, out: TextIO, depth: int) -> None:
    """Compact JSON, streamed: the outer objects and lists piece by piece, each leaf (a finding, a tier, a path)
    by the C encoder in one call (``JSONEncoder.iterencode`` would stream too, but in pure Python, 4x slower).
    ``depth``: how many levels of objects and lists are written piece by piece."""
    _write(data, out, depth)
    out.write("\n")


def _write(value: Any, out: TextIO, depth: int) -> None:
    if depth and isinstance(value, dict):
        out.write("{")
        for k, (key, item) in enumerate(value.items()):
            out.write(("," if k else "") + _ENCODE(key) + ":")
            _write(item, out, depth - 1)
        out.write("}")
    elif depth and isinstance(value, list):
        out.write("[")
        for k, item in enumerate(value):
            if k:
                out.write(",")
            _write(item, out, depth - 1)
        out.write("]")
    else:
        out.write(_ENCODE(value))


def _isatty(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


# ---------------------------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------------------------


_REACHABLE = ("blocks", "connections")  # a path's reachable set: only with verbose


def validation_dict(path: str, report: Report, verbose: bool = True, at_load: AtLoad | None = None
                    ) -> dict[str, Any]:
    """One design's findings, counts, score and numbers as JSON-ready data (without ``verbose``, each path is
    named by its entry and critical chain, not by every block it can reach, and the per-block cost lines are
    left out: ``cost_per_month`` is their total)."""
    from mlsd.analysis import analysis_to_dict

    analysis = analysis_to_dict(report.context.analysis)
    if not verbose:
        analysis["paths"] = [{k: v for k, v in p.items() if k not in _REACHABLE} for p in analysis["paths"]]
    summary = report.summary()
    data = {
        "design": report.design.name,
        "file": path,
        "findings": [f.to_dict() for f in report.findings],
        "summary": {key: summary[key] for key in (*SEVERITIES, "waived")},
        "rules": {key[len("rules_"):]: value for key, value in summary.items() if key.startswith("rules_")},
        "score": report.score(),
        "paths": analysis["paths"],
        "capacity": analysis["capacity"],
        "cost_per_month": analysis["cost_per_month"],
        "cycles": analysis["cycles"],
    }
    if verbose:
        data["cost"] = analysis["cost"]  # every block's cost line: detail (the total is cost_per_month)
    baselined = sum(1 for f in report.findings if f.baselined)
    if baselined:
        data["summary"]["baselined"] = baselined
    if at_load is not None:
        data["at_load"] = {
            "load": at_load.load,
            "peak_qps": at_load.peak_qps,
            "findings": [f.to_dict() for f in at_load.new],
            "summary": {sev: sum(1 for f in at_load.report.active if f.severity == sev) for sev in SEVERITIES},
            "over_sla": [p.entry for p in at_load.report.context.analysis.paths if p.over_sla],
        }
    return data


# ---------------------------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------------------------


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_ANSI[style]}{text}{_ANSI['reset']}" if color else text


def _safe(text: str) -> str:
    """User text for a terminal: no control character (no ANSI escape) and no bidi override reaches it."""
    return display_text(text).replace("\n", " ")


_safe_repeated = lru_cache(maxsize=4096)(_safe)  # titles and fixes: a few texts, repeated over many findings


def _finding_lines(f: Finding, color: bool, indent: str) -> list[str]:
    sev = _paint(f"{f.severity:<7}", f.severity, color)
    lines = [f"{indent}{sev} {f.rule:<8} {_safe_repeated(f.title)}", f"{indent}        {_safe(f.message)}"]
    where = []
    if f.components:
        where.append("blocks: " + ", ".join(f.components))
    if f.connections:
        where.append("connections: " + ", ".join(f.connections))
    if where:
        lines.append(f"{indent}        " + _paint("; ".join(where), "dim", color))
    lines.append(f"{indent}        fix: {_safe_repeated(f.fix)}")
    if f.waived:
        lines.append(f"{indent}        waived: {_safe(f.waiver_reason or '')}")
    return lines


def _counts(summary: dict[str, int], color: bool) -> str:
    parts = []
    for sev, noun in (("error", "error"), ("warning", "warning"), ("info", "info")):
        n = summary[sev]
        text = f"{n} {noun}{'s' if n != 1 and noun != 'info' else ''}"
        parts.append(_paint(text, sev, color) if n else text)
    parts.append(f"{summary['waived']} waived")
    return ", ".join(parts)


def validation_text(path: str, report: Report, color: bool = False) -> str:
    """One design's review for a person: the numbers first (score, paths' p99 vs the SLA, tightest tiers, cost,
    top findings: ``mlsd.report_numbers``), then every finding by checklist category, waived ones apart, and
    a counts line."""
    from mlsd.report_numbers import numbers_summary  # the text path only: json and sarif never import it

    lines = [_paint(f"{_safe(path)}: {_safe(report.design.name)}", "heading", color)]
    lines += numbers_summary(report)
    by_category: dict[str, list[Finding]] = {}
    for f in report.active:
        if not f.baselined:
            by_category.setdefault(f.category, []).append(f)
    for cat, label in CATEGORIES.items():
        mine = sorted(by_category.get(cat, ()), key=lambda f: -_RANK[f.severity])
        if not mine:
            continue
        lines.append(f"  {label}")
        for f in mine:
            lines += _finding_lines(f, color, "    ")
    waived = [f for f in report.findings if f.waived]
    if waived:
        lines.append(f"  Waived ({len(waived)})")
        for f in waived:
            lines += _finding_lines(f, color, "    ")
    baselined = [f for f in report.findings if f.baselined]
    if baselined:
        ids = ", ".join(sorted({f.id for f in baselined}))
        lines.append(f"  In the baseline ({len(baselined)}, not failing): {ids}")
    if not report.findings:
        lines.append("  " + _paint("no findings", "ok", color))
    summary = report.summary()
    overall = report.score()["overall"]
    score = f"checks passed {overall}/100" if overall is not None else "checks passed n/a (no rule applies)"
    rules = (
        f"{summary['rules_passed']} rules passed, {summary['rules_failed']} failed, "
        f"{summary['rules_not_applicable']} not applicable"
        + (f", {summary['rules_error']} could not run" if summary["rules_error"] else "")
    )
    lines.append(f"  {_counts(summary, color)}; {score} ({rules})")
    return "\n".join(lines) + "\n"


def load_text(at: AtLoad, color: bool = False) -> str:
    """The findings a design has at ``at.load`` × its peak and not at its peak."""
    peak = f" ({at.peak_qps:,.0f} qps)" if at.peak_qps is not None else " (no peak_qps declared: nothing to scale)"
    head = f"  At {at.load:g}× peak{peak}: "
    if not at.new:
        return head + _paint("no finding beyond the peak's", "ok", color) + "\n"
    lines = [head + f"{len(at.new)} finding{'s' if len(at.new) != 1 else ''} beyond the peak's"]
    for f in at.new:
        lines += _finding_lines(f, color, "    ")
    return "\n".join(lines) + "\n"


def _totals(reports: Sequence[tuple[str, Report]], color: bool) -> str:
    total = {key: 0 for key in (*SEVERITIES, "waived")}
    for _, report in reports:
        summary = report.summary()
        for key in total:
            total[key] += summary[key]
    return f"{len(reports)} designs: {_counts(total, color)}\n"


# ---------------------------------------------------------------------------------------------------------------
# SARIF 2.1.0
# ---------------------------------------------------------------------------------------------------------------


def artifact_uri(path: str) -> tuple[str, bool]:
    """(URI reference of ``path``, whether it is relative to the working directory).

    A path inside the working directory becomes a relative, percent-encoded URI with forward slashes; any
    other path becomes an absolute ``file://`` URI.
    """
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return p.resolve().as_uri(), False
    elif ".." in p.parts:
        resolved = (Path.cwd() / p).resolve()
        try:
            p = resolved.relative_to(Path.cwd().resolve())
        except ValueError:
            return resolved.as_uri(), False
    return quote(p.as_posix(), safe="/"), True


def _rule_name(title: str) -> str:
    """A SARIF rule name: the title in PascalCase (letters and digits only)."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def sarif_rule(r: Rule) -> dict[str, Any]:
    """A SARIF ``reportingDescriptor`` for one rule."""
    return {
        "id": r.id,
        "name": _rule_name(r.title),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.doc or r.title},
        "help": {"text": f"Fix: {r.fix}" + (f"\nSource: {r.source}" if r.source else "")},
        "defaultConfiguration": {"level": SARIF_LEVELS[r.severity]},
        "properties": {"category": r.category, "tags": [r.category]},
    }


_ID_LINE = re.compile(r"""(?:^|[\s{,])["']?id["']?\s*:\s*["']?([A-Za-z0-9_][A-Za-z0-9_.\-]*)""")


def _id_lines(path: str) -> dict[str, int]:
    """Line (1-based) of the first ``"id": ...`` of each block or connection id in the file; {} if unreadable.

    Locations are a convenience for code-scanning viewers: a file that was read a moment ago and cannot be read
    now only loses its line numbers, the result stays (its location is then the whole file).
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ID_LINE.search(line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = number
    return lines


def _sarif_result(f: Finding, uri: str, relative: bool, rule_index: dict[str, int], id_lines: dict[str, int]
                  ) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if relative:
        physical["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
    line = next((id_lines[i] for i in (*f.components, *f.connections) if i in id_lines), None)
    physical["region"] = {"startLine": line or 1}
    logical = [
        {"name": block, "fullyQualifiedName": f"components/{block}", "kind": "object"} for block in f.components
    ] + [{"name": conn, "fullyQualifiedName": f"connections/{conn}", "kind": "object"} for conn in f.connections]
    location: dict[str, Any] = {"physicalLocation": physical}
    if logical:
        location["logicalLocations"] = logical
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": SARIF_LEVELS[f.severity],
        "message": {"text": display_text(f"{f.message} Fix: {f.fix}")},  # labels quoted in it made printable
        "locations": [location],
    }  # the rule's title and category are its descriptor's (ruleIndex), the design's name its artifact's
    if f.rule in rule_index:
        result["ruleIndex"] = rule_index[f.rule]
    if f.waived:
        result["suppressions"] = [{"kind": "inSource", "justification": display_text(f.waiver_reason or "")}]
    elif f.baselined:
        result["suppressions"] = [{"kind": "external", "justification": "in the baseline"}]
    result["partialFingerprints"] = {"mlsdFindingId/v1": f.id}
    return result


def sarif_log(reports: Sequence[tuple[str, Report]], at_load: Sequence[AtLoad | None] | None = None
              ) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: every rule as a descriptor, every finding as a result (waived findings
    carry a suppression whose justification is the waiver's reason)."""
    rules = all_rules()
    rule_index = {r.id: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    for path, report in reports:
        uri, relative = artifact_uri(path)
        artifact: dict[str, Any] = {"location": {"uri": uri},
                                    "properties": {"design": display_text(report.design.name)}}
        if relative:
            artifact["location"]["uriBaseId"] = "%SRCROOT%"
        artifacts.append(artifact)
        id_lines = _id_lines(path) if report.findings else {}
        results += [_sarif_result(f, uri, relative, rule_index, id_lines) for f in report.findings]
        load = at_load[len(artifacts) - 1] if at_load is not None else None
        if load is None:
            continue
        for f in load.new:
            result = _sarif_result(f, uri, relative, rule_index, id_lines)
            result["message"]["text"] = f"At {load.load:g}× peak: " + result["message"]["text"]
            result["properties"] = {"load": load.load}
            result["partialFingerprints"]["mlsdFindingId/v1"] += f"@{load.load:g}x"
            results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": TOOL_VERSION,
                "informationUri": INFORMATION_URI,
                "rules": [sarif_rule(r) for r in rules],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "artifacts": artifacts,
        "results": results,
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


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


# ---------------------------------------------------------------------------------------------------------------
# The rule catalog
# ---------------------------------------------------------------------------------------------------------------


def rules_json() -> list[dict[str, str]]:
    """Every rule: id, category, severity, title, fix, doc and source."""
    return [
        {
            "id": r.id,
            "category": r.category,
            "severity": r.severity,
            "title": r.title,
            "fix": r.fix,
            "doc": r.doc,
            "source": r.source,
        }
        for r in all_rules()
    ]


def rules_text() -> str:
    """Every rule, one line each, by checklist category."""
    rules = all_rules()
    lines: list[str] = []
    for cat, label in CATEGORIES.items():
        mine = [r for r in rules if r.category == cat]
        if not mine:
            continue
        lines.append(f"{label} ({len(mine)})")
        lines += [f"  {r.id:<8} {r.severity:<7} {r.title}" for r in mine]
    lines.append(f"{len(rules)} rules in {len({r.category for r in rules})} checklist categories")
    return "\n".join(lines) + "\n"


def _anchor(rule_id: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", rule_id.lower())


def rules_markdown() -> str:
    """The rule catalog as Markdown: the content of ``docs/rules.md``."""
    rules = all_rules()
    out = [
        "# Checklist rules",
        "",
        "<!-- Generated by `python -m mlsd rules --format markdown > docs/rules.md`; do not edit by hand. -->",
        "",
        f"{len(rules)} rules check a design against engineering checklists. Each has a stable id, a checklist "
        "category and a severity (error, warning or info). A finding can be accepted with a waiver in the "
        "design (`waivers`: rule, blocks, reason); waived findings are shown and counted apart.",
        "",
        "## Contents",
        "",
    ]
    used = [(cat, label) for cat, label in CATEGORIES.items() if any(r.category == cat for r in rules)]
    for cat, label in used:
        mine = [r for r in rules if r.category == cat]
        out.append(f"- [{label}](#{cat}) ({len(mine)})")
        out += [f"  - [{r.id}](#{_anchor(r.id)}): {r.title}" for r in mine]
    from mlsd.analysis import model_docs

    models = model_docs()
    out.append("- [How the numbers are computed](#models)")
    out += [f"  - [{title}](#model-{name})" for name, title, _ in models]
    out.append("")
    for cat, label in used:
        out += [f'<a id="{cat}"></a>', "", f"## {label}", ""]
        for r in (r for r in rules if r.category == cat):
            out += [
                f'<a id="{_anchor(r.id)}"></a>',
                "",
                f"### {r.id}: {r.title}",
                "",
                f"Severity: **{r.severity}**. Fix: {r.fix}",
                "",
                r.doc.strip() or "(no documentation)",
                "",
            ]
    out += ['<a id="models"></a>', "", "## How the numbers are computed", "",
            "The rules above read these models (`mlsd.analysis`); `python -m mlsd analyze FILE` shows their figures "
            "for a design. What a design declares stays its word; what is computed from it is named with its model.",
            ""]
    for name, title, doc in models:
        out += [f'<a id="model-{name}"></a>', "", f"### {title} (`mlsd.analysis.{name}`)", "", doc, ""]
    return "\n".join(out).rstrip("\n") + "\n"


__all__ = [
    "FORMATS",
    "AtLoad",
    "artifact_uri",
    "exceeds",
    "gates",
    "junit_xml",
    "new_at_load",
    "render_validation",
    "rules_json",
    "rules_markdown",
    "rules_text",
    "sarif_log",
    "sarif_rule",
    "validation_dict",
    "validation_text",
    "write_validation",
]
