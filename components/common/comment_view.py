"""A review thread drawn read-only (a Streamlit UI piece): its anchor, state and comments, on the Board's Comments
panel and on a shared page that shows comments.

Comment text is the author's own: every line goes through ``markup.plain`` (Markdown and HTML show as typed,
never as markup), joined with hard line breaks. Placement (live / outdated) comes from ``mlsd.comments``.
"""

from __future__ import annotations

import streamlit as st

from components.common.markup import plain
from components.common.people import person_markdown
from mlsd.comments import KIND_WORDS, PlacedThread
from mlsd.store import Comment

KIND_ICONS = {"block": ":material/crop_square:", "connection": ":material/arrow_right_alt:",
              "finding": ":material/flag:"}


def when(stamp: str) -> str:
    return stamp[:16].replace("T", " ") + " UTC"


def body_markdown(text: str) -> str:
    """A comment's text as Markdown that shows it as typed, line by line."""
    return "  \n".join(plain(line) if line.strip() else "" for line in text.split("\n"))


def header_markdown(placed: PlacedThread) -> str:
    """'**Block · Gateway** :green-badge[open] ...' of a thread."""
    t = placed.thread
    tags = [":gray-badge[resolved]" if t.resolved else ":orange-badge[open]"]
    if placed.status == "outdated":
        tags.append(":red-badge[outdated: no longer in the design]")
    tags.append(f":gray-badge[revision {t.revision}]")
    return f"{KIND_ICONS[t.anchor_kind]} **{KIND_WORDS[t.anchor_kind]} · {plain(placed.label)}** " + " ".join(tags)


def show_comment(comment: Comment) -> None:
    who = person_markdown(comment.author, bold=True)
    st.markdown(f":small[{who} · {when(comment.created_at)}]  \n{body_markdown(comment.body)}")


def show_thread_body(placed: PlacedThread) -> None:
    """The thread's header and its comments, oldest first."""
    st.markdown(header_markdown(placed))
    for comment in placed.thread.comments:
        show_comment(comment)
    t = placed.thread
    if t.resolved and t.resolved_at:
        st.caption(f"Resolved by {person_markdown(t.resolved_by)} · {when(t.resolved_at)}")


def show_threads_readonly(placed: list[PlacedThread]) -> None:
    """Every thread, read-only (the shared page)."""
    if not placed:
        st.caption("No review comments on this revision.")
    for p in placed:
        with st.container(border=True, key=f"shared-thread-{p.thread.id}"):
            show_thread_body(p)
