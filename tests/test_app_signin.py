"""Sign-in (``components/common/identity.py``, ``account.py``), driven by AppTest: without an ``[auth]`` section
nothing changes (no sign-in control, every page opens, the user is "local"); with one, a visitor who is not
signed in sees Home and a Sign in button, other pages ask for sign-in, and a signed-in person is named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a-long-enough-test-secret",
        "client_id": "mlsd", "client_secret": "not-a-secret",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration"}
ADA = {"is_logged_in": True, "sub": "ada-sub", "email": "Ada@Example.com", "name": "Ada Lovelace"}


def app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, auth: dict[str, Any] | None = None,
        user: dict[str, Any] | None = None) -> AppTest:
    monkeypatch.setenv("MLSD_DB", str(tmp_path / "library.db"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = user
    return at


def buttons(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def test_without_auth_there_is_no_sign_in_and_the_board_opens(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    at = app(monkeypatch, tmp_path)
    at.run()
    assert not at.exception
    assert "Sign in" not in buttons(at) and "Sign out" not in buttons(at)
    at.switch_page("pages/board.py").run()
    assert not at.exception
    assert not [i for i in at.info if "Sign in" in i.value]
    assert "Save" in buttons(at)


def test_with_auth_a_visitor_sees_home_and_the_board_asks_for_sign_in(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    at = app(monkeypatch, tmp_path, AUTH, {"is_logged_in": False})
    at.run()
    assert not at.exception
    assert "Sign in" in buttons(at)
    assert any(h.value == "Example designs" for h in at.header)  # Home is open to everybody
    for page, title in (("pages/board.py", "Board"), ("pages/library.py", "Library")):
        at.switch_page(page).run()
        assert not at.exception
        assert [i.value for i in at.info if i.value.startswith(f"Sign in to open the {title}")]
        assert "Save" not in buttons(at)


def test_with_auth_a_signed_in_person_is_named_and_the_board_opens(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    at = app(monkeypatch, tmp_path, AUTH, ADA)
    at.switch_page("pages/board.py").run()
    assert not at.exception
    assert [t.value for t in at.text] == ["Signed in as Ada Lovelace (ada@example.com)"]  # e-mail lower-cased
    assert "Sign out" in buttons(at) and "Save" in buttons(at)


def test_a_named_provider_section_counts_as_configured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shared = {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")}
    named = {k: v for k, v in AUTH.items() if k not in shared}
    at = app(monkeypatch, tmp_path, {**shared, "company": named}, {"is_logged_in": False})
    at.switch_page("pages/board.py").run()
    assert [i.value for i in at.info if i.value.startswith("Sign in to open the Board")]


def test_an_auth_section_without_a_provider_leaves_the_app_local(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    at = app(monkeypatch, tmp_path, {"cookie_secret": "only-this"}, {"is_logged_in": False})
    at.switch_page("pages/board.py").run()
    assert not at.exception
    assert "Sign in" not in buttons(at) and "Save" in buttons(at)
