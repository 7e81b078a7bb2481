"""Workspaces and roles in the app (AppTest, sign-in configured): what an owner, a viewer and a non-member see on
the Library, the Board and the Workspace page; without sign-in nothing of this shows and revisions say "local"."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from mlsd.store import LOCAL_WORKSPACE, Store, UserStore, actor_for, open_store
from tests.store_helpers import make_design
from tests.test_app_signin import AUTH

ROOT = Path(__file__).resolve().parent.parent
ADA = {"is_logged_in": True, "sub": "ada", "email": "ada@example.com", "name": "Ada Lovelace"}
GRACE = {"is_logged_in": True, "sub": "grace", "email": "grace@example.com", "name": "Grace Hopper"}
ALAN = {"is_logged_in": True, "sub": "alan", "email": "alan@example.com", "name": "Alan Turing"}


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[Store, str]]:
    """A library whose Local workspace Ada owns, with one design of hers; Grace is a viewer there."""
    path = tmp_path / "library.db"
    monkeypatch.setenv("MLSD_DB", str(path))
    with open_store(path) as store:
        ada = UserStore(store, actor_for("ada@example.com", "Ada Lovelace"))
        ada.ensure_home()
        design_id = ada.create(make_design("Feed ranking")).design_id
        store.set_member(LOCAL_WORKSPACE, "grace@example.com", "viewer")
        yield store, design_id


def app_as(user: dict[str, Any], page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = user
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def row_ids(at: AppTest) -> list[str]:
    return [str(b.key)[len("lib-row-"):] for b in at.container if str(getattr(b, "key", "")).startswith("lib-row-")]


def menu_options(at: AppTest, design_id: str) -> list[str]:
    [menu] = [m for m in at.get("menu_button") if m.key == f"lib.act.{design_id}"]
    return list(menu.options)


def test_a_viewer_sees_the_design_with_read_only_actions(library: tuple[Store, str]) -> None:
    _, design_id = library
    at = app_as(GRACE, "pages/library.py")
    assert row_ids(at) == [design_id]
    assert menu_options(at, design_id) == ["Preview", "History & diff"]
    owner = app_as(ADA, "pages/library.py")
    assert "Rename…" in menu_options(owner, design_id) and "Move to trash" in menu_options(owner, design_id)


def test_a_viewer_sees_the_board_read_only_and_cannot_save(library: tuple[Store, str]) -> None:
    store, design_id = library
    at = app_as(GRACE, "pages/library.py")
    at.button(key=f"lib.open.{design_id}").click().run()
    assert not at.exception
    assert [i.value for i in at.info if i.value.startswith("You are a viewer in the workspace “Local”")]
    assert not [b for b in at.button if b.key == "board.lib.save"]  # no toolbar, no Save
    assert len(store.history(design_id)) == 1


def test_a_viewer_may_copy_the_design_to_their_own_workspace(library: tuple[Store, str]) -> None:
    store, design_id = library
    at = app_as(GRACE, "pages/library.py")
    at.button(key=f"lib.open.{design_id}").click().run()
    at.button(key="board.viewer.copy").click().run()
    assert not at.exception
    [(mine, role)] = [(w, r) for w, r in store.memberships("grace@example.com") if w.id != LOCAL_WORKSPACE]
    copies = store.list_designs(workspaces=[mine.id]).items
    assert role == "owner" and [c.name for c in copies] == ["Feed ranking (copy)"]
    assert store.history(copies[0].id)[0].author == "Grace Hopper <grace@example.com>"
    at.switch_page("pages/board.py").run()
    assert any(b.key == "board.lib.save" for b in at.button)  # the copy is theirs: the full Board


def test_a_non_member_sees_nothing(library: tuple[Store, str]) -> None:
    at = app_as(ALAN, "pages/library.py")
    assert row_ids(at) == []
    assert [i.value for i in at.info if i.value.startswith("The library is empty")]


def test_an_owner_adds_a_member_and_changes_a_role(library: tuple[Store, str]) -> None:
    store, _ = library
    at = app_as(ADA, "pages/workspace.py")
    assert at.selectbox(key="workspace.pick").value == LOCAL_WORKSPACE
    at.text_input(key="workspace.add_email").input("Alan@Example.com")
    at.selectbox(key="workspace.add_role").select("editor")
    at.button(key="workspace.add").click().run()
    assert not at.exception
    assert store.role_of(LOCAL_WORKSPACE, "alan@example.com") == "editor"
    at.selectbox(key="workspace.role.grace@example.com").select("editor").run()
    assert store.role_of(LOCAL_WORKSPACE, "grace@example.com") == "editor"
    at.button(key="workspace.remove.alan@example.com").click().run()
    assert store.role_of(LOCAL_WORKSPACE, "alan@example.com") is None


def test_the_only_owner_cannot_step_down_and_is_told_why(library: tuple[Store, str]) -> None:
    store, _ = library
    at = app_as(ADA, "pages/workspace.py")
    at.selectbox(key="workspace.role.ada@example.com").select("viewer").run()
    assert [e.value for e in at.error if "only owner" in e.value]
    assert store.role_of(LOCAL_WORKSPACE, "ada@example.com") == "owner"


def test_a_viewer_sees_the_members_but_cannot_manage_them(library: tuple[Store, str]) -> None:
    at = app_as(GRACE, "pages/workspace.py")
    at.selectbox(key="workspace.pick").select(LOCAL_WORKSPACE).run()
    assert not at.exception
    assert {t.value for t in at.text} >= {"ada@example.com", "grace@example.com (you)"}
    assert not [b for b in at.button if b.key == "workspace.add"]
    assert not [s for s in at.selectbox if str(s.key).startswith("workspace.role.")]


def test_a_design_saved_on_the_board_goes_to_the_chosen_workspace_signed(library: tuple[Store, str]) -> None:
    store, _ = library
    at = app_as(GRACE, "pages/board.py")
    at.button(key="board.lib.save").click().run()
    assert not at.exception
    [(mine, _)] = [(w, r) for w, r in store.memberships("grace@example.com") if w.id != LOCAL_WORKSPACE]
    [saved] = store.list_designs(workspaces=[mine.id]).items
    assert store.history(saved.id)[0].author == "Grace Hopper <grace@example.com>"


def test_without_sign_in_there_is_no_workspace_page_and_revisions_say_local(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    monkeypatch.setenv("MLSD_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/board.py").run()
    at.button(key="board.lib.save").click().run()
    assert not at.exception
    with open_store(path) as store:
        [saved] = store.list_designs().items
        assert store.history(saved.id)[0].author == "local"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/workspace.py")  # not in the menu without sign-in


def test_a_non_members_history_link_says_they_cannot_open_it(library: tuple[Store, str]) -> None:
    _, design_id = library
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = ALAN
    at.query_params["design"] = design_id
    at.run()
    at.switch_page("pages/history.py").run()
    assert not at.exception
    assert [e.value for e in at.error if e.value.startswith("You cannot open this design")]
    assert not [b for b in at.button if b.key == "hist.open"]
