"""The prompt picker (a Streamlit UI piece): filter the prompt bank, read a prompt, choose the length, start.

It also lists sessions left unfinished (or finished but not yet graded), so that one is never lost when the
URL that held it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from pydantic import ValidationError

from components.common.markup import plain
from components.common.store import store
from components.practice.actions import on_discard, on_resume_session, on_start
from components.practice.state import PROMPT_PARAM, PracticeKey, clock, minutes_text, now
from mlsd.practice.phases import PHASES
from mlsd.practice.prompts import DIFFICULTIES, TOPICS, Prompt, filter_prompts, get_prompt
from mlsd.practice.session import (
    DEFAULT_BUDGETS,
    MAX_TOTAL_MINUTES,
    MIN_TOTAL_MINUTES,
    PracticeSession,
    elapsed,
    from_state,
    scaled_budgets,
)
from mlsd.store import StoreError

TOPIC_LABELS = {
    "recsys": "Recommendations", "retrieval": "Retrieval", "ranking": "Ranking", "search": "Search",
    "vision": "Computer vision", "nlp": "Language (NLP)", "classification": "Classification", "fraud": "Fraud",
    "ads": "Ads", "graph": "Graphs", "realtime": "Real-time", "batch": "Batch",
}
DIFFICULTY_ICON = {"easy": "🟢", "medium": "🟠", "hard": "🔴"}
ANY = ""
MAX_OPEN_LISTED = 5


def topic_label(topic: str) -> str:
    return TOPIC_LABELS.get(topic, topic)


def prompt_caption(p: Prompt) -> str:
    return f"{DIFFICULTY_ICON[p.difficulty]} {p.difficulty} · {', '.join(topic_label(t) for t in p.topics)}"


@dataclass(frozen=True)
class OpenSession:
    """A session in the library that still needs the candidate: running, paused, or finished but not graded."""

    id: str
    session: PracticeSession
    title: str


def open_sessions() -> tuple[list[OpenSession], list[str]]:
    """Unconfirmed sessions, most recent first, and the problems of those that cannot be read."""
    found: list[OpenSession] = []
    problems: list[str] = []
    for record in store().list_sessions():
        try:
            session = from_state(record.state)
            title = get_prompt(session.prompt_id).title
        except (ValidationError, KeyError) as exc:
            problems.append(f"session {record.id}: {str(exc).splitlines()[0]}")
            continue
        if not session.confirmed:
            found.append(OpenSession(record.id, session, title))
    found.sort(key=lambda o: o.session.started_at, reverse=True)
    return found, problems


def show_open_sessions() -> None:
    """'Continue where you left off': sessions that are not graded yet."""
    try:
        found, problems = open_sessions()
    except StoreError as exc:
        st.error(f"The library cannot be read: {plain(str(exc))}")
        return
    for problem in problems:
        st.warning(f"A stored practice session cannot be read and is skipped: {plain(problem)}")
    if not found:
        return
    with st.container(border=True):
        st.markdown("**Continue where you left off**")
        at = now()
        for item in found[:MAX_OPEN_LISTED]:
            s = item.session
            state = ("finished, not graded yet" if s.finished else "paused" if s.paused else "running")
            day = s.started_at.astimezone().strftime("%d %b %H:%M")
            with st.container(horizontal=True, vertical_alignment="center"):
                st.markdown(f"{plain(item.title)} :gray[· started {day} · {clock(elapsed(s, at))} used of "
                            f"{minutes_text(s.total_minutes)} · {state}]", width="content")
                st.button("Grade" if s.finished else "Continue", key=f"practice.open.{item.id}",
                          on_click=on_resume_session, args=(item.id,), icon=":material/play_arrow:",
                          type="tertiary")
                with st.popover("Discard", icon=":material/delete:", type="tertiary",
                                help="Delete this session from the library."):
                    st.markdown("Delete this session, its notes and its design? This cannot be undone.")
                    st.button("Discard the session", key=f"practice.discard.{item.id}", on_click=on_discard,
                              args=(item.id,), type="primary")
        if len(found) > MAX_OPEN_LISTED:
            st.caption(f"{len(found) - MAX_OPEN_LISTED} older unfinished sessions are kept in the library.")


def _filters() -> tuple[str | None, str | None]:
    left, right = st.columns([1, 1])
    with left:
        topic = st.selectbox("Topic", [ANY, *TOPICS], key=PracticeKey.TOPIC.value,
                             format_func=lambda t: "Any topic" if t == ANY else topic_label(t),
                             help="Show the prompts on one kind of system.")
    with right:
        difficulty = st.segmented_control("Difficulty", list(DIFFICULTIES), key=PracticeKey.DIFFICULTY.value,
                                          format_func=lambda d: f"{DIFFICULTY_ICON[d]} {d}",
                                          help="Click again to show every difficulty.")
    return (topic or None), (difficulty or None)


def _preselect(options: list[str]) -> None:
    wanted = st.query_params.get(PROMPT_PARAM)
    if isinstance(wanted, str) and wanted in options and PracticeKey.PICK.value not in st.session_state:
        st.session_state[PracticeKey.PICK.value] = wanted
    current = st.session_state.get(PracticeKey.PICK.value)
    if current not in options:
        st.session_state[PracticeKey.PICK.value] = options[0]


def budgets_line(total: float) -> str:
    budgets = scaled_budgets(total)
    return " · ".join(f"{p.label} {minutes_text(budgets[p.id])}" for p in PHASES)


def show_prompt_card(p: Prompt) -> None:
    """The prompt as the interviewer states it, and how to start."""
    with st.container(border=True):
        st.subheader(plain(p.title))
        st.caption(prompt_caption(p))
        st.markdown(f"> {plain(p.prompt)}")
        st.caption(f"During the session you can ask the interviewer {len(p.clarifications)} clarifying questions "
                   "(scale, latency, data, labels...). The answers give the numbers your design must meet.")
        total = st.number_input(
            "Session length (minutes)", key=PracticeKey.TOTAL.value, min_value=MIN_TOTAL_MINUTES,
            max_value=MAX_TOTAL_MINUTES, value=float(sum(DEFAULT_BUDGETS.values())), step=5.0, format="%g",
            help="A real interview gives about 45 minutes. The six phases share the total in the same "
                 "proportions; you can change it during the session too.",
        )
        st.caption("Phases: " + budgets_line(float(total or sum(DEFAULT_BUDGETS.values()))))
        st.button("Start the clock", key="practice.start", on_click=on_start, args=(p.id,), type="primary",
                  icon=":material/timer:", help="Starts a timed session on this prompt; it is saved as you go.")


def show_picker() -> None:
    """Pick a prompt and start a session."""
    st.title("Interview practice")
    st.markdown("Pick a prompt, work through it against the clock phase by phase — clarify, frame, data, model, "
                "serving, monitoring — and draw your design as you go. When you finish, the checklists and a "
                "reference design pre-fill an interview rubric; you adjust it and confirm, and your score goes "
                "to **Progress**.")
    show_open_sessions()
    topic, difficulty = _filters()
    prompts = filter_prompts(topic, difficulty)
    if not prompts:
        st.info("No prompt has this topic at this difficulty. Choose another difficulty (click the chosen one "
                "again to clear it) or any topic.", icon=":material/filter_alt_off:")
        return
    ids = [p.id for p in prompts]
    _preselect(ids)
    by_id = {p.id: p for p in prompts}
    list_col, card_col = st.columns([1.1, 2], gap="large")
    with list_col:
        chosen = st.radio(
            f"Prompts ({len(prompts)})", ids, key=PracticeKey.PICK.value,
            format_func=lambda i: by_id[i].title, captions=[prompt_caption(p) for p in prompts],
        )
    with card_col:
        show_prompt_card(by_id[chosen or ids[0]])
