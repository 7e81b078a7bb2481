"""The practice page's prompt picker (AppTest through app.py): every prompt listed and filtered by topic
and difficulty, the chosen prompt shown, and Start opening a timed session saved in the library.

Time is driven through the domain: sessions are created in the library with a ``started_at`` in the past, so
nothing sleeps. The library is a temporary file (``MLSD_DB``); the session id travels in ``?session=ID``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.practice.state import PracticeKey
from mlsd.practice.phases import PHASE_BY_ID, PHASE_IDS
from mlsd.practice.prompts import DIFFICULTIES, all_prompts, filter_prompts, get_prompt
from tests.board_apptest import ok
from tests.practice_apptest import PROMPT, clock_seconds, metric, open_practice, stored, texts


def test_picker_lists_every_prompt_and_filters_by_topic_and_difficulty(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_db: Path) -> None:
    at = open_practice(monkeypatch, tmp_db)
    assert [o for o in at.radio(key=PracticeKey.PICK.value).options] == [p.title for p in all_prompts()]

    at.selectbox(key=PracticeKey.TOPIC.value).set_value("fraud").run()
    ok(at)
    assert at.radio(key=PracticeKey.PICK.value).options == [p.title for p in filter_prompts("fraud")]

    at.selectbox(key=PracticeKey.TOPIC.value).set_value("recsys").run()
    at.session_state[PracticeKey.DIFFICULTY.value] = "easy"
    at.run()
    ok(at)
    expected = [p.title for p in filter_prompts("recsys", "easy")]
    assert expected and at.radio(key=PracticeKey.PICK.value).options == expected

    # a combination with no prompt says what to do instead
    empty = next((t, d) for t in ("fraud", "ads", "graph") for d in DIFFICULTIES if not filter_prompts(t, d))
    at.selectbox(key=PracticeKey.TOPIC.value).set_value(empty[0]).run()
    at.session_state[PracticeKey.DIFFICULTY.value] = empty[1]
    at.run()
    ok(at)
    assert not at.radio
    assert "No prompt has this topic at this difficulty" in texts(at)


def test_the_chosen_prompt_is_shown_with_its_difficulty_topics_and_text(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_db: Path) -> None:
    at = open_practice(monkeypatch, tmp_db)
    prompt = get_prompt(PROMPT)
    at.radio(key=PracticeKey.PICK.value).set_value(prompt.id).run()
    ok(at)
    shown = texts(at)
    assert prompt.title in [re.sub(r"\\(.)", r"\1", s.value) for s in at.subheader]
    assert " ".join(prompt.prompt.split()) in shown
    assert prompt.difficulty in shown
    assert f"{len(prompt.clarifications)} clarifying questions" in shown
    # the numbers are what the candidate must ask for: the picker does not give them away
    assert prompt.clarifications[0].answer not in shown


def test_start_opens_a_timed_session_saved_in_the_library(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    at = open_practice(monkeypatch, tmp_db)
    at.radio(key=PracticeKey.PICK.value).set_value(PROMPT).run()
    at.number_input(key=PracticeKey.TOTAL.value).set_value(10.0).run()
    at.button(key="practice.start").click().run()
    ok(at)
    sid = at.query_params["session"]
    assert isinstance(sid, str) and sid
    session = stored(tmp_db, sid)
    assert session.prompt_id == PROMPT
    assert session.total_minutes == pytest.approx(10.0)
    assert not session.finished and not session.paused
    shown = texts(at)
    assert f"Phase 1 of {len(PHASE_IDS)} · {PHASE_BY_ID['requirements'].label}" in shown
    assert 0 < clock_seconds(metric(at, "Left in total")) <= 600
    assert clock_seconds(metric(at, "Left in this phase")) <= session.budgets["requirements"] * 60 + 1
