"""The home page's opening: what MLSD Whiteboard is, for whom, what it does, and where to start.

Words for people who draw designs: no command lines here (the README and ``python -m mlsd --help`` have them).
"""

from __future__ import annotations

import streamlit as st

TITLE = "MLSD Whiteboard"
TAGLINE = "Draw an ML system from typed building blocks and see at once where it breaks."


def show_intro() -> None:
    """Title, one-line pitch and the three things the product does (the page draws the calls to action)."""
    st.title(TITLE)
    st.markdown(f"#### {TAGLINE}")
    st.markdown(
        "For **ML engineers** planning a model launch and **interview candidates** practising ML system design. "
        "Every block has a kind from the catalog below, with default latency, throughput and cost numbers, and "
        "every design is checked against engineering checklists."
    )
    draw, check, keep = st.columns(3)
    with draw, st.container(border=True):
        st.markdown("**:material/draw: Draw**")
        st.caption("Place blocks such as a feature store, a ranker or a drift detector, and connect them "
                   "with request, stream, batch and feedback flows.")
    with check, st.container(border=True):
        st.markdown("**:material/fact_check: Check**")
        st.caption("Checklists for latency, capacity, reliability, privacy, data, training, serving and "
                   "monitoring; the p99 at peak with queueing, the load where a path breaks, what a failure does and "
                   "the monthly cost are computed.")
    with keep, st.container(border=True):
        st.markdown("**:material/folder_open: Keep**")
        st.caption("Every save is kept as a revision you can compare and restore; share a read-only link, or "
                   "export the design as a file, a picture or a Markdown report.")
