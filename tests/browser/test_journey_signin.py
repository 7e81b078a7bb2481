"""Journey: sign-in against a local OpenID Connect provider (``oidc-provider-mock``, see ``tests/browser/oidc.py``).

A visitor who is not signed in sees Home with "Sign in" at the top; the Board asks for sign-in instead of opening;
after signing in on the provider's page the app names the person and opens the Board; Sign out forgets them.
Screenshots go to test-artifacts/signin-*.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import FIRST_RENDER_TIMEOUT_MS
from tests.browser.oidc import serve_signin_app, sign_in, sign_out

pytestmark = pytest.mark.browser


@pytest.fixture
def signin_app(tmp_path: Path, chromium_path: Path) -> Iterator[str]:
    with serve_signin_app(tmp_path) as url:
        yield url


def nav(page: Any, name: str) -> None:
    page.get_by_test_id("stTopNav").get_by_role("link", name=name, exact=True).click()


def test_sign_in_opens_the_board_and_sign_out_forgets(signin_app: str, page: Any,
                                                      shot: Callable[..., Path]) -> None:
    page.goto(signin_app)
    page.get_by_role("button", name="Sign in").first.wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)
    nav(page, "Board")
    page.get_by_text("Sign in to open the Board").wait_for()
    assert page.get_by_text("An empty board").count() == 0
    shot("signin-board-asks")

    sign_in(page, signin_app, "ada@example.com")
    page.get_by_text("Ada Lovelace (ada@example.com)").wait_for()
    nav(page, "Board")
    page.get_by_text("An empty board").wait_for()
    shot("signin-board-open")

    sign_out(page)
    nav(page, "Board")
    page.get_by_text("Sign in to open the Board").wait_for()
