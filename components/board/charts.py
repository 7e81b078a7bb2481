"""The board's numbers as plotly charts (a Streamlit UI piece): latency, capacity, cost and checks passed.

Figures are built by plain functions of the analysis (so tests can read them) and drawn by ``show_numbers``, each
number with a popover that shows its derivation (a path's p99, each tier's headroom, the monthly cost beside the
budget; ``derivations``).
Block labels are user text: plotly reads a few HTML tags in its text, so every label is HTML-escaped and shows
exactly as typed.
"""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from components.board.derivations import cost_popover, explained_paths, path_popovers, tier_popovers
from components.board.state import Review
from mlsd.analysis import Analysis, RequestPath
from mlsd.formats.dot import to_dot
from mlsd.model import Design
from mlsd.rules import CATEGORIES, Report

MAX_BARS = 25
MAX_PATHS = 3
SLA_COLOR = "#d32f2f"
POPOVER_KEY = "board.numbers.pop"


def text(value: str, limit: int = 40) -> str:
    """User text for plotly: HTML-escaped and cut to ``limit`` characters."""
    cut = value if len(value) <= limit else value[: limit - 1] + "…"
    return html.escape(cut, quote=False)


def unique(names: list[str]) -> list[str]:
    """Category labels made distinct (plotly merges equal categories): repeats get ' #2', ' #3'."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return out


def _titles(design: Design) -> dict[str, str]:
    return {c.id: c.title for c in design.components}


def _layout(fig: go.Figure, title: str, height: int = 320) -> go.Figure:
    fig.update_layout(title={"text": title, "font": {"size": 14}}, height=height,
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, showlegend=False)
    return fig


def waterfall(design: Design, path: RequestPath) -> go.Figure:
    """Each block's declared p99 along the path's critical chain, their sum, the modelled p99 at peak (queueing
    included), and the SLA as a red line."""
    titles = _titles(design)
    names = unique([text(titles.get(b, b), 24) for b, _ in path.contributions])
    values = [round(ms, 3) for _, ms in path.contributions]
    at_peak = path.p99_ms
    x = [*names, "= declared sum", "= p99 at peak"]
    fig = go.Figure(go.Waterfall(
        x=x,
        y=[*values, path.p99_sum_ms, at_peak if at_peak is not None else 0.0],
        measure=[*(["relative"] * len(values)), "total", "absolute"],
        text=[f"{v:g}" for v in values] + [f"{path.p99_sum_ms:.0f}",
                                           f"{at_peak:.0f}" if at_peak is not None else "saturated"],
        textposition="outside",
        connector={"line": {"color": "#b0bec5"}},
        increasing={"marker": {"color": "#5c6bc0"}},
        totals={"marker": {"color": "#37474f"}},
    ))
    if path.sla_ms is not None:
        fig.add_hline(y=path.sla_ms, line={"color": SLA_COLOR, "dash": "dash"},
                      annotation_text=f"SLA {path.sla_ms:g} ms", annotation_position="top left")
    fig.update_yaxes(title_text="ms")
    over = " — over the SLA" if path.over_sla else ""
    peak = f"{at_peak:.0f} ms" if at_peak is not None else "saturated"
    return _layout(fig, f"Request path from {text(titles.get(path.entry, path.entry))}: p99 at peak {peak} "
                        f"(declared sum {path.p99_sum_ms:.0f} ms){over}")


def headroom_tiers(analysis: Analysis) -> list[str]:
    """The blocks the headroom chart shows: those with a headroom, the least first, at most ``MAX_BARS``."""
    rows = sorted((t for t in analysis.capacity.values() if t.headroom is not None),
                  key=lambda t: t.headroom if t.headroom is not None else 0.0)
    return [t.block for t in rows[:MAX_BARS]]


def headroom_chart(design: Design, analysis: Analysis) -> go.Figure | None:
    """Capacity headroom (capacity / peak - 1) per block on request paths, against the required headroom."""
    titles = _titles(design)
    rows = [analysis.capacity[b] for b in headroom_tiers(analysis)]
    if not rows:
        return None
    need = design.requirements.headroom
    shown = [min(t.headroom or 0.0, 10.0) * 100 for t in rows]
    colors = [SLA_COLOR if (t.headroom or 0.0) < need else "#43a047" for t in rows]
    fig = go.Figure(go.Bar(
        x=shown, y=unique([text(titles.get(t.block, t.block), 28) for t in rows]), orientation="h", marker_color=colors,
        customdata=[[t.peak_qps, t.capacity_qps or 0, t.replicas, t.needed_replicas or 0] for t in rows],
        hovertemplate="%{y}<br>headroom %{x:.0f}%<br>peak %{customdata[0]:,.0f} req/s<br>"
                      "capacity %{customdata[1]:,.0f} req/s<br>replicas %{customdata[2]} "
                      "(needed %{customdata[3]})<extra></extra>",
    ))
    fig.add_vline(x=need * 100, line={"color": SLA_COLOR, "dash": "dash"},
                  annotation_text=f"required {need:.0%}", annotation_position="top")
    fig.update_xaxes(title_text="headroom above peak, % (capped at 1000%)")
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, "Capacity headroom per tier", height=max(220, 26 * len(rows) + 80))


def cost_chart(design: Design, analysis: Analysis) -> go.Figure | None:
    """Monthly cost per block, compute and storage stacked, the most expensive first."""
    titles = _titles(design)
    lines = sorted((c for c in analysis.cost if c.total > 0), key=lambda c: -c.total)[:MAX_BARS]
    if not lines:
        return None
    names = unique([text(titles.get(c.block, c.block), 28) for c in lines])
    fig = go.Figure([
        go.Bar(name="compute", y=names, x=[c.compute_per_month for c in lines], orientation="h",
               marker_color="#5c6bc0", hovertemplate="%{y}: $%{x:,.0f}/month compute<extra></extra>"),
        go.Bar(name="storage", y=names, x=[c.storage_per_month for c in lines], orientation="h",
               marker_color="#26a69a", hovertemplate="%{y}: $%{x:,.0f}/month storage<extra></extra>"),
    ])
    fig.update_layout(barmode="stack", showlegend=True)
    budget = design.requirements.budget_per_month
    title = f"Monthly cost: ${analysis.cost_per_month:,.0f}"
    if budget is not None:
        title += f" (budget ${budget:,.0f})"
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="USD per month")
    fig = _layout(fig, title, height=max(220, 26 * len(lines) + 80))
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.2})
    return fig


def checks_radar(report: Report) -> go.Figure | None:
    """Checks passed 0-100 per checklist category (categories with no applicable rule are left out)."""
    score = report.score()
    categories = score.get("categories")
    if not isinstance(categories, dict):
        return None
    scored = [(CATEGORIES[c], v) for c, v in categories.items() if isinstance(v, int)]
    if len(scored) < 3:
        return None
    labels = [label for label, _ in scored]
    values = [v for _, v in scored]
    fig = go.Figure(go.Scatterpolar(r=[*values, values[0]], theta=[*labels, labels[0]], fill="toself",
                                    line={"color": "#3949ab"}, hovertemplate="%{theta}: %{r}/100<extra></extra>"))
    fig.update_layout(polar={"radialaxis": {"range": [0, 100]}})
    overall = score.get("overall")
    return _layout(fig, f"Checks passed by checklist (overall {overall}/100)", height=360)


class FinishedFigure(go.Figure):
    """A figure that is not changed any more: its dict is built once. ``st.plotly_chart`` turns a figure into a
    dict (plotly deep-copies every trace and scans its arrays for base64) on every rerun; the board's charts are
    built once per design and drawn on every rerun, so that work is done once too. Never update one after it
    has been drawn."""

    _finished: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self._finished is None:
            self._finished = super().to_dict()
        return self._finished


def figures(design: Design, report: Report, analysis: Analysis) -> dict[str, go.Figure | None]:
    """Every chart of the numbers tab, by key (None: not enough data for that chart), finished."""
    out: dict[str, go.Figure | None] = {}
    for path in sorted(analysis.paths, key=lambda p: -p.p99_sum_ms)[:MAX_PATHS]:
        out[f"path.{path.entry}"] = waterfall(design, path)
    out["headroom"] = headroom_chart(design, analysis)
    out["cost"] = cost_chart(design, analysis)
    out["radar"] = checks_radar(report)
    return {k: None if fig is None else FinishedFigure(fig) for k, fig in out.items()}


def show_numbers(design: Design, review: Review) -> None:
    """Latency per request path, capacity headroom, cost and checks passed; empty states say what is missing.

    The figures are built once per design (``review.get``) and finished (``FinishedFigure``), so a rerun only
    sends them."""
    if not design.components:
        st.info("Numbers appear once the design has blocks: latency per request path, capacity, cost.")
        return
    analysis = review.analysis
    figs = review.get("charts", lambda: figures(design, review.report, analysis))
    paths = [k for k in figs if k.startswith("path.")]
    if not paths:
        st.info("No request path yet: connect a client or gateway to the blocks it calls with *request* "
                "connections to see the latency budget against the SLA.", icon=":material/timeline:")
    else:
        st.caption("How these numbers change as traffic grows, and what a single failure does: see the "
                   "**Load & failures** tab.")
        if design.requirements.sla_p99_ms is None:
            st.caption("Set a p99 SLA in Requirements to see it as a line on these charts.")
        explained = {e.entry: e for e in explained_paths(review)}
        titles = _titles(design)
        for key in paths:
            st.plotly_chart(figs[key], key=f"board.chart.{key}")
            e = explained.get(key.removeprefix("path."))
            if e is not None:
                path_popovers([e], titles, POPOVER_KEY)
        if len(analysis.paths) > len(paths):
            st.caption(f"{len(analysis.paths) - len(paths)} more request paths (the slowest {len(paths)} are shown).")
    left, right = st.columns(2)
    with left:
        fig = figs["headroom"]
        if fig is None:
            st.caption("Capacity: set peak QPS in Requirements and give blocks on request paths "
                       "qps_per_replica and replicas.")
        else:
            st.plotly_chart(fig, key="board.chart.headroom")
            st.caption("Where each headroom comes from:")
            tier_popovers(review, headroom_tiers(analysis), _titles(design), POPOVER_KEY, "headroom")
    with right:
        fig = figs["cost"]
        if fig is None:
            st.caption("Cost: give blocks cost_per_hour (with replicas) or storage_gb with cost_per_gb_month.")
        else:
            st.plotly_chart(fig, key="board.chart.cost")
            cost_popover(review, _titles(design), POPOVER_KEY)
    fig = figs["radar"]
    if fig is None:
        st.caption("Checks passed by checklist appears when at least three checklists apply to the design.")
    else:
        st.plotly_chart(fig, key="board.chart.radar")


def show_graphviz(design: Design, review: Review) -> None:
    """The read-only Graphviz picture of the design (drawn in the browser; blocks with findings outlined)."""
    if not design.components:
        st.caption("The Graphviz view draws the design once it has blocks.")
        return
    st.caption("The same design laid out by Graphviz (read-only); blocks with findings are outlined.")
    dot = review.get("dot", lambda: to_dot(design, review.report.findings))
    st.graphviz_chart(dot, width="stretch")
