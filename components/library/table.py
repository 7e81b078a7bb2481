"""The library table (a Streamlit UI piece): search, tag filter, sort, one page of designs, and each design's
actions; the trash with restore and delete-for-good (confirmed).

Only one page of designs is read and drawn per run (``Store.list_designs`` with a limit and a keyset cursor,
``components.library.pager``), so the page stays fast with any number of designs. Every action is a callback (it
runs before the table is drawn, so the table shows its effect); moving to another page goes through
``components.library.state.go``.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from components.common.markup import plain
from components.common.store import store
from components.library.pager import first_page, read_page, show_pager
from components.library.preview import show_preview
from components.library.state import (
    LibKey,
    failed,
    flash,
    open_on_board,
    show_history,
    state,
)
from mlsd.io import DesignError
from mlsd.store import DesignPage, DesignSummary, Order, StoreError
from mlsd.store.library import RANK_LIMIT
from mlsd.store.workspaces import at_least

VIEWS = ("Designs", "Trash")
ORDERS: dict[str, Order] = {
    "Best match": "relevance",
    "Last updated": "updated",
    "Name": "name",
    "Most checks passed": "score",
    "Most errors": "errors",
}
PREVIEW, HISTORY, SHARE = "Preview", "History & diff", "Share…"
RENAME, DUPLICATE, TRASH = "Rename…", "Duplicate", "Move to trash"
ROW_ACTIONS = (PREVIEW, HISTORY, SHARE, RENAME, DUPLICATE, TRASH)
VIEWER_ACTIONS = (PREVIEW, HISTORY)  # what a viewer of the design's workspace may do (sign-in: mlsd.store.access)
WIDTHS = [2.7, 1.5, 1.2, 1.05, 0.75, 1.05, 0.8, 2.6]
HEADERS = ("Name", "Tags", "Updated (UTC)", "Revisions", "Errors", "Warnings", "Checks passed", "")


@dataclass(frozen=True)
class Filters:
    search: str
    tag: str | None
    order: Order


def when(stamp: str | None) -> str:
    """An ISO time stamp as ``2025-11-28 13:55`` (UTC)."""
    return "—" if not stamp else stamp[:16].replace("T", " ")


def tags_cell(tags: tuple[str, ...], shown: int = 3) -> str:
    """The first few tags, and how many more."""
    if not tags:
        return ":gray[—]"
    more = f" :gray[+{len(tags) - shown}]" if len(tags) > shown else ""
    return plain(", ".join(tags[:shown])) + more


def counts_cell(value: int, icon: str) -> str:
    return f"{icon} **{value}**" if value else "0"


def score_cell(score: int | None) -> str:
    return "—" if score is None else f"{score}/100"


def _on_view() -> None:
    first_page()
    st.session_state[LibKey.TRASHED.value] = None
    st.session_state[LibKey.PURGING.value] = None
    st.session_state[LibKey.EMPTYING.value] = False


# -- callbacks ----------------------------------------------------------------------------------------------


def _on_open(design_id: str) -> None:
    open_on_board(design_id)


def _on_action(design_id: str, name: str, key: str) -> None:
    choice = st.session_state.get(key)
    if choice == PREVIEW:
        st.session_state[LibKey.PREVIEW.value] = None if state(LibKey.PREVIEW) == design_id else design_id
    elif choice == HISTORY:
        show_history(design_id)
    elif choice == SHARE:
        show_history(design_id, tab="Share")
    elif choice == RENAME:
        st.session_state[LibKey.RENAMING.value] = design_id
        st.session_state[f"lib.rename.{design_id}"] = name
    elif choice == DUPLICATE:
        try:
            info = store().duplicate(design_id)
        except StoreError as exc:
            failed("Not duplicated", exc)
            return
        first_page()
        flash("success", f"Duplicated as {info.name!r}.")
    elif choice == TRASH:
        try:
            store().delete(design_id)
        except StoreError as exc:
            failed("Not moved to the trash", exc)
            return
        st.session_state[LibKey.TRASHED.value] = (design_id, name)


def _on_rename(design_id: str) -> None:
    name = str(st.session_state.get(f"lib.rename.{design_id}") or "").strip()
    if not name:
        flash("error", "Not renamed: a design needs a name.")
        return
    try:
        info = store().rename(design_id, name)
    except StoreError as exc:
        failed("Not renamed", exc)
        return
    except DesignError as exc:
        flash("error", "Not renamed: " + "; ".join(exc.problems))
        return
    st.session_state[LibKey.RENAMING.value] = None
    flash("success", f"Renamed to {info.name!r} (revision {info.number}).")


def _on_cancel_rename() -> None:
    st.session_state[LibKey.RENAMING.value] = None


# -- drawing ------------------------------------------------------------------------------------------------


def show_view_switch(in_trash: int) -> str:
    """Designs or Trash; returns the view chosen."""
    if state(LibKey.VIEW) not in VIEWS:
        st.session_state[LibKey.VIEW.value] = VIEWS[0]
    choice = st.segmented_control(
        "Show", VIEWS, key=LibKey.VIEW.value, required=True, on_change=_on_view, label_visibility="collapsed",
        format_func=lambda v: f"Trash ({in_trash})" if v == "Trash" else v,
        help="The designs in the library, or those moved to the trash (restorable until deleted for good).",
    )
    return str(choice or VIEWS[0])


def show_filters(tags: list[tuple[str, int]]) -> Filters:
    """Search box, tag filter and sort order."""
    search_col, tag_col, order_col = st.columns([3.2, 1.4, 1.2], vertical_alignment="bottom")
    search = search_col.text_input(
        "Search", key=LibKey.SEARCH.value, on_change=first_page, placeholder="Words in names, notes or block labels",
        help="Finds designs whose name, notes or block labels contain every word (word beginnings match: "
             "'rank' finds 'ranking').",
    )
    options: list[str | None] = [None, *(t for t, _ in tags)]
    counts = dict(tags)
    if state(LibKey.TAG) not in options:
        st.session_state[LibKey.TAG.value] = None
    tag = tag_col.selectbox(
        "Tag", options, key=LibKey.TAG.value, on_change=first_page,
        format_func=lambda t: "All tags" if t is None else f"{t} ({counts.get(t, 0)})",
        help="Show only the designs that carry this tag.",
    )
    orders = [o for o in ORDERS if search.strip() or ORDERS[o] != "relevance"]
    if state(LibKey.ORDER) not in orders:
        st.session_state[LibKey.ORDER.value] = orders[0]
    order = order_col.selectbox(
        "Sort by", orders, key=LibKey.ORDER.value, on_change=first_page,
        help=f"Best match ranks the designs by how well they match the words; when more than {RANK_LIMIT:,} match, "
             f"it ranks the {RANK_LIMIT:,} most recently updated and lists the others after them, newest first.",
    )
    chosen = ORDERS.get(str(order), "updated")
    return Filters(search.strip(), tag, chosen)


def fetch_page(filters: Filters | None, trash: bool) -> DesignPage:
    """The page of designs to draw (``components.library.pager``)."""
    if filters is None:
        return read_page(None, None, None, trash)
    return read_page(filters.search or None, filters.tag, filters.order, trash)


def header(widths: list[float], headers: tuple[str, ...]) -> None:
    cols = st.columns(widths, vertical_alignment="bottom")
    for col, text in zip(cols, headers, strict=True):
        if text:
            col.markdown(f"**{text}**")


def name_cell(item: DesignSummary) -> str:
    text = f"**{plain(item.name)}**"
    if item.description.strip():
        desc = item.description.strip()
        text += f"  \n:gray[{plain(desc if len(desc) <= 90 else desc[:89] + '…')}]"
    return text


def _row(item: DesignSummary, editable: bool = True) -> None:
    with st.container(key=f"lib-row-{item.id}"):
        cols = st.columns(WIDTHS, vertical_alignment="center")
        cols[0].markdown(name_cell(item))
        cols[1].markdown(tags_cell(item.tags))
        cols[2].markdown(when(item.updated_at))
        cols[3].markdown(str(item.revisions))
        cols[4].markdown(counts_cell(item.errors, "⛔"))
        cols[5].markdown(counts_cell(item.warnings, "⚠️"))
        cols[6].markdown(score_cell(item.score))
        with cols[7], st.container(horizontal=True, gap="small"):
            st.button("Open", key=f"lib.open.{item.id}", on_click=_on_open, args=(item.id,), icon=":material/draw:",
                      help="Open the latest revision on the Board to edit it.")
            key = f"lib.act.{item.id}"
            st.menu_button("More", ROW_ACTIONS if editable else VIEWER_ACTIONS, key=key, on_click=_on_action,
                           args=(item.id, item.name, key), icon=":material/more_vert:",
                           help="Preview, history and diff, share, rename, duplicate, delete." if editable else
                           "Preview, history and diff (you are a viewer of this design's workspace).")
        if state(LibKey.RENAMING) == item.id:
            _rename_form(item)
        if state(LibKey.PREVIEW) == item.id:
            show_preview(item)


def _rename_form(item: DesignSummary) -> None:
    with st.container(border=True):
        text_col, ok_col, cancel_col = st.columns([4, 1, 1], vertical_alignment="bottom")
        text_col.text_input("New name", key=f"lib.rename.{item.id}", max_chars=200,
                            help="At most 200 characters; the rename is saved as a new revision.")
        ok_col.button("Rename", key=f"lib.rename_ok.{item.id}", on_click=_on_rename, args=(item.id,), type="primary",
                      width="stretch")
        cancel_col.button("Cancel", key=f"lib.rename_cancel.{item.id}", on_click=_on_cancel_rename, width="stretch")


def show_designs(result: DesignPage, filters: Filters) -> None:
    """The page of designs, or what to do when there is none."""
    if not result.items:
        if filters.search or filters.tag:
            what = f"matches “{plain(filters.search)}”" if filters.search else ""
            if filters.tag:
                what += (" and " if what else "") + f"carries the tag “{plain(filters.tag)}”"
            st.info(f"No design {what}. Try fewer or shorter words, or another tag.", icon=":material/search_off:")
        else:
            show_empty_library()
        return
    if filters.search and filters.order == "relevance" and result.total > RANK_LIMIT:
        st.caption(f"Best match: the {RANK_LIMIT:,} most recently updated of the {result.total:,} matches ranked, "
                   "then the others newest first.")
    header(WIDTHS, HEADERS)
    roles = store().roles_for(item.id for item in result.items)
    for item in result.items:
        _row(item, at_least(roles.get(item.id), "editor"))
    show_pager(result)


def show_empty_library() -> None:
    """What a new user sees: where designs come from."""
    st.info("The library is empty. Draw a design on the **Board** and press **Save**, or **Import** design files "
            "(.json, .yaml).", icon=":material/library_add:")
    st.page_link("pages/board.py", label="Go to the Board", icon=":material/draw:")
