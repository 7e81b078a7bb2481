"""The practice session's clock (AppTest through app.py): the current phase and the time left,
overtime, pause and resume, and a session length changed during the session.

Time is driven through the domain: sessions are created in the library with a ``started_at`` in the past, so
nothing sleeps. The library is a temporary file (``MLSD_DB``); the session id travels in ``?session=ID``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mlsd.practice.phases import PHASE_BY_ID, PHASE_IDS
from mlsd.practice.session import current_phase, time_left
from tests.board_apptest import ok
from tests.practice_apptest import clock_seconds, create, metric, open_practice, started, stored, texts


def test_the_clock_shows_the_current_phase_and_the_time_left(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    session = started(minutes_ago=12)
    sid = create(tmp_db, session)
    before = datetime.now(UTC)
    at = open_practice(monkeypatch, tmp_db, sid)
    after = datetime.now(UTC)
    phase, _ = current_phase(session, before)
    assert current_phase(session, after)[0] == phase
    shown = texts(at)
    number = PHASE_IDS.index(phase) + 1
    assert f"Phase {number} of {len(PHASE_IDS)} · {PHASE_BY_ID[phase].label}" in shown
    left = clock_seconds(metric(at, "Left in this phase"))
    assert current_phase(session, after)[1] - 1 <= left <= current_phase(session, before)[1] + 1
    total = clock_seconds(metric(at, "Left in total"))
    assert time_left(session, after) - 1 <= total <= time_left(session, before) + 1
    assert "Running" in shown


def test_overtime_is_shown_once_the_budget_is_used(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=3, total=2))
    at = open_practice(monkeypatch, tmp_db, sid)
    over = clock_seconds(metric(at, "Over time by"))
    assert 55 <= over <= 65
    assert f"Phase {len(PHASE_IDS)} of {len(PHASE_IDS)}" in texts(at)


def test_pause_freezes_the_clock_and_resume_starts_it_again(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=6))
    at = open_practice(monkeypatch, tmp_db, sid)
    at.button(key="practice.pause").click().run()
    ok(at)
    paused = stored(tmp_db, sid)
    assert paused.paused
    assert "Paused" in texts(at)
    assert not [b for b in at.button if b.key == "practice.pause"]
    frozen = metric(at, "Left in total")
    assert clock_seconds(frozen) == pytest.approx(time_left(paused, datetime.now(UTC)), abs=1)

    at.button(key="practice.resume").click().run()
    ok(at)
    resumed = stored(tmp_db, sid)
    assert not resumed.paused and len(resumed.pauses) == 1 and resumed.pauses[0].end is not None
    assert "Running" in texts(at)


def test_the_session_length_can_change_during_the_session(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    sid = create(tmp_db, started(minutes_ago=1))
    at = open_practice(monkeypatch, tmp_db, sid)
    at.number_input(key=f"practice.total.{sid}").set_value(30.0).run()
    ok(at)
    session = stored(tmp_db, sid)
    assert session.total_minutes == pytest.approx(30.0)
    assert clock_seconds(metric(at, "Left in total")) <= 30 * 60 - 60 + 1
