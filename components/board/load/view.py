"""The "Load & failures" views: what happens to the design as traffic grows and when one thing fails.

``load_numbers`` derives everything shown from the design's analysis (the ramp ~100 ms and the what-ifs ~30 ms on
a 35-block design), so callers build it once per design: the Board keeps it in its review's memo
(``board.state.Review.get``), the read-only view caches it by the design's JSON. ``show_load`` draws it on the
Board (with the simulation); ``show_load_readonly`` draws the ramp and the what-if summary on a shared design.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components.board import state as bs
from components.board.load.figures import MODEL_NAME, cost_figure, ramp_figure, utilisation_figure
from components.board.load.simulation import show_simulation
from components.board.load.tables import (
    KIND_LABEL,
    OUTCOME_STYLE,
    failure_lines,
    kind_default_line,
    path_sentences,
    ranked,
    tiers_changed,
    what_if_rows,
    what_if_summary,
)
from components.board.load.ui import note
from components.common.markup import plain
from mlsd.analysis import Analysis
from mlsd.analysis.failures import Failure, what_if
from mlsd.analysis.ramp import Ramp, ramp
from mlsd.model import Design

MODEL_CAPTION = (
    f"p99 at each load: {MODEL_NAME}. Each tier with a throughput is a queue (Erlang C waiting with the "
    "Allen–Cunneen correction); service times are fitted to the declared p50/p99 and combined along the calls. "
    "The declared latencies are your numbers at light load; everything under load is computed from them.")
NO_PEAK = ("Set the **peak load (requests/s)** in Requirements to see the load ramp: how each path's p99 grows "
           "with traffic, utilisation per tier at peak, and what a single failure does.")
NO_PATH = ("No serving path yet: connect a client or an API gateway to the blocks it calls with *request* "
           "connections to see how its p99 grows with load and what a failure does to it.")
NO_TIERS = ("Utilisation appears for blocks on request paths that declare a throughput: give them "
            "*qps_per_replica* (requests per second one replica sustains) and *replicas*.")
WHAT_IF_TITLE = "**Single failures** — losing one replica, one zone or region, or one block, at peak"
TABLE_HELP = {
    "Outcome": "The worst serving path after the failure: failing (a path gets no answer or a tier is overloaded), "
               "degraded (a fallback answers), kept (every block still runs).",
    "Failure": "What is lost: one replica of a tier, every replica in a zone or region, or a whole block.",
    "p99 after (ms)": "The worst path's p99 at peak right after the failure (before autoscaling reacts); empty "
                      "when it gets no answer.",
    "SLA": "The p99 after the failure against the SLA.",
    "Why": "What the failure does to the worst path: why it fails or who answers in its place.",
}


@dataclass(frozen=True)
class LoadNumbers:
    """Everything the load views show for one design (built once per design)."""

    ramp: Ramp | None  # None without a declared peak
    failures: tuple[Failure, ...]  # worst first, as the table's rows
    figures: dict[str, go.Figure | None]
    sentences: tuple[str, ...]
    rows: tuple[dict[str, Any], ...]  # the what-if table, worst first
    summary: str  # the what-if summary (Markdown)
    digest: str = ""  # of the design's content: widget keys of one design's table (a selection stays with it)


def has_peak(design: Design) -> bool:
    peak = design.requirements.peak_qps
    return peak is not None and peak > 0


def content_of(design: Design) -> str:
    """The design as JSON without the blocks' positions (no number depends on where a block sits)."""
    return design.model_dump_json(exclude={"components": {"__all__": {"position"}}})


def load_numbers(design: Design, analysis: Analysis) -> LoadNumbers:
    """The ramp, the what-ifs, their figures and texts."""
    digest = hashlib.sha1(content_of(design).encode("utf-8")).hexdigest()[:12]
    figures: dict[str, go.Figure | None] = {"utilisation": utilisation_figure(design, analysis)}
    if not has_peak(design) or analysis.model is None:
        return LoadNumbers(None, (), {**figures, "ramp": None, "cost": None}, (), (), "", digest)
    at_loads = ramp(analysis)
    failures = tuple(ranked(what_if(analysis)))
    figures["ramp"] = ramp_figure(design, at_loads)
    figures["cost"] = cost_figure(at_loads, design.requirements.budget_per_month)
    return LoadNumbers(at_loads, failures, figures, tuple(path_sentences(design, analysis, at_loads)),
                       tuple(what_if_rows(design, failures)), what_if_summary(failures), digest)


def what_if_table(rows: Sequence[dict[str, Any]]) -> Any:
    """The what-if rows as a styled table: the outcome cell coloured AND written out."""
    return pd.DataFrame(list(rows)).style.map(lambda v: OUTCOME_STYLE.get(v, ""), subset=["Outcome"])


def _column_config() -> dict[str, Any]:
    cc = st.column_config
    return {
        "Outcome": cc.TextColumn(width=85, help=TABLE_HELP["Outcome"]),
        "Failure": cc.TextColumn(width=120, help=TABLE_HELP["Failure"]),
        "What is lost": cc.TextColumn(width=220),
        "p99 after (ms)": cc.NumberColumn(width=100, help=TABLE_HELP["p99 after (ms)"], format="%g"),
        "SLA": cc.TextColumn(width=80, help=TABLE_HELP["SLA"]),
        "Why": cc.TextColumn(help=TABLE_HELP["Why"]),
    }


