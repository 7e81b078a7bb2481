"""Journeys: sign-in against a local OpenID Connect provider (``oidc-provider-mock``, see ``tests/browser/oidc.py``).

1. A visitor who is not signed in sees Home with "Sign in" at the top; the Board asks for sign-in instead of
   opening; after signing in on the provider's page the app names the person and opens the Board; Sign out
   forgets them.
2. Three people, each in a browser of their own: Ada (the first to sign in, so owner of the Local workspace)
   saves a design and adds Grace as a viewer on the Workspace page; Grace finds it in the Library and sees it
   read-only on the Board (no Save, a line saying why); Alan, a member of nothing of Ada's, sees an empty library.
3. Ada's name on her revision and in the activity reads "Ada Lovelace · ada@example.com", the e-mail as text (no
   mailto link, nothing swallowed); she makes a workspace, renames it, and deletes it after confirming; the Local
   workspace, which holds her design, says so and offers no delete.

Screenshots go to test-artifacts/signin-*.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.store import open_store
from tests.browser.axe_check import require_axe, violations
from tests.browser.conftest import FIRST_RENDER_TIMEOUT_MS
from tests.browser.oidc import serve_signin_app, sign_in, sign_out

pytestmark = pytest.mark.browser


CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"
TEMPLATE = "News feed ranking"
ADA_SHOWN = re.compile("Ada Lovelace · ada\u2060?@example.com")  # components.common.people (a word joiner at @)


@pytest.fixture
def signin_app(tmp_path: Path, chromium_path: Path) -> Iterator[str]:
    with serve_signin_app(tmp_path) as url:
        yield url


@pytest.fixture
def signin_library(tmp_path: Path, chromium_path: Path) -> Iterator[tuple[str, Path]]:
    with serve_signin_app(tmp_path) as url:
        yield url, tmp_path / "library.db"


def settle(page: Any) -> None:
    """Wait until the script run is over (the app's 'Running' indicator is gone); no tooltip in the picture."""
    page.wait_for_timeout(400)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)
    page.mouse.move(1, 1)
    page.wait_for_timeout(600)


def nav(page: Any, name: str) -> None:
    page.get_by_test_id("stTopNav").get_by_role("link", name=name, exact=True).click()


def save_a_template_as(page: Any, url: str, email: str) -> None:
    """Sign in as ``email``, open the template on the Board and save it: revision 1 of a design in the library."""
    sign_in(page, url, email)
    nav(page, "Board")
    page.get_by_text("An empty board").wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)
    page.get_by_role("button", name=TEMPLATE).first.click()
    page.frame_locator(CANVAS).locator(".react-flow__node[data-id='gw']").wait_for()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved · revision 1").wait_for()


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


