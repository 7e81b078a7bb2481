"""What ``python -m mlsd validate`` prints: findings as text and JSON here, SARIF 2.1.0 in ``sarif``, JUnit XML
in ``junit``; the numbers that open the text report in ``numbers``; the rule catalog (``python -m mlsd rules``,
``docs/rules.md``) in ``catalog``.

JSON and SARIF are written compact (no indentation; pipe through ``python -m json.tool`` to read them) and name
each request path by its entry, critical chain and numbers: the blocks and connections a path can reach (its
reachable set, the bulk of a large design's report) and the JSON's per-block cost lines only with ``verbose``.
The JSON writes what a rule's findings share once, in ``rule_info`` (``finding_json`` says what a finding keeps).

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring as _string  # the C string encoder of the JSON (no ASCII escapes)
from typing import Any, Literal, TextIO

from mlsd.model import Design
from mlsd.rules import Finding, Report, check
from mlsd.rules.engine import CATEGORIES, SEVERITIES
from mlsd.text import display_text

OutputFormat = Literal["text", "json", "sarif", "junit"]
FORMATS: tuple[str, ...] = ("text", "json", "sarif", "junit")
FailOn = Literal["error", "warning", "info", "never"]

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
        data = [_validation_data(path, report, verbose, load, _finding_text) for (path, report), load in pairs]
        _dump(data[0], out, 2) if len(data) == 1 else _dump(data, out, 3)  # down to each finding, tier, path
    elif fmt == "sarif":
        from mlsd.report.sarif import write_sarif

        write_sarif(reports, loads, out)  # a result at a time
    elif fmt == "junit":
        from mlsd.report.junit import junit_xml

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


def encode_json(value: Any) -> str:
    """``value`` as the reports' compact JSON (no indentation, no ASCII escapes, no NaN or infinity)."""
    return _ENCODE(value)


def _dump(data: Any, out: TextIO, depth: int) -> None:
    """Compact JSON, streamed: the outer objects and lists piece by piece, each leaf (a finding, a tier, a path)
    by the C encoder in one call (``JSONEncoder.iterencode`` would stream too, but in pure Python, 4x slower).
    ``depth``: how many levels of objects and lists are written piece by piece."""
    _write(data, out, depth)
    out.write("\n")


class _Encoded(str):
    """JSON text already encoded (a finding: ``_finding_text``), which ``_write`` writes as it is."""


def _write(value: Any, out: TextIO, depth: int) -> None:
    if type(value) is _Encoded:
        out.write(value)
    elif depth and isinstance(value, dict):
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


_PER_RULE = ("title", "category", "fix")  # in ``rule_info`` once; on a finding only when it differs (see below)


def rule_info(reports: Sequence[Report]) -> dict[str, dict[str, str]]:
    """What every finding of a rule shares, once per rule that has a finding in ``reports``: category, severity,
    title and the generic fix (``python -m mlsd rules`` and docs/rules.md document each rule in full)."""
    info: dict[str, dict[str, str]] = {}
    for report in reports:
        for res in report.results:
            if res.findings and res.rule.id not in info:
                r = res.rule
                info[r.id] = {"category": r.category, "severity": r.severity, "title": r.title, "fix": r.fix}
    return info


def finding_json(f: Finding, info: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A finding in the JSON report: rule, severity, message, components, connections and waived always;
    ``waiver_reason`` when waived, ``baselined`` when in the baseline; ``title``, ``category`` and ``fix`` only
    when they are not its rule's in ``rule_info`` (a fix written for this finding, a rule that crashed)."""
    out: dict[str, Any] = {"rule": f.rule, "severity": f.severity, "message": f.message,
                           "components": list(f.components), "connections": list(f.connections),
                           "waived": f.waived}
    if f.waived:
        out["waiver_reason"] = f.waiver_reason
    if f.baselined:
        out["baselined"] = True
    shared = info.get(f.rule, {})
    for key in _PER_RULE:
        value = getattr(f, key)
        if shared.get(key) != value:
            out[key] = value
    return out


_BOOL = {False: "false", True: "true"}


def _finding_text(f: Finding, info: dict[str, dict[str, str]]) -> _Encoded:
    """``encode_json(finding_json(f, info))``, put together from its parts: 3x faster than building the dict
    the encoder then walks, on the 22,000 findings of a 10,000-block design (a finding whose title, category
    or fix differs from its rule's takes the dict's way)."""
    shared = info.get(f.rule)
    if shared is None or f.title != shared["title"] or f.category != shared["category"] or f.fix != shared["fix"]:
        return _Encoded(_ENCODE(finding_json(f, info)))
    parts = ['{"rule":', _string(f.rule), ',"severity":', _string(f.severity), ',"message":', _string(f.message),
             ',"components":[', ",".join(map(_string, f.components)), '],"connections":[',
             ",".join(map(_string, f.connections)), '],"waived":', _BOOL[f.waived]]
    if f.waived:
        parts += (',"waiver_reason":', _ENCODE(f.waiver_reason))
    if f.baselined:
        parts.append(',"baselined":true')
    parts.append("}")
    return _Encoded("".join(parts))


def validation_dict(path: str, report: Report, verbose: bool = True, at_load: AtLoad | None = None
                    ) -> dict[str, Any]:
    """One design's findings, counts, score and numbers as JSON-ready data (without ``verbose``, each path is
    named by its entry and critical chain, not by every block it can reach, and the per-block cost lines are
    left out: ``cost_per_month`` is their total). What a rule's findings share (category, severity, title,
    generic fix) is in ``rule_info``, once per rule, and each finding names its rule (``finding_json``)."""
    return _validation_data(path, report, verbose, at_load, finding_json)


def _validation_data(path: str, report: Report, verbose: bool, at_load: AtLoad | None,
                     finding: Callable[[Finding, dict[str, dict[str, str]]], Any]) -> dict[str, Any]:
    """``validation_dict`` with each finding (those under load excepted) as ``finding`` gives it
    (``finding_json``, or ``_finding_text`` for the writer)."""
    from mlsd.analysis import analysis_to_dict

    analysis = analysis_to_dict(report.context.analysis, detail=verbose)
    summary = report.summary()
    info = rule_info([report] if at_load is None else [report, at_load.report])
    data = {
        "design": report.design.name,
        "file": path,
        "rule_info": info,
        "findings": [finding(f, info) for f in report.findings],
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
            "findings": [finding_json(f, info) for f in at_load.new],  # a few, below the level _write streams
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
    pad = indent + "        "
    sev = _paint(f"{f.severity:<7}", f.severity, color) if color else f"{f.severity:<7}"
    lines = [f"{indent}{sev} {f.rule:<8} {_safe_repeated(f.title)}", pad + _safe(f.message)]
    if f.components or f.connections:
        where = (("blocks: " + ", ".join(f.components)) if f.components else "") + (
            ("; " if f.components else "") + "connections: " + ", ".join(f.connections) if f.connections else "")
        lines.append(pad + _paint(where, "dim", color) if color else pad + where)
    lines.append(f"{pad}fix: {_safe_repeated(f.fix)}")
    if f.waived:
        lines.append(f"{pad}waived: {_safe(f.waiver_reason or '')}")
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
    top findings: ``mlsd.report.numbers``), then every finding by checklist category, waived ones apart, and
    a counts line."""
    from mlsd.report.numbers import numbers_summary  # the text path only: json and sarif never import it

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


__all__ = [
    "FORMATS",
    "AtLoad",
    "encode_json",
    "exceeds",
    "finding_json",
    "gates",
    "new_at_load",
    "render_validation",
    "rule_info",
    "validation_dict",
    "validation_text",
    "write_validation",
]
