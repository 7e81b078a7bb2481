"""The library database schema and its versioned migrations.

Each migration has a version (1, 2, 3, ...) and a name, and runs once, inside one ``BEGIN IMMEDIATE``
transaction that also records it in the ``schema_migrations`` table and in ``PRAGMA user_version``. Opening a
database runs whatever is pending, so opening it twice (or from two processes at once) is harmless: the second
opener finds the version already recorded. A database whose version is newer than this code knows is refused.
Never edit a migration once released; append a new one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Migration:
    """One schema step: its version, a short name, and the SQL statements it runs."""

    version: int
    name: str
    statements: tuple[str, ...]


_V1 = (
    # One row per design: identity, trash state, and a summary of its latest revision (for the library table).
    # The revisions table is the source of truth; these columns are rewritten on every save. The row is kept
    # narrow (no notes) so that listing and paging stay fast with many designs.
    """
    CREATE TABLE designs (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        latest_revision INTEGER NOT NULL CHECK (latest_revision >= 1),
        errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        infos INTEGER NOT NULL DEFAULT 0,
        score INTEGER
    )
    """,
    "CREATE INDEX designs_updated ON designs (deleted_at, updated_at)",
    # Append-only revisions: the full design JSON and the checklist summary computed when it was saved.
    """
    CREATE TABLE revisions (
        design_id TEXT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
        number INTEGER NOT NULL CHECK (number >= 1),
        created_at TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        author TEXT,
        name TEXT NOT NULL,
        body TEXT NOT NULL,
        errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        infos INTEGER NOT NULL DEFAULT 0,
        waived INTEGER NOT NULL DEFAULT 0,
        score INTEGER,
        checks TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (design_id, number)
    )
    """,
    """
    CREATE TRIGGER revisions_append_only BEFORE UPDATE ON revisions
    BEGIN
        SELECT RAISE(ABORT, 'revisions are append-only');
    END
    """,
    # A revision may only disappear together with its design (hard delete from the trash).
    """
    CREATE TRIGGER revisions_keep BEFORE DELETE ON revisions
    WHEN EXISTS (SELECT 1 FROM designs WHERE id = OLD.design_id)
    BEGIN
        SELECT RAISE(ABORT, 'revisions are append-only');
    END
    """,
    # Read-only share links: to the latest revision (revision NULL) or a pinned one.
    """
    CREATE TABLE shares (
        id TEXT PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        design_id TEXT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
        revision INTEGER,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )
    """,
    "CREATE INDEX shares_design ON shares (design_id)",
    # Interview-practice sessions.
    """
    CREATE TABLE practice_sessions (
        id TEXT PRIMARY KEY,
        prompt_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        state TEXT NOT NULL DEFAULT '{}',
        design_id TEXT REFERENCES designs (id) ON DELETE SET NULL,
        design_revision INTEGER,
        rubric TEXT,
        scores TEXT
    )
    """,
    "CREATE INDEX practice_sessions_prompt ON practice_sessions (prompt_id, started_at)",
    "CREATE INDEX practice_sessions_design ON practice_sessions (design_id)",
    # Full-text search over the latest revision's name, notes and block and connection labels: every new
    # revision (always the latest: revisions are append-only) replaces its design's entry.
    """
    CREATE VIRTUAL TABLE design_search USING fts5 (
        name, notes, labels, tokenize = 'unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER revisions_search AFTER INSERT ON revisions
    BEGIN
        DELETE FROM design_search WHERE rowid = (SELECT pk FROM designs WHERE id = NEW.design_id);
        INSERT INTO design_search (rowid, name, notes, labels)
        SELECT d.pk, NEW.name, coalesce(json_extract(NEW.body, '$.notes'), ''),
               coalesce((SELECT group_concat(json_extract(value, '$.label'), char(10))
                         FROM json_each(NEW.body, '$.components')), '') || char(10) ||
               coalesce((SELECT group_concat(json_extract(value, '$.label'), char(10))
                         FROM json_each(NEW.body, '$.connections')), '')
        FROM designs d WHERE d.id = NEW.design_id;
    END
    """,
    """
    CREATE TRIGGER designs_search_delete AFTER DELETE ON designs
    BEGIN
        DELETE FROM design_search WHERE rowid = OLD.pk;
    END
    """,
)

MIGRATIONS: tuple[Migration, ...] = (Migration(1, "designs, revisions, shares, practice sessions, search", _V1),)

OUR_TABLES = frozenset({"designs", "revisions", "shares", "practice_sessions", "schema_migrations"})


def _check_sequence(migrations: tuple[Migration, ...]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(migrations) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3, ... without gaps or repeats; got {versions}")
    names = [m.name for m in migrations]
    if len(set(names)) != len(names):
        raise ValueError("two migrations have the same name")


_check_sequence(MIGRATIONS)
LATEST_VERSION = MIGRATIONS[-1].version


class SchemaError(Exception):
    """The database's schema cannot be used by this version of the code."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the database (0 for a new, empty database)."""
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply the pending migrations, each in its own IMMEDIATE transaction; return the versions applied."""
    latest = migrations[-1].version
    applied: list[int] = []
    for migration in migrations:
        if schema_version(conn) >= migration.version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = schema_version(conn)  # another process may have migrated while we waited for the lock
            if current > latest:
                raise SchemaError(f"schema version {current} is newer than this program knows ({latest})")
            if current >= migration.version:
                conn.execute("ROLLBACK")
                continue
            if current == 0:
                _refuse_foreign_tables(conn)
                conn.execute(
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                )
            for statement in migration.statements:
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).isoformat(timespec="microseconds")),
            )
            conn.execute(f"PRAGMA user_version = {int(migration.version)}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(migration.version)
    current = schema_version(conn)
    if current > latest:
        raise SchemaError(f"schema version {current} is newer than this program knows ({latest}); update mlsd")
    return applied


def _refuse_foreign_tables(conn: sqlite3.Connection) -> None:
    """A new library goes into an empty database, never into one that holds someone else's tables."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    foreign = sorted(str(r[0]) for r in rows if str(r[0]) not in OUR_TABLES)
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise SchemaError(f"it is a SQLite database of something else (tables: {shown}), not a design library")
