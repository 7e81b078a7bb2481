"""A timed practice session, and the pure functions that move it on.

A session is a pydantic model (it round-trips through JSON for the library's store). Every function takes the
current time as an argument and returns a new session; nothing here reads the clock, so every behaviour can be
tested at chosen instants. Times are timezone-aware datetimes.

The clock: *elapsed* time is the wall time since ``started_at`` minus the paused intervals, frozen at
``finished_at`` once the session is finished. Phases follow one another in ``PHASE_IDS`` order, each for its
budget; after the last budget the session is in overtime (the last phase, with negative time left).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from mlsd.model import Design
from mlsd.practice.phases import PHASE_IDS, PHASES, PhaseId
from mlsd.practice.rubric import DimensionGrade

DEFAULT_BUDGETS: dict[PhaseId, float] = {p.id: p.minutes for p in PHASES}
MIN_TOTAL_MINUTES = 1.0  # a shorter session cannot hold six phases anyone could use
MAX_TOTAL_MINUTES = 600.0  # ten hours: anything longer is a typo


class SessionError(ValueError):
    """An action that does not fit the session's state (resume when not paused, pause when finished...)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Pause(_Strict):
    """One interval in which the clock stood still; ``end`` is None while the session is paused."""

    start: AwareDatetime
    end: AwareDatetime | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Pause:
        if self.end is not None and self.end < self.start:
            raise ValueError("a pause cannot end before it starts")
        return self


class PracticeSession(_Strict):
    """One timed attempt at a prompt: the clock, notes per phase, the candidate's design and the grades."""

    prompt_id: str = Field(min_length=1, max_length=64)
    budgets: dict[PhaseId, float] = Field(default_factory=lambda: dict(DEFAULT_BUDGETS))
    started_at: AwareDatetime
    pauses: tuple[Pause, ...] = ()
    finished_at: AwareDatetime | None = None
    notes: dict[PhaseId, str] = Field(default_factory=dict)
    design: Design = Field(default_factory=lambda: Design(name="My design"))
    grades: tuple[DimensionGrade, ...] = ()
    confirmed: bool = Field(False, description="The candidate has reviewed and confirmed the grades.")

    @field_validator("budgets")
    @classmethod
    def _budgets(cls, value: dict[PhaseId, float]) -> dict[PhaseId, float]:
        missing = [p for p in PHASE_IDS if p not in value]
        if missing:
            raise ValueError(f"every phase needs a budget; missing {', '.join(missing)}")
        bad = [p for p, m in value.items() if not (math.isfinite(m) and m >= 0)]
        if bad:
            raise ValueError(f"budgets must be finite minutes >= 0; bad for {', '.join(bad)}")
        total = sum(value.values())
        if not MIN_TOTAL_MINUTES <= total <= MAX_TOTAL_MINUTES:
            raise ValueError(f"the budgets must add up to {MIN_TOTAL_MINUTES:g}-{MAX_TOTAL_MINUTES:g} minutes, "
                             f"got {total:g}")
        return {p: value[p] for p in PHASE_IDS}

    @model_validator(mode="after")
    def _timeline(self) -> PracticeSession:
        mark = self.started_at
        for i, pause in enumerate(self.pauses):
            if pause.start < mark:
                raise ValueError(f"pauses[{i}] starts before the session or the previous pause")
            if pause.end is None and i != len(self.pauses) - 1:
                raise ValueError(f"pauses[{i}] is open but is not the last pause")
            mark = pause.end or pause.start
        if self.finished_at is not None:
            if self.finished_at < mark:
                raise ValueError("finished_at is before the start or the last pause")
            if self.pauses and self.pauses[-1].end is None:
                raise ValueError("a finished session cannot still be paused")
        return self

    @property
    def total_minutes(self) -> float:
        return sum(self.budgets.values())

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


def scaled_budgets(total_minutes: float, base: Mapping[PhaseId, float] | None = None) -> dict[PhaseId, float]:
    """The phase budgets scaled so that they add up to ``total_minutes``, keeping their proportions."""
    budgets = dict(DEFAULT_BUDGETS if base is None else base)
    if not (math.isfinite(total_minutes) and MIN_TOTAL_MINUTES <= total_minutes <= MAX_TOTAL_MINUTES):
        raise SessionError(f"the total must be {MIN_TOTAL_MINUTES:g}-{MAX_TOTAL_MINUTES:g} minutes, "
                           f"got {total_minutes:g}")
    current = sum(budgets.values())
    if current <= 0:
        raise SessionError("the budgets add up to 0 minutes: nothing to scale")
    factor = total_minutes / current
    return {p: budgets[p] * factor for p in PHASE_IDS}


def start(prompt_id: str, now: datetime, total_minutes: float | None = None) -> PracticeSession:
    """A new session on a prompt, started at ``now``; ``total_minutes`` scales the default budgets."""
    budgets = dict(DEFAULT_BUDGETS) if total_minutes is None else scaled_budgets(total_minutes)
    return PracticeSession(prompt_id=prompt_id, budgets=budgets, started_at=now,
                           design=Design(name=f"Practice: {prompt_id}"))


