"""Where a number on the Board comes from, as a popover (a Streamlit UI piece): a path's p99 taken apart hop by
hop, a tier's capacity figures with their formulas, the monthly cost line by line beside the budget.

One rendering for every place a number is shown (the Numbers tab under its charts, the "Explain & size" tab), all
from ``mlsd.analysis.explain`` and built once per design (``Review.get``). Block titles are user text: escaped for
Markdown (``plain``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import streamlit as st

from components.board.state import Review
from components.common.markup import plain
from mlsd.analysis.explain import PathExplanation, explain_cost, explain_paths, explain_tier


def short(title: str, limit: int = 26) -> str:
    """A block title cut to ``limit`` characters for a button label."""
    return title if len(title) <= limit else title[: limit - 1] + "…"


def explained_paths(review: Review) -> list[PathExplanation]:
    """Every path's p99 taken apart (once per design)."""
    return review.get("explain.paths", lambda: explain_paths(review.analysis))


def path_label(p: PathExplanation, titles: dict[str, str]) -> str:
    label = f"p99 {p.p99_ms:,.0f} ms" if p.p99_ms is not None else "p99 saturated"
    return f"{short(titles.get(p.entry, p.entry))}: {label}"


def show_path(p: PathExplanation, titles: dict[str, str]) -> None:
    """A path's p99 as the sum of its hops' wait, batch fill, service and fan-out."""
    if p.p99_ms is None:
        st.markdown(f"Saturated at {plain(', '.join(titles.get(b, b) for b in p.saturated))}.")
        return
    lines = ["| hop | on the way | wait | batch | service | fan-out | total (ms) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {plain(titles.get(h.block, h.block))} | {h.counted:.0%} | {h.wait_ms:.2f} | "
              f"{h.batch_ms:.2f} | {h.service_ms:.2f} | {h.fanout_ms:.2f} | {h.total_ms:.2f} |"
              for h in p.hops if h.total_ms > 1e-6]
    st.markdown("\n".join(lines))
    parts = p.parts_ms()
    st.markdown(f"= {parts['wait']:.1f} wait + {parts['batch']:.1f} batch + {parts['service']:.1f} "
                f"service + {parts['fanout']:.1f} fan-out = **{p.p99_ms:,.1f} ms** (network 0: inside "
                "each block's declared latency)" + (f"; SLA {p.sla_ms:g} ms" if p.sla_ms is not None else ""))


def show_tier(review: Review, block: str) -> None:
    """A tier's arrival rate, capacity, utilisation, servers, wait and needed replicas, one formula each."""
    text = review.get(f"explain.tier.text.{block}", lambda: _bullets(
        review.get(f"explain.tier.{block}", lambda: explain_tier(review.analysis, block))))
    if text:
        st.markdown(text)  # one element per popover: a rerun draws every popover's content, open or not


def show_cost(review: Review, titles: dict[str, str]) -> None:
    """The monthly cost line by line, its total and the budget."""
    text = review.get("explain.cost.text", lambda: "\n".join(
        "- " + plain(line) for line in explain_cost(review.analysis, None, titles)[1]))
    st.markdown(text)


def _bullets(found: Any) -> str:
    return "\n".join("- " + plain(line) for line in found.lines) if found is not None else ""


def path_popovers(paths: Iterable[PathExplanation], titles: dict[str, str], key: str) -> None:
    for p in paths:
        with st.popover(path_label(p, titles), width="stretch", key=f"{key}.path.{p.entry}"):
            show_path(p, titles)


def tier_popovers(review: Review, blocks: Iterable[str], titles: dict[str, str], key: str, figure: str) -> None:
    """A popover per tier, labelled with its ``figure``: "utilisation" or "headroom"."""
    capacity = review.analysis.capacity
    for b in blocks:
        t = capacity[b]
        if figure == "headroom":
            value = "saturated" if t.saturated else f"{t.headroom or 0:+.0%} headroom"
        else:
            value = "saturated" if t.saturated else f"{t.utilisation or 0:.0%} busy"
        with st.popover(f"{short(titles.get(b, b))}: {value}", width="stretch", key=f"{key}.tier.{b}"):
            show_tier(review, b)


def cost_popover(review: Review, titles: dict[str, str], key: str) -> None:
    a = review.analysis
    budget = f" of ${a.budget_per_month:,.0f} budget" if a.budget_per_month is not None else ""
    with st.popover(f"Cost: ${a.cost_per_month:,.0f}/month{budget}", width="stretch", key=f"{key}.cost"):
        show_cost(review, titles)
