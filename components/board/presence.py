"""Who else has the board's design open (a Streamlit UI piece): initials and names in the toolbar, "ana is editing".

A fragment that reruns by itself every ``HEARTBEAT_S`` seconds (``st.fragment(run_every=...)``: only the fragment
reruns, not the page) stamps this session on the design in the library (``Store.touch_presence``) and shows the
other sessions stamped within the store's 20 s (``mlsd.store.presence.STALE_AFTER_S``: three missed heartbeats).
Only a design saved in the library has presence, and only then does the heartbeat run (an unsaved board costs
nothing). Who a session is comes from ``who_am_i``: the person using the app (``components.common.identity``):
the signed-in person, or, without sign-in, the one local user under the name its revisions and comments carry
("local"; another session of theirs is another tab or browser). Names are shown through
``components.common.people``. The heartbeat also draws the board's status line, so it notices a newer revision
in the library (``components.board.freshness``).
"""

from __future__ import annotations

import secrets
import time

import streamlit as st

from components.board import state as bs
from components.board.freshness import show_status
from components.common.identity import LOCAL, current_user
from components.common.markup import plain
from components.common.people import person_markdown, unlinked
from components.common.store import store
from mlsd.store import StoreError

HEARTBEAT_S = 5.0
SESSION_KEY = "board.presence.session"  # this browser session's id in the presence table
TOUCHED_KEY = "board.presence.touched"  # (design id, who, monotonic time) of the last heartbeat written
SHOWN = 3  # names shown; the rest are counted
COLOURS = ("blue", "green", "orange", "violet", "red", "gray")


def session_id() -> str:
    """This browser session's presence id (random, kept in the session state)."""
    value = st.session_state.get(SESSION_KEY)
    if not isinstance(value, str):
        value = secrets.token_hex(8)
        st.session_state[SESSION_KEY] = value
    return value


def who_am_i() -> str:
    """How others see this session: the person's name (``components.common.identity``, the one reader of
    ``st.user``): the signed-in person's name or e-mail; without sign-in the local user's one name, ``LOCAL.name``
    (what its revisions and comments record)."""
    user = current_user() or LOCAL  # a visitor has no presence (the store refuses them); never a name of its own
    return (user.name or user.email or user.id).strip()[:80] or LOCAL.name


def initials(name: str) -> str:
    """'Ana Lopez' -> 'AL', 'ana@example.com' -> 'AE', 'local' -> 'LO'."""
    words = [w for w in name.replace("@", " ").replace(".", " ").split() if w[:1].isalnum()]
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return (words[0][:2] if words else "?").upper()


def editing_line(names: list[str]) -> str:
    """'ana is editing', 'ana and ben are editing', 'ana, ben, cy and 2 others are editing'."""
    if len(names) == 1:
        return f"{names[0]} is editing"
    if len(names) <= SHOWN:
        return f"{', '.join(names[:-1])} and {names[-1]} are editing"
    rest = len(names) - SHOWN
    return f"{', '.join(names[:SHOWN])} and {rest} other{'s' if rest > 1 else ''} are editing"


def _colour(name: str) -> str:
    return COLOURS[sum(map(ord, name)) % len(COLOURS)]


def _others(design_id: str) -> list[str]:
    """Stamp this session (at most every half heartbeat: a page rerun also runs the fragment) and list the others."""
    me, who, now = session_id(), who_am_i(), time.monotonic()
    last = st.session_state.get(TOUCHED_KEY)
    if not (isinstance(last, tuple) and last[:2] == (design_id, who) and now - last[2] < HEARTBEAT_S / 2):
        store().touch_presence(design_id, who, me)
        st.session_state[TOUCHED_KEY] = (design_id, who, now)
    return list(dict.fromkeys(p.who for p in store().present(design_id, me)))


@st.fragment(run_every=HEARTBEAT_S)
def _presence() -> None:
    doc = bs.doc()
    if doc is None:
        return
    with st.container(horizontal=True, gap="medium", vertical_alignment="center", key="board.status"):
        show_status(doc)  # the same heartbeat notices a newer revision in the library (components.board.freshness)
        _names(doc.design_id)


def _names(design_id: str) -> None:
    try:
        names = _others(design_id)
    except StoreError:  # presence is a courtesy: a trashed design or a busy database shows nobody, says nothing
        return
    if not names:
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center", width="content",
                      key="board.presence"):
        for name in names[:SHOWN]:
            st.badge(f"{plain(initials(name))} · {person_markdown(name)}", icon=":material/person:",
                     color=_colour(name))
        st.caption(unlinked(editing_line(names)))


def show_presence() -> None:
    """The status line and who else has the design open, kept fresh by a heartbeat; for an unsaved design only
    the status line (and no heartbeat)."""
    if bs.doc() is None:
        show_status(None)
    else:
        _presence()
