"""The building-block catalog as a page section: a pill per category (they wrap, so none is cut off at any
width, where ten tabs ran off the strip), and one table row per kind of the category picked."""

from __future__ import annotations

import json

import streamlit as st

from mlsd.catalog import CATEGORIES, Kind, PropValue, kinds_in


def format_props(props: dict[str, PropValue]) -> str:
    """Default props as they are written in a design file, compactly: ``p99_ms: 5, autoscaling: false``."""
    return ", ".join(f"{name}: {json.dumps(value, ensure_ascii=False)}" for name, value in props.items())


def kind_row(kind: Kind) -> dict[str, str]:
    return {
        "Block": kind.label,
        "Kind id": kind.kind,
        "Tier": kind.tier,
        "What it is for": kind.purpose,
        "Default props": format_props(kind.props),
    }


@st.cache_data(show_spinner=False)
def catalog_tables() -> list[tuple[str, list[dict[str, str]]]]:
    """(tab title, rows) per category, in catalog order; categories without kinds are left out."""
    tables = []
    for category in CATEGORIES.values():
        rows = [kind_row(k) for k in kinds_in(category.id)]
        if rows:
            tables.append((f"{category.icon} {category.label} ({len(rows)})", rows))
    return tables


CATALOG_KEY = "home.catalog"


def show_catalog() -> None:
    """Draw the catalog: a pill per category, and the picked category's kinds (label, id, tier, purpose, props)."""
    tables = catalog_tables()
    total = sum(len(rows) for _, rows in tables)
    st.caption(
        f"{total} kinds of block in {len(tables)} categories. Each carries default numbers (latency, "
        "throughput per replica, cost) that a block can override in the Board's inspector."
    )
    if not tables:
        return
    titles = [title for title, _ in tables]
    if st.session_state.get(CATALOG_KEY) not in titles:
        st.session_state[CATALOG_KEY] = titles[0]
    chosen = st.pills("Category", titles, key=CATALOG_KEY, required=True, label_visibility="collapsed")
    st.table(dict(tables)[chosen or titles[0]], hide_index=True)