def with_total(session: PracticeSession, total_minutes: float) -> PracticeSession:
    """The session with its budgets scaled to a new total (the clock is unchanged)."""
    return session.model_copy(update={"budgets": scaled_budgets(total_minutes, session.budgets)})


def _paused_seconds(session: PracticeSession, until: datetime) -> float:
    total = 0.0
    for pause in session.pauses:
        if pause.start >= until:
            break
        end = min(pause.end or until, until)
        total += (end - pause.start).total_seconds()
    return total


def elapsed(session: PracticeSession, now: datetime) -> float:
    """Seconds of session time at ``now``: wall time since the start, minus pauses, frozen at the finish."""
    until = min(now, session.finished_at) if session.finished_at is not None else now
    if until <= session.started_at:
        return 0.0
    wall = (until - session.started_at).total_seconds()
    return max(wall - _paused_seconds(session, until), 0.0)


def phase_at(session: PracticeSession, seconds: float) -> tuple[PhaseId, float]:
    """The phase at ``seconds`` of session time, and the seconds left in it (negative: overtime)."""
    end = 0.0
    for phase in PHASE_IDS:
        end += session.budgets[phase] * 60.0
        if seconds < end:
            return phase, end - seconds
    return PHASE_IDS[-1], end - seconds


def current_phase(session: PracticeSession, now: datetime) -> tuple[PhaseId, float]:
    """The phase the session is in at ``now``, and the seconds left in it.

    After the last phase's budget the session stays in the last phase and the time left is negative (how far
    over time it is). Paused time does not count; a finished session stays where it finished.
    """
    return phase_at(session, elapsed(session, now))


def time_left(session: PracticeSession, now: datetime) -> float:
    """Seconds left in the whole session at ``now`` (negative: overtime)."""
    return session.total_minutes * 60.0 - elapsed(session, now)


def _check_not_before(session: PracticeSession, now: datetime) -> None:
    last = session.started_at
    if session.pauses:
        last = session.pauses[-1].end or session.pauses[-1].start
    if now < last:
        raise SessionError(f"time runs forwards: {now.isoformat()} is before {last.isoformat()}")


def pause(session: PracticeSession, now: datetime) -> PracticeSession:
    """The session paused at ``now``; SessionError when it is finished or already paused."""
    if session.finished:
        raise SessionError("the session is finished; it cannot be paused")
    if session.paused:
        raise SessionError("the session is already paused")
    _check_not_before(session, now)
    return session.model_copy(update={"pauses": (*session.pauses, Pause(start=now))})


def resume(session: PracticeSession, now: datetime) -> PracticeSession:
    """The session resumed at ``now``; SessionError when it is not paused."""
    if not session.paused:
        raise SessionError("the session is not paused")
    _check_not_before(session, now)
    last = session.pauses[-1].model_copy(update={"end": now})
    return session.model_copy(update={"pauses": (*session.pauses[:-1], last)})


def finish(session: PracticeSession, now: datetime) -> PracticeSession:
    """The session finished at ``now`` (a pause still open ends then); SessionError when already finished."""
    if session.finished:
        raise SessionError("the session is already finished")
    _check_not_before(session, now)
    s = resume(session, now) if session.paused else session
    return s.model_copy(update={"finished_at": now})


def with_note(session: PracticeSession, phase: str, text: str) -> PracticeSession:
    """The session with the notes of one phase replaced."""
    if phase not in PHASE_IDS:
        raise SessionError(f"unknown phase {phase!r}; phases are {', '.join(PHASE_IDS)}")
    return session.model_copy(update={"notes": {**session.notes, phase: text}})


def with_design(session: PracticeSession, design: Design) -> PracticeSession:
    """The session with the candidate's design replaced."""
    return session.model_copy(update={"design": design})


def with_grades(session: PracticeSession, grades: list[DimensionGrade], confirmed: bool = False
                ) -> PracticeSession:
    """The session with its grades replaced (pre-filled or adjusted by the candidate)."""
    return session.model_copy(update={"grades": tuple(grades), "confirmed": confirmed})


def to_json(session: PracticeSession) -> str:
    """The session as JSON text (what the library stores)."""
    return session.model_dump_json()


def from_json(text: str | bytes) -> PracticeSession:
    """A session from ``to_json``'s text; pydantic's ValidationError names a bad field."""
    return PracticeSession.model_validate_json(text)


def to_state(session: PracticeSession) -> dict[str, object]:
    """The session as a JSON-ready dict (the store's ``state`` column holds a JSON object)."""
    data: dict[str, object] = session.model_dump(mode="json")
    return data


def from_state(state: dict[str, object]) -> PracticeSession:
    """A session from ``to_state``'s dict."""
    return PracticeSession.model_validate(state)
