"""The progress page's pieces (Streamlit UI pieces): the score over time, first against latest per dimension,
the table of sessions, and what to study next for the weakest dimension.
"""

from __future__ import annotations

import streamlit as st

from components.common.markup import plain
from components.practice.state import PROMPT_PARAM, SESSION_PARAM, clock, reference_design
from components.progress.data import (
    RECENT,
    Attempt,
    Library,
    dimension_label,
    prompts_to_study,
    radar_figure,
    rules_for,
    score_figure,
    weakest_dimension,
)
from mlsd.formats.dot import to_dot
from mlsd.practice.rubric import DIMENSION_BY_ID, level_name

PRACTICE_PAGE = "pages/practice.py"
PRACTICE_URL = "practice"  # the practice page's url_path in app.py
SEVERITY_ICON = {"error": "⛔", "warning": "⚠️", "info": "ℹ️"}
MAX_RULES = 12


def show_empty(library: Library) -> None:
    """No confirmed session yet: how to get a first score."""
    st.info("No graded practice session yet. Your first score takes three steps: on **Practice**, pick a prompt "
            "and start the clock; draw your design and take notes phase by phase; then finish, check the "
            "pre-filled rubric and **confirm** it. Every confirmed session appears here.",
            icon=":material/school:")
    st.page_link(PRACTICE_PAGE, label="Start a practice session", icon=":material/timer:")
    show_awaiting(library)


def show_awaiting(library: Library) -> None:
    for problem in library.unreadable:
        st.warning(f"A stored practice session cannot be read and is left out: {plain(problem)}")
    if not library.awaiting:
        return
    st.markdown(f"**Waiting for your grades ({len(library.awaiting)})**",
                help="Finished sessions count once you confirm their rubric.")
    for sid, title in library.awaiting[-5:]:
        st.page_link(PRACTICE_PAGE, label=f"Grade: {title}", icon=":material/rule:",
                     query_params={SESSION_PARAM: sid})


def table_rows(attempts: list[Attempt]) -> list[dict[str, object]]:
    """Newest first."""
    return [{
        "Prompt": a.title,
        "Date": a.finished_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        "Duration": f"{clock(a.minutes_used * 60)} of {a.minutes_budget:g} min",
        "Score": round(a.score),
        "Weakest": dimension_label(min(a.levels, key=lambda d: (a.levels[d], list(DIMENSION_BY_ID).index(d)))),
        "Open": f"{PRACTICE_URL}?{SESSION_PARAM}={a.id}",
    } for a in reversed(attempts)]


def show_overview(attempts: list[Attempt]) -> None:
    latest, first = attempts[-1], attempts[0]
    best = max(a.score for a in attempts)
    with st.container(horizontal=True):
        st.metric("Sessions graded", len(attempts), width="content")
        st.metric("Latest score", f"{latest.score:.0f}/100",
                  delta=f"{latest.score - first.score:+.0f} since the first" if len(attempts) > 1 else None,
                  width="content")
        st.metric("Best score", f"{best:.0f}/100", width="content")
    line_col, radar_col = st.columns([1, 1], gap="medium")
    with line_col:
        st.plotly_chart(score_figure(attempts), key="progress.line")
        if len(attempts) == 1:
            st.caption("One session so far: the line starts with your next one.")
    with radar_col:
        st.plotly_chart(radar_figure(first, latest), key="progress.radar")
        if len(attempts) == 1:
            st.caption("Your first session is also your latest: the next one is drawn against it.")


def show_table(attempts: list[Attempt]) -> None:
    st.subheader("Sessions")
    st.dataframe(table_rows(attempts), hide_index=True, width="stretch", key="progress.table", column_config={
        "Score": st.column_config.ProgressColumn("Score", min_value=0, max_value=100, format="%d"),
        "Open": st.column_config.LinkColumn("Open", display_text="Review", help="The session's rubric and "
                                            "comparison with the reference (opens in a new tab)."),
    })


def show_study(attempts: list[Attempt]) -> None:
    """The weakest dimension, the rules behind it, and the reference designs that exercise it."""
    dimension, mean = weakest_dimension(attempts)
    dim = DIMENSION_BY_ID[dimension]
    shown = min(len(attempts), RECENT)
    st.subheader("What to study next")
    st.markdown(f"Your weakest dimension is **{dim.label}**: {level_name(max(1, round(mean)))} on average over "
                f"your last {shown} session{'s' if shown != 1 else ''} ({mean:.1f} on a 1-4 scale).  \n"
                f":gray[What an interviewer looks for: {dim.looks_for}]")
    rules_col, designs_col = st.columns([1, 1], gap="large")
    with rules_col:
        rules = rules_for(dimension)
        st.markdown(f"**Checklist rules behind it ({len(rules)})**",
                    help="The rules grading counts in this dimension. Each names its source.")
        if not rules:
            st.caption("No checklist rule grades this dimension: it is judged from your notes and requirements.")
        for r in rules[:MAX_RULES]:
            first_line = r.doc.split("\n\n")[0].replace("\n", " ")
            st.markdown(f"{SEVERITY_ICON[r.severity]} `{r.id}` **{plain(r.title)}**  \n:gray[{plain(first_line)}]")
        if len(rules) > MAX_RULES:
            st.caption(f"And {len(rules) - MAX_RULES} more: `python -m mlsd rules` lists them all.")
    with designs_col:
        st.markdown("**Reference designs to study**",
                    help="The prompts whose strong answers lean most on this dimension; ones you have not "
                         "practised come first.")
        for p in prompts_to_study(dimension, attempts):
            with st.container(border=True):
                st.markdown(f"**{plain(p.title)}** :gray[· {p.difficulty}]")
                st.page_link(PRACTICE_PAGE, label="Practise this prompt", icon=":material/timer:",
                             query_params={PROMPT_PARAM: p.id})
                with st.expander("Reference design"):
                    st.graphviz_chart(to_dot(reference_design(p.reference)), width="stretch")
