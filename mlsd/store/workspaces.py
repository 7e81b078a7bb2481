"""Workspaces and their members: who may see and change which designs (sign-in, issue 14).

Every design belongs to one workspace (``designs.workspace_id``; ``LOCAL_WORKSPACE`` holds the designs made before
workspaces existed, and every design of an app without sign-in). A member is a person, named by their e-mail
lower-cased (or the identity provider's subject when it gives none), with one role: a ``viewer`` reads, an
``editor`` also changes designs, an ``owner`` also manages the members. A workspace always keeps an owner.

A workspace can be renamed, and deleted only when it holds no design at all, neither live nor in its trash
(``WorkspaceNotEmpty`` says how many it still holds): deleting a workspace never deletes a saved design. The Local
workspace, where the designs of an app without sign-in live, is never deleted. A new design's insert holds its
workspace row (``hold_workspace``: ``FOR SHARE`` on PostgreSQL, where deleting locks it ``FOR UPDATE``; SQLite's
writes are serial), so a design never lands in a workspace deleted meanwhile.

These methods only record; who may call which method is decided by ``mlsd.store.access.UserStore``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from mlsd.store.audit import record_audit
from mlsd.store.base import StoreBase, text_arg
from mlsd.store.dialect import Dialect
from mlsd.store.handle import Tx, new_id, now
from mlsd.store.records import NotFound, StoreError

Role = Literal["viewer", "editor", "owner"]
ROLES: tuple[Role, ...] = ("viewer", "editor", "owner")
"""From the least to the most: each role may do what the ones before it may."""
LOCAL_WORKSPACE = "local"
MAX_WORKSPACE_NAME = 100
MAX_PERSON = 320  # an e-mail address is at most 254 characters; a subject is provider-defined


@dataclass(frozen=True)
class Workspace:
    """A group of designs and the people who may see them."""

    id: str
    name: str
    created_at: str


@dataclass(frozen=True)
class Member:
    """One person's role in one workspace."""

    workspace_id: str
    person: str
    role: Role
    added_at: str


class WorkspaceNotEmpty(StoreError):
    """A workspace that still holds designs cannot be deleted: ``live`` designs and ``trashed`` ones."""

    def __init__(self, name: str, live: int, trashed: int) -> None:
        self.name, self.live, self.trashed = name, live, trashed
        held = [f"{live} design{'s' if live != 1 else ''}"] if live else []
        held += [f"{trashed} in its trash"] if trashed else []
        steps = "move its designs to the trash and empty it" if live else "empty its trash"
        super().__init__(f"the workspace {name!r} still holds {' and '.join(held)}: {steps} first (the Library); "
                         "nothing was deleted")


def hold_workspace(tx: Tx, dialect: Dialect, workspace_id: object) -> None:
    """Check that the workspace exists and hold it until the transaction ends (a share lock where the backend locks
    rows, so ``delete_workspace`` waits, then sees the new design); NotFound when it does not exist."""
    suffix = " FOR SHARE" if dialect.lock_design else ""
    if not isinstance(workspace_id, str) or tx.fetchone("SELECT 1 FROM workspaces WHERE id = ?" + suffix,
                                                        (workspace_id,)) is None:
        raise NotFound(f"no workspace with id {workspace_id!r}")


def workspace_name(name: str) -> str:
    """A workspace name, trimmed; a clear error for an empty or overlong one."""
    name = (text_arg(name, "workspace name", MAX_WORKSPACE_NAME) or "").strip()
    if not name:
        raise StoreError("a workspace needs a name")
    return name


def person_key(person: str) -> str:
    """How a person is stored: trimmed and lower-cased; a clear error for an empty or overlong one."""
    key = (text_arg(person, "person", MAX_PERSON) or "").strip().lower()
    if not key or any(ch.isspace() for ch in key):
        raise StoreError("a member is named by an e-mail address (no spaces), e.g. ada@example.com")
    return key


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise StoreError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def at_least(role: Role | None, needed: Role) -> bool:
    """True when ``role`` may do what ``needed`` may (None: not a member, may do nothing)."""
    return role is not None and ROLES.index(role) >= ROLES.index(needed)


