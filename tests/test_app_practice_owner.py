"""Practice and Progress are each person's own with sign-in (AppTest; ``mlsd.store.access``): Ada and Grace,
both signed in, each see only the sessions they started — on the Practice page's "Continue where you left off",
when opening a session by its address, and on the Progress page.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.practice.state import PracticeKey
from mlsd.practice.prompts import get_prompt
from mlsd.practice.session import to_state
from mlsd.store import open_store
from tests.practice_apptest import PROMPT, started
from tests.test_app_progress import T0, graded, small_answer, texts
from tests.test_app_signin import AUTH
from tests.test_app_workspaces import ADA, GRACE

ROOT = Path(__file__).resolve().parent.parent


def app_as(user: dict[str, Any], page: str, session: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = user
    if session is not None:
        at.query_params["session"] = session
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_buttons(at: AppTest) -> set[str]:
    return {str(b.key)[len("practice.open."):] for b in at.button if str(b.key).startswith("practice.open.")}


def test_a_session_started_in_the_app_is_the_signed_in_persons(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_db: Path) -> None:
    monkeypatch.setenv("MLSD_DB", str(tmp_db))
    at = app_as(ADA, "pages/practice.py")
    at.radio(key=PracticeKey.PICK.value).set_value(PROMPT).run()
    at.button(key="practice.start").click().run()
    assert not at.exception
    sid = str(at.query_params["session"])
    with open_store(tmp_db) as store:
        assert store.get_session(sid).person == "ada@example.com"


def test_each_person_continues_only_their_own_sessions(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    monkeypatch.setenv("MLSD_DB", str(tmp_db))
    with open_store(tmp_db) as store:
        ada = store.start_session(PROMPT, state=to_state(started(4)), person="ada@example.com").id
        grace = store.start_session(PROMPT, state=to_state(started(9)), person="grace@example.com").id
    assert open_buttons(app_as(ADA, "pages/practice.py")) == {ada}
    assert open_buttons(app_as(GRACE, "pages/practice.py")) == {grace}


def test_someone_elses_session_by_its_address_is_refused_and_left_alone(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_db: Path) -> None:
    monkeypatch.setenv("MLSD_DB", str(tmp_db))
    with open_store(tmp_db) as store:
        sid = store.start_session(PROMPT, state=to_state(started(4)), person="ada@example.com").id
        before = store.get_session(sid)
    at = app_as(GRACE, "pages/practice.py", session=sid)
    shown = re.sub(r"\\(.)", r"\1", "\n".join(e.value for e in at.error)) + texts(at)
    assert "someone else's" in shown
    assert "Left in total" not in [m.label for m in at.metric]
    with open_store(tmp_db) as store:
        assert store.get_session(sid) == before
    mine = app_as(ADA, "pages/practice.py", session=sid)
    assert "Left in total" in [m.label for m in mine.metric]


def test_progress_shows_only_the_signed_in_persons_sessions(monkeypatch: pytest.MonkeyPatch, tmp_db: Path) -> None:
    monkeypatch.setenv("MLSD_DB", str(tmp_db))
    with open_store(tmp_db) as store:
        for person, prompt, days in (("ada@example.com", "card_fraud", 0), ("grace@example.com", "news_feed", 1),
                                     ("grace@example.com", "news_feed", 2)):
            session = graded(prompt, small_answer(), T0 + timedelta(days=days), 30)
            rec = store.start_session(prompt, state=to_state(session), person=person)
            store.update_session(rec.id, finished=True)
    ada = app_as(ADA, "pages/progress.py")
    assert [r["Prompt"] for r in ada.dataframe[0].value.to_dict("records")] == [get_prompt("card_fraud").title]
    grace = app_as(GRACE, "pages/progress.py")
    assert [r["Prompt"] for r in grace.dataframe[0].value.to_dict("records")] == [get_prompt("news_feed").title] * 2
    alan = app_as({"is_logged_in": True, "sub": "alan", "email": "alan@example.com", "name": "Alan"},
                  "pages/progress.py")
    assert "No graded practice session yet" in texts(alan) and not alan.dataframe
