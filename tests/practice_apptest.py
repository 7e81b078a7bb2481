"""The practice page driven by Streamlit's AppTest through app.py: helpers for the test_app_practice_*.py
files (open the page on a session, sessions made and read in the library, the page's texts and clock).

Time is driven through the domain: sessions are created in the library with a ``started_at`` in the past, so
nothing sleeps. The library is a temporary file (``MLSD_DB``); the session id travels in ``?session=ID``.

``ok`` and ``canvas_args`` are the board's (tests/board_apptest.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mlsd.model import Design
from mlsd.practice.session import PracticeSession, from_state, start, to_state
from mlsd.store import open_store
from tests.board_apptest import ok
from tests.conftest import design_of

ROOT = Path(__file__).resolve().parent.parent
PROMPT = "card_fraud"


def open_practice(monkeypatch: pytest.MonkeyPatch, db: Path, session: str | None = None) -> AppTest:
    """The app on the practice page (a fresh browser tab: a new AppTest), with ``?session=`` when given."""
    monkeypatch.setenv("MLSD_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if session is not None:
        at.query_params["session"] = session
    at.run()
    at.switch_page("pages/practice.py").run()
    ok(at)
    return at


def stored(db: Path, sid: str) -> PracticeSession:
    with open_store(db) as store:
        return from_state(store.get_session(sid).state)


def create(db: Path, session: PracticeSession) -> str:
    with open_store(db) as store:
        return store.start_session(session.prompt_id, state=to_state(session)).id


def started(minutes_ago: float, prompt: str = PROMPT, total: float | None = None) -> PracticeSession:
    return start(prompt, datetime.now(UTC) - timedelta(minutes=minutes_ago), total)


def texts(at: AppTest) -> str:
    """Every Markdown, caption, info and error text of the page, with Markdown escapes removed."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info] + \
            [e.value for e in at.error] + [w.value for w in at.warning]
    return re.sub(r"\\(.)", r"\1", "\n".join(parts))


def clock_seconds(value: str) -> int:
    sign = -1 if value.startswith("-") else 1
    parts = [int(p) for p in value.lstrip("-").split(":")]
    seconds = 0
    for p in parts:
        seconds = seconds * 60 + p
    return sign * seconds


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return str(found[0])


def partial_design() -> Design:
    """A partial fraud answer: a client, a gateway and a GBDT scorer behind it, with the SLA declared."""
    return design_of(
        [
            {"id": "app", "kind": "client", "label": "Payment terminal"},
            {"id": "gw", "kind": "api_gateway", "label": "Auth gateway"},
            {"id": "score", "kind": "online_inference", "label": "Fraud scorer"},
            {"id": "model", "kind": "gbdt", "label": "Fraud GBDT"},
        ],
        [
            {"id": "c1", "source": "app", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "score", "flow": "request"},
            {"id": "c3", "source": "score", "target": "model", "flow": "request"},
        ],
        name="My fraud answer",
        requirements={"sla_p99_ms": 100},
    )
