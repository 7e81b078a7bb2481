"""The Board's Comments panel (a Streamlit UI piece): review threads on the design's blocks, connections and
findings — start one on the selected block or connection (or on a finding), reply, resolve, reopen.

Threads live in the library (``mlsd.store``, kept with the revision they were made on), so the design must be
saved first. ``mlsd.comments`` places them on the board's design: live while their anchor is there, outdated
when it is gone (still listed, never dropped). The author is the signed-in person (``UserStore`` records it).
Refused text (empty, over 10,000 characters, control characters) shows the store's message under the form and
nothing is written.
"""

from __future__ import annotations

import streamlit as st

from components.board import state as bs
from components.common.comment_view import show_thread_body
from components.common.markup import plain, plural
from components.common.store import store
from mlsd.comments import PlacedThread, anchor_label, badge_counts, place
from mlsd.model import Design
from mlsd.rules import Report
from mlsd.store import MAX_COMMENT, CommentThread, StoreError

ANCHOR_KEY = "board.comments.anchor"  # "kind:id" of the anchor a new thread goes on
FOLLOW_KEY = "board.comments.follow"  # the canvas selection the anchor last followed
NEW_KEY = "board.comments.new"
ERROR_KEY = "board.comments.error"  # (where, message) of the last refused write: "new" or a thread id
RESOLVED_KEY = "board.comments.resolved"


def anchors(design: Design, report: Report) -> dict[str, str]:
    """Every anchor a new thread can go on, "kind:id" -> how it reads: blocks, connections, open findings."""
    found = {f.id: f.title for f in report.active}
    options = {f"block:{c.id}": f"Block · {c.title}" for c in design.components}
    options |= {f"connection:{e.id}": f"Connection · {anchor_label('connection', e.id, design)}"
                for e in design.connections}
    options |= {f"finding:{fid}": f"Finding · {anchor_label('finding', fid, design, found)}" for fid in found}
    return options


def board_threads(design: Design, report: Report) -> tuple[list[PlacedThread], str | None]:
    """The saved design's threads placed on the board's design, or an error message when the library fails."""
    doc = bs.doc()
    if doc is None:
        return [], None
    try:
        threads: list[CommentThread] = store().threads(doc.design_id)
    except StoreError as exc:
        return [], str(exc)
    return place(threads, design, None, {f.id: f.title for f in report.active}), None


def comment_badges(design: Design, report: Report) -> dict[str, int]:
    """Open live threads per block and connection, for the canvas badges."""
    return badge_counts(board_threads(design, report)[0])


def _refused(where: str, exc: StoreError) -> None:
    st.session_state[ERROR_KEY] = (where, f"Not saved: {exc}")


def _on_new(design_id: str, revision: int) -> None:
    kind, _, anchor = str(st.session_state.get(ANCHOR_KEY, "")).partition(":")
    try:
        store().create_thread(design_id, kind, anchor, str(st.session_state.get(NEW_KEY, "")), revision=revision)
    except StoreError as exc:
        if "has no" in str(exc) and kind in ("block", "connection"):
            exc = StoreError(f"the {kind} is not in the saved revision yet; save the design, then comment on it")
        _refused("new", exc)
        return
    st.session_state[NEW_KEY] = ""
    st.session_state[ERROR_KEY] = None


def _on_reply(thread_id: str) -> None:
    key = f"board.comments.reply.{thread_id}"
    try:
        store().reply(thread_id, str(st.session_state.get(key, "")))
    except StoreError as exc:
        _refused(thread_id, exc)
        return
    st.session_state[key] = ""
    st.session_state[ERROR_KEY] = None


def _on_resolve(thread_id: str, resolve: bool) -> None:
    try:
        if resolve:
            store().resolve_thread(thread_id)
        else:
            store().reopen_thread(thread_id)
    except StoreError as exc:
        _refused(thread_id, exc)
        return
    st.session_state[ERROR_KEY] = None


def _error_for(where: str) -> None:
    error = st.session_state.get(ERROR_KEY)
    if error and error[0] == where:
        st.error(plain(error[1]), icon=":material/block:")


def _follow_selection(options: dict[str, str]) -> None:
    """The anchor follows what is selected on the canvas (or in the inspector) when that changes."""
    chosen = bs.selected()
    if chosen != st.session_state.get(FOLLOW_KEY):
        st.session_state[FOLLOW_KEY] = chosen
        for kind in ("block", "connection"):
            if f"{kind}:{chosen}" in options:
                st.session_state[ANCHOR_KEY] = f"{kind}:{chosen}"
    if st.session_state.get(ANCHOR_KEY) not in options:
        st.session_state[ANCHOR_KEY] = next(iter(options))


def _show_new(design_id: str, revision: int, options: dict[str, str]) -> None:
    _follow_selection(options)
    with st.container(border=True, key="board-comments-form"):
        st.selectbox("Comment on", list(options), key=ANCHOR_KEY, format_func=lambda k: options.get(k, k),
                     help="Select a block or connection on the canvas to pick it here; findings are listed too.")
        st.text_area("New comment", key=NEW_KEY, height=80, max_chars=MAX_COMMENT,
                     placeholder="Ask a question or suggest a change…")
        st.button("Comment", key="board.comments.add", on_click=_on_new, args=(design_id, revision),
                  icon=":material/add_comment:", type="primary")
        _error_for("new")


def _show_thread(p: PlacedThread) -> None:
    t = p.thread
    with st.container(border=True, key=f"board-thread-{t.id}"):
        show_thread_body(p)
        st.text_input("Reply", key=f"board.comments.reply.{t.id}", max_chars=MAX_COMMENT,
                      label_visibility="collapsed", placeholder="Reply…")
        with st.container(horizontal=True, gap="small"):
            st.button("Reply", key=f"board.comments.send.{t.id}", on_click=_on_reply, args=(t.id,),
                      icon=":material/reply:")
            if t.resolved:
                st.button("Reopen", key=f"board.comments.reopen.{t.id}", on_click=_on_resolve, args=(t.id, False),
                          icon=":material/undo:")
            else:
                st.button("Resolve", key=f"board.comments.resolve.{t.id}", on_click=_on_resolve, args=(t.id, True),
                          icon=":material/check_circle:")
        _error_for(t.id)


def show_comments(design: Design, report: Report) -> None:
    """The Comments panel: a new thread on the selected anchor, then the threads (open first; resolved on
    request), each with its replies, a reply box and resolve / reopen."""
    doc = bs.doc()
    if doc is None:
        st.info("Review comments are kept with the design's revisions: **Save** the design first, then comment on "
                "its blocks, connections and findings here.", icon=":material/save:")
        return
    placed, error = board_threads(design, report)
    if error:
        st.error(f"The comments cannot be read: {plain(error)}", icon=":material/database:")
        return
    options = anchors(design, report)
    if options:
        _show_new(doc.design_id, doc.revision, options)
    else:
        st.caption("Add a block to comment on it.")
    open_threads = [p for p in placed if p.open]
    resolved = [p for p in placed if not p.open]
    st.markdown(f"**{plural(len(open_threads), 'open thread')}**" + (
        f" · {len(resolved)} resolved" if resolved else ""))
    if not placed:
        st.caption("No comments yet. Select a block or connection on the canvas and write one above.")
    for p in open_threads:
        _show_thread(p)
    if resolved and st.toggle(f"Show resolved ({len(resolved)})", key=RESOLVED_KEY):
        for p in resolved:
            _show_thread(p)

