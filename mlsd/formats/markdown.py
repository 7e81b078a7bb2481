"""A Markdown review report of a design: requirements, diagram, blocks, findings, waivers, numbers and notes.

User text is escaped for Markdown (``md_inline``, ``md_cell``); the author's notes stay Markdown with raw HTML
and entities disabled (``md_notes``). The diagram inside is ``mlsd.formats.mermaid.to_mermaid``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import cast

from mlsd.analysis import Analysis, TierCapacity
from mlsd.catalog import CATEGORIES, KINDS
from mlsd.formats.mermaid import to_mermaid
from mlsd.formats.style import _ENTITY, _category, kind_label
from mlsd.model import Design, Requirements
from mlsd.rules import Report
from mlsd.rules.engine import CATEGORIES as CHECKLISTS
from mlsd.text import display_text, one_line

_MD_ESCAPES: dict[str, str] = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "~": "\\~",
    "#": "\\#",
    "$": "\\$",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
}
_MD_SPECIAL = re.compile("[" + re.escape("".join(_MD_ESCAPES)) + "]")
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


def md_inline(text: str) -> str:
    """User text as one line of literal Markdown: no emphasis, link, code, HTML or table cell can open."""
    escaped = _MD_SPECIAL.sub(lambda m: _MD_ESCAPES[m.group()], one_line(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped, count=1)


def md_cell(text: str) -> str:
    """User text for a Markdown table cell: literal, ``|`` escaped, line breaks as ``<br>``."""
    lines = display_text(text).split("\n")
    return "<br>".join(_MD_SPECIAL.sub(lambda m: _MD_ESCAPES[m.group()], line) for line in lines)


def md_notes(text: str) -> str:
    """The author's Markdown notes, kept as Markdown but with raw HTML and entities disabled (``<`` becomes
    ``&lt;``, the ``&`` of ``&#x202E;`` becomes ``&amp;``)."""
    return _ENTITY.sub("&amp;", display_text(text)).replace("<", "&lt;")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    out = ["| " + " | ".join(header) + " |"]
    out.append("|" + "|".join(("---:" if a == "r" else "---") for a in align.ljust(len(header), "l")) + "|")
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


def _num(x: float | None, unit: str = "", digits: int = 1) -> str:
    if x is None:
        return "—"
    if not math.isfinite(x):
        return "∞"
    text = f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 1000 else f"{x:,.{digits}f}"
    return f"{text} {unit}".rstrip()


def _money(x: float) -> str:
    return f"${x:,.0f}" if math.isfinite(x) else "∞"


def _requirement_value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(md_cell(str(v)) for v in value)
    if isinstance(value, float):
        return _num(value, digits=3)
    return md_cell(str(value))


def _prop_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _num(value, digits=3)
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)  # ids match [A-Za-z0-9_.-]: safe in a code span