class WorkspacesMixin(StoreBase):
    """Workspaces, members, and the workspace of each design."""

    def _workspace_row(self, tx: Tx, workspace_id: str, *, lock: bool = False) -> Workspace:
        suffix = self.db.dialect.lock_design if lock else ""
        row = tx.fetchone("SELECT id, name, created_at FROM workspaces WHERE id = ?" + suffix, (workspace_id,))
        if row is None:
            raise NotFound(f"no workspace with id {workspace_id!r}")
        return Workspace(str(row[0]), str(row[1]), str(row[2]))

    def _owners(self, tx: Tx, workspace_id: str) -> int:
        row = tx.fetchone("SELECT count(*) FROM members WHERE workspace_id = ? AND role = 'owner'", (workspace_id,))
        return int(row[0]) if row else 0

    def create_workspace(self, name: str, *, owner: str, actor: str | None = None) -> Workspace:
        """A new workspace with ``owner`` as its first member (role owner); recorded in the audit log as
        ``actor``'s."""
        name = workspace_name(name)
        person = person_key(owner)
        workspace = Workspace(new_id(), name, now())
        with self.db.transaction() as tx:
            tx.execute("INSERT INTO workspaces (id, name, created_at) VALUES (?, ?, ?)",
                       (workspace.id, workspace.name, workspace.created_at))
            tx.execute("INSERT INTO members (workspace_id, person, role, added_at) VALUES (?, ?, 'owner', ?)",
                       (workspace.id, person, workspace.created_at))
            record_audit(tx, "workspace.create", actor=actor, target=workspace.id, detail=f"{name}, owner {person}")
        return workspace

    def rename_workspace(self, workspace_id: str, name: str, *, actor: str | None = None) -> Workspace:
        """Give the workspace a new name; recorded in the audit log (target: the workspace) as ``actor``'s."""
        name = workspace_name(name)
        with self.db.transaction() as tx:
            old = self._workspace_row(tx, workspace_id, lock=True)
            if old.name == name:
                return old
            tx.execute("UPDATE workspaces SET name = ? WHERE id = ?", (name, workspace_id))
            record_audit(tx, "workspace.rename", actor=actor, target=workspace_id, detail=f"{old.name} → {name}")
        return Workspace(old.id, name, old.created_at)

    def workspace_designs(self, workspace_id: str) -> tuple[int, int]:
        """How many designs the workspace holds: (live, in its trash)."""
        with self.db.read() as tx:
            self._workspace_row(tx, workspace_id)
            return self._held(tx, workspace_id)

    def _held(self, tx: Tx, workspace_id: str) -> tuple[int, int]:
        row = tx.fetchone("SELECT count(*) - count(deleted_at), count(deleted_at) FROM designs "
                          "WHERE workspace_id = ?", (workspace_id,))
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def delete_workspace(self, workspace_id: str, *, actor: str | None = None) -> None:
        """Delete an empty workspace and its memberships; recorded in the audit log (target: the workspace).
        ``WorkspaceNotEmpty`` while it holds any design (also in its trash), StoreError for the Local workspace;
        nothing is deleted then."""
        if workspace_id == LOCAL_WORKSPACE:
            raise StoreError("the Local workspace holds the designs made without sign-in and cannot be deleted")
        with self.db.transaction() as tx:
            workspace = self._workspace_row(tx, workspace_id, lock=True)
            live, trashed = self._held(tx, workspace_id)
            if live or trashed:
                raise WorkspaceNotEmpty(workspace.name, live, trashed)
            tx.execute("DELETE FROM members WHERE workspace_id = ?", (workspace_id,))
            tx.execute("DELETE FROM workspaces WHERE id = ?", (workspace_id,))
            record_audit(tx, "workspace.delete", actor=actor, target=workspace_id, detail=workspace.name)

    def claim_local(self, person: str) -> bool:
        """Make ``person`` the owner of the Local workspace when it has no member yet (the first person to sign in
        to a library made without sign-in gets its designs); False when it already has members."""
        key = person_key(person)
        with self.db.transaction() as tx:
            self._workspace_row(tx, LOCAL_WORKSPACE, lock=True)
            if tx.fetchone("SELECT 1 FROM members WHERE workspace_id = ?", (LOCAL_WORKSPACE,)) is not None:
                return False
            tx.execute("INSERT INTO members (workspace_id, person, role, added_at) VALUES (?, ?, 'owner', ?)",
                       (LOCAL_WORKSPACE, key, now()))
        return True

    def has_members(self) -> bool:
        """True when any workspace has a member: a library used with sign-in (team mode), whose designs belong to
        people; False for a library only ever used without sign-in."""
        with self.db.read() as tx:
            return tx.fetchone("SELECT 1 FROM members LIMIT 1") is not None

    def workspace(self, workspace_id: str) -> Workspace:
        with self.db.read() as tx:
            return self._workspace_row(tx, workspace_id)

    def memberships(self, person: str) -> list[tuple[Workspace, Role]]:
        """The workspaces ``person`` belongs to, with their role in each, oldest workspace first."""
        with self.db.read() as tx:
            rows = tx.fetchall(
                "SELECT w.id, w.name, w.created_at, m.role FROM members m JOIN workspaces w ON w.id = m.workspace_id "
                "WHERE m.person = ? ORDER BY w.created_at, w.id", (person_key(person),))
        return [(Workspace(str(r[0]), str(r[1]), str(r[2])), check_role(str(r[3]))) for r in rows]

    def members(self, workspace_id: str) -> list[Member]:
        """The members of a workspace: owners first, then editors, then viewers, each by e-mail."""
        with self.db.transaction(write=False) as tx:
            self._workspace_row(tx, workspace_id)
            rows = tx.fetchall("SELECT workspace_id, person, role, added_at FROM members WHERE workspace_id = ? "
                               "ORDER BY person", (workspace_id,))
        members = [Member(str(r[0]), str(r[1]), check_role(str(r[2])), str(r[3])) for r in rows]
        return sorted(members, key=lambda m: -ROLES.index(m.role))

    def role_of(self, workspace_id: str, person: str) -> Role | None:
        """``person``'s role in the workspace, or None when they are not a member."""
        with self.db.read() as tx:
            row = tx.fetchone("SELECT role FROM members WHERE workspace_id = ? AND person = ?",
                              (workspace_id, person_key(person)))
        return None if row is None else check_role(str(row[0]))

    def set_member(self, workspace_id: str, person: str, role: str, *, actor: str | None = None) -> Member:
        """Add ``person`` with ``role``, or change their role; the last owner cannot step down. Recorded in the audit
        log (target: the workspace id) as ``actor``'s."""
        key, role = person_key(person), check_role(role)
        stamp = now()
        with self.db.transaction() as tx:
            self._workspace_row(tx, workspace_id, lock=True)
            row = tx.fetchone("SELECT role, added_at FROM members WHERE workspace_id = ? AND person = ?",
                              (workspace_id, key))
            if row is None:
                tx.execute("INSERT INTO members (workspace_id, person, role, added_at) VALUES (?, ?, ?, ?)",
                           (workspace_id, key, role, stamp))
                record_audit(tx, "member.add", actor=actor, target=workspace_id, detail=f"{key} as {role}")
                return Member(workspace_id, key, role, stamp)
            if row[0] == "owner" and role != "owner" and self._owners(tx, workspace_id) == 1:
                raise StoreError(f"{key} is the workspace's only owner: make someone else owner first")
            tx.execute("UPDATE members SET role = ? WHERE workspace_id = ? AND person = ?", (role, workspace_id, key))
            if row[0] != role:
                record_audit(tx, "member.role", actor=actor, target=workspace_id, detail=f"{key}: {row[0]} → {role}")
            return Member(workspace_id, key, role, str(row[1]))

    def remove_member(self, workspace_id: str, person: str, *, actor: str | None = None) -> None:
        """Take ``person`` out of the workspace; the last owner cannot be removed. Recorded in the audit log."""
        key = person_key(person)
        with self.db.transaction() as tx:
            self._workspace_row(tx, workspace_id, lock=True)
            row = tx.fetchone("SELECT role FROM members WHERE workspace_id = ? AND person = ?", (workspace_id, key))
            if row is None:
                raise NotFound(f"{key} is not a member of this workspace")
            if row[0] == "owner" and self._owners(tx, workspace_id) == 1:
                raise StoreError(f"{key} is the workspace's only owner: make someone else owner first")
            tx.execute("DELETE FROM members WHERE workspace_id = ? AND person = ?", (workspace_id, key))
            record_audit(tx, "member.remove", actor=actor, target=workspace_id, detail=f"{key} ({row[0]})")

    def workspaces_of(self, design_ids: Iterable[str]) -> dict[str, str]:
        """The workspace of each design given (also in the trash); unknown ids are left out."""
        ids = sorted(set(design_ids))
        found: dict[str, str] = {}
        with self.db.read() as tx:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ", ".join("?" * len(chunk))
                rows = tx.fetchall(f"SELECT id, workspace_id FROM designs WHERE id IN ({marks})", chunk)
                found.update((str(r[0]), str(r[1])) for r in rows)
        return found
