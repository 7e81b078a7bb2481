"""One design shown read-only: its name, figures, requirements, picture, blocks and notes.

The picture is the Board's own whiteboard canvas (``components.whiteboard``) in its read-only mode, so a shared
link, a revision in the history and an example on Home show the blocks where their author put them, with the
same shapes, flows and findings badges as on the Board; it can be panned and zoomed, not edited. A design saved
without positions (a hand-written file) is laid out by ``mlsd.formats.layout.auto_layout`` first, as the Board does.

User text (name, description, labels, notes) is never passed with ``unsafe_allow_html``: names go through
``markup.plain``; notes are the author's Markdown and are rendered as Markdown, in which Streamlit shows raw
HTML as text; labels reach the page only inside tables, the canvas and the Graphviz diagram, which draw them
as text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.common.markup import demote_headings, plain, plural
from components.whiteboard import draw
from mlsd.catalog import KINDS
from mlsd.edit import has_layout, move_blocks
from mlsd.formats.layout import auto_layout
from mlsd.io import DesignError
from mlsd.model import Design, Requirements
from mlsd.rules import Finding, check

# How each requirement is named and measured on the page; a field missing here is shown by its name.
REQUIREMENT_LABELS: dict[str, tuple[str, str]] = {
    "sla_p99_ms": ("p99 latency SLA", "ms"),
    "peak_qps": ("Peak load", "requests/s"),
    "data_volume_gb": ("Data volume", "GB"),
    "daily_active_users": ("Daily active users", ""),
    "corpus_size": ("Corpus size", "items"),
    "regions": ("Regions", ""),
    "freshness_minutes": ("Freshness", "min"),
    "positive_rate": ("Positive-class rate", ""),
    "headroom": ("Capacity headroom above peak", ""),
    "budget_per_month": ("Budget", "USD/month"),
}


@dataclass(frozen=True)
class Figures:
    """What the checklists and the analysis say about a design, in the few numbers the page shows."""

    findings: tuple[Finding, ...]
    counts: dict[str, int]  # unwaived findings by severity, plus "waived" and rule outcomes
    checks_passed: int | None  # 0-100, Report.score()["overall"]; None when no rule applies
    worst_p99_ms: float | None  # the slowest request path's p99 at peak (queueing model); None: no path
    sla_ms: float | None
    cost_per_month: float
    tiers_short: int  # blocks on request paths without the required capacity headroom
    saturated: bool = False  # a request path is saturated at peak (a tier at 100% or more)


def figures_of(design: Design) -> Figures:
    """Run the checklists and the analysis on ``design``."""
    report = check(design)
    analysis = report.context.analysis
    overall = report.score()["overall"]
    required = design.requirements.headroom
    short = sum(1 for t in analysis.capacity.values() if t.headroom is not None and t.headroom < required)
    return Figures(
        findings=tuple(report.findings),
        counts=report.summary(),
        checks_passed=overall if isinstance(overall, int) else None,
        worst_p99_ms=max((p.p99_ms for p in analysis.paths if p.p99_ms is not None), default=None),
        sla_ms=design.requirements.sla_p99_ms,
        cost_per_month=analysis.cost_per_month,
        tiers_short=short,
        saturated=any(p.saturated for p in analysis.paths),
    )


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.3g}"


def requirement_rows(req: Requirements) -> list[dict[str, str]]:
    """The requirements the design sets, as (requirement, value) rows with units."""
    rows = []
    for name, value in req.model_dump().items():
        if value is None or value == []:
            continue
        label, unit = REQUIREMENT_LABELS.get(name, (name, ""))
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        elif name in ("headroom", "positive_rate"):
            shown = f"{value:.0%}" if value >= 0.01 else f"{value:.2%}"
        else:
            shown = _number(value) + (f" {unit}" if unit else "")
        rows.append({"Requirement": label, "Value": shown})
    return rows


def block_rows(design: Design) -> list[dict[str, Any]]:
    """One row per block: id, label and kind (labels shown as table text, never as markup)."""
    return [{"Id": c.id, "Label": c.title, "Kind": KINDS[c.kind].label} for c in design.components]


def show_figures(design: Design, figures: Figures) -> None:
    """A row of headline numbers: size, latency against the SLA, cost, and the checklists' verdict."""
    cols = st.columns(5)
    cols[0].metric("Blocks", len(design.components), help=f"{len(design.connections)} connections")
    sla = f" (SLA {_number(figures.sla_ms)} ms)" if figures.sla_ms is not None else " (no SLA set)"
    model = ("At the design's peak load, queueing included (an M/G/c queue per tier, service times fitted to the "
             "declared p50/p99, combined along the calls)")
    if figures.saturated:
        cols[1].metric("Slowest request path p99", "saturated", delta="a tier is at 100% or more", delta_arrow="off",
                       delta_color="inverse", help=model + sla + ": a tier on a path cannot carry its peak load.")
    elif figures.worst_p99_ms is None:
        cols[1].metric("Slowest request path p99", "—", help="No request path: no block calls another.")
    else:
        over = figures.sla_ms is not None and figures.worst_p99_ms > figures.sla_ms
        cols[1].metric(
            "Slowest request path p99",
            f"{_number(figures.worst_p99_ms)} ms",
            delta=("over the SLA" if over else "within the SLA") if figures.sla_ms is not None else None,
            delta_color="inverse" if over else "normal",
            delta_arrow="off",
            help=model + sla + ".",
        )
    cols[2].metric("Monthly cost", f"${_number(figures.cost_per_month)}",
                   help="Replicas × price per replica-hour × 730 h, plus storage, for every block.")
    cols[3].metric("Tiers short of capacity", figures.tiers_short,
                   help="Blocks on request paths whose replicas do not carry the peak load with the headroom set.")
    counts = figures.counts
    cols[4].metric(
        "Checks passed",
        f"{figures.checks_passed}/100" if figures.checks_passed is not None else "—",
        delta=f"{plural(counts['error'], 'error')} · {plural(counts['warning'], 'warning')}",
        delta_color="inverse" if counts["error"] else "off",
        delta_arrow="off",
        help="The share of applicable checklist rules that pass, weighted by severity (error 3, warning 2, "
        "info 1) and rounded down, so any open finding keeps it below 100. "
        f"{counts['info']} notes and {counts['waived']} accepted (waived) findings are not counted as problems.",
    )


