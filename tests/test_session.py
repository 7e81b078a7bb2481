"""Practice sessions: the clock, phases and time left at chosen instants, pauses, scaling the total, finishing,
and the JSON round trip the library stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from mlsd.model import Design
from mlsd.practice.phases import PHASE_IDS, PHASES
from mlsd.practice.rubric import DimensionGrade
from mlsd.practice.session import (
    DEFAULT_BUDGETS,
    SessionError,
    current_phase,
    elapsed,
    finish,
    from_json,
    from_state,
    pause,
    resume,
    scaled_budgets,
    start,
    time_left,
    to_json,
    to_state,
    with_design,
    with_grades,
    with_note,
    with_total,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_default_budgets_are_the_interview_plan():
    assert [p.id for p in PHASES] == list(PHASE_IDS)
    assert DEFAULT_BUDGETS == {"requirements": 5, "framing": 5, "data": 10, "model": 10, "serving": 10,
                               "monitoring": 5}
    assert start("card_fraud", T0).total_minutes == 45


@pytest.mark.parametrize(
    ("minute", "phase", "left_s"),
    [
        (0, "requirements", 300),
        (4.5, "requirements", 30),
        (5, "framing", 300),
        (12, "data", 480),
        (20, "model", 600),
        (39.75, "serving", 15),
        (40.25, "monitoring", 285),
        (44, "monitoring", 60),
        (46, "monitoring", -60),  # overtime: still the last phase, negative time left
    ],
)
def test_phase_and_time_left_at_instants(minute, phase, left_s):
    s = start("card_fraud", T0)
    assert current_phase(s, at(minute)) == (phase, pytest.approx(left_s))
    assert time_left(s, at(minute)) == pytest.approx(45 * 60 - minute * 60)


def test_before_the_start_the_clock_reads_zero():
    s = start("card_fraud", T0)
    assert elapsed(s, at(-3)) == 0
    assert current_phase(s, at(-3)) == ("requirements", 300)


def test_pause_and_resume_exclude_the_paused_time():
    s = start("card_fraud", T0)
    s = pause(s, at(3))
    assert s.paused
    # while paused, the clock stands still
    assert elapsed(s, at(3)) == elapsed(s, at(20)) == 180
    assert current_phase(s, at(20)) == ("requirements", 120)
    s = resume(s, at(10))
    assert not s.paused
    assert elapsed(s, at(12)) == pytest.approx(5 * 60)
    assert current_phase(s, at(12)) == ("framing", 300)
    # a second pause adds up
    s = resume(pause(s, at(13)), at(15))
    assert elapsed(s, at(20)) == pytest.approx(11 * 60)


def test_pause_and_resume_refuse_what_does_not_fit():
    s = start("card_fraud", T0)
    with pytest.raises(SessionError, match="not paused"):
        resume(s, at(1))
    s = pause(s, at(2))
    with pytest.raises(SessionError, match="already paused"):
        pause(s, at(3))
    with pytest.raises(SessionError, match="forwards"):
        resume(s, at(1))


def test_functions_return_new_sessions_and_leave_the_old_one_alone():
    s = start("card_fraud", T0)
    paused = pause(s, at(1))
    assert not s.paused and paused.paused
    noted = with_note(s, "framing", "PR-AUC")
    assert s.notes == {} and noted.notes == {"framing": "PR-AUC"}


def test_scaling_the_total_keeps_the_proportions():
    budgets = scaled_budgets(30)
    assert sum(budgets.values()) == pytest.approx(30)
    for phase in PHASE_IDS:
        assert budgets[phase] / 30 == pytest.approx(DEFAULT_BUDGETS[phase] / 45)
    s = start("card_fraud", T0, total_minutes=90)
    assert s.budgets["data"] == pytest.approx(20)
    assert current_phase(s, at(10)) == ("framing", pytest.approx(600))
    shorter = with_total(s, 15)
    assert shorter.total_minutes == pytest.approx(15)
    assert shorter.budgets["requirements"] == pytest.approx(15 * 5 / 45)


@pytest.mark.parametrize("total", [0, -5, 0.5, 601, float("nan"), float("inf")])
def test_scaling_refuses_impossible_totals(total):
    with pytest.raises(SessionError):
        scaled_budgets(total)


def test_finish_freezes_the_clock():
    s = finish(start("card_fraud", T0), at(35))
    assert s.finished
    assert elapsed(s, at(50)) == 35 * 60
    assert current_phase(s, at(50)) == ("serving", pytest.approx(300))
    with pytest.raises(SessionError, match="already finished"):
        finish(s, at(36))
    with pytest.raises(SessionError, match="finished"):
        pause(s, at(36))


def test_finish_while_paused_closes_the_pause():
    s = finish(pause(start("card_fraud", T0), at(10)), at(25))
    assert not s.paused and s.pauses[-1].end == at(25)
    assert elapsed(s, at(60)) == 10 * 60


def test_json_round_trip_keeps_everything():
    s = start("card_fraud", T0, total_minutes=60)
    s = resume(pause(s, at(2)), at(4))
    s = with_note(with_note(s, "requirements", "100 ms p99, 5,000 TPS"), "model", "XGBoost, class weights")
    s = with_design(s, Design.model_validate({"name": "mine", "components": [
        {"id": "m", "kind": "gbdt", "label": "fraud model"}]}))
    s = with_grades(s, [DimensionGrade(dimension="model", level=3, prefill_level=2, reasons=("Has a GBDT.",))],
                    confirmed=True)
    s = finish(s, at(50))
    back = from_json(to_json(s))
    assert back == s
    assert from_state(to_state(s)) == s
    assert back.design.components[0].kind == "gbdt"
    assert back.grades[0].adjusted
    assert elapsed(back, at(99)) == elapsed(s, at(99)) == 48 * 60


def test_the_model_refuses_inconsistent_sessions():
    good = to_state(start("card_fraud", T0))
    with pytest.raises(ValidationError, match="extra"):
        from_state({**good, "colour": "blue"})
    with pytest.raises(ValidationError, match="missing"):
        from_state({**good, "budgets": {"requirements": 5}})
    with pytest.raises(ValidationError, match="timezone"):
        from_state({**good, "started_at": "2025-03-01T09:00:00"})
    with pytest.raises(ValidationError, match="before"):
        from_state({**good, "finished_at": "2025-03-01T08:00:00Z"})
    with pytest.raises(ValidationError, match="open"):
        from_state({**good, "pauses": [{"start": "2025-03-01T09:01:00Z"}, {"start": "2025-03-01T09:02:00Z"}]})


def test_notes_only_for_known_phases():
    with pytest.raises(SessionError, match="unknown phase"):
        with_note(start("card_fraud", T0), "lunch", "soup")
