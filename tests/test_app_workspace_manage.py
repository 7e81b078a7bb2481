"""Renaming and deleting a workspace on the Workspace page (AppTest, sign-in configured): an owner renames it and
deletes an empty one after confirming; a workspace with designs says how many it holds and offers no delete; the
Local workspace is never deleted; a viewer sees neither control."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from mlsd.store import LOCAL_WORKSPACE, NotFound, Store, UserStore, actor_for
from tests.board_apptest import unescape
from tests.store_helpers import make_design
from tests.test_app_workspaces import ADA, GRACE, app_as, library  # noqa: F401  (``library``: the fixture)


def keys(at: AppTest) -> set[str]:
    return {str(b.key) for b in at.button}


def pick(at: AppTest, workspace_id: str) -> None:
    at.selectbox(key="workspace.pick").select(workspace_id).run()
    assert not at.exception, [e.value for e in at.exception]


def test_an_owner_renames_the_workspace(library: tuple[Store, str]) -> None:  # noqa: F811
    store, _ = library
    at = app_as(ADA, "pages/workspace.py")
    assert at.text_input(key="workspace.rename_to").value == "Local"
    at.text_input(key="workspace.rename_to").input("Ranking team")
    at.button(key="workspace.rename").click().run()
    assert not at.exception and not at.error
    assert store.workspace(LOCAL_WORKSPACE).name == "Ranking team"
    assert "Ranking team · owner" in at.selectbox(key="workspace.pick").options
    [entry] = [e for e in store.audit() if e.action == "workspace.rename"]
    assert entry.actor == "Ada Lovelace <ada@example.com>"
    at.text_input(key="workspace.rename_to").input("  ")
    at.button(key="workspace.rename").click().run()
    assert [e.value for e in at.error if unescape(e.value).startswith("Not renamed: a workspace needs a name")]
    assert store.workspace(LOCAL_WORKSPACE).name == "Ranking team"


def test_local_and_a_workspace_with_designs_are_not_deleted(library: tuple[Store, str]) -> None:  # noqa: F811
    store, _ = library
    at = app_as(ADA, "pages/workspace.py")
    assert "workspace.delete" not in keys(at)  # Local: renamed, never deleted
    assert [c.value for c in at.caption if "it can be renamed, not deleted" in c.value]
    ada = UserStore(store, actor_for("ada@example.com", "Ada Lovelace"))
    team = ada.create_workspace("Team")
    in_team = UserStore(store, ada.actor, workspace=team.id)
    in_team.create(make_design("A"))
    in_team.delete(in_team.create(make_design("B")).design_id)
    at = app_as(ADA, "pages/workspace.py")
    pick(at, team.id)
    assert at.button(key="workspace.delete").disabled
    [said] = [c.value for c in at.caption if "still holds" in c.value]
    assert "1 design and 1 in its trash" in said and "never deletes a design" in said
    assert store.workspace_designs(team.id) == (1, 1)


def test_an_owner_deletes_an_empty_workspace_after_confirming(library: tuple[Store, str]) -> None:  # noqa: F811
    store, _ = library
    ada = UserStore(store, actor_for("ada@example.com", "Ada Lovelace"))
    scratch = ada.create_workspace("Scratch")
    ada.set_member(scratch.id, "grace@example.com", "editor")
    at = app_as(ADA, "pages/workspace.py")
    pick(at, scratch.id)
    at.button(key="workspace.delete").click().run()
    [warning] = [w.value for w in at.warning if "Delete the workspace" in w.value]
    assert "Scratch" in warning and "2 members" in warning and "cannot be undone" in warning
    at.button(key="workspace.delete.cancel").click().run()  # cancel: nothing happens
    assert store.workspace(scratch.id).name == "Scratch" and "workspace.delete.confirm" not in keys(at)
    at.button(key="workspace.delete").click().run()
    at.button(key="workspace.delete.confirm").click().run()
    assert not at.exception and not at.error
    with pytest.raises(NotFound):
        store.workspace(scratch.id)
    assert scratch.id not in at.selectbox(key="workspace.pick").options
    assert [e for e in store.audit() if e.action == "workspace.delete" and e.target == scratch.id]


def test_a_viewer_can_neither_rename_nor_delete(library: tuple[Store, str]) -> None:  # noqa: F811
    at = app_as(GRACE, "pages/workspace.py")
    pick(at, LOCAL_WORKSPACE)
    assert not {"workspace.rename", "workspace.delete"} & keys(at)
    assert not [t for t in at.text_input if t.key == "workspace.rename_to"]
