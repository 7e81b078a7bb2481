"""A running practice session (a Streamlit UI piece): the clock, the prompt, the interviewer's answers, notes per
phase, and the board for the candidate's design.
"""

from __future__ import annotations

import streamlit as st

from components.common.markup import plain, plural
from components.practice.actions import on_finish, on_leave, on_note, on_pause, on_resume, on_total
from components.practice.board import show_board
from components.practice.clock import show_clock
from components.practice.picker import prompt_caption
from components.practice.state import Loaded, now
from mlsd.practice.phases import PHASES
from mlsd.practice.prompts import Prompt
from mlsd.practice.session import MAX_TOTAL_MINUTES, MIN_TOTAL_MINUTES, PracticeSession, current_phase

NOTES_TABS_KEY = "practice.notes_tab"
PROMPT_HEIGHT = 280  # the prompt and the questions scroll in this framed box, so that the board stays near
NOTES_HEIGHT = 150


def tab_label(label: str) -> str:
    """A phase's tab title: its first words ("Framing & metrics" -> "Framing"), so that the six tabs fit the notes
    column at 1440 px without a scroll arrow (the clock and the notes box's label carry the full name)."""
    return label.split(" & ")[0]


def ask_key(index: int) -> str:
    return f"practice.ask.{index}"


def note_key(sid: str, phase: str) -> str:
    return f"practice.note.{sid}.{phase}"


def total_key(sid: str) -> str:
    return f"practice.total.{sid}"


def show_controls(sid: str, session: PracticeSession) -> None:
    """Pause / resume, finish (asks first), the session's length, and leaving for the prompt list."""
    with st.container(horizontal=True):
        if session.paused:
            st.button("Resume", key="practice.resume", on_click=on_resume, args=(sid,), type="primary",
                      icon=":material/play_arrow:", help="Start the clock again.")
        else:
            st.button("Pause", key="practice.pause", on_click=on_pause, args=(sid,), icon=":material/pause:",
                      help="Stop the clock; paused time does not count.")
        with st.popover("Finish", icon=":material/flag:", help="Stop the clock and grade your answer."):
            st.markdown("Stop the clock and grade your answer? The rubric is pre-filled from your design and "
                        "notes; you can still adjust every level before confirming.")
            st.button("Finish and grade", key="practice.finish", on_click=on_finish, args=(sid,), type="primary",
                      icon=":material/flag:", width="stretch")
        with st.popover("", icon=":material/more_vert:", help="Session length; back to the prompt list."):
            widget = total_key(sid)
            st.number_input("Session length (minutes)", key=widget, min_value=MIN_TOTAL_MINUTES,
                            max_value=MAX_TOTAL_MINUTES, value=float(session.total_minutes), step=5.0,
                            format="%g", on_change=on_total, args=(sid, widget),
                            help="Every phase keeps its share of the total; the time already used stays used.")
            st.button("Back to the prompt list", key="practice.leave", on_click=on_leave, icon=":material/list:",
                      width="stretch", help="The session stays in the library; continue it from the prompt list.")


def show_prompt(prompt: Prompt) -> None:
    """The prompt, and the clarifying questions: each answer appears when the candidate asks."""
    st.markdown(f"#### {plain(prompt.title)}")
    st.caption(prompt_caption(prompt))
    st.markdown(f"> {plain(prompt.prompt)}")
    st.markdown(f"**Ask the interviewer** :gray[· {plural(len(prompt.clarifications), 'question')}]",
                help="A strong answer starts by clarifying the goal and the numbers. Click a question to ask it; "
                "the interviewer's answer appears below it.")
    for i, c in enumerate(prompt.clarifications):
        box = st.expander(f"❓ {plain(c.question)}", key=ask_key(i), on_change="rerun")
        if box.open:  # the answer is drawn only once asked
            with box:
                st.markdown(f"🧑‍💼 {plain(c.answer)}")


def show_notes(sid: str, session: PracticeSession, prompt: Prompt) -> None:
    """One notes box per phase (the current phase's tab first shown), saved into the session as you type."""
    current, _ = current_phase(session, now())
    labels = [tab_label(p.label) for p in PHASES]
    st.markdown("**Your notes**", help="What you would say in each phase. They are saved with the session and "
                "count in the grading (numbers in the requirements notes, metrics in the framing notes, and "
                "how much of each phase you covered).")
    tabs = st.tabs(labels, key=NOTES_TABS_KEY, default=next(tab_label(p.label) for p in PHASES if p.id == current))
    for phase, tab in zip(PHASES, tabs, strict=True):
        with tab:
            widget = note_key(sid, phase.id)
            st.text_area(
                f"Notes: {phase.label}", value=session.notes.get(phase.id, ""), key=widget, height=NOTES_HEIGHT,
                on_change=on_note, args=(sid, phase.id, widget), max_chars=20_000,
                placeholder=phase.goal, label_visibility="collapsed",
            )
            with st.popover("Hint", icon=":material/lightbulb:",
                            help="What a strong answer covers in this phase (peek only when stuck)."):
                for hint in prompt.hints.for_phase(phase.id):
                    st.markdown(f"- {plain(hint)}")


def show_running(loaded: Loaded) -> None:
    """The whole running session."""
    sid, session, prompt = loaded.id, loaded.session, loaded.prompt
    show_clock(session, lambda: show_controls(sid, session))
    if session.paused:
        st.info("Paused. Your notes and design are kept; press **Resume** to go on.", icon=":material/pause:")
    prompt_col, notes_col = st.columns([1, 1.4], gap="large")
    with prompt_col, st.container(height=PROMPT_HEIGHT, border=True):  # a frame: it reads as a box that scrolls
        show_prompt(prompt)
    with notes_col:
        show_notes(sid, session, prompt)
    show_board()
