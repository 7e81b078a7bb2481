"""The store interface: every method pages, components and the CLI call, whichever backend holds the library.

``mlsd.store.Store`` implements it over any ``mlsd.store.handle.Db`` (SQLite file or PostgreSQL server); code
that only needs the library may annotate with ``LibraryStore``. Errors: ``StoreError`` (bad argument, database
failure), ``NotFound`` (no such design, revision, share or session), ``ConflictError`` (a save from an old base),
``ShareNotFound`` (unknown, revoked or trashed link) — all from ``mlsd.store.records``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from mlsd.model import Design
from mlsd.store.library import Order
from mlsd.store.records import (
    AuditEntry,
    CheckSummary,
    Comment,
    CommentThread,
    DesignPage,
    DesignSummary,
    JsonObject,
    PracticeSessionRecord,
    Presence,
    Revision,
    RevisionInfo,
    Share,
    SharedDesign,
)
from mlsd.store.workspaces import Member, Role, Workspace


class LibraryStore(Protocol):
    """Designs with append-only revisions, a trash, read-only share links, practice sessions."""

    path: Path | None  # the SQLite file, None for a server database

    @property
    def schema_version(self) -> int:
        """The schema version of the open database."""
        ...

    def close(self) -> None:
        """Close the connection(s)."""
        ...

    # -- designs and revisions (mlsd.store.designs)

    def create(self, design: Design, *, message: str = "created", author: str | None = None,
               checks: CheckSummary | None = None, workspace: str = "local") -> RevisionInfo:
        """Add a new design (revision 1) to ``workspace``."""
        ...

    def import_designs(self, designs: Iterable[Design], *, message: str = "imported", author: str | None = None,
                       workspace: str = "local") -> list[RevisionInfo]:
        """Add many designs in one transaction (all or none)."""
        ...

    def save(self, design_id: str, design: Design, *, base_revision: int, message: str = "",
             author: str | None = None, checks: CheckSummary | None = None) -> RevisionInfo:
        """Append a revision made from ``base_revision``; ConflictError when the design has moved on since."""
        ...

    def rename(self, design_id: str, name: str, *, base_revision: int | None = None, author: str | None = None
               ) -> RevisionInfo:
        """A new revision with a new name."""
        ...

    def restore_revision(self, design_id: str, number: int, *, base_revision: int | None = None,
                         author: str | None = None) -> RevisionInfo:
        """Make an old revision the latest again, as a new revision."""
        ...

    def duplicate(self, design_id: str, *, revision: int | None = None, name: str | None = None,
                  author: str | None = None) -> RevisionInfo:
        """A new design from a revision of another."""
        ...

    def get(self, design_id: str) -> DesignSummary:
        """The library row of one design (also when it is in the trash)."""
        ...

    def open(self, design_id: str, revision: int | None = None) -> Revision:
        """A revision with its content: the latest, or ``revision``."""
        ...

    def latest_revision(self, design_id: str) -> RevisionInfo:
        """The latest revision without its content (one row; what the board polls to notice newer revisions)."""
        ...

    def history(self, design_id: str) -> list[RevisionInfo]:
        """Every revision of a design, oldest first."""
        ...

    # -- the library table and the trash (mlsd.store.library)

    def list_designs(self, *, search: str | None = None, tag: str | None = None, limit: int | None = 50,
                     offset: int = 0, order: Order | None = None, trash: bool = False,
                     workspaces: Collection[str] | None = None, cursor: str | None = None) -> DesignPage:
        """A page of designs (or of the trash; of ``workspaces``, None: all) and the total; from ``offset`` or
        from a page's ``next_cursor`` / ``previous_cursor`` (or ``LAST_PAGE``)."""
        ...

    def tags(self, *, workspaces: Collection[str] | None = None) -> list[tuple[str, int]]:
        """Every tag outside the trash with its count, most used first."""
        ...

    def export_designs(self, *, batch: int = 200, workspaces: Collection[str] | None = None
                       ) -> Iterator[tuple[DesignSummary, Design]]:
        """Every design outside the trash with its latest revision, oldest first."""
        ...

    def delete(self, design_id: str, *, author: str | None = None) -> None:
        """Move a design to the trash."""
        ...

    def restore(self, design_id: str, *, author: str | None = None) -> None:
        """Bring a design back from the trash."""
        ...

    def purge(self, design_id: str, *, confirm: bool = False, author: str | None = None) -> None:
        """Delete a trashed design for good (``confirm=True``)."""
        ...

    def empty_trash(self, *, confirm: bool = False, author: str | None = None,
                    workspaces: Collection[str] | None = None) -> int:
        """Purge every trashed design (``confirm=True``); how many."""
        ...

    # -- share links (mlsd.store.shares)

    def create_share(self, design_id: str, *, revision: int | None = None,
                     expires_at: datetime | str | None = None, ttl: timedelta | None = None,
                     show_comments: bool = False, author: str | None = None) -> Share:
        """A new read-only link to the latest revision, or to ``revision`` pinned; it may expire."""
        ...

    def list_shares(self, design_id: str, *, include_revoked: bool = False) -> list[Share]:
        """The share links of a design, oldest first."""
        ...

    def revoke_share(self, share_id: str, *, author: str | None = None) -> None:
        """Stop a share link working (by its id)."""
        ...

    def open_share(self, token: str) -> SharedDesign:
        """The revision a token points to, read-only; ShareRevoked / ShareExpired / ShareNotFound."""
        ...

    # -- review comments (mlsd.store.comments)

    def create_thread(self, design_id: str, anchor_kind: str, anchor: str, body: str, *,
                      revision: int | None = None, author: str | None = None) -> CommentThread:
        """A new thread on a block, a connection or a finding, made on ``revision`` (the latest by default)."""
        ...

    def reply(self, thread_id: str, body: str, *, author: str | None = None) -> Comment:
        """Add a comment to a thread."""
        ...

    def resolve_thread(self, thread_id: str, *, author: str | None = None) -> CommentThread:
        """Mark a thread resolved."""
        ...

    def reopen_thread(self, thread_id: str) -> CommentThread:
        """Mark a resolved thread open again."""
        ...

    def thread_design(self, thread_id: str) -> str:
        """The id of the design a thread belongs to."""
        ...

    def threads(self, design_id: str) -> list[CommentThread]:
        """Every thread of a design with its comments, oldest first."""
        ...

    def share_threads(self, token: str) -> list[CommentThread]:
        """The threads a share link made with "show comments" shows."""
        ...

    # -- the audit log (mlsd.store.audit)

    def audit(self, design_id: str | None = None, *, workspace: str | None = None, limit: int = 200
              ) -> list[AuditEntry]:
        """The audit log, newest first: of one design, or of everything."""
        ...

    # -- practice sessions (mlsd.store.sessions)

    def start_session(self, prompt_id: str, *, state: JsonObject | None = None,
                      person: str = "local") -> PracticeSessionRecord:
        """Record the start of a practice session, by ``person``."""
        ...

    def update_session(self, session_id: str, *, state: JsonObject | None = None, design_id: str | None = None,
                       design_revision: int | None = None, rubric: JsonObject | None = None,
                       scores: JsonObject | None = None, finished: bool = False,
                       person: str | None = None) -> PracticeSessionRecord:
        """Change what is given; ``finished=True`` stamps the finish time. ``person``: only theirs."""
        ...

    def get_session(self, session_id: str, *, person: str | None = None) -> PracticeSessionRecord:
        """One practice session (``person``: only theirs, else ``PermissionDenied``)."""
        ...

    def list_sessions(self, *, prompt_id: str | None = None, person: str | None = None
                      ) -> list[PracticeSessionRecord]:
        """Practice sessions, oldest first (``person``: only theirs)."""
        ...

    def delete_session(self, session_id: str, *, person: str | None = None) -> None:
        """Delete a practice session (``person``: only theirs)."""
        ...

    # -- workspaces and members (mlsd.store.workspaces; who may call what: mlsd.store.access)

    def create_workspace(self, name: str, *, owner: str, actor: str | None = None) -> Workspace:
        """A new workspace with ``owner`` as its owner."""
        ...

    def rename_workspace(self, workspace_id: str, name: str, *, actor: str | None = None) -> Workspace:
        """Give a workspace a new name."""
        ...

    def workspace_designs(self, workspace_id: str) -> tuple[int, int]:
        """How many designs a workspace holds: (live, in its trash)."""
        ...

    def delete_workspace(self, workspace_id: str, *, actor: str | None = None) -> None:
        """Delete an empty workspace (``WorkspaceNotEmpty`` while it holds designs)."""
        ...

    def claim_local(self, person: str) -> bool:
        """``person`` becomes owner of the Local workspace when it has no member yet."""
        ...

    def has_members(self) -> bool:
        """True when any workspace has a member (the library is used with sign-in)."""
        ...

    def workspace(self, workspace_id: str) -> Workspace:
        """One workspace."""
        ...

    def memberships(self, person: str) -> list[tuple[Workspace, Role]]:
        """The workspaces a person belongs to, with their role."""
        ...

    def members(self, workspace_id: str) -> list[Member]:
        """A workspace's members, owners first."""
        ...

    def role_of(self, workspace_id: str, person: str) -> Role | None:
        """A person's role in a workspace, or None."""
        ...

    def set_member(self, workspace_id: str, person: str, role: str, *, actor: str | None = None) -> Member:
        """Add a member or change their role (a workspace keeps an owner)."""
        ...

    def remove_member(self, workspace_id: str, person: str, *, actor: str | None = None) -> None:
        """Take a member out (a workspace keeps an owner)."""
        ...

    def workspaces_of(self, design_ids: Iterable[str]) -> dict[str, str]:
        """The workspace of each design given."""
        ...

    # -- presence (mlsd.store.presence)

    def touch_presence(self, design_id: str, who: str, session_id: str) -> None:
        """Record that a session (shown as ``who``) has the design open now."""
        ...

    def leave_presence(self, session_id: str) -> None:
        """Forget every design a session had open."""
        ...

    def present(self, design_id: str, exclude_session: str | None = None, *,
                stale_after_s: float = 20.0) -> list[Presence]:
        """The other sessions that had the design open lately."""
        ...
