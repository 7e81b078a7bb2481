"""What the library, history and shared pages share (a Streamlit UI piece): session keys, the store, messages and
moves to another page.

Widget callbacks run before the page script draws anything, so actions are callbacks; a callback cannot switch
page, so it asks for a page with ``go(...)`` and the page's script switches (``follow_go``) before drawing. Here
"component" means a Streamlit UI piece.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

import streamlit as st

from components.board import state as bs
from components.board.owner import release_board
from components.board.toolbar import CONFLICT_KEY
from components.common.markup import plain
from components.common.store import store
from mlsd.store import StoreError

FlashLevel = Literal["success", "info", "warning", "error"]
BOARD_PAGE = "pages/board.py"
LIBRARY_PAGE = "pages/library.py"
HISTORY_PAGE = "pages/history.py"


class LibKey(StrEnum):
    """Named ``st.session_state`` keys of the library, history and shared pages."""

    FLASH = "lib.flash"  # messages shown once on the next run: list of (level, text)
    GO = "lib.go"  # a page to switch to on the next run: (page, query params)
    VIEW = "lib.view"  # "Designs" or "Trash" (a segmented control)
    SEARCH = "lib.search"  # the search box
    TAG = "lib.tag"  # the tag filter (a selectbox; None = all tags)
    ORDER = "lib.order"  # the sort order (a selectbox)
    PAGE = "lib.page"  # the cursor of the table's page on screen, None for the first (``components.library.pager``)
    PAGE_SIZE = "lib.page_size"
    RENAMING = "lib.renaming"  # id of the design whose name is being edited, or None
    PREVIEW = "lib.preview"  # id of the design previewed read-only under its row, or None
    TRASHED = "lib.trashed"  # (id, name) of the design just moved to the trash (offers undo)
    PURGING = "lib.purging"  # id of the trashed design whose permanent deletion awaits confirmation
    EMPTYING = "lib.emptying"  # True while "empty the trash" awaits confirmation
    UPLOAD_GEN = "lib.upload_gen"  # bumped after an import, which gives the uploader a new (empty) key
    IMPORTED = "lib.imported"  # the last import's outcome: (names imported, [(file, problems)])
    HIST_TAB = "hist.tab"  # the history page's active tab
    HIST_VIEW = "hist.view"  # the revision shown read-only on the history page
    HIST_PAGE = "hist.page"  # the revision list's page number
    DIFF_OLD = "hist.diff_old"  # revision numbers compared (selectboxes)
    DIFF_NEW = "hist.diff_new"
    DIFF_FOCUS = "hist.diff_focus"  # the diagrams show only the changes and their neighbours (a toggle)
    SHARE_PIN = "share.pin"  # what a new share link points to: 0 (the latest) or a revision number
    SHARE_NEW = "share.new"  # (design id, token) of the link created last, shown until another is made
    SHARED_COPY = "shared.copied"  # (token, new design id, name) after "copy to my library"


def flash(level: FlashLevel, text: str) -> None:
    """A message shown once at the top of the next run."""
    items: list[tuple[FlashLevel, str]] = st.session_state.setdefault(LibKey.FLASH.value, [])
    items.append((level, text))


def show_flash() -> None:
    """The messages of the last actions: successes and notes as toasts, problems on the page."""
    items: list[tuple[FlashLevel, str]] = st.session_state.get(LibKey.FLASH.value) or []
    st.session_state[LibKey.FLASH.value] = []
    for level, text in items:
        if level in ("success", "info"):
            st.toast(plain(text), icon="✅" if level == "success" else "ℹ️")
        else:
            getattr(st, level)(plain(text))


def failed(action: str, exc: StoreError) -> None:
    """A store error as a message: what was not done, and why."""
    flash("error", f"{action}: {exc}")


def go(page: str, **query: str) -> None:
    """Ask for ``page`` (with query parameters); the page's script switches there before drawing."""
    st.session_state[LibKey.GO.value] = (page, dict(query))


def follow_go() -> None:
    """Switch to the page a callback asked for, if any (call first thing in a page script)."""
    target: tuple[str, Mapping[str, str]] | None = st.session_state.get(LibKey.GO.value)
    if target is None:
        return
    st.session_state[LibKey.GO.value] = None
    page, query = target
    st.switch_page(page, query_params=dict(query) or None)


def open_on_board(design_id: str) -> None:
    """Put the latest revision of a design on the board and go there (the board asks first when it has unsaved
    changes)."""
    try:
        revision = store().open(design_id)
    except StoreError as exc:
        failed("Not opened", exc)
        return
    release_board()  # the board's own state, not a practice session's
    doc = bs.LibraryDoc(design_id, revision.number, revision.design.name)
    st.session_state[CONFLICT_KEY] = None
    pending = bs.Pending(revision.design, f"{revision.design.name!r} (revision {revision.number})", doc, saved=True)
    if bs.request_replace(pending):
        bs.flash("success", f"Opened {revision.design.name!r}, revision {revision.number}.")
    go(BOARD_PAGE)


def show_history(design_id: str, tab: str | None = None) -> None:
    """Go to the history page of a design (optionally on one of its tabs)."""
    if tab is not None:
        st.session_state[LibKey.HIST_TAB.value] = tab
    st.session_state[LibKey.HIST_VIEW.value] = None
    go(HISTORY_PAGE, design=design_id)


def page_of(key: LibKey) -> int:
    """The page number kept under ``key`` (1 when none)."""
    page = st.session_state.get(key.value, 1)
    return page if isinstance(page, int) and not isinstance(page, bool) and page >= 1 else 1


def set_page(key: LibKey, page: int) -> None:
    """Go to ``page``: the page buttons are drawn afresh with it (Python never writes a widget's value)."""
    st.session_state[key.value] = page
    st.session_state[f"{key.value}.gen"] = int(st.session_state.get(f"{key.value}.gen", 0)) + 1


def _on_page(key: LibKey, widget: str) -> None:
    st.session_state[key.value] = int(st.session_state[widget])


def show_pages(key: LibKey, num_pages: int) -> None:
    """Page buttons for the page number under ``key`` (clamped to ``num_pages``)."""
    page = min(page_of(key), num_pages)
    widget = f"{key.value}.buttons.{st.session_state.get(f'{key.value}.gen', 0)}"
    st.pagination(num_pages, default=page, key=widget, on_change=_on_page, args=(key, widget), max_visible_pages=7)


def state(key: LibKey, default: Any = None) -> Any:
    """The session value under ``key``, or ``default``."""
    return st.session_state.get(key.value, default)
