"""The Board's side panel of versions and share links (a Streamlit UI piece): what the toolbar's History and Share
buttons open beside the canvas.

History lists the board's design's revisions newest first, each with its time, author, message and checks, and
the three things the History page does with one: View (read-only, on the same canvas, in a dialog), Changes
(the diff with the revision before it, in a dialog: ``components.library.diff``) and Restore (saved again as the
newest revision, which the board then opens; it asks first when the board has unsaved changes). Share creates,
lists and revokes read-only links (``components.library.share``). A design not saved yet has no history and
cannot be shared: the panel says so. Under the revisions, "Activity" lists the design's audit log (who changed
what and when: ``components.library.activity``). Data comes from ``mlsd.store``; user text goes through
``markup.plain``.
"""

from __future__ import annotations

import streamlit as st

from components.board import state as bs
from components.board.toolbar import CONFLICT_KEY, close_side
from components.common.design_view import figures_of, show_design
from components.common.markup import plain, plural
from components.common.people import person_markdown, unlinked
from components.common.store import store
from components.library.activity import show_activity
from components.library.diff import show_pair
from components.library.share import show_share_panel
from components.library.state import HISTORY_PAGE
from mlsd.store import NotFound, RevisionInfo, StoreError

PANEL_PAGE = "board.versions.page"  # how many revisions the panel lists (it grows by SHOWN with "Show more")
SHOWN = 8


def when(info: RevisionInfo) -> str:
    return info.created_at[:16].replace("T", " ") + " UTC"


def checks_line(info: RevisionInfo) -> str:
    """'⛔ 1 error · ⚠️ 2 warnings · 87/100' of a revision, as saved."""
    c = info.checks
    parts = [f"⛔ {plural(c.errors, 'error')}" if c.errors else "no errors",
             f"⚠️ {plural(c.warnings, 'warning')}" if c.warnings else "no warnings"]
    if c.score is not None:
        parts.append(f"{c.score}/100 checks passed")
    return " · ".join(parts)


def _view(design_id: str, number: int) -> None:
    st.dialog(f"Revision {number}", width="large")(_revision_body)(design_id, number)


def _revision_body(design_id: str, number: int) -> None:
    try:
        revision = store().open(design_id, number)
    except StoreError as exc:
        st.error(f"Revision {number} cannot be opened: {plain(str(exc))}")
        return
    st.caption(f"Revision {number}, saved {when(revision)} · read-only")
    show_design(revision.design, figures_of(revision.design), key=f"board.versions.canvas.{design_id}.{number}")


def _changes(design_id: str, number: int) -> None:
    st.dialog(f"Changes in revision {number}", width="large")(_changes_body)(design_id, number)


def _changes_body(design_id: str, number: int) -> None:
    st.caption(f"What changed from revision {number - 1} to revision {number}.")
    show_pair(design_id, number - 1, number)


def _on_restore(design_id: str, number: int) -> None:
    try:
        info = store().restore_revision(design_id, number)
        revision = store().open(design_id, info.number)
    except StoreError as exc:
        bs.flash("error", f"Not restored: {exc}")
        return
    st.session_state[CONFLICT_KEY] = None
    doc = bs.LibraryDoc(design_id, info.number, revision.design.name)
    if bs.request_replace(bs.Pending(revision.design, f"revision {info.number} (revision {number} restored)", doc,
                                     saved=True)):
        bs.flash("success", f"Restored revision {number} as the new revision {info.number}; the board shows it.")


def _on_more() -> None:
    st.session_state[PANEL_PAGE] = int(st.session_state.get(PANEL_PAGE, SHOWN)) + SHOWN


def _header(title: str) -> None:
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"**{title}**")
        st.button("Close", key="board.side.close", on_click=close_side, icon=":material/close:", type="tertiary",
                  help="Back to the findings, inspector and requirements.")


def _history(design_id: str) -> list[RevisionInfo] | None:
    try:
        return store().history(design_id)
    except NotFound:
        st.warning("This design is no longer in the library (it was deleted for good). Save keeps it as a new "
                   "design.", icon=":material/help:")
    except StoreError as exc:
        st.error(f"The library cannot be read: {plain(str(exc))}", icon=":material/database:")
    return None


def _revision(design_id: str, info: RevisionInfo, latest: int, on_board: int) -> None:
    n = info.number
    with st.container(border=True, key=f"board-rev-{n}", gap="small"):
        tags = (" :green-badge[latest]" if n == latest else "") + (" :blue-badge[on the board]" if n == on_board
                                                                    else "")
        st.markdown(f"**Revision {n}**{tags}")
        who = f" · {person_markdown(info.author)}" if info.author else ""
        st.caption(f"{when(info)}{who}  \n{unlinked(info.message) if info.message else 'no message'}  \n"
                   f"{checks_line(info)}")
        with st.container(horizontal=True, gap="small"):
            if st.button("View", key=f"board.rev.view.{n}", icon=":material/visibility:",
                         help="Look at this revision read-only."):
                _view(design_id, n)
            if st.button("Changes", key=f"board.rev.changes.{n}", icon=":material/compare:", disabled=n == 1,
                         help="What changed since the revision before it."):
                _changes(design_id, n)
            st.button("Restore", key=f"board.rev.restore.{n}", on_click=_on_restore, args=(design_id, n),
                      icon=":material/restore:", disabled=n == latest,
                      help="Save this revision again as the newest one and open it on the board (the revisions "
                           "after it stay).")


def show_history_panel(height: int) -> None:
    """The board's design's revisions, newest first, with view, changes and restore."""
    _header(":material/history: History")
    doc = bs.doc()
    if doc is None:
        st.info("This design is not in the library yet: **Save** it, and every save is kept here as a revision "
                "you can look at, compare and restore.", icon=":material/save:")
        return
    history = _history(doc.design_id)
    if not history:
        return
    newest_first = history[::-1]
    shown = int(st.session_state.get(PANEL_PAGE, SHOWN))
    st.caption(f"{plural(len(history), 'revision')} of {plain(doc.name)}. Restoring saves an old revision again as "
               "the newest: nothing is lost.")
    with st.container(height=height, border=False):
        for info in newest_first[:shown]:
            _revision(doc.design_id, info, newest_first[0].number, doc.revision)
        if len(newest_first) > shown:
            st.button(f"Show {min(SHOWN, len(newest_first) - shown)} more", key="board.versions.more",
                      on_click=_on_more, icon=":material/expand_more:", type="tertiary")
        st.page_link(HISTORY_PAGE, label="Compare any two revisions", icon=":material/compare_arrows:",
                     query_params={"design": doc.design_id})
        st.markdown("**:material/manage_history: Activity**")
        show_activity(store(), doc.design_id)


def show_share_side(height: int) -> None:
    """Create, list and revoke the board's design's read-only links."""
    _header(":material/share: Share")
    doc = bs.doc()
    if doc is None:
        st.info("A share link shows a saved revision: **Save** the design first, then create a link here.",
                icon=":material/save:")
        return
    history = _history(doc.design_id)
    if not history:
        return
    if bs.is_dirty():
        st.caption("The board has unsaved changes: a link shows saved revisions only.")
    with st.container(height=height, border=False):
        show_share_panel(doc.design_id, history, "board", narrow=True)
