"""The library table's pages (a Streamlit UI piece): which page to read, and First / Previous / Next / Last.

Pages are read by keyset cursor (``Store.list_designs(cursor=...)``, ``mlsd.store.keyset``): the page after (or
before) the rows on screen is read from where they end in the sort order, so the last page of 100,000 designs
comes as fast as the first. A cursor only knows its neighbours, so the pager moves one page at a time or to either
end, and says which page of how many is shown. ``LibKey.PAGE`` holds the cursor of the page on screen (None: the
first page); changing the search, tag, order or page size goes back to the first page (``first_page``).
"""

from __future__ import annotations

import streamlit as st

from components.common.store import store
from components.library.state import LibKey, state
from mlsd.store import LAST_PAGE, DesignPage, Order, StoreError

PAGE_SIZES = (10, 25, 50, 100)
DEFAULT_PAGE_SIZE = 25


def first_page() -> None:
    """Show the first page (of a new search, filter, order or page size)."""
    st.session_state[LibKey.PAGE.value] = None


def _go(cursor: str | None) -> None:
    st.session_state[LibKey.PAGE.value] = cursor


def read_page(search: str | None, tag: str | None, order: Order | None, trash: bool) -> DesignPage:
    """The page of designs to draw: the one the pager points at, else (a cursor of another listing, or a page
    emptied since by deletes) the first or the last page."""
    size = int(state(LibKey.PAGE_SIZE, DEFAULT_PAGE_SIZE))
    cursor = state(LibKey.PAGE)
    library = store()

    def read(at: str | None) -> DesignPage:
        return library.list_designs(search=search, tag=tag, order=order, limit=size, trash=trash, cursor=at)

    if not isinstance(cursor, str):
        return read(None)
    try:
        result = read(cursor)
    except StoreError:  # not a cursor of this listing: start again
        first_page()
        return read(None)
    if not result.items and result.total:
        _go(LAST_PAGE)
        result = read(LAST_PAGE)
    return result


def show_pager(result: DesignPage) -> None:
    """Which rows are shown, the page buttons, and the page size."""
    size = result.limit or DEFAULT_PAGE_SIZE
    pages = max(1, (result.total - 1) // size + 1)
    page = min(pages, result.offset // size + 1)
    shown = f"{result.offset + 1:,}–{result.offset + len(result.items):,} of {result.total:,}" if result.items \
        else f"0 of {result.total:,}"
    info_col, pages_col, size_col = st.columns([1.5, 3, 1], vertical_alignment="center")
    info_col.caption(f"Showing {shown}")
    if pages > 1:
        with pages_col, st.container(horizontal=True, gap="small", vertical_alignment="center",
                                     key="lib-pager"):
            at_start, at_end = result.previous_cursor is None, result.next_cursor is None
            st.button("First", key="lib.first", on_click=_go, args=(None,), icon=":material/first_page:",
                      disabled=at_start, help="The first page.")
            st.button("Previous", key="lib.previous", on_click=_go, args=(result.previous_cursor,),
                      icon=":material/chevron_left:", disabled=at_start, help="The page before this one.")
            st.caption(f"Page {page:,} of {pages:,}", width="content")
            st.button("Next", key="lib.next", on_click=_go, args=(result.next_cursor,),
                      icon=":material/chevron_right:", disabled=at_end, help="The page after this one.")
            st.button("Last", key="lib.last", on_click=_go, args=(LAST_PAGE,), icon=":material/last_page:",
                      disabled=at_end, help="The last page.")
    if result.total > PAGE_SIZES[0]:
        size_col.selectbox("Rows per page", PAGE_SIZES, index=PAGE_SIZES.index(DEFAULT_PAGE_SIZE),
                           key=LibKey.PAGE_SIZE.value, on_change=first_page, label_visibility="collapsed",
                           format_func=lambda n: f"{n} per page")