def _show_what_ifs(design: Design, numbers: LoadNumbers, key: str) -> None:
    st.markdown(WHAT_IF_TITLE)
    st.markdown(numbers.summary)
    if not numbers.rows:
        return
    event = st.dataframe(what_if_table(numbers.rows), hide_index=True, width="stretch",
                         key=f"{key}.{numbers.digest}",  # a selection belongs to this design's rows
                         height=min(35 * len(numbers.rows) + 38, 423), column_config=_column_config(),
                         placeholder="—", on_select="rerun", selection_mode="single-row")
    chosen = [i for i in event.selection.rows if 0 <= i < len(numbers.failures)]
    if not chosen:
        note("Worst first; click a column's header to sort by it, or a row's checkbox to see every path and "
             "tier that failure changes. Right after the failure: autoscaling has not replaced anything yet.")
        return
    failure = numbers.failures[chosen[0]]
    with st.container(border=True):
        st.markdown(f"**Lose {KIND_LABEL.get(failure.domain, failure.domain)}: "
                    f"{plain(str(numbers.rows[chosen[0]]['What is lost']))}** — {failure.worst}")
        for line in failure_lines(design, failure):
            st.markdown(f"- {line}")
        changed = tiers_changed(design, failure)
        if changed:
            note("Tiers it changes, right after the failure (before autoscaling reacts):")
            st.dataframe(changed, hide_index=True, width="stretch", key=f"{key}.tiers")


def _show_sentences(numbers: LoadNumbers) -> None:
    for sentence in numbers.sentences:
        st.markdown(sentence)


def _show_ramp(design: Design, numbers: LoadNumbers, key: str) -> None:
    fig = numbers.figures.get("ramp")
    if fig is None:
        st.info(NO_PATH, icon=":material/timeline:")
    else:
        if design.requirements.sla_p99_ms is None:
            note("Set a p99 SLA in Requirements to see it as a line and the knee where the path breaks it.")
        st.plotly_chart(fig, key=key)


def show_board_load(design: Design, review: bs.Review) -> None:
    """The "Load & failures" tab of the Board, its numbers built once per design (in the review's memo)."""
    numbers = review.get("load", lambda: load_numbers(design, review.analysis))
    show_load(design, numbers, review.analysis, review.memo,
              open_requirements=lambda: bs.show_panel("Requirements"))


def show_load(design: Design, numbers: LoadNumbers, analysis: Analysis, memo: dict[str, Any],
              open_requirements: Callable[[], None] | None = None) -> None:
    """The Board's "Load & failures" tab: ramp, utilisation, what-ifs, cost at each load and the simulation."""
    if not design.components:
        st.info("How the design behaves under load appears once it has blocks: start from a template or add "
                "blocks from the palette.", icon=":material/speed:")
        return
    note(MODEL_CAPTION)
    if numbers.ramp is None:
        st.info(NO_PEAK, icon=":material/speed:")
        if open_requirements is not None:
            st.button("Open Requirements", key="board.load.open_req", icon=":material/tune:",
                      on_click=open_requirements, help="Shows the Requirements panel beside the canvas.")
        return
    _show_sentences(numbers)
    left, right = st.columns(2, gap="medium")
    with left:  # p99 and cost both against load, one above the other
        _show_ramp(design, numbers, "board.load.ramp")
        fig = numbers.figures.get("cost")
        if fig is None:
            note("Cost at each load: give blocks a cost per hour (with replicas), or storage with a cost "
                 "per GB-month.")
        else:
            st.plotly_chart(fig, key="board.load.cost")
            _cost_caption(analysis)
    with right:
        fig = numbers.figures.get("utilisation")
        if fig is None:
            note(NO_TIERS)
        else:
            st.plotly_chart(fig, key="board.load.utilisation")
    defaults = kind_default_line(design, analysis)
    if defaults is not None:
        note(defaults)
    _show_what_ifs(design, numbers, "board.load.what_if")
    show_simulation(design, analysis, memo)


def _cost_caption(analysis: Analysis) -> None:
    text = f"At peak: ${analysis.cost_per_month:,.0f} per month"
    if analysis.cost_per_thousand is not None:
        text += f", ${analysis.cost_per_thousand:,.4f} per 1,000 predictions"
    budget = analysis.budget_per_month
    if budget is None:
        text += ". Set a budget in Requirements to see it as a line."
    else:
        text += f": {'over' if analysis.over_budget else 'within'} the ${budget:,.0f} budget."
    note(text)


# -- read-only ----------------------------------------------------------------------------------------------


@st.cache_resource(max_entries=16, show_spinner=False)
def _cached_numbers(content: str, _design: Design, _analysis: Analysis) -> LoadNumbers:
    return load_numbers(_design, _analysis)


def cached_load_numbers(design: Design, analysis: Analysis) -> LoadNumbers:
    """``load_numbers`` cached by the design's content (for pages without the Board's review memo; the blocks'
    positions change no number, so they are left out of the key)."""
    return _cached_numbers(content_of(design), design, analysis)


def show_load_readonly(design: Design, analysis: Analysis) -> None:
    """The ramp and the what-if summary of a saved design (read-only: no simulation)."""
    if not design.components:
        return
    numbers = cached_load_numbers(design, analysis)
    note(MODEL_CAPTION)
    if numbers.ramp is None:
        note("The design declares no peak load, so there is no load ramp and no failure what-if.")
        return
    _show_sentences(numbers)
    _show_ramp(design, numbers, "shared.load.ramp")
    _show_what_ifs(design, numbers, "shared.load.what_if")
