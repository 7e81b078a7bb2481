"""The Board's status line and whether the library moved on past the board's revision (a Streamlit UI piece).

The board's design is based on a revision (``state.LibraryDoc.revision``); a restore in History or the Library,
another tab or another person may have saved newer ones since. On every presence heartbeat (the fragment of
``components.board.presence``: the same timer, no second one) and every page run, the board asks the store for the
design's latest revision (``Store.latest_revision``: one row, no content) and, when it is newer, says so in the
status line with what made it, who and when: "Revision 3 in the library is newer (restored by local, 2 min ago)".
Two ways on: **Load it** puts the newest revision on the board (with unsaved changes the board asks first,
``state.request_replace``, as Open does); **Keep editing** shrinks the note to a reminder, since the next Save
merges the board's changes with the newer revision (``components.board.merging``).
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from components.board import state as bs
from components.board.merging import CONFLICT_KEY, pending_merge
from components.common.markup import plain
from components.common.people import person_name
from components.common.store import store
from mlsd.store import RevisionInfo, StoreError

DISMISSED_KEY = "board.newer.dismissed"  # (design id, revision number) the person chose to keep editing past
VERBS = ("restored", "renamed", "imported", "created", "duplicated")  # a revision message's first word, as written
# by mlsd.store.designs; anything else (the board's and the CLI's saves) reads "saved"


def ago(stamp: str, now: datetime | None = None) -> str:
    """'just now', '2 min ago', '3 h ago', '4 days ago' for a store time stamp (ISO-8601 UTC)."""
    try:
        then = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    seconds = ((now or datetime.now(UTC)) - then).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86400)
    return f"{days} day{'s' if days > 1 else ''} ago"


def made(info: RevisionInfo, now: datetime | None = None) -> str:
    """'restored by local, 2 min ago': what made a revision, who and when."""
    first = info.message.split(" ", 1)[0]
    verb = first if first in VERBS else "saved"
    return f"{verb} by {person_name(info.author)}, {ago(info.created_at, now)}"


def newer_revision(doc: bs.LibraryDoc) -> RevisionInfo | None:
    """The design's latest revision in the library when it is newer than the board's; None when the board is up to
    date or the store cannot say (a busy database: the note is a courtesy, the save still merges)."""
    try:
        latest = store().latest_revision(doc.design_id)
    except StoreError:
        return None
    return latest if latest.number > doc.revision else None


def status_text(dirty: bool, doc: bs.LibraryDoc | None) -> str:
    """'🟢 Saved · revision 2', '🟠 Unsaved changes (based on revision 2)', '⚪ Not in the library yet'."""
    if doc is None:
        text = "Not in the library yet" + (" · unsaved changes" if dirty else "")
    elif dirty:
        text = f"Unsaved changes (based on revision {doc.revision})"
    else:
        text = f"Saved · revision {doc.revision}"
    return ("🟠 " if dirty else "🟢 " if doc else "⚪ ") + text


def _load(design_id: str) -> None:
    """The newest revision onto the board, after asking when the board has unsaved changes; then the whole page
    runs again (a button in a fragment reruns only the fragment)."""
    try:
        revision = store().open(design_id)
    except StoreError as exc:
        bs.flash("error", f"Cannot load the newer revision: {exc}")
        st.rerun()
    st.session_state[CONFLICT_KEY] = None
    doc = bs.LibraryDoc(design_id, revision.number, revision.design.name)
    source = f"{revision.design.name!r} (revision {revision.number})"
    if bs.request_replace(bs.Pending(revision.design, source, doc, saved=True)):
        bs.flash("success", f"Loaded revision {revision.number} of {revision.design.name!r}.")
    st.rerun()


def _keep_editing(design_id: str, number: int) -> None:
    st.session_state[DISMISSED_KEY] = (design_id, number)


def show_status(doc: bs.LibraryDoc | None) -> None:
    """The status line; for a saved design, whether the library holds a newer revision, with Load it and Keep
    editing (or, once kept, a short reminder that the next save merges)."""
    dirty = bs.is_dirty()
    text = status_text(dirty, doc)
    # the conflict picker already offers to load their version (components.board.toolbar.show_conflict_exits)
    newer = newer_revision(doc) if doc is not None and pending_merge() is None else None
    if doc is None or newer is None:
        st.caption(text, width="content")
        return
    if st.session_state.get(DISMISSED_KEY) == (doc.design_id, newer.number):
        st.caption(f"{text} · the library has revision {newer.number}: your next save merges with it",
                   width="content")
        return
    with st.container(horizontal=True, vertical_alignment="center", gap="small", width="content",
                      key="board.newer"):
        st.caption(f"{text} · :blue[**Revision {newer.number} in the library is newer** "
                   f"({plain(made(newer))})]")
        asks = "you are asked before your unsaved changes go" if dirty else "the board has no unsaved changes"
        if st.button("Load it", key="board.newer.load", icon=":material/download:",
                     help=f"Put revision {newer.number} on the board; {asks}."):
            _load(doc.design_id)
        st.button("Keep editing", key="board.newer.keep", on_click=_keep_editing, type="tertiary",
                  args=(doc.design_id, newer.number),
                  help=f"Hide this note; your next save merges the board's design with revision {newer.number}.")
