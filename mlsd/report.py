"""What ``python -m mlsd validate`` and ``python -m mlsd rules`` print: findings as text, JSON or SARIF 2.1.0,
and the rule catalog as text, JSON or Markdown (the Markdown is ``docs/rules.md``).

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import quote

from mlsd.analysis import analysis_to_dict, model_docs
from mlsd.model import Design
from mlsd.render import display_text
from mlsd.rules import Finding, Report, Rule, all_rules, check
from mlsd.rules.engine import CATEGORIES, SEVERITIES

OutputFormat = Literal["text", "json", "sarif"]
FailOn = Literal["error", "warning", "info", "never"]

TOOL_NAME = "mlsd"
TOOL_VERSION = "0.1.0"
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
    return any(not f.waived and _RANK[f.severity] >= threshold for f in findings)


def render_validation(designs: Sequence[tuple[str, Design]], fmt: str, fail_on: str, out: TextIO) -> int:
    """Check each (file, design), write the findings to ``out`` in ``fmt``; return the exit code.

    0 when no unwaived finding at or above ``fail_on`` exists in any design (always with ``never``), else 1.
    """
    if fmt not in ("text", "json", "sarif"):
        raise ValueError(f"unknown format {fmt!r}; choose text, json or sarif")
    if fail_on != "never" and fail_on not in _RANK:
        raise ValueError(f"fail_on must be one of error, warning, info, never; got {fail_on!r}")
    reports = [(path, check(design)) for path, design in designs]
    if fmt == "json":
        data = [validation_dict(path, report) for path, report in reports]
        json.dump(data[0] if len(data) == 1 else data, out, indent=2, ensure_ascii=False, allow_nan=False)
        out.write("\n")
    elif fmt == "sarif":
        json.dump(sarif_log(reports), out, indent=2, ensure_ascii=False, allow_nan=False)
        out.write("\n")
    else:
        color = _isatty(out)
        for k, (path, report) in enumerate(reports):
            if k:
                out.write("\n")
            out.write(validation_text(path, report, color))
        if len(reports) > 1:
            out.write("\n" + _totals(reports, color))
    failed = any(exceeds(report.findings, fail_on) for _, report in reports)
    return 1 if failed else 0


def _isatty(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


# ---------------------------------------------------------------------------------------------------------------
# JSON
# ---------------------------------------------------------------------------------------------------------------


def validation_dict(path: str, report: Report) -> dict[str, Any]:
    """One design's findings, counts, score and numbers as JSON-ready data."""
    analysis = analysis_to_dict(report.context.analysis)
    summary = report.summary()
    return {
        "design": report.design.name,
        "file": path,
        "findings": [f.to_dict() for f in report.findings],
        "summary": {key: summary[key] for key in (*SEVERITIES, "waived")},
        "rules": {key[len("rules_"):]: value for key, value in summary.items() if key.startswith("rules_")},
        "score": report.score(),
        "paths": analysis["paths"],
        "capacity": analysis["capacity"],
        "cost_per_month": analysis["cost_per_month"],
        "cost": analysis["cost"],
        "cycles": analysis["cycles"],
    }


# ---------------------------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------------------------


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_ANSI[style]}{text}{_ANSI['reset']}" if color else text


def _safe(text: str) -> str:
    """User text for a terminal: no control character (no ANSI escape) and no bidi override reaches it."""
    return display_text(text).replace("\n", " ")


def _finding_lines(f: Finding, color: bool, indent: str) -> list[str]:
    sev = _paint(f"{f.severity:<7}", f.severity, color)
    lines = [f"{indent}{sev} {f.rule:<8} {_safe(f.title)}", f"{indent}        {_safe(f.message)}"]
    where = []
    if f.components:
        where.append("blocks: " + ", ".join(f.components))
    if f.connections:
        where.append("connections: " + ", ".join(f.connections))
    if where:
        lines.append(f"{indent}        " + _paint("; ".join(where), "dim", color))
    lines.append(f"{indent}        fix: {_safe(f.fix)}")
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
    active = report.active
    for cat, label in CATEGORIES.items():
        mine = sorted((f for f in active if f.category == cat), key=lambda f: -_RANK[f.severity])
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


def _sarif_result(f: Finding, uri: str, relative: bool, rule_index: dict[str, int], id_lines: dict[str, int],
                  design: Design) -> dict[str, Any]:
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
        "properties": {"category": f.category, "design": display_text(design.name), "title": f.title},
    }
    if f.rule in rule_index:
        result["ruleIndex"] = rule_index[f.rule]
    if f.waived:
        result["suppressions"] = [{"kind": "inSource", "justification": display_text(f.waiver_reason or "")}]
    return result


def sarif_log(reports: Sequence[tuple[str, Report]]) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: every rule as a descriptor, every finding as a result (waived findings
    carry a suppression whose justification is the waiver's reason)."""
    rules = all_rules()
    rule_index = {r.id: i for i, r in enumerate(rules)}
    results: list[dict[str, Any]] = []
    artifacts: list[dict[str, Any]] = []
    for path, report in reports:
        uri, relative = artifact_uri(path)
        artifact: dict[str, Any] = {"location": {"uri": uri}}
        if relative:
            artifact["location"]["uriBaseId"] = "%SRCROOT%"
        artifacts.append(artifact)
        id_lines = _id_lines(path) if report.findings else {}
        results += [_sarif_result(f, uri, relative, rule_index, id_lines, report.design) for f in report.findings]
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
    "artifact_uri",
    "exceeds",
    "render_validation",
    "rules_json",
    "rules_markdown",
    "rules_text",
    "sarif_log",
    "sarif_rule",
    "validation_dict",
    "validation_text",
]
