"""Who may do what in the library: ``UserStore``, the store seen by one person (sign-in, issue 14).

``UserStore(store, actor)`` has the library methods the app calls, each checked against the actor's role in the
workspace of the design concerned (``mlsd.store.workspaces``): a viewer may read, an editor also change (save,
rename, restore, duplicate, trash, share links, review comments), an owner also manage members, rename the
workspace and delete it once it holds no design. A change a role does not allow, and any read of a design outside
the actor's workspaces, raise ``PermissionDenied`` and write nothing.
Lists, tags, exports and the trash show only the actor's workspaces. Every revision written through it records the
actor as its author, and every change it makes is in the audit log under the actor's name (membership changes under
the workspace, listed with each of its designs' activity).

``LOCAL_ACTOR`` is the one user of an app without sign-in: owner of everything, author "local", sees every
design (the app as it was before workspaces). ``actor=None`` is a visitor who has not signed in: they may open
share links (``open_share``) and nothing else. Practice sessions are each person's own: a signed-in actor
starts, lists, opens, updates and deletes only theirs (another's is ``PermissionDenied``); the local actor sees
all of them (the app without sign-in, as before); a visitor none.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from mlsd.model import Design
from mlsd.store.interface import LibraryStore
from mlsd.store.library import Order
from mlsd.store.records import (
    AuditEntry,
    CheckSummary,
    Comment,
    CommentThread,
    DesignPage,
    DesignSummary,
    JsonObject,
    NotFound,
    PermissionDenied,
    PracticeSessionRecord,
    Presence,
    Revision,
    RevisionInfo,
    Share,
    SharedDesign,
)
from mlsd.store.workspaces import LOCAL_WORKSPACE, Member, Role, Workspace, at_least, person_key


@dataclass(frozen=True)
class Actor:
    """A person acting on the library: ``person`` is how members name them (e-mail, lower-cased), ``name`` how
    people know them; ``local`` marks the single user of an app without sign-in."""

    person: str
    name: str = ""
    local: bool = False

    @property
    def author(self) -> str:
        """What a revision records as its author: "local" (or the name the command line was given with
        ``--author``), or "Name <e-mail>"."""
        if self.local:
            return self.name or "local"
        return f"{self.name} <{self.person}>" if self.name and self.name != self.person else self.person

    @property
    def label(self) -> str:
        return "local" if self.local else self.name or self.person


LOCAL_ACTOR = Actor("local", "local", local=True)


class UserStore:
    """The library as one actor may use it (see the module docstring). ``workspace``: where new designs go (the
    first workspace the actor may edit when not given or not editable)."""

    def __init__(self, store: LibraryStore, actor: Actor | None, *, workspace: str | None = None) -> None:
        self.store = store
        self.actor = actor
        self._chosen = workspace
        self._roles: dict[str, tuple[Workspace, Role]] | None = None

    # -- roles

    def memberships(self) -> list[tuple[Workspace, Role]]:
        """The actor's workspaces with their role (the local actor: Local, as owner)."""
        if self._roles is None:
            if self.actor is None:
                found: list[tuple[Workspace, Role]] = []
            elif self.actor.local:
                found = [(self.store.workspace(LOCAL_WORKSPACE), "owner")]
            else:
                found = self.store.memberships(self.actor.person)
            self._roles = {w.id: (w, role) for w, role in found}
        return list(self._roles.values())

    def role_in(self, workspace_id: str) -> Role | None:
        """The actor's role in a workspace (the local actor owns every one), or None."""
        if self.actor is not None and self.actor.local:
            return "owner"
        self.memberships()
        assert self._roles is not None
        entry = self._roles.get(workspace_id)
        return entry[1] if entry else None

    def _visible(self) -> Collection[str] | None:
        """The workspaces whose designs the actor sees (None: all, for the local actor)."""
        if self.actor is not None and self.actor.local:
            return None
        return [w.id for w, _ in self.memberships()]

    def workspace_of(self, design_id: str) -> str:
        found = self.store.workspaces_of([design_id]).get(design_id)
        if found is None:
            raise NotFound(f"no design with id {design_id!r}")
        return found

    def role_for(self, design_id: str) -> Role | None:
        """The actor's role in the workspace that holds the design."""
        return self.role_in(self.workspace_of(design_id))

    def roles_for(self, design_ids: Iterable[str]) -> dict[str, Role | None]:
        """The actor's role for each design given (one query), e.g. to draw a page of the library table."""
        return {d: self.role_in(w) for d, w in self.store.workspaces_of(design_ids).items()}

    def _deny(self, workspace_id: str, needed: Role, what: str = "") -> PermissionDenied:
        if self.actor is None:
            return PermissionDenied("sign in first: only signed-in members of a workspace can see or change its "
                                    "designs")
        role = self.role_in(workspace_id)
        if role is None:
            return PermissionDenied(f"{self.actor.label} is not a member of the workspace that holds this design")
        name = self.store.workspace(workspace_id).name
        what = what or ("manage its members" if needed == "owner" else "change its designs")
        return PermissionDenied(f"{self.actor.label} is a {role} in the workspace {name!r}: only "
                                f"{'owners' if needed == 'owner' else 'editors and owners'} can {what}")

    def _need(self, workspace_id: str, needed: Role, what: str = "") -> None:
        if not at_least(self.role_in(workspace_id), needed):
            raise self._deny(workspace_id, needed, what)

    def _need_design(self, design_id: str, needed: Role) -> None:
        self._need(self.workspace_of(design_id), needed)

    def home(self) -> str | None:
        """Where new designs go: the chosen workspace when the actor may edit it, else the first they may edit."""
        if self._chosen is not None and at_least(self.role_in(self._chosen), "editor"):
            return self._chosen
        if self.actor is not None and self.actor.local:
            return LOCAL_WORKSPACE
        editable = [w.id for w, role in self.memberships() if at_least(role, "editor")]
        return editable[0] if editable else None

    def _target(self, workspace: str | None) -> str:
        target = workspace or self.home()
        if target is None:
            raise PermissionDenied("sign in first: only signed-in members of a workspace can add designs" if
                                   self.actor is None else
                                   f"{self.actor.label} may not add designs to any workspace (viewer only)")
        self._need(target, "editor")
        return target

    def ensure_home(self) -> None:
        """Give a signed-in actor who owns no workspace one of their own: the Local workspace when nobody has it
        yet (the first person to sign in to a library made without sign-in), else "<name>'s workspace"."""
        actor = self.actor
        if actor is None or actor.local or any(role == "owner" for _, role in self.memberships()):
            return
        if not self.store.claim_local(actor.person):
            self.store.create_workspace(f"{actor.label}'s workspace"[:100], owner=actor.person)
        self._roles = None

    # -- workspaces and members

    def create_workspace(self, name: str) -> Workspace:
        if self.actor is None or self.actor.local:
            raise PermissionDenied("workspaces are for signed-in people")
        workspace = self.store.create_workspace(name, owner=self.actor.person, actor=self._author())
        self._roles = None
        return workspace

    def rename_workspace(self, workspace_id: str, name: str) -> Workspace:
        """Owners rename their workspace (recorded under the actor's name)."""
        self._need(workspace_id, "owner", "rename it")
        workspace = self.store.rename_workspace(workspace_id, name, actor=self._author())
        self._roles = None
        return workspace

    def workspace_designs(self, workspace_id: str) -> tuple[int, int]:
        """How many designs the workspace holds (live, in its trash): for its members."""
        self._need(workspace_id, "viewer")
        return self.store.workspace_designs(workspace_id)

    def delete_workspace(self, workspace_id: str) -> None:
        """Owners delete their workspace when it holds no design (``mlsd.store.workspaces``: nothing saved is lost)."""
        self._need(workspace_id, "owner", "delete it")
        self.store.delete_workspace(workspace_id, actor=self._author())
        self._roles = None
        if self._chosen == workspace_id:
            self._chosen = None

    def members(self, workspace_id: str) -> list[Member]:
        self._need(workspace_id, "viewer")
        return self.store.members(workspace_id)

    def set_member(self, workspace_id: str, person: str, role: str) -> Member:
        self._need(workspace_id, "owner")
        member = self.store.set_member(workspace_id, person, role, actor=self._author())
        self._roles = None
        return member

    def remove_member(self, workspace_id: str, person: str) -> None:
        self._need(workspace_id, "owner")
        self.store.remove_member(workspace_id, person, actor=self._author())
        self._roles = None

    # -- designs: writes (editor)

    def create(self, design: Design, *, message: str = "created", checks: CheckSummary | None = None,
               workspace: str | None = None) -> RevisionInfo:
        target = self._target(workspace)
        return self.store.create(design, message=message, author=self._author(), checks=checks, workspace=target)

    def import_designs(self, designs: Iterable[Design], *, message: str = "imported", workspace: str | None = None
                       ) -> list[RevisionInfo]:
        target = self._target(workspace)
        return self.store.import_designs(designs, message=message, author=self._author(), workspace=target)

    def save(self, design_id: str, design: Design, *, base_revision: int, message: str = "",
             checks: CheckSummary | None = None) -> RevisionInfo:
        self._need_design(design_id, "editor")
        return self.store.save(design_id, design, base_revision=base_revision, message=message,
                               author=self._author(), checks=checks)

    def rename(self, design_id: str, name: str, *, base_revision: int | None = None) -> RevisionInfo:
        self._need_design(design_id, "editor")
        return self.store.rename(design_id, name, base_revision=base_revision, author=self._author())

    def restore_revision(self, design_id: str, number: int, *, base_revision: int | None = None) -> RevisionInfo:
        self._need_design(design_id, "editor")
        return self.store.restore_revision(design_id, number, base_revision=base_revision, author=self._author())

    def duplicate(self, design_id: str, *, revision: int | None = None, name: str | None = None) -> RevisionInfo:
        self._need_design(design_id, "editor")
        return self.store.duplicate(design_id, revision=revision, name=name, author=self._author())

    def delete(self, design_id: str) -> None:
        self._need_design(design_id, "editor")
        self.store.delete(design_id, author=self._author())

    def restore(self, design_id: str) -> None:
        self._need_design(design_id, "editor")
        self.store.restore(design_id, author=self._author())

    def purge(self, design_id: str, *, confirm: bool = False) -> None:
        self._need_design(design_id, "editor")
        self.store.purge(design_id, confirm=confirm, author=self._author())

    def empty_trash(self, *, confirm: bool = False) -> int:
        """Purge the trash of the workspaces the actor may edit (all of it for the local actor)."""
        if self.actor is not None and self.actor.local:
            return self.store.empty_trash(confirm=confirm, author=self._author())
        editable = [w.id for w, role in self.memberships() if at_least(role, "editor")]
        return self.store.empty_trash(confirm=confirm, author=self._author(), workspaces=editable)

    def create_share(self, design_id: str, **options: Any) -> Share:
        self._need_design(design_id, "editor")
        return self.store.create_share(design_id, **{**options, "author": self._author()})

    def revoke_share(self, share_id: str, *, design_id: str) -> None:
        """Revoke a link of ``design_id`` (the design is named so that the role can be checked)."""
        self._need_design(design_id, "editor")
        if share_id not in {s.id for s in self.store.list_shares(design_id, include_revoked=True)}:
            raise NotFound(f"design {design_id} has no share link with id {share_id!r}")
        self.store.revoke_share(share_id, author=self._author())

    def _author(self) -> str:
        if self.actor is None:
            raise PermissionDenied("sign in first: only signed-in members of a workspace can change designs")
        return self.actor.author

    # -- designs: reads (viewer)

    def get(self, design_id: str) -> DesignSummary:
        self._need_design(design_id, "viewer")
        return self.store.get(design_id)

    def open(self, design_id: str, revision: int | None = None) -> Revision:
        self._need_design(design_id, "viewer")
        return self.store.open(design_id, revision)

    def latest_revision(self, design_id: str) -> RevisionInfo:
        self._need_design(design_id, "viewer")
        return self.store.latest_revision(design_id)

    def history(self, design_id: str) -> list[RevisionInfo]:
        self._need_design(design_id, "viewer")
        return self.store.history(design_id)

    def list_shares(self, design_id: str, *, include_revoked: bool = False) -> list[Share]:
        self._need_design(design_id, "viewer")
        return self.store.list_shares(design_id, include_revoked=include_revoked)

    def list_designs(self, *, search: str | None = None, tag: str | None = None, limit: int | None = 50,
                     offset: int = 0, order: Order | None = None, trash: bool = False,
                     cursor: str | None = None) -> DesignPage:
        return self.store.list_designs(search=search, tag=tag, limit=limit, offset=offset, order=order, trash=trash,
                                       workspaces=self._visible(), cursor=cursor)

    def tags(self) -> list[tuple[str, int]]:
        return self.store.tags(workspaces=self._visible())

    def export_designs(self, *, batch: int = 200) -> Iterator[tuple[DesignSummary, Design]]:
        return self.store.export_designs(batch=batch, workspaces=self._visible())

    def open_share(self, token: str) -> SharedDesign:
        """Anyone with a link may open it: the token is the permission."""
        return self.store.open_share(token)

    # -- review comments (anyone who may read a design reads its threads; commenting is a change: editors)

    def create_thread(self, design_id: str, anchor_kind: str, anchor: str, body: str, *,
                      revision: int | None = None) -> CommentThread:
        self._need_design(design_id, "editor")
        return self.store.create_thread(design_id, anchor_kind, anchor, body, revision=revision,
                                        author=self._author())

    def reply(self, thread_id: str, body: str) -> Comment:
        self._need_design(self.store.thread_design(thread_id), "editor")
        return self.store.reply(thread_id, body, author=self._author())

    def resolve_thread(self, thread_id: str) -> CommentThread:
        self._need_design(self.store.thread_design(thread_id), "editor")
        return self.store.resolve_thread(thread_id, author=self._author())

    def reopen_thread(self, thread_id: str) -> CommentThread:
        self._need_design(self.store.thread_design(thread_id), "editor")
        return self.store.reopen_thread(thread_id)

    def threads(self, design_id: str) -> list[CommentThread]:
        self._need_design(design_id, "viewer")
        return self.store.threads(design_id)

    def share_threads(self, token: str) -> list[CommentThread]:
        """As ``open_share``: the token is the permission."""
        return self.store.share_threads(token)

    # -- the audit log (a design's activity, with its workspace's membership changes)

    def audit(self, design_id: str, *, limit: int = 200) -> list[AuditEntry]:
        self._need_design(design_id, "viewer")
        return self.store.audit(design_id, workspace=self.workspace_of(design_id), limit=limit)

    # -- presence (who has a design open: anyone who may read it)

    def touch_presence(self, design_id: str, who: str, session_id: str) -> None:
        self._need_design(design_id, "viewer")
        self.store.touch_presence(design_id, who, session_id)

    def leave_presence(self, session_id: str) -> None:
        self.store.leave_presence(session_id)

    def present(self, design_id: str, exclude_session: str | None = None, *,
                stale_after_s: float = 20.0) -> list[Presence]:
        self._need_design(design_id, "viewer")
        return self.store.present(design_id, exclude_session, stale_after_s=stale_after_s)

    # -- practice sessions (each person's own: see the module docstring)

    def _practiser(self) -> str | None:
        """Whose sessions the actor may touch: their own (None: everyone's, for the local actor)."""
        if self.actor is None:
            raise PermissionDenied("sign in first: practice sessions are kept for each signed-in person")
        return None if self.actor.local else self.actor.person

    def start_session(self, prompt_id: str, *, state: JsonObject | None = None) -> PracticeSessionRecord:
        return self.store.start_session(prompt_id, state=state, person=self._practiser() or "local")

    def update_session(self, session_id: str, **changes: Any) -> PracticeSessionRecord:
        return self.store.update_session(session_id, **{**changes, "person": self._practiser()})

    def get_session(self, session_id: str) -> PracticeSessionRecord:
        return self.store.get_session(session_id, person=self._practiser())

    def list_sessions(self, *, prompt_id: str | None = None) -> list[PracticeSessionRecord]:
        return self.store.list_sessions(prompt_id=prompt_id, person=self._practiser())

    def delete_session(self, session_id: str) -> None:
        self.store.delete_session(session_id, person=self._practiser())


def actor_for(person: str | None, name: str = "") -> Actor:
    """The actor for a signed-in person (their e-mail, or the provider's subject when there is none)."""
    if not person:
        raise PermissionDenied("a signed-in person needs an e-mail address (or a subject) to act on the library")
    return Actor(person_key(person), name.strip())
