"""Rules page: the checklist rule catalog as readable documentation (generated from the rule registry)."""

from __future__ import annotations

import streamlit as st

from components.common.entry import through_app
from components.common.markup import small
from mlsd.analysis import model_docs
from mlsd.rules import CATEGORIES, all_rules

through_app()

SEVERITY_BADGE = {"error": ":red-badge[error]", "warning": ":orange-badge[warning]", "info": ":blue-badge[info]"}

st.title("Checklist rules")
rules = all_rules()
st.markdown(small(
    f"{len(rules)} rules in {len(CATEGORIES)} checklists. Every design is checked against all of them; a finding "
    "can be accepted with a reason (a waiver) on the Board. The same catalog: `python -m mlsd rules`."
))
query = st.text_input("Search rules", placeholder="e.g. PII, cache, drift", help="Filters by id, title and text.")
q = query.strip().lower()
tabs = st.tabs(list(CATEGORIES.values()))
for tab, cat in zip(tabs, CATEGORIES, strict=True):
    with tab:
        shown = [r for r in rules if r.category == cat and (not q or q in f"{r.id} {r.title} {r.doc}".lower())]
        if not shown:
            st.info("No rule of this checklist matches the search.")
        for r in shown:
            with st.expander(f"{r.id} · {r.title}"):
                st.markdown(f"{SEVERITY_BADGE[r.severity]} **How to fix:** {r.fix}")
                st.text(r.doc)

st.header("How the numbers are computed", anchor=False)
st.markdown(small("Latency under load, capacity, failures and cost come from these models (`mlsd.analysis`); the "
                  "same text: `python -m mlsd rules --format markdown`. What a design declares stays its word; what is "
                  "computed from it is shown beside it, with its model named."))
for name, title, doc in model_docs():
    if q and q not in f"{title} {doc}".lower():
        continue
    with st.expander(f"{title} · mlsd.analysis.{name}"):
        st.markdown(doc)
