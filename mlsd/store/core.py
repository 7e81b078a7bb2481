"""``Store``: the store's logic (designs, library, shares, comments, sessions, workspaces, presence,
audit) over one backend's handle.

Nothing is overwritten in place: revisions are append-only (the schema refuses updates), deleting moves a design
to the trash, and only ``purge(..., confirm=True)`` on a trashed design removes it for good.
"""

from __future__ import annotations

from pathlib import Path

from mlsd.store.audit import AuditMixin
from mlsd.store.comments import CommentsMixin
from mlsd.store.designs import DesignsMixin
from mlsd.store.handle import Db
from mlsd.store.interface import LibraryStore
from mlsd.store.library import LibraryMixin
from mlsd.store.presence import PresenceMixin
from mlsd.store.sessions import SessionsMixin
from mlsd.store.sqlite import BUSY_TIMEOUT_S, SqliteDb
from mlsd.store.workspaces import WorkspacesMixin


class Store(DesignsMixin, LibraryMixin, CommentsMixin, SessionsMixin, WorkspacesMixin, PresenceMixin,
            AuditMixin):
    """The design library. ``Store(path)`` opens a SQLite file; ``Store(db)`` uses any backend's handle.

    Thread-safe as its handle is (SQLite: one connection behind a lock); close when done.
    """

    def __init__(self, target: str | Path | Db, *, timeout: float = BUSY_TIMEOUT_S) -> None:
        super().__init__(SqliteDb(target, timeout=timeout) if isinstance(target, str | Path) else target)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _implements(store: Store) -> LibraryStore:
    return store  # mypy checks here that Store has every method of the interface
