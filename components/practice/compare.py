"""The candidate's design against the prompt and its reference design (a Streamlit UI piece).

Which key blocks and further blocks of the reference the candidate has and lacks, the prompt's numbers against
what the candidate declared, the slowest request path against the SLA, capacity against the peak, and both
diagrams side by side. The data is ``mlsd.practice.compare.Comparison``.
"""

from __future__ import annotations

import streamlit as st

from components.common.design_view import show_diagram
from components.common.markup import demote_headings, plain
from mlsd.catalog import CATEGORIES, KINDS
from mlsd.formats.dot import to_dot
from mlsd.model import Design
from mlsd.practice.compare import BlockMatch, Comparison, show
from mlsd.practice.prompts import Prompt

STATUS_TEXT = {"match": "✅ matches", "off": "⚠️ more than 2x off", "missing": "❌ not declared"}


def block_line(b: BlockMatch) -> str:
    icon = CATEGORIES[b.category].icon
    if b.present:
        return f"- ✅ {icon} {plain(b.label)}"
    if b.substitutes:
        subs = ", ".join(plain(KINDS[k].label) for k in b.substitutes)
        return f"- ≈ {icon} {plain(b.label)} :gray[(you use {subs} for it: half credit)]"
    return f"- ❌ {icon} {plain(b.label)}"


def _blocks(c: Comparison) -> None:
    have, lack = st.columns(2, gap="large")
    with have:
        st.markdown(f"**Key blocks you have ({len(c.key_present)} of {len(c.key_present) + len(c.key_missing)})**",
                    help="The kinds of block this prompt's strong answers have (the prompt's key blocks).")
        st.markdown("\n".join(block_line(b) for b in c.key_present) or ":gray[none yet]")
    with lack:
        st.markdown(f"**Key blocks you lack ({len(c.key_missing)})**")
        st.markdown("\n".join(block_line(b) for b in c.key_missing) or ":gray[none: every key block is there]")
    more_have, more_lack = st.columns(2, gap="large")
    with more_have:
        st.markdown(f"**Also in the reference, and in yours ({len(c.reference_present)})**")
        st.markdown("\n".join(block_line(b) for b in c.reference_present) or ":gray[none]")
    with more_lack:
        st.markdown(f"**Also in the reference, not in yours ({len(c.reference_missing)})**")
        st.markdown("\n".join(block_line(b) for b in c.reference_missing) or ":gray[none]")
    if c.categories_missing:
        names = ", ".join(f"{CATEGORIES[x].icon} {CATEGORIES[x].label}" for x in c.categories_missing)
        st.warning(f"Your design has no block from these parts of the reference: {names}.",
                   icon=":material/category:")


def _requirements(c: Comparison) -> None:
    if not c.requirements:
        st.caption("The prompt gives no numbers.")
        return
    rows = [{"Requirement": r.label, "The prompt says": r.expected_text, "You declared": r.declared_text,
             "": STATUS_TEXT[r.status]} for r in c.requirements]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.caption("A number within 2x of the prompt's counts as the same order of magnitude. Declare numbers in the "
               "board's **Requirements** tab.")


def _latency_capacity(c: Comparison) -> None:
    lat, cap = c.latency, c.capacity
    if lat.sla_ms is None:
        st.markdown("**Latency:** the prompt sets no SLA.")
    elif lat.within is None:
        st.markdown(f"**Latency:** ❔ no request path from a client or a serving block, so nothing to hold "
                    f"against the {show('sla_p99_ms', lat.sla_ms)} SLA. Connect the client to your serving "
                    "blocks with **request** connections.")
    elif lat.saturated:
        st.markdown(f"**Latency:** ❌ the slowest of {lat.paths} request path(s) is saturated at the prompt's peak: "
                    "a tier on it cannot carry the load (see capacity below).")
    else:
        verdict = "✅ within" if lat.within else "❌ over"
        st.markdown(f"**Latency:** the slowest of {lat.paths} request path(s) has a p99 of "
                    f"**{show('sla_p99_ms', lat.worst_p99_ms)}** at the prompt's peak (queueing included) — "
                    f"{verdict} the prompt's {show('sla_p99_ms', lat.sla_ms)} SLA.")
    if cap.peak_qps is None:
        st.markdown("**Capacity:** the prompt gives no peak load.")
    elif cap.enough is None:
        st.markdown(f"**Capacity:** ❔ no tier on a request path declares its throughput, so nothing to hold "
                    f"against the prompt's {show('peak_qps', cap.peak_qps)} peak.")
    elif cap.enough:
        st.markdown(f"**Capacity:** ✅ all {cap.tiers} sized tier(s) carry the prompt's "
                    f"{show('peak_qps', cap.peak_qps)} peak with {cap.headroom:.0%} headroom"
                    + (f"; {cap.managed} managed service(s) scale on the provider's side." if cap.managed else "."))
    else:
        st.markdown(f"**Capacity:** ❌ too few replicas for the prompt's {show('peak_qps', cap.peak_qps)} peak "
                    f"(with {cap.headroom:.0%} headroom):")
        st.dataframe([{"Block": t.label, "Replicas": t.running, "Needed": t.needed} for t in cap.short],
                     hide_index=True)


def _diagrams(candidate: Design, reference: Design) -> None:
    """Yours, then the reference with the Home page's zoom control (a reference has 20-30 blocks)."""
    st.markdown("**Your design**")
    if candidate.components:
        st.graphviz_chart(to_dot(candidate), width="content")
    else:
        st.caption("Your design has no blocks.")
    st.markdown(f"**Reference design** · {plain(reference.name)}")
    show_diagram(to_dot(reference))


def show_comparison(candidate: Design, reference: Design, prompt: Prompt, c: Comparison) -> None:
    """The comparison in four tabs."""
    st.header("Compared with the reference design")
    blocks_tab, numbers_tab, perf_tab, diagrams_tab = st.tabs(
        ["Blocks", "Requirements", "Latency & capacity", "Diagrams"], key="practice.compare_tab")
    with blocks_tab:
        _blocks(c)
    with numbers_tab:
        _requirements(c)
    with perf_tab:
        _latency_capacity(c)
    with diagrams_tab:
        _diagrams(candidate, reference)
    if reference.notes.strip():
        with st.expander("The reference design's notes: why it is built this way"):
            st.markdown(demote_headings(reference.notes))