def test_owner_shares_with_a_viewer_who_cannot_save_and_a_stranger_sees_nothing(
    signin_library: tuple[str, Path], page: Any, browser: Any, shot: Callable[..., Path]
) -> None:
    url, db = signin_library
    require_axe()

    # Ada signs in first (owner of the Local workspace), saves a design from a template
    save_a_template_as(page, url, "ada@example.com")

    # ... and adds Grace as a viewer of the workspace
    nav(page, "Workspace")
    page.get_by_role("heading", name="Members").wait_for()
    email = page.get_by_role("textbox", name="E-mail")
    email.fill("grace@example.com")
    email.press("Tab")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_test_id("stMainBlockContainer").get_by_text("grace@example.com", exact=True).wait_for()
    settle(page)
    shot("signin-owner-workspace")
    assert violations(page) == []  # axe-core: nothing critical or serious on the Workspace page
    with open_store(db) as store:
        [design] = store.list_designs().items
        assert store.role_of("local", "grace@example.com") == "viewer"
        assert store.history(design.id)[0].author == "Ada Lovelace <ada@example.com>"
        store.create_thread(design.id, "block", "gw", "Is one <b>gateway</b> replica enough?",
                            author="Ada Lovelace <ada@example.com>")

    # Grace, in a browser of her own, finds it in the Library and sees it read-only on the Board
    grace_context = browser.new_context(viewport={"width": 1440, "height": 1000})
    grace = grace_context.new_page()
    grace.set_default_timeout(30_000)
    try:
        sign_in(grace, url, "grace@example.com")
        nav(grace, "Library")
        row = grace.locator(f".st-key-lib-row-{design.id}")
        row.wait_for()
        row.get_by_role("button", name="Open").click()
        grace.get_by_text("You are a viewer in the workspace “Local”").wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)
        grace.get_by_role("heading", name=TEMPLATE).first.wait_for()
        assert grace.get_by_role("button", name="Save", exact=True).count() == 0
        settle(grace)
        shot_of(grace, "signin-viewer-board")
        # the review threads, read-only: the text as typed, why they cannot be answered, nothing to write with
        comments = grace.get_by_role("heading", name="Review comments")
        comments.scroll_into_view_if_needed()
        grace.get_by_text("Is one <b>gateway</b> replica enough?").wait_for()
        grace.get_by_text(ADA_SHOWN).first.wait_for()  # the comment's author: her name, her e-mail as text
        assert grace.locator("a[href^='mailto:']").count() == 0
        grace.get_by_text("as a viewer you can read the review comments").wait_for()
        assert grace.get_by_role("button", name="Reply").count() == 0
        assert grace.get_by_role("button", name="Comment", exact=True).count() == 0
        settle(grace)
        shot_of(grace, "signin-viewer-comments")
        assert violations(grace) == []  # the viewer's read-only Board with its comments
    finally:
        grace_context.close()
    with open_store(db) as store:
        assert len(store.history(design.id)) == 1  # nothing saved by the viewer

    # Alan, a member of nothing of Ada's, sees an empty library
    alan_context = browser.new_context(viewport={"width": 1440, "height": 1000})
    alan = alan_context.new_page()
    alan.set_default_timeout(30_000)
    try:
        sign_in(alan, url, "alan@example.com")
        nav(alan, "Library")
        alan.get_by_text("The library is empty").wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)
        assert alan.get_by_text(TEMPLATE).count() == 0
        settle(alan)
        shot_of(alan, "signin-stranger-library")
    finally:
        alan_context.close()


def test_authors_read_as_names_and_an_owner_renames_and_deletes_a_workspace(
    signin_library: tuple[str, Path], page: Any, shot: Callable[..., Path]
) -> None:
    url, db = signin_library
    page.set_viewport_size({"width": 1440, "height": 900})
    save_a_template_as(page, url, "ada@example.com")
    page.get_by_role("button", name="History", exact=True).click()
    page.get_by_text("Revision 1").first.wait_for()
    page.get_by_text(ADA_SHOWN).first.wait_for()
    assert page.locator("a[href^='mailto:']").count() == 0
    settle(page)
    shot("signin-author-history")

    nav(page, "Workspace")
    page.get_by_role("heading", name="Rename or delete").wait_for()
    page.get_by_text("it can be renamed, not deleted").wait_for()  # Local holds the design
    assert page.get_by_role("button", name="Delete workspace…").count() == 0
    page.get_by_text("New workspace").click()
    new_name = page.get_by_role("textbox", name="Name").last
    new_name.fill("Scratch")
    new_name.press("Tab")
    page.get_by_role("button", name="Create workspace").click()
    page.get_by_text("Made the workspace 'Scratch'; you are its owner.").wait_for()
    settle(page)
    rename = page.get_by_role("textbox", name="Name").first
    assert rename.input_value() == "Scratch"  # the new workspace is the one picked
    rename.fill("Scratch pad")
    rename.press("Tab")
    page.get_by_role("button", name="Rename", exact=True).click()
    page.get_by_text("The workspace is now called 'Scratch pad'.").wait_for()
    page.get_by_role("button", name="Delete workspace…").click()
    page.get_by_text("Delete the workspace “Scratch pad”?").wait_for()
    settle(page)
    shot("signin-workspace-delete-confirm")
    page.get_by_role("button", name="Delete for good").click()
    page.get_by_text("Deleted the workspace 'Scratch pad'.").wait_for()
    page.get_by_text("it can be renamed, not deleted").wait_for()  # back on Local
    settle(page)
    shot("signin-workspace-deleted")
    with open_store(db) as store:
        assert [w.name for w, _ in store.memberships("ada@example.com")] == ["Local"]
        assert [e.action for e in store.audit() if e.action.startswith("workspace.")] == [
            "workspace.delete", "workspace.rename", "workspace.create"]


def shot_of(page: Any, name: str) -> None:
    """A screenshot of another browser's page (the ``shot`` fixture takes the test's own page)."""
    from tests.browser.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
