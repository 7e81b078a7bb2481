"""The design library: designs with append-only revisions, a trash, read-only share links, practice sessions.

``open_store(target)`` opens it: a SQLite file (``MLSD_DB``, or the user data directory when None) or a
``postgresql://`` URL. The package: ``interface`` (the methods callers use), ``records`` (what they return and
raise), ``core.Store`` = the logic mixins ``designs``, ``library``, ``shares``, ``comments`` (review threads),
``sessions``, ``workspaces``, ``presence``, ``audit`` (the append-only audit log; ``record_audit`` for other
modules' changes) over a handle (``handle.Db``/``Tx``) whose SQL differences are data in ``dialect``; ``sqlite`` and
``postgres`` (each backend's handle and migration runner); ``schema`` (the versioned migrations, both dialects; the
team edition's statements in ``team_tables``); ``access.UserStore`` (the store as one signed-in person may use it:
roles checked, their revisions signed).

Conventions for whoever extends it:

* A new table or column: append a ``Migration(version, name, sqlite=(...), postgres=(...))`` to
  ``schema.MIGRATIONS`` with both dialects' statements describing the same columns (text ids made by
  ``handle.new_id()``, ISO text timestamps from ``handle.now()``, JSON as text); add the table to
  ``schema.OUR_TABLES``. Never edit a released migration.
* A new store method: write it once, in a mixin over ``StoreBase`` (a new module for a new idea, added to
  ``core.Store``'s bases and to ``interface.LibraryStore``), with ``?`` placeholders and standard SQL through
  ``with self.db.transaction() as tx`` (writes) / ``transaction(write=False)`` (consistent reads) / ``read()``,
  ``tx.execute`` (returns the rowcount), ``tx.fetchone``, ``tx.fetchall``. No ``lastrowid``; no SQLite-only
  functions (``json_each``, ``ifnull``, ``COLLATE NOCASE``, ``INSERT OR ...``) and no ``? IS NULL`` parameters
  (PostgreSQL cannot type them): add a field to ``dialect.Dialect`` for anything that differs. A compare-and-append
  write reads its design with ``self._live_row(tx, design_id, lock=True)`` (or ``_design_row(..., lock=True)``),
  which appends ``dialect.lock_design`` (``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already locks).
"""

from __future__ import annotations

import os
from pathlib import Path

from mlsd.store.access import LOCAL_ACTOR, Actor, UserStore, actor_for
from mlsd.store.audit import record_audit
from mlsd.store.comments import MAX_COMMENT, clean_body
from mlsd.store.core import Store
from mlsd.store.dialect import fts_query
from mlsd.store.handle import now
from mlsd.store.interface import LibraryStore
from mlsd.store.keyset import LAST_PAGE
from mlsd.store.library import Order
from mlsd.store.records import (
    AuditEntry,
    CheckSummary,
    Comment,
    CommentThread,
    ConflictError,
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
    ShareExpired,
    ShareNotFound,
    ShareRevoked,
    StoreError,
    summarize,
)
from mlsd.store.sqlite import ENV_VAR
from mlsd.store.workspaces import LOCAL_WORKSPACE, ROLES, Member, Role, Workspace, WorkspaceNotEmpty

APP_NAME = "mlsd-whiteboard"
URL_SCHEMES = ("postgresql://", "postgres://")

__all__ = [
    "LAST_PAGE",
    "LOCAL_ACTOR",
    "LOCAL_WORKSPACE",
    "MAX_COMMENT",
    "ROLES",
    "Actor",
    "AuditEntry",
    "CheckSummary",
    "Comment",
    "CommentThread",
    "ConflictError",
    "DesignPage",
    "DesignSummary",
    "JsonObject",
    "LibraryStore",
    "Member",
    "NotFound",
    "Order",
    "PermissionDenied",
    "PracticeSessionRecord",
    "Presence",
    "Revision",
    "RevisionInfo",
    "Role",
    "Share",
    "ShareExpired",
    "ShareNotFound",
    "ShareRevoked",
    "SharedDesign",
    "Store",
    "StoreError",
    "UserStore",
    "Workspace",
    "WorkspaceNotEmpty",
    "actor_for",
    "clean_body",
    "default_path",
    "fts_query",
    "now",
    "open_store",
    "record_audit",
    "summarize",
]


def default_path() -> Path | str:
    """``$MLSD_DB`` when set (a file path, or a PostgreSQL URL kept as text), else ``library.db`` in the user data
    directory."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env if env.lower().startswith(URL_SCHEMES) else Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "library.db"


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating when needed) the library at ``path`` (a file path or a ``postgresql://`` URL), or
    ``default_path()``."""
    target = default_path() if path is None else path
    if isinstance(target, str) and target.strip().lower().startswith(URL_SCHEMES):
        from mlsd.store.postgres import PostgresDb  # psycopg (and libpq) only when a URL is given

        return Store(PostgresDb(target.strip()))
    return Store(target)
