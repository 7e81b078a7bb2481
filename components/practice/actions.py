"""What the practice page's buttons do (Streamlit callbacks): start, pause, resume, notes, finish, grade, confirm.

Each callback reads the stored session, applies one pure function of ``mlsd.practice`` at the current time,
writes the session back to the library, and says what happened (a toast) or why it could not (an error on the
page). Nothing is kept only in the browser.
"""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from components.common.store import store
from components.practice.board import board_design
from components.practice.state import (
    LoadError,
    PracticeKey,
    comparison,
    flash,
    now,
    open_session,
    reference_design,
    report_failure,
    save,
    set_session_id,
)
from mlsd import edit
from mlsd.io import DesignError
from mlsd.model import MAX_NAME
from mlsd.practice.grading import prefill
from mlsd.practice.phases import phase_label
from mlsd.practice.prompts import get_prompt
from mlsd.practice.rubric import DimensionGrade, level_name, total_score
from mlsd.practice.session import (
    SessionError,
    finish,
    pause,
    resume,
    start,
    to_state,
    with_design,
    with_grades,
    with_note,
    with_total,
)
from mlsd.rules import check
from mlsd.store import StoreError

Failure = (LoadError, SessionError, StoreError, DesignError, ValidationError, ValueError)


def on_start(prompt_id: str) -> None:
    """Start a session on the prompt with the chosen total, and open it."""
    total = st.session_state.get(PracticeKey.TOTAL.value)
    try:
        prompt = get_prompt(prompt_id)
        session = start(prompt.id, now(), float(total) if total else None)
        session = with_design(session, edit.rename(session.design, f"Practice: {prompt.title}"[:MAX_NAME]))
        record = store().start_session(prompt.id, state=to_state(session))
    except (*Failure, KeyError) as exc:
        report_failure("start the session", exc)
        return
    set_session_id(record.id)
    flash("success", f"The clock is running: {session.total_minutes:g} minutes. Start by clarifying requirements.")


def on_leave() -> None:
    """Back to the picker; the session stays in the library (it can be resumed from there)."""
    set_session_id(None)


def on_resume_session(sid: str) -> None:
    """Open an unfinished session from the picker."""
    set_session_id(sid)


def on_discard(sid: str) -> None:
    """Delete an unfinished or ungraded session from the library (asked first by the picker)."""
    try:
        store().delete_session(sid)
    except StoreError as exc:
        report_failure("discard the session", exc)
        return
    flash("info", "Discarded the session.")


def on_pause(sid: str) -> None:
    try:
        loaded = open_session(sid)
        save(sid, pause(loaded.session, now()))
    except Failure as exc:
        report_failure("pause", exc)
        return
    flash("info", "Paused: the clock stands still until you resume.")


def on_resume(sid: str) -> None:
    try:
        loaded = open_session(sid)
        save(sid, resume(loaded.session, now()))
    except Failure as exc:
        report_failure("resume", exc)
        return
    flash("info", "Resumed: the clock is running again.")


def on_total(sid: str, widget: str) -> None:
    """Scale the phase budgets to a new total (the time already used stays used)."""
    value = st.session_state.get(widget)
    if value is None:
        return
    try:
        loaded = open_session(sid)
        save(sid, with_total(loaded.session, float(value)))
    except Failure as exc:
        report_failure("change the session's length", exc)
        return
    flash("info", f"The session now lasts {float(value):g} minutes; each phase keeps its share.")


def on_note(sid: str, phase: str, widget: str) -> None:
    """Save the notes of one phase."""
    text = str(st.session_state.get(widget) or "")
    try:
        loaded = open_session(sid)
        save(sid, with_note(loaded.session, phase, text))
    except Failure as exc:
        report_failure(f"save the notes of {phase_label(phase)}", exc)


def on_finish(sid: str) -> None:
    """Stop the clock and pre-fill the rubric from the checklists and the comparison with the reference."""
    try:
        loaded = open_session(sid)
        session = with_design(loaded.session, board_design(sid, loaded.session))
        session = finish(session, now())
        prompt = loaded.prompt
        notes = {str(k): v for k, v in session.notes.items()}
        grades = prefill(session.design, prompt, reference_design(prompt.reference), notes,
                         report=check(session.design), comparison=comparison(session.design, prompt))
        save(sid, with_grades(session, grades), finished=True)
    except Failure as exc:
        report_failure("finish the session", exc)
        return
    flash("success", "Finished. The rubric below is pre-filled: read each reason, adjust, then confirm.")


def grade_key(sid: str, dimension: str) -> str:
    return f"practice.grade.{sid}.{dimension}"


def on_level(sid: str, dimension: str, widget: str) -> None:
    """The candidate's level for one dimension (kept until they confirm)."""
    level = st.session_state.get(widget)
    try:
        loaded = open_session(sid)
        if loaded.session.confirmed:
            raise SessionError("the grades are confirmed already")
        grades = [g.with_level(int(level)) if g.dimension == dimension else g  # type: ignore[arg-type]
                  for g in loaded.session.grades]
        save(sid, with_grades(loaded.session, grades))
    except (*Failure, TypeError) as exc:
        report_failure("change the grade", exc)


def rubric_record(grades: list[DimensionGrade]) -> dict[str, object]:
    """The grades as the library's ``rubric`` column holds them."""
    return {"grades": [g.model_dump(mode="json") for g in grades]}


def scores_record(grades: list[DimensionGrade]) -> dict[str, object]:
    """The total and the level per dimension, as the library's ``scores`` column holds them."""
    return {"total": round(total_score(grades), 1), "levels": {g.dimension: g.level for g in grades}}


def on_confirm(sid: str) -> None:
    """Confirm the grades: the session records them and its total, and the design goes into the library."""
    try:
        loaded = open_session(sid)
        session = loaded.session
        if not session.finished:
            raise SessionError("finish the session before confirming its grades")
        grades = list(session.grades)
        total = total_score(grades)
        design_id = loaded.record.design_id
        if design_id is None:
            day = session.started_at.strftime("%Y-%m-%d")
            design = edit.rename(session.design, f"Practice: {loaded.prompt.title} ({day})"[:MAX_NAME])
            design_id = store().create(design, message=f"practice session {sid} on {loaded.prompt.id}").design_id
        save(sid, with_grades(session, grades, confirmed=True), design_id=design_id,
             rubric=rubric_record(grades), scores=scores_record(grades))
    except Failure as exc:
        report_failure("confirm the grades", exc)
        return
    changed = [g for g in grades if g.adjusted]
    note = (f" You changed {len(changed)} of the pre-filled levels." if changed else "")
    flash("success", f"Saved: {total:.0f}/100.{note} Your design is in the library.")


def level_text(grade: DimensionGrade) -> str:
    """'strong (pre-filled: weak)' or 'strong'."""
    if grade.prefill_level is not None and grade.adjusted:
        return f"{grade.label} (pre-filled: {level_name(grade.prefill_level)})"
    return grade.label
