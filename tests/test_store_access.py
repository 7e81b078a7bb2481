"""Workspaces, members and roles in the store (mlsd.store.workspaces, mlsd.store.access.UserStore).

Each write the app makes, tried by a viewer, an editor, an owner and a non-member: viewers and non-members get
``PermissionDenied`` and nothing is written; a non-member cannot read either; lists, tags and exports show only
the actor's workspaces; every revision names its author; the local actor (no sign-in) may do everything; an old
library (schema 1) opens with its designs in the Local workspace.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mlsd.store import (
    LOCAL_ACTOR,
    LOCAL_WORKSPACE,
    NotFound,
    PermissionDenied,
    Store,
    StoreError,
    UserStore,
    actor_for,
    open_store,
)
from mlsd.store.schema import MIGRATIONS
from mlsd.store.sqlite import migrate
from tests.store_helpers import make_design

ADA, GRACE, ALAN = "ada@example.com", "grace@example.com", "alan@example.com"


@dataclass
class World:
    store: Store
    workspace: str
    design: str  # a design in the workspace, at revision 2
    trashed: str  # a design of the workspace, in the trash
    share: str  # a share link of ``design``
    thread: str  # a review thread on ``design``'s block gw

    def view(self, person: str, name: str = "") -> UserStore:
        return UserStore(self.store, actor_for(person, name))

    def fingerprint(self) -> tuple[Any, ...]:
        """Everything a write could change, to check that a refused one changed nothing."""
        with self.store.db.read() as tx:
            return tuple(tx.fetchall(f"SELECT * FROM {table} ORDER BY 1, 2") for table in (
                "designs", "revisions", "shares", "members", "workspaces", "comment_threads", "comments", "audit_log"))


@pytest.fixture
def world(library_target: str) -> Iterator[World]:
    with open_store(library_target) as store:
        ws = store.create_workspace("Ranking team", owner=ADA)
        ada = UserStore(store, actor_for(ADA, "Ada Lovelace"), workspace=ws.id)
        design = ada.create(make_design("Feed"), message="first").design_id
        ada.save(design, make_design("Feed", p99=50), base_revision=1)
        trashed = ada.create(make_design("Old")).design_id
        ada.delete(trashed)
        share = ada.create_share(design).id
        thread = ada.create_thread(design, "block", "gw", "Why one gateway?").id
        ada.resolve_thread(thread)
        yield World(store, ws.id, design, trashed, share, thread)


WRITES: dict[str, Callable[[UserStore, World], Any]] = {
    "create": lambda v, w: v.create(make_design("New"), workspace=w.workspace),
    "import_designs": lambda v, w: v.import_designs([make_design("A"), make_design("B")], workspace=w.workspace),
    "save": lambda v, w: v.save(w.design, make_design("Feed", p99=60), base_revision=2),
    "rename": lambda v, w: v.rename(w.design, "Renamed"),
    "restore_revision": lambda v, w: v.restore_revision(w.design, 1),
    "duplicate": lambda v, w: v.duplicate(w.design),
    "delete": lambda v, w: v.delete(w.design),
    "restore": lambda v, w: v.restore(w.trashed),
    "purge": lambda v, w: v.purge(w.trashed, confirm=True),
    "create_share": lambda v, w: v.create_share(w.design),
    "revoke_share": lambda v, w: v.revoke_share(w.share, design_id=w.design),
    "set_member": lambda v, w: v.set_member(w.workspace, "new@example.com", "viewer"),
    "remove_member": lambda v, w: v.remove_member(w.workspace, ADA),
    "rename_workspace": lambda v, w: v.rename_workspace(w.workspace, "Ranking and feeds"),
    "create_thread": lambda v, w: v.create_thread(w.design, "block", "inf", "p99 at peak?"),
    "reply": lambda v, w: v.reply(w.thread, "Two now."),
    "reopen_thread": lambda v, w: v.reopen_thread(w.thread),
}
OWNER_ONLY = {"set_member", "remove_member", "rename_workspace"}
ROLES_TRIED = ("viewer", "editor", "owner", None)


@pytest.mark.parametrize("role", ROLES_TRIED, ids=lambda r: r or "non-member")
@pytest.mark.parametrize("write", sorted(WRITES))
def test_each_write_by_each_role(world: World, write: str, role: str | None) -> None:
    if role is not None:
        world.store.set_member(world.workspace, GRACE, role)
    view = world.view(GRACE, "Grace Hopper")
    allowed = role == "owner" or (role == "editor" and write not in OWNER_ONLY)
    before = world.fingerprint()
    if allowed:
        WRITES[write](view, world)
        assert world.fingerprint() != before
    else:
        with pytest.raises(PermissionDenied) as caught:
            WRITES[write](view, world)
        assert world.fingerprint() == before
        said = str(caught.value)
        if role is None:
            assert "not a member" in said
        else:
            assert f"is a {role} in the workspace 'Ranking team'" in said


@pytest.mark.parametrize("read", ["get", "open", "latest_revision", "history", "list_shares", "threads", "audit"])
def test_a_non_member_cannot_read_and_a_viewer_can(world: World, read: str) -> None:
    with pytest.raises(PermissionDenied, match="not a member"):
        getattr(world.view(ALAN), read)(world.design)
    world.store.set_member(world.workspace, GRACE, "viewer")
    assert getattr(world.view(GRACE), read)(world.design)


def test_lists_tags_exports_and_trash_show_only_the_actors_workspaces(world: World) -> None:
    alan = world.view(ALAN, "Alan Turing")
    alan.ensure_home()
    mine = alan.create(make_design("Alan's", tags=["mine"])).design_id
    assert [d.id for d in alan.list_designs().items] == [mine]
    assert alan.list_designs(search="Feed").total == 0
    assert alan.tags() == [("mine", 1)]
    assert [s.id for s, _ in alan.export_designs()] == [mine]
    assert alan.list_designs(trash=True).total == 0
    assert alan.empty_trash(confirm=True) == 0
    assert world.store.get(world.trashed).in_trash  # Ada's trash is untouched
    ada = world.view(ADA)
    assert {d.id for d in ada.list_designs().items} == {world.design}
    assert world.view(GRACE).list_designs().total == 0  # no workspace at all yet: nothing


def test_a_viewer_sees_the_designs_and_cannot_empty_the_trash(world: World) -> None:
    world.store.set_member(world.workspace, GRACE, "viewer")
    grace = world.view(GRACE)
    assert [d.id for d in grace.list_designs().items] == [world.design]
    assert grace.role_for(world.design) == "viewer"
    assert grace.empty_trash(confirm=True) == 0
    assert world.store.get(world.trashed).in_trash


def test_every_revision_names_its_author(world: World) -> None:
    authors = [r.author for r in world.store.history(world.design)]
    assert authors == ["Ada Lovelace <ada@example.com>"] * 2
    local = UserStore(world.store, LOCAL_ACTOR)
    local.save(world.design, make_design("Feed", p99=70), base_revision=2)
    assert world.store.history(world.design)[-1].author == "local"


def test_the_local_actor_may_do_everything_and_sees_everything(world: World) -> None:
    local = UserStore(world.store, LOCAL_ACTOR)
    created = local.create(make_design("Local one"))
    assert world.store.workspaces_of([created.design_id]) == {created.design_id: LOCAL_WORKSPACE}
    assert {d.id for d in local.list_designs().items} == {world.design, created.design_id}
    for write in ("save", "rename", "create_share", "purge", "delete"):
        WRITES[write](local, world)


def test_a_visitor_who_has_not_signed_in_may_only_open_share_links(world: World) -> None:
    visitor = UserStore(world.store, None)
    with pytest.raises(PermissionDenied, match="sign in first"):
        visitor.create(make_design("X"))
    with pytest.raises(PermissionDenied, match="sign in first"):
        visitor.open(world.design)
    assert visitor.list_designs().total == 0
    token = world.store.list_shares(world.design)[0].token
    assert visitor.open_share(token).name == "Feed"


def test_the_first_person_to_sign_in_owns_local_and_the_next_get_their_own(library_target: str) -> None:
    with open_store(library_target) as store:
        old = UserStore(store, LOCAL_ACTOR).create(make_design("Made before sign-in")).design_id
        ada = UserStore(store, actor_for(ADA, "Ada Lovelace"))
        ada.ensure_home()
        assert [(w.id, role) for w, role in ada.memberships()] == [(LOCAL_WORKSPACE, "owner")]
        assert [d.id for d in ada.list_designs().items] == [old]
        grace = UserStore(store, actor_for(GRACE, "Grace Hopper"))
        grace.ensure_home()
        [(mine, role)] = grace.memberships()
        assert (mine.name, role) == ("Grace Hopper's workspace", "owner")
        assert grace.list_designs().total == 0
        grace.ensure_home()  # once is enough
        assert len(grace.memberships()) == 1


def test_a_workspace_keeps_an_owner_and_members_are_checked(world: World) -> None:
    ada = world.view(ADA)
    with pytest.raises(StoreError, match="only owner"):
        ada.set_member(world.workspace, ADA, "editor")
    with pytest.raises(StoreError, match="only owner"):
        ada.remove_member(world.workspace, ADA)
    with pytest.raises(StoreError, match="role must be one of"):
        ada.set_member(world.workspace, GRACE, "admin")
    with pytest.raises(StoreError, match="e-mail"):
        ada.set_member(world.workspace, "not an address", "viewer")
    ada.set_member(world.workspace, " Grace@Example.COM ", "editor")
    assert [(m.person, m.role) for m in ada.members(world.workspace)] == [(ADA, "owner"), (GRACE, "editor")]
    ada.set_member(world.workspace, GRACE, "owner")
    ada.set_member(world.workspace, ADA, "viewer")  # another owner now: Ada may step down
    with pytest.raises(NotFound):
        world.view(GRACE).remove_member(world.workspace, "nobody@example.com")


def test_a_share_of_another_design_cannot_be_revoked_through_mine(world: World) -> None:
    ada = world.view(ADA)
    other = ada.create(make_design("Other"), workspace=world.workspace).design_id
    with pytest.raises(NotFound):
        ada.revoke_share(world.share, design_id=other)
    assert world.store.list_shares(world.design)[0].active


def test_a_schema_1_library_opens_with_its_designs_in_local(tmp_db: Path) -> None:
    conn = sqlite3.connect(tmp_db)
    migrate(conn, MIGRATIONS[:1])
    conn.execute("INSERT INTO designs (id, name, created_at, updated_at, latest_revision) "
                 "VALUES ('old1', 'Old', '2026-01-01', '2026-01-01', 1)")
    body = make_design("Old").model_dump_json()
    conn.execute("INSERT INTO revisions (design_id, number, created_at, name, body) "
                 "VALUES ('old1', 1, '2026-01-01', 'Old', ?)", (body,))
    conn.commit()
    conn.close()
    with open_store(tmp_db) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.workspaces_of(["old1"]) == {"old1": LOCAL_WORKSPACE}
        assert store.workspace(LOCAL_WORKSPACE).name == "Local"
        assert [d.id for d in UserStore(store, LOCAL_ACTOR).list_designs().items] == ["old1"]
        assert store.open("old1").design.name == "Old"


def test_changes_are_in_the_audit_log_under_the_actor_with_membership_changes_in_each_designs_activity(
        world: World) -> None:
    ada = world.view(ADA, "Ada Lovelace")
    ada.set_member(world.workspace, GRACE, "editor")
    ada.set_member(world.workspace, GRACE, "viewer")
    ada.set_member(world.workspace, GRACE, "viewer")  # no change: no entry
    grace = world.view(GRACE, "Grace Hopper")
    assert [t.id for t in grace.threads(world.design)] == [world.thread]
    with pytest.raises(PermissionDenied):
        grace.reply(world.thread, "I may read, not write")
    ada.remove_member(world.workspace, GRACE)
    log = ada.audit(world.design)
    actions = [(e.action, e.actor) for e in log]
    ada_author = "Ada Lovelace <ada@example.com>"
    assert actions[:3] == [("member.remove", ada_author), ("member.role", ada_author), ("member.add", ada_author)]
    assert ("share.create", ada_author) in actions and ("design.save", ada_author) in actions
    assert log[1].detail == "grace@example.com: editor → viewer"
    assert all(e.design_id in (world.design, None) for e in log)  # not the trashed design's entries
    alan = world.view(ALAN)
    with pytest.raises(PermissionDenied, match="not a member"):
        alan.audit(world.design)
