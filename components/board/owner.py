"""Who the board's state belongs to (a Streamlit UI piece's session state): the Board page or a practice session.

Here "component" means a Streamlit UI piece; the blocks on the board are ``mlsd.model.Component``.

The board's pieces (canvas, palette, inspector, findings) work on ONE design held in ``components.board.state``
under fixed ``board.*`` keys. So that practising never overwrites what someone was drawing on the Board page,
the board's state has an *owner*: ``claim_board(owner)`` puts the current owner's board state aside and brings
back (or starts) the new owner's. The practice page claims it for its session (``practice:<id>``); the Board
page gets its own design back by calling ``release_board()`` first thing (until it does, it shows the last
practice design, which is what the simplest version of this page would do anyway).

Widget callbacks run before the page script, against the state left by the previous run of the same page,
which is the state of the owner that page claimed: the swap happens only when a page starts, never in between.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.board import state as bs

BOARD_OWNER = "board"
OWNER_KEY = "practice.board_owner"  # who the board's state belongs to: BOARD_OWNER or "practice:<session id>"
STASH_KEY = "practice.board_stash"  # owner -> the board state put aside while another owner has the board
# The board's state keys that belong to one design. The panel's tab and whether it is open are a person's
# preferences, not the design's, so they stay where they are.
SWAPPED: tuple[str, ...] = tuple(
    k.value for k in bs.BoardKey if k not in (bs.BoardKey.PANEL, bs.BoardKey.PANEL_OPEN)
)


def board_owner() -> str:
    return str(st.session_state.get(OWNER_KEY, BOARD_OWNER))


def claim_board(owner: str) -> bool:
    """Give the board's state to ``owner``, putting the current owner's aside; True when it changed hands.

    Only the Board page's state and the latest practice session's are kept aside (an older practice session's
    design is in the library anyway).
    """
    ss: Any = st.session_state
    current = board_owner()
    if current == owner:
        return False
    stash: dict[str, dict[str, Any]] = ss.setdefault(STASH_KEY, {})
    stash[current] = {k: ss[k] for k in SWAPPED if k in ss}
    for k in SWAPPED:
        if k in ss:
            del ss[k]
    for old in [o for o in stash if o not in (BOARD_OWNER, current)]:
        del stash[old]
    mine = stash.pop(owner, None)
    if mine:
        for k, v in mine.items():
            ss[k] = v
    ss[OWNER_KEY] = owner
    return True


def release_board() -> None:
    """For the Board page, first thing: the board shows the Board page's own design again."""
    claim_board(BOARD_OWNER)
