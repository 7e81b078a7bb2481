"""The palette (a Streamlit UI piece): every kind of block, grouped by catalog category, with a search box.

Clicking a kind adds a block of that kind (``mlsd.model.Component``) with the kind's default props at a free
spot of the canvas (beside the selected block when there is one) and selects it for editing.
"""

from __future__ import annotations

import streamlit as st

from components.board import state as bs
from components.common.markup import plain
from mlsd.catalog import CATEGORIES, KINDS, Kind, kinds_in
from mlsd.edit import GRID_X, add_block, free_spot
from mlsd.io import DesignError

SEARCH_KEY = "board.palette.search"
MAX_MATCHES = 25


def matches(query: str) -> list[Kind]:
    """Kinds whose id, label, purpose or category mention every word of ``query`` (case-insensitive)."""
    words = query.casefold().split()
    found = []
    for kind in KINDS.values():
        text = " ".join((kind.kind, kind.label, kind.purpose, CATEGORIES[kind.category].label)).casefold()
        if all(w in text for w in words):
            found.append(kind)
    return found


def add_kind(kind: str) -> None:
    """Callback of a palette button: add a block of ``kind`` and select it."""
    design = bs.design()
    near = None
    chosen = bs.selected()
    block = next((c for c in design.components if c.id == chosen), None)
    if block is not None:
        near = (block.position.x + GRID_X, block.position.y)
    try:
        new, block_id = add_block(design, kind, position=free_spot(design, near))
    except DesignError as exc:
        bs.flash("error", "Could not add the block: " + "; ".join(exc.problems))
        return
    bs.commit(new, push=True)
    bs.select(block_id)
    bs.show_panel("Inspector")
    bs.flash("success", f"Added {KINDS[kind].label}. Drag it into place, connect it from its right-hand handle.")


def _button(kind: Kind) -> None:
    st.button(
        f"{plain(kind.label)}",
        key=f"board.palette.add.{kind.kind}",
        help=f"{kind.purpose} ({kind.tier}) — click to add one to the canvas.",
        on_click=add_kind,
        args=(kind.kind,),
        icon=":material/add:",
        width="stretch",
    )


def show_palette() -> None:
    """The palette: a search box, then the kinds (matching the search, or all of them by category)."""
    st.markdown("**Add a block**", help="Every kind of building block, by category. Click one to place it on "
                "the canvas with its default props; then drag it into place and connect it.")
    query = st.text_input(
        "Search blocks",
        key=SEARCH_KEY,
        placeholder="cache, drift, feature store…",
        help="Type part of a block's name or purpose, e.g. 'ranking' or 'privacy'. Click a block to add it.",
        label_visibility="collapsed",
    )
    if query.strip():
        found = matches(query)
        if not found:
            st.caption(f"No block matches {plain(query.strip())!s}. Try a shorter word.")
        for kind in found[:MAX_MATCHES]:
            _button(kind)
        if len(found) > MAX_MATCHES:
            st.caption(f"{len(found) - MAX_MATCHES} more: type more of the name.")
        return
    for category in CATEGORIES.values():
        kinds = kinds_in(category.id)
        if not kinds:
            continue
        box = st.expander(f"{category.icon} {category.label} ({len(kinds)})", key=f"board.palette.cat.{category.id}",
                          on_change="rerun")
        if box.open:  # drawn only while open: a closed palette costs a rerun almost nothing
            with box:
                for kind in kinds:
                    _button(kind)