PICTURE_HEIGHT = 560


def laid_out(design: Design) -> Design:
    """``design`` with its author's positions, or laid out left to right when it was saved without any."""
    return design if has_layout(design) else move_blocks(design, auto_layout(design))


def show_picture(design: Design, findings: tuple[Finding, ...] | list[Finding] = (), *, key: str,
                 height: int = PICTURE_HEIGHT, comments: Mapping[str, int] | None = None) -> None:
    """The design on the whiteboard canvas, read-only: the author's positions and shapes, findings badges (and
    comments badges: open review threads per block or connection)."""
    draw(laid_out(design), findings, key=key, read_only=True, height=height, comments=comments)
    st.caption("Read-only: drag or scroll to move around; the + and − buttons zoom, the frame button shows the "
               "whole design.")


def show_design(design: Design, figures: Figures, *, key: str = "design-view.canvas",
                comments: Mapping[str, int] | None = None) -> None:
    """Draw a design: heading, figures, requirements, picture (the read-only canvas, with ``comments`` badges),
    blocks and notes."""
    st.subheader(plain(design.name))
    if design.description.strip():
        st.markdown(plain(design.description))
    show_figures(design, figures)
    show_picture(design, figures.findings, key=key, comments=comments)
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.markdown("**Requirements**")
        rows = requirement_rows(design.requirements)
        if rows:
            st.dataframe(rows, hide_index=True, width="stretch", column_config={
                "Requirement": st.column_config.TextColumn(width="medium"),
                "Value": st.column_config.TextColumn(width="medium"),
            })
        else:
            st.caption("This design sets no requirements.")
        with st.expander(f"Blocks ({len(design.components)})"):
            st.dataframe(block_rows(design), hide_index=True, width="stretch")
    with right:
        st.markdown("**Notes**")
        if design.notes.strip():
            with st.container(border=True):  # its full height: no note cut off in a scroll box
                st.markdown(demote_headings(design.notes))
        else:
            st.caption("This design has no notes.")


def show_load_error(exc: DesignError) -> None:
    """A design file that cannot be opened: which file, and every problem the loader found."""
    problems = "\n".join(f"- {plain(problem)}" for problem in exc.problems)
    st.error(f"{plain(exc.source)} is not a valid design:\n\n{problems}")
