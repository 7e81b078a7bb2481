"""The candidate's board on the practice page (a Streamlit UI piece), drawn with the Board page's own pieces.

Here "component" means a Streamlit UI piece; the blocks drawn are ``mlsd.model.Component``.

The board's pieces work on ONE design held in ``components.board.state``; the practice page borrows it for its
session (owner ``practice:<id>``) through ``components.board.owner``, so that practising never overwrites what
someone was drawing on the Board page. The session's design is kept in the library as the candidate draws.
"""

from __future__ import annotations

import streamlit as st

from components.board import state as bs
from components.board.canvas import apply_canvas_events, show_canvas, show_canvas_help
from components.board.findings import show_findings
from components.board.inspector import show_inspector, show_notes, show_requirements
from components.board.owner import board_owner, claim_board
from components.board.toolbar import on_layout, on_redo, on_undo, show_flash
from components.practice.state import PracticeKey, report_failure, save
from mlsd.model import Design
from mlsd.practice.session import PracticeSession, with_design
from mlsd.start import canvas_findings
from mlsd.store import StoreError


def owner_of(sid: str) -> str:
    return f"practice:{sid}"


def load_board(sid: str, session: PracticeSession) -> PracticeSession:
    """Put the session's design on the board, apply what happened on the canvas, and store any change.

    When the board has just been claimed, the library's copy wins (it may have moved on in another tab);
    otherwise the board is newer (a block dropped from the palette, an edit in the inspector) and is written to
    the library.
    """
    claimed = claim_board(owner_of(sid))
    bs.init()
    if claimed and bs.design().model_dump_json() != session.design.model_dump_json():
        bs.replace(session.design, saved=True)
        st.session_state[PracticeKey.SYNCED.value] = (sid, bs.rev())
    apply_canvas_events()
    return sync_design(sid, session)


def board_design(sid: str, session: PracticeSession) -> Design:
    """The session's latest design: the board's when the board belongs to this session, else the stored one."""
    if board_owner() == owner_of(sid) and bs.BoardKey.DESIGN.value in st.session_state:
        return bs.design()
    return session.design


def sync_design(sid: str, session: PracticeSession) -> PracticeSession:
    """Write the board's design into the session when it changed since the last write."""
    mark = (sid, bs.rev())
    if st.session_state.get(PracticeKey.SYNCED.value) == mark:
        return session
    design = bs.design()
    if design.model_dump_json() == session.design.model_dump_json():
        st.session_state[PracticeKey.SYNCED.value] = mark
        return session
    new = with_design(session, design)
    try:
        save(sid, new)
    except StoreError as exc:
        report_failure("save your design in the library", exc)
        return session
    st.session_state[PracticeKey.SYNCED.value] = mark
    return new


def show_board(canvas_height: int = 520) -> None:
    """The canvas (its palette at its edge) and the findings / inspector / requirements panel."""
    show_flash()
    design = bs.design()
    review = bs.review()
    canvas_col, panel_col = st.columns([3.2, 1.8])
    with canvas_col:
        with st.container(horizontal=True, vertical_alignment="center"):
            st.markdown("**Your design**", width="content")
            st.button("Undo", key="practice.board.undo", on_click=on_undo, icon=":material/undo:",
                      disabled=not bs.can_undo(), help="Undo the last change to your design")
            st.button("Redo", key="practice.board.redo", on_click=on_redo, icon=":material/redo:",
                      disabled=not bs.can_redo(), help="Redo the change you undid")
            st.button("Auto-layout", key="practice.board.layout", on_click=on_layout,
                      icon=":material/account_tree:", disabled=len(design.components) < 2,
                      help="Arrange the blocks left to right along their connections (undo puts them back).")
        # right under its buttons, in sight sooner; structural colours once the design has started (mlsd.start)
        show_canvas(canvas_findings(design, review.report.findings), height=canvas_height)
        if design.components:
            show_canvas_help()
        else:
            st.caption("Draw your answer here as you go: drag blocks from the palette at the canvas' left edge "
                       "onto the canvas, connect them by dragging from a block's handle to another block, and "
                       "declare the numbers you clarified under **Requirements**.")
        with st.expander("Design notes (saved with your design; they count for communication)"):
            show_notes()
    with panel_col:
        findings_tab, inspector_tab, requirements_tab = st.tabs(bs.PANELS, key=bs.BoardKey.PANEL.value,
                                                                on_change="rerun")
        if findings_tab.open:
            with findings_tab:
                show_findings(review.report)
        if inspector_tab.open:
            with inspector_tab:
                show_inspector()
        if requirements_tab.open:
            with requirements_tab:
                show_requirements()
