"""Renaming and deleting a workspace (mlsd.store.workspaces, through mlsd.store.access.UserStore), on SQLite and
PostgreSQL: only owners may; a workspace is deleted only when it holds no design (live or in its trash), with a
message naming how many it holds; the Local workspace stays; refused changes write nothing; both are audited."""

from __future__ import annotations

import pytest

from mlsd.store import (
    LOCAL_ACTOR,
    LOCAL_WORKSPACE,
    NotFound,
    PermissionDenied,
    StoreError,
    UserStore,
    WorkspaceNotEmpty,
)
from tests.store_helpers import make_design
from tests.test_store_access import ADA, ALAN, GRACE, World, world  # noqa: F401  (``world``: the fixture)


def owner(world: World) -> UserStore:  # noqa: F811
    return world.view(ADA, "Ada Lovelace")


def test_an_owner_renames_the_workspace_and_it_is_audited(world: World) -> None:  # noqa: F811
    renamed = owner(world).rename_workspace(world.workspace, "  Ranking and feeds ")
    assert renamed.name == "Ranking and feeds" == world.store.workspace(world.workspace).name
    assert [w.name for w, _ in owner(world).memberships()] == ["Ranking and feeds"]
    [entry] = [e for e in world.store.audit(world.design, workspace=world.workspace)
               if e.action == "workspace.rename"]  # listed with each of its designs' activity
    assert entry.actor == "Ada Lovelace <ada@example.com>" and entry.detail == "Ranking team → Ranking and feeds"
    before = world.fingerprint()
    owner(world).rename_workspace(world.workspace, "Ranking and feeds")  # the same name: nothing to record
    assert world.fingerprint() == before


@pytest.mark.parametrize("name", ["", "   ", "x" * 101, None])
def test_a_bad_name_is_refused_and_nothing_changes(world: World, name: str | None) -> None:  # noqa: F811
    before = world.fingerprint()
    with pytest.raises(StoreError):
        owner(world).rename_workspace(world.workspace, name)  # type: ignore[arg-type]
    assert world.fingerprint() == before


def test_a_workspace_that_holds_designs_is_not_deleted(world: World) -> None:  # noqa: F811
    assert owner(world).workspace_designs(world.workspace) == (1, 1)
    before = world.fingerprint()
    with pytest.raises(WorkspaceNotEmpty) as caught:
        owner(world).delete_workspace(world.workspace)
    assert (caught.value.live, caught.value.trashed) == (1, 1)
    assert str(caught.value) == ("the workspace 'Ranking team' still holds 1 design and 1 in its trash: move its "
                                 "designs to the trash and empty it first (the Library); nothing was deleted")
    assert world.fingerprint() == before
    owner(world).delete(world.design)  # all in the trash now: still held
    with pytest.raises(WorkspaceNotEmpty, match="still holds 2 in its trash: empty its trash first"):
        owner(world).delete_workspace(world.workspace)
    assert world.store.workspace(world.workspace).name == "Ranking team"


@pytest.mark.parametrize("role", ["viewer", "editor", None], ids=lambda r: r or "non-member")
def test_only_owners_delete_or_rename(world: World, role: str | None) -> None:  # noqa: F811
    empty = owner(world).create_workspace("Empty")
    if role is not None:
        world.store.set_member(empty.id, GRACE, role)
    grace = world.view(GRACE, "Grace Hopper")
    before = world.fingerprint()
    for attempt in (lambda: grace.delete_workspace(empty.id), lambda: grace.rename_workspace(empty.id, "Mine")):
        with pytest.raises(PermissionDenied) as caught:
            attempt()
        said = str(caught.value)
        assert "not a member" in said if role is None else f"is a {role} in the workspace 'Empty'" in said
    assert world.fingerprint() == before


def test_an_owner_deletes_an_empty_workspace_with_its_memberships(world: World) -> None:  # noqa: F811
    ada = owner(world)
    empty = ada.create_workspace("Scratch")
    ada.set_member(empty.id, GRACE, "editor")
    made = UserStore(world.store, ada.actor, workspace=empty.id).create(make_design("Tmp")).design_id
    ada.delete(made)
    ada.purge(made, confirm=True)  # nothing saved is lost: it was deleted for good on purpose first
    ada.delete_workspace(empty.id)
    with pytest.raises(NotFound):
        world.store.workspace(empty.id)
    assert [w.name for w, _ in ada.memberships()] == ["Ranking team"]
    assert world.store.memberships(GRACE) == []
    [entry] = [e for e in world.store.audit() if e.action == "workspace.delete"]
    assert (entry.actor, entry.target, entry.detail) == ("Ada Lovelace <ada@example.com>", empty.id, "Scratch")
    with pytest.raises(NotFound):  # a design cannot land in the deleted workspace
        world.store.create(make_design("Late"), workspace=empty.id)
    with pytest.raises(PermissionDenied):
        ada.delete_workspace(empty.id)  # gone: Ada is no member of it any more


def test_the_local_workspace_is_never_deleted(world: World) -> None:  # noqa: F811
    local = UserStore(world.store, LOCAL_ACTOR)
    before = world.fingerprint()
    with pytest.raises(StoreError, match=r"Local workspace .* cannot be deleted"):
        local.delete_workspace(LOCAL_WORKSPACE)
    world.store.claim_local(ALAN)
    with pytest.raises(StoreError, match="cannot be deleted"):
        world.view(ALAN).delete_workspace(LOCAL_WORKSPACE)
    assert world.store.workspace(LOCAL_WORKSPACE).name == "Local"
    assert world.fingerprint()[:3] == before[:3]  # designs, revisions, shares untouched (claim_local added Alan)
