"""The SQLite backend: one file, WAL mode, foreign keys on, a busy timeout, ``BEGIN IMMEDIATE`` for writes.

``SqliteDb`` is the ``mlsd.store.handle.Db`` for a file: one connection behind a lock (thread-safe), checked
(``quick_check``) and migrated when opened. Every write runs in one ``BEGIN IMMEDIATE`` transaction, so a save that
checks "is the latest revision still the one I started from?" and appends the next revision is atomic across
processes. ``migrate`` applies ``mlsd.store.schema.MIGRATIONS``' SQLite statements, recording the version in
``schema_migrations`` and ``PRAGMA user_version``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from mlsd.store.dialect import SQLITE
from mlsd.store.handle import Row
from mlsd.store.records import StoreError
from mlsd.store.schema import MIGRATIONS, OUR_TABLES, Migration, SchemaError

ENV_VAR = "MLSD_DB"
BUSY_TIMEOUT_S = 10.0


class SqliteTx:
    """``mlsd.store.handle.Tx`` over a sqlite3 connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self.conn.execute(sql, params).rowcount

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else tuple(row)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self.conn.execute(sql, params).fetchall()]


class SqliteDb:
    """The library in one SQLite file (``mlsd.store.handle.Db``)."""

    dialect = SQLITE

    def __init__(self, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path: Path | None = Path(path)
        file = Path(path)
        self._lock = threading.RLock()
        where = self.where = f"library database {file}"
        if file.is_dir():
            raise StoreError(f"{where} is a folder, not a file; choose a file path (--db or {ENV_VAR})")
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {where}: {exc.strerror or exc}") from None
        try:
            conn = sqlite3.connect(str(file), timeout=timeout, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {where}: {exc}; check its permissions or set {ENV_VAR}") from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            problems = [" ".join(str(r[0]).split()) for r in conn.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise StoreError(f"{where} is damaged ({problems[0]}); move it aside (keep a copy) or set {ENV_VAR}")
            utils = sqlite_utils.Database(conn, execute_plugins=False)
            if utils.journal_mode != "wal":
                utils.enable_wal()
            conn.execute("PRAGMA synchronous = FULL")
            migrate(conn)
        except StoreError:
            conn.close()
            raise
        except SchemaError as exc:
            conn.close()
            raise StoreError(f"{where} cannot be used: {exc}; move it aside or set {ENV_VAR}") from None
        except sqlite3.DatabaseError as exc:
            conn.close()
            text = str(exc)
            if "not a database" in text or "malformed" in text or "corrupt" in text:
                raise StoreError(
                    f"{where} is not a valid SQLite database: {text}; move it aside or set {ENV_VAR}"
                ) from None
            raise StoreError(f"cannot use {where}: {text}; check its permissions or set {ENV_VAR}") from None
        self.conn = conn

    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def schema_version(self) -> int:
        with self._lock:
            return schema_version(self.conn)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[SqliteTx]:
        """IMMEDIATE for writes (waits up to the busy timeout), deferred for consistent reads."""
        with self._lock:
            conn = self.conn
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.where}: {exc}") from exc
            try:
                yield SqliteTx(conn)
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"{self.where}: {exc}") from exc
                raise

    @contextmanager
    def read(self) -> Iterator[SqliteTx]:
        with self._lock:
            yield SqliteTx(self.conn)


# ----------------------------------------------------------------------------------------------- migrations


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
            for statement in migration.sqlite:
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
