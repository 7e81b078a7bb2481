"""The building-block catalog as a page section: one tab per category, one table row per kind."""

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


def show_catalog() -> None:
    """Draw the catalog: a tab per category with each kind's label, id, tier, purpose and default props."""
    tables = catalog_tables()
    total = sum(len(rows) for _, rows in tables)
    st.caption(
        f"{total} kinds of block in {len(tables)} categories. Each carries default numbers (latency, "
        "throughput per replica, cost) that a block can override in the Board's inspector."
    )
    for tab, (_, rows) in zip(st.tabs([title for title, _ in tables]), tables, strict=True):
        with tab:
            st.table(rows, hide_index=True)
