"""A design's revisions (a Streamlit UI piece): the list (newest first, paged), each revision viewable read-only,
restorable (as a new revision: history is never rewritten) and comparable with the one before; and the picker
shown when the history page is opened without a design.
"""

from __future__ import annotations

import streamlit as st

from components.common.markup import plain, plural
from components.common.people import person_markdown, unlinked
from components.common.store import may_edit, store
from components.library.readonly import show_readonly
from components.library.state import LibKey, failed, flash, page_of, set_page, show_pages, state
from mlsd.store import DesignSummary, RevisionInfo, StoreError

PAGE_SIZE = 20
WIDTHS = [0.4, 1.2, 2.2, 0.8, 0.8, 1.0, 0.7, 3.8]
HEADERS = ("#", "Saved (UTC)", "Message", "Author", "Errors", "Warnings", "Checks passed", "")
TABS = ("Revisions", "Compare", "Share")
PICKER_SEARCH = "hist.pick_search"
PICKER_SIZE = 12


def _on_view(number: int) -> None:
    st.session_state[LibKey.HIST_VIEW.value] = None if state(LibKey.HIST_VIEW) == number else number


def _on_restore(design_id: str, number: int) -> None:
    try:
        info = store().restore_revision(design_id, number)
    except StoreError as exc:
        failed("Not restored", exc)
        return
    st.session_state[LibKey.HIST_VIEW.value] = None
    set_page(LibKey.HIST_PAGE, 1)
    flash("success", f"Restored revision {number} as the new revision {info.number}.")


def _on_changes(number: int) -> None:
    """Compare a revision with the one before it."""
    st.session_state[LibKey.DIFF_OLD.value] = number - 1
    st.session_state[LibKey.DIFF_NEW.value] = number
    st.session_state[LibKey.HIST_TAB.value] = "Compare"


def _on_pick(design_id: str) -> None:
    st.query_params["design"] = design_id


def show_header(summary: DesignSummary) -> None:
    """Name, description and the state of the design."""
    st.header(plain(summary.name), anchor=False)
    facts = [plural(summary.revisions, "revision"), f"last saved {summary.updated_at[:16].replace('T', ' ')} UTC"]
    if summary.tags:
        facts.append("tags: " + ", ".join(summary.tags))
    st.caption(plain(" · ".join(facts)))
    if summary.in_trash:
        st.warning("This design is in the trash: you can look at its history, but restore it from the Library's "
                   "Trash before changing or sharing it.", icon=":material/delete:")


def show_revisions(design_id: str, history: list[RevisionInfo], live: bool) -> None:
    """The revisions, newest first, with view, restore and "changes" (compare with the one before)."""
    newest_first = history[::-1]
    latest = newest_first[0].number
    pages = max(1, (len(newest_first) - 1) // PAGE_SIZE + 1)
    page = min(page_of(LibKey.HIST_PAGE), pages)
    st.caption("Every save is kept. View any revision, compare it with the one before, or restore it: restoring "
               "saves it again as the newest revision, so nothing is lost.")
    cols = st.columns(WIDTHS, vertical_alignment="bottom")
    for col, text in zip(cols, HEADERS, strict=True):
        if text:
            col.markdown(f"**{text}**")
    viewing = state(LibKey.HIST_VIEW)
    editable = may_edit(design_id)
    for info in newest_first[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]:
        n = info.number
        with st.container(key=f"hist-rev-{n}"):
            cols = st.columns(WIDTHS, vertical_alignment="center")
            cols[0].markdown(f"**{n}**")
            cols[1].markdown(info.created_at[:16].replace("T", " "))
            cols[2].markdown((unlinked(info.message) if info.message else ":gray[—]")
                             + (" :green-badge[latest]" if n == latest else ""))
            cols[3].markdown(person_markdown(info.author, fallback=":gray[—]"))
            cols[4].markdown(f"⛔ **{info.checks.errors}**" if info.checks.errors else "0")
            cols[5].markdown(f"⚠️ **{info.checks.warnings}**" if info.checks.warnings else "0")
            cols[6].markdown("—" if info.checks.score is None else str(info.checks.score))
            with cols[7], st.container(horizontal=True, gap="small"):
                st.button("Hide" if viewing == n else "View", key=f"hist.view.{n}", on_click=_on_view, args=(n,),
                          icon=":material/visibility:", help="Show this revision read-only below.")
                st.button("Changes", key=f"hist.changes.{n}", on_click=_on_changes, args=(n,),
                          icon=":material/compare:", disabled=n == 1,
                          help="Compare it with the revision before it.")
                st.button("Restore", key=f"hist.restore.{n}", on_click=_on_restore, args=(design_id, n),
                          icon=":material/restore:", disabled=n == latest or not live or not editable,
                          help="Save this revision again as the newest one (the revisions after it stay)."
                          if editable else "Only the design's editors and owners can restore a revision.")
            if viewing == n:
                _show_revision(design_id, n)
    if pages > 1:
        show_pages(LibKey.HIST_PAGE, pages)


def _show_revision(design_id: str, number: int) -> None:
    try:
        revision = store().open(design_id, number)
    except StoreError as exc:
        st.error(f"Revision {number} cannot be opened: {plain(str(exc))}")
        return
    with st.container(border=True):
        st.markdown(f"**Revision {number}** (read-only) · saved {revision.created_at[:16].replace('T', ' ')} UTC")
        show_readonly(revision.design, key=f"hist.canvas.{design_id}.{number}")


def show_picker() -> None:
    """No design chosen: search the library and pick one."""
    st.header("History", anchor=False)
    st.info("Pick a design to see its revisions, compare two of them, and share it. On the Board, the toolbar's "
            "**History** shows the revisions of the design you are drawing; the Library's **More → History & diff** "
            "opens this page for any design.", icon=":material/history:")
    query = st.text_input("Find a design", key=PICKER_SEARCH, placeholder="Words in names, notes or block labels")
    try:
        found = store().list_designs(search=query.strip() or None, limit=PICKER_SIZE)
    except StoreError as exc:
        st.error(f"The library cannot be read: {plain(str(exc))}")
        return
    if not found.items:
        st.caption("No design matches." if query.strip() else "The library is empty: save a design on the Board.")
    for item in found.items:
        st.button(f"{plain(item.name)} · {plural(item.revisions, 'revision')}", key=f"hist.pick.{item.id}",
                  on_click=_on_pick, args=(item.id,), icon=":material/history:")
    if found.total > len(found.items):
        st.caption(f"{found.total - len(found.items)} more: type words to narrow the list.")
