"""The rubric after a session (a Streamlit UI piece): eight dimensions pre-filled with their reasons, adjusted by
the candidate, then confirmed; and the confirmed result.
"""

from __future__ import annotations

import streamlit as st

from components.common.markup import plain, plural
from components.common.store import store
from components.practice.actions import grade_key, level_text, on_confirm, on_leave, on_level
from components.practice.state import Loaded, clock
from mlsd.practice.rubric import DIMENSION_BY_ID, LEVELS, DimensionGrade, level_name, total_score
from mlsd.practice.session import PracticeSession, elapsed
from mlsd.store import StoreError

LEVEL_COLORS = {1: "red", 2: "orange", 3: "green", 4: "blue"}


def duration_line(session: PracticeSession) -> str:
    used = elapsed(session, session.finished_at or session.started_at)
    return f"{clock(used)} used of {session.total_minutes:g} minutes"


def _grade_card(sid: str, g: DimensionGrade, editable: bool) -> None:
    dim = DIMENSION_BY_ID[g.dimension]
    with st.container(border=True):
        st.markdown(f"**{dim.label}**", help=dim.looks_for)
        if editable:
            widget = grade_key(sid, g.dimension)
            st.select_slider(
                dim.label, options=list(LEVELS), value=g.level, format_func=level_name, key=widget,
                on_change=on_level, args=(sid, g.dimension, widget), label_visibility="collapsed",
                help=dim.looks_for,
            )
            pre = level_name(g.prefill_level) if g.prefill_level is not None else "nothing"
            st.caption(f"Pre-filled: **{pre}**" + (" · you changed it" if g.adjusted else "") + " — why:")
        else:
            st.markdown(f":{LEVEL_COLORS[g.level]}[**{level_text(g)}**]")
            st.caption("Why it was pre-filled so:")
        st.markdown("\n".join(f"- {plain(r)}" for r in g.reasons))


def show_rubric(sid: str, grades: list[DimensionGrade], editable: bool) -> None:
    """The eight dimensions in two columns, each with its level and the reasons of the pre-fill."""
    cols = st.columns(2, gap="medium")
    for i, g in enumerate(grades):
        with cols[i % 2]:
            _grade_card(sid, g, editable)


def show_grading(loaded: Loaded) -> None:
    """Finished, not yet confirmed: adjust the pre-filled rubric and confirm."""
    sid, session, prompt = loaded.id, loaded.session, loaded.prompt
    grades = list(session.grades)
    st.title("Grade your answer")
    st.markdown(f"**{plain(prompt.title)}** · {duration_line(session)} · "
                f"{plural(len(session.design.components), 'block')} in your design")
    st.info("Each dimension is pre-filled from the checklists run on your design, the comparison with the "
            "reference design below, and your notes. Read the reasons, move a slider where you disagree (you know "
            "what you said), then confirm.", icon=":material/rule:")
    if not grades:
        st.error("This session has no pre-filled grades. Go back to the prompt list and start a new session.")
        return
    with st.container(horizontal=True, vertical_alignment="center"):
        st.metric("Total score if you confirm", f"{total_score(grades):.0f}/100", width="content",
                  help="Each dimension weighs the same: very weak 0, weak 33, strong 67, very strong 100.")
        st.button("Confirm these grades", key="practice.confirm", on_click=on_confirm, args=(sid,),
                  type="primary", icon=":material/check:",
                  help="Saves the grades and the total with the session, and your design in the library.")
    show_rubric(sid, grades, editable=True)


def show_result(loaded: Loaded) -> None:
    """Confirmed: the score, the grades, and where to go next."""
    session, prompt = loaded.session, loaded.prompt
    grades = list(session.grades)
    st.title("Your result")
    st.markdown(f"**{plain(prompt.title)}** · {duration_line(session)}")
    with st.container(horizontal=True, vertical_alignment="center"):
        st.metric("Total score", f"{total_score(grades):.0f}/100", width="content")
        changed = sum(1 for g in grades if g.adjusted)
        st.metric("Levels you changed", f"{changed} of {len(grades)}", width="content")
        st.page_link("pages/progress.py", label="See your progress", icon=":material/trending_up:")
        st.button("Practise another prompt", key="practice.again", on_click=on_leave, icon=":material/replay:",
                  type="primary")
    if loaded.record.design_id:
        try:
            name = f"as **{plain(store().get(loaded.record.design_id).name)}**"
        except StoreError:  # moved to the trash or purged since: say so by not naming it
            name = "(it may have been deleted since)"
        st.caption(f"Your design is saved in the library {name}; open it from the Board's **Open** menu or the "
                   "Library to keep working on it.")
    show_rubric(loaded.id, grades, editable=False)
