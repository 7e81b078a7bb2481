"""The board's "Explain & size" tab, explain half (a Streamlit UI piece): where each number comes from.

A latency waterfall per request path (plotly: each hop's queueing wait, batch fill, service and fan-out laid end
to end, adding up to the path's p99 at peak; ``mlsd.analysis.explain``), a popover per number (each path's p99,
each tier's utilisation, the monthly cost; drawn by ``derivations``, as on the Numbers tab) that shows its
derivation, and the facts behind each finding (props,
computed figures, thresholds, why this severity; ``mlsd.rules.facts``). Figures and texts are built once per
design (``Review.get``). Block labels are user text: escaped for plotly (``charts.text``) and Markdown (``plain``).
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from components.board.charts import SLA_COLOR, text, unique
from components.board.derivations import cost_popover, explained_paths, path_popovers, tier_popovers
from components.board.state import Review
from components.common.markup import plain
from mlsd.analysis.explain import PathExplanation
from mlsd.model import Design
from mlsd.rules.facts import facts_text, finding_facts

PART_COLORS = {"wait": "#ef6c00", "batch": "#8e24aa", "service": "#5c6bc0", "fanout": "#00897b"}
PART_LABELS = {"wait": "queueing wait", "batch": "batch fill", "service": "service", "fanout": "fan-out (shards)"}
LEGEND = {"orientation": "h", "y": 1.0, "x": 1.0, "xanchor": "right", "yanchor": "bottom"}
MAX_HOPS = 30  # hops drawn in a waterfall (the rest summed in one bar)
MAX_TIERS = 24  # tier popovers shown
MAX_FINDINGS = 200
KEY = "board.explain.pop"


def path_waterfall(design: Design, e: PathExplanation) -> go.Figure:
    """The path's p99 laid out hop by hop: each hop's parts start where the previous hop ended, so the last bar
    ends at the p99; the SLA is a red line."""
    titles = {c.id: c.title for c in design.components}
    hops = [h for h in e.hops if h.total_ms > 1e-6][:MAX_HOPS]
    names = unique([text(titles.get(h.block, h.block), 28) for h in hops])
    fig = go.Figure()
    start = [0.0]
    for h in hops:
        start.append(start[-1] + h.total_ms)
    for part, color in PART_COLORS.items():
        values = [getattr(h, f"{part}_ms") for h in hops]
        if not any(v > 1e-6 for v in values):
            continue
        bases = [start[i] + sum(getattr(h, f"{p}_ms") for p in list(PART_COLORS)[:list(PART_COLORS).index(part)])
                 for i, h in enumerate(hops)]
        fig.add_trace(go.Bar(
            y=names, x=values, base=bases, orientation="h", name=PART_LABELS[part], marker={"color": color},
            hovertemplate="%{y}: %{x:.2f} ms " + PART_LABELS[part] + "<extra></extra>"))
    if e.sla_ms is not None:
        fig.add_vline(x=e.sla_ms, line={"color": SLA_COLOR, "dash": "dash"}, annotation_text=f"SLA {e.sla_ms:g} ms")
    fig.update_layout(barmode="overlay", height=max(220, 26 * len(hops) + 110), showlegend=True,
                      legend=LEGEND, margin={"l": 10, "r": 10, "t": 40, "b": 10},
                      title={"text": f"Where the p99 goes: path from {text(titles.get(e.entry, e.entry))}, "
                                     f"{e.p99_ms or 0:,.1f} ms at peak", "font": {"size": 14}})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text="ms (cumulative, adds up to the p99)")
    return fig


def show_explain(design: Design, review: Review) -> None:
    """The explain half of the tab: waterfalls, a popover per number, the facts of each finding."""
    if not design.components:
        st.info("Explanations appear once the design has blocks.")
        return
    titles = {c.id: c.title for c in design.components}
    paths = explained_paths(review)
    st.markdown("**Where the p99 goes, hop by hop**")
    live = [p for p in paths if p.p99_ms is not None]
    if not paths:
        st.caption("No request path yet: connect a client to the blocks it calls with request connections.")
    elif not live:
        st.caption("Every path runs through a saturated tier: no p99 to take apart (add replicas, or run Size it).")
    else:
        entry = st.selectbox("Path", [p.entry for p in live], key="board.explain.path",
                             format_func=lambda b: titles.get(b, b)) if len(live) > 1 else live[0].entry
        chosen = next(p for p in live if p.entry == entry)
        st.plotly_chart(review.get(f"explain.fig.{entry}", lambda: path_waterfall(design, chosen)),
                        key="board.explain.waterfall")
        st.caption(f"Averaged over the {chosen.samples} simulated requests around the p99 and scaled by "
                   f"{chosen.scale:.3f} to it. Network time is inside each block's declared latency.")
    _number_popovers(review, paths, titles)
    _finding_facts(review, titles)


def _number_popovers(review: Review, paths: list[PathExplanation], titles: dict[str, str]) -> None:
    st.markdown("**Every number, explained** (click one)")
    a = review.analysis
    cols = st.columns(3)
    with cols[0]:
        path_popovers(paths, titles, KEY)
    with cols[1]:
        tier_popovers(review, [b for b, t in a.capacity.items() if t.queued][:MAX_TIERS], titles, KEY, "utilisation")
        if len([t for t in a.capacity.values() if t.queued]) > MAX_TIERS:
            st.caption(f"The first {MAX_TIERS} tiers are shown; `python -m mlsd explain` lists them all.")
    with cols[2]:
        cost_popover(review, titles, KEY)


def _finding_facts(review: Review, titles: dict[str, str]) -> None:
    order = {"error": 0, "warning": 1, "info": 2}
    findings = sorted(review.report.active, key=lambda f: order.get(f.severity, 3))[:MAX_FINDINGS]
    st.markdown("**The facts behind a finding**")
    if not findings:
        st.caption("No finding to explain.")
        return
    chosen = st.selectbox("Finding", range(len(findings)), key="board.explain.finding",
                          format_func=lambda i: f"{findings[i].rule} ({findings[i].severity}): "
                                                f"{findings[i].title}")
    f = findings[int(chosen)]
    facts = review.get(f"explain.facts.{chosen}.{f.id}", lambda: finding_facts(review.report, f))
    st.markdown(plain(f.message))
    for line in facts_text(facts, titles):
        st.markdown("- " + plain(line))