def _md_findings(report: Report) -> list[str]:
    summary = report.summary()
    score = report.score()
    overall = score["overall"]
    out = [
        "## Findings",
        "",
        f"**{summary['error']}** errors, **{summary['warning']}** warnings, **{summary['info']}** info, "
        f"**{summary['waived']}** waived; checks passed **{overall if overall is not None else 'n/a'}**/100 "
        f"({summary['rules_passed']} rules passed, {summary['rules_failed']} failed, "
        f"{summary['rules_not_applicable']} not applicable, {summary['rules_error']} could not run).",
        "",
    ]
    active = report.active
    if not active:
        out += ["No open findings.", ""]
    order = {"error": 0, "warning": 1, "info": 2}
    for cat, label in CHECKLISTS.items():
        mine = sorted((f for f in active if f.category == cat), key=lambda f: order[f.severity])
        if not mine:
            continue
        out += [f"### {label}", ""]
        for f in mine:
            where = []
            if f.components:
                where.append(f"blocks: {_ids(f.components)}")
            if f.connections:
                where.append(f"connections: {_ids(f.connections)}")
            out.append(
                f"- **{f.severity.upper()}** `{f.rule}` {md_inline(f.title)}: {md_inline(f.message)}"
                + (f" ({'; '.join(where)})" if where else "")
            )
            out.append(f"  - Fix: {md_inline(f.fix)}")
        out.append("")
    waived = [f for f in report.findings if f.waived]
    out += ["## Waivers", ""]
    if not waived and not report.design.waivers:
        out += ["No waivers.", ""]
    if waived:
        out += _table(
            ("Rule", "Severity", "Finding", "Blocks", "Reason"),
            (
                (f"`{f.rule}`", f.severity, md_cell(f.message), _ids(f.components), md_cell(f.waiver_reason or ""))
                for f in waived
            ),
        )
        out.append("")
    used = {(f.rule, f.waiver_reason) for f in waived}
    unused = [w for w in report.design.waivers if (w.rule, w.reason) not in used]
    if unused:
        out += ["Waivers that accept no current finding:", ""]
        out += [f"- {md_inline(w.rule)} ({_ids(w.components) or 'all blocks'}): {md_inline(w.reason)}"
                for w in unused]
        out.append("")
    out += ["## Checks passed", "",
            "Severity-weighted share of the applicable checks that pass (error 3, warning 2, info 1; waived "
            "findings pass), rounded down: any open finding keeps a score below 100.", ""]
    categories = cast(dict[str, int | None], score["categories"])
    out += _table(
        ("Checklist", "Score"),
        ((label, "n/a" if categories.get(cat) is None else f"{categories[cat]}/100") for cat, label in
         CHECKLISTS.items()),
        "lr",
    )
    out.append(f"| **Overall** | **{overall if overall is not None else 'n/a'}** |")
    out.append("")
    return out


def _md_numbers(design: Design, analysis: Analysis) -> list[str]:
    blocks = design.by_id()

    def name(block_id: str) -> str:
        c = blocks.get(block_id)
        return f"{md_cell(c.title)} (`{block_id}`)" if c else f"`{block_id}`"

    out = ["## Numbers", "", "### Request paths", "",
           "p99 at peak: the queueing model (lognormal service per block, M/G/c queue per tier with Erlang C and "
           "Allen–Cunneen, combined along the calls); at light load: the same without queueing; declared sum: the "
           "declared p99s added up.", ""]
    if analysis.paths:
        out += _table(
            ("Entry", "Blocks", "Peak load", "Declared p99 sum", "p99 at light load", "p99 at peak", "SLA",
             "Verdict"),
            (
                (
                    name(p.entry),
                    str(len(p.blocks)),
                    _num(p.peak_qps, "req/s"),
                    _num(p.p99_sum_ms, "ms"),
                    _num(p.light_p99_ms, "ms"),
                    "saturated" if p.saturated else _num(p.p99_ms, "ms"),
                    _num(p.sla_ms, "ms"),
                    "asynchronous: judged on its lag (LAT-6)" if p.asynchronous else "**over SLA**" if p.over_sla
                    else ("within SLA" if p.sla_ms is not None else "no SLA"),
                )
                for p in analysis.paths
            ),
            "lrrrrrrl",
        )
    else:
        out.append("No request path (no block makes a `request` connection).")
    if analysis.cycles:
        out += ["", "Request cycles (broken for the numbers): "
                + "; ".join(" → ".join(f"`{b}`" for b in cyc) for cyc in analysis.cycles)]
    out += ["", "### Capacity at peak", ""]
    if analysis.capacity:
        out += _table(
            ("Block", "Peak QPS", "Replicas", "QPS per replica", "Utilisation", "P(wait)", "p99 at peak",
             "Replicas needed", "Headroom"),
            (
                (
                    name(t.block),
                    _num(t.peak_qps),
                    _replicas_cell(t),
                    _num(t.qps_per_replica),
                    "—" if t.utilisation is None else "saturated" if t.saturated else f"{t.utilisation:.0%}",
                    "—" if t.p_wait is None or t.saturated else f"{t.p_wait:.2f}",
                    "—" if t.saturated else _num(t.p99_ms, "ms"),
                    "—" if t.needed_replicas is None else str(t.needed_replicas),
                    _headroom_cell(t),
                )
                for t in analysis.capacity.values()
            ),
            "lrrrrrrrr",
        )
    else:
        out.append("No block on a request path.")
    out += ["", "### Monthly cost", "", f"Total: **{_money(analysis.cost_per_month)}** per month"]
    if analysis.budget_per_month is not None:
        verdict = "**over budget**" if analysis.over_budget else "within budget"
        out[-1] += f" against a budget of {_money(analysis.budget_per_month)} ({verdict})"
    out[-1] += "."
    if analysis.cost_per_thousand is not None:
        out += ["", f"Cost per 1,000 predictions: ${analysis.cost_per_thousand:,.4f} (peak over a peak-to-average "
                "ratio of 2)."]
    out.append("")
    if analysis.cost:
        lines = sorted(analysis.cost, key=lambda line: -line.total)
        out += _table(
            ("Block", "Compute", "Storage", "Total"),
            ((name(c.block), _money(c.compute_per_month), _money(c.storage_per_month), _money(c.total))
             for c in lines),
            "lrrr",
        )
    out.append("")
    return out


def to_markdown(design: Design, report: Report | None = None, analysis: Analysis | None = None) -> str:
    """A review report: requirements, diagram, blocks, findings, waivers, numbers, checks passed and notes.

    Without ``report`` the findings, waivers and checks-passed sections are left out; without ``analysis`` the
    numbers are taken from the report's context when there is a report, else left out. User text is escaped
    (tables, HTML); the notes stay Markdown with raw HTML disabled.
    """
    if analysis is None and report is not None:
        analysis = report.context.analysis
    out = [f"# {md_inline(design.name)}", ""]
    if design.description.strip():
        out += [md_inline(design.description), ""]
    if design.tags:
        out += ["Tags: " + ", ".join(md_inline(t) for t in design.tags), ""]
    out += ["## Requirements", ""]
    req = design.requirements.model_dump()
    rows = [
        (md_cell(Requirements.model_fields[k].description or k), _requirement_value(v))
        for k, v in req.items()
        if v is not None and v != []
    ]
    out += _table(("Requirement", "Value"), rows) if rows else ["No requirements set."]
    out += ["", "## Diagram", "", "```mermaid", to_mermaid(design).rstrip("\n"), "```", ""]
    out += ["## Blocks", ""]
    if design.components:
        out += _table(
            ("Block", "Id", "Kind", "Category", "Tier", "Props set"),
            (
                (
                    md_cell(c.title),
                    f"`{c.id}`",
                    md_cell(kind_label(c)),
                    md_cell(CATEGORIES[_category(c)].label) if _category(c) in CATEGORIES else "",
                    KINDS[c.kind].tier if c.kind in KINDS else "",
                    md_cell(", ".join(f"{k}={_prop_value(v)}" for k, v in c.props.items())),
                )
                for c in design.components
            ),
        )
    else:
        out.append("No blocks yet.")
    out.append("")
    if design.connections:
        titles = {c.id: c.title for c in design.components}
        out += ["### Connections", ""]
        out += _table(
            ("From", "To", "Flow", "Label"),
            (
                (md_cell(titles[e.source]), md_cell(titles[e.target]), e.flow, md_cell(e.label or ""))
                for e in design.connections
            ),
        )
        out.append("")
    if report is not None:
        out += _md_findings(report)
    if analysis is not None:
        out += _md_numbers(design, analysis)
    if design.notes.strip():
        out += ["## Notes", "", md_notes(design.notes).rstrip("\n"), ""]
    return "\n".join(out).rstrip("\n") + "\n"



def _replicas_cell(t: TierCapacity) -> str:
    """Replicas running at peak, and those an autoscaling tier can reach (counted only with a stated scale-up)."""
    if t.max_replicas is None or t.max_replicas <= t.replicas:
        return str(t.replicas)
    if t.reach_replicas == t.max_replicas:
        return f"{t.replicas} (up to {t.max_replicas} in {t.scale_up_minutes:g} min)"
    return f"{t.replicas} (max {t.max_replicas}, scale-up not counted)"


def _headroom_cell(t: TierCapacity) -> str:
    """Headroom at peak; a managed tier without a declared limit scales with its load."""
    if t.scales_with_load:
        return "scales (managed)"
    if t.headroom is None:
        return "—"
    return f"{t.headroom:+.0%}" if math.isfinite(t.headroom) else "∞"


def dump(design: Design) -> str:
    """The review report with the checklists' findings and the numbers."""
    from mlsd.rules import check

    report = check(design)
    return to_markdown(design, report, report.context.analysis)
