"""The PostgreSQL backend: a connection pool (psycopg 3, psycopg_pool), row locks for saves, tsvector search.

Used when the library target (``MLSD_DB``, ``--db`` or ``open_store(url)``) is a ``postgresql://`` or
``postgres://`` URL (libpq's syntax: ``postgresql://user:password@host:port/dbname?sslmode=require``).
``PostgresDb`` is the ``mlsd.store.handle.Db`` for one database: it connects once (``connect_timeout``
``CONNECT_TIMEOUT_S`` unless the URL sets one), runs the pending migrations, then serves transactions from a pool
of ``POOL_MIN``..``POOL_MAX`` connections shared by every thread of the process. A write transaction is a plain
``BEGIN`` (READ COMMITTED); a compare-and-append save locks its design row (``SELECT ... FOR UPDATE``, from
``dialect.lock_design``), so two saves of one design from any number of processes queue up and the second sees
the first's revision. A consistent read is ``REPEATABLE READ READ ONLY``.

``migrate`` applies ``mlsd.store.schema.MIGRATIONS``' PostgreSQL statements, one transaction per migration, all
under the advisory lock ``MIGRATION_LOCK``, so that processes opening a new database at once migrate it once; it
records each version in ``schema_migrations``, refuses a database whose version is newer than this code, and
never creates the library in a schema that already holds tables of something else. The library lives in the
connection's current schema (``public``, or the first of ``?options=-csearch_path%3Dname``).

Errors name the database as ``PostgreSQL database <name> on <host>:<port>`` (never the password) and become
``StoreError``. The database needs UTF-8 encoding (search folds accents with ``normalize()``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import psycopg
from psycopg import conninfo
from psycopg.pq import TransactionStatus
from psycopg_pool import ConnectionPool, PoolTimeout

from mlsd.store.dialect import POSTGRES
from mlsd.store.handle import Row
from mlsd.store.records import StoreError
from mlsd.store.schema import MIGRATIONS, OUR_TABLES, Migration, SchemaError

URL_SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT_S = 5
POOL_MIN = 1
POOL_MAX = 10
POOL_WAIT_S = 30.0  # how long a transaction waits for a free (or new) connection before giving up
MIGRATION_LOCK = 0x6D6C7364_00000001  # "mlsd" + 1: the advisory lock key every opener takes to migrate


def is_url(target: object) -> bool:
    """Whether a library target is a PostgreSQL URL (any letter case of the scheme)."""
    return isinstance(target, str) and target.strip().lower().startswith(URL_SCHEMES)


def describe(url: str) -> str:
    """How messages name the database of ``url``: its name, host and port, never the password."""
    try:
        parts = conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "PostgreSQL database (an invalid URL)"
    host = str(parts.get("host") or "localhost")
    port = str(parts.get("port") or "5432")
    name = str(parts.get("dbname") or parts.get("user") or "(default)")
    return f"PostgreSQL database {name} on {host}:{port}"


# ----------------------------------------------------------------------------------------------- transactions

_TOKENS = re.compile(r"'(?:[^']|'')*'|\?|%")


@lru_cache(maxsize=1024)
def to_pyformat(sql: str) -> str:
    """The store's ``?`` placeholders as psycopg's ``%s``; a literal ``%`` (also inside quotes) doubled, a ``?``
    inside a quoted string left alone."""

    def swap(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "?":
            return "%s"
        return "%%" if token == "%" else token.replace("%", "%%")

    return _TOKENS.sub(swap, sql)


class PostgresTx:
    """``mlsd.store.handle.Tx`` over one pooled connection."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def _run(self, sql: str, params: Sequence[Any]) -> psycopg.Cursor[Any]:
        if not params:
            return self.conn.execute(sql)  # without parameters psycopg sends the text as written
        return self.conn.execute(to_pyformat(sql), tuple(params))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        return self._run(sql, params).rowcount

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        row = self._run(sql, params).fetchone()
        return None if row is None else tuple(row)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(r) for r in self._run(sql, params).fetchall()]


class PostgresDb:
    """The library in one PostgreSQL database (``mlsd.store.handle.Db``)."""

    dialect = POSTGRES
    path: Path | None = None

    def __init__(self, url: str, *, min_size: int = POOL_MIN, max_size: int = POOL_MAX,
                 connect_timeout: int = CONNECT_TIMEOUT_S) -> None:
        scheme, sep, rest = url.strip().partition("://")
        url = scheme.lower() + sep + rest  # libpq knows the scheme in lower case only
        self.where = where = describe(url)
        try:
            params = conninfo.conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StoreError(f"{where}: not a valid PostgreSQL URL ({_reason(exc, url)}); "
                             "write it as postgresql://user:password@host:port/dbname") from None
        if "connect_timeout" not in params:
            url = conninfo.make_conninfo(url, connect_timeout=str(connect_timeout))
        self._url = url
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                migrate(conn)
        except SchemaError as exc:
            raise StoreError(f"{where} cannot be used: {exc}") from None
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to {where}: {_reason(exc, url)}") from None
        except psycopg.Error as exc:
            raise StoreError(f"cannot use {where}: {_reason(exc, url)}") from None
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url, min_size=min_size, max_size=max_size, kwargs={"autocommit": True}, timeout=POOL_WAIT_S,
            check=ConnectionPool.check_connection, name="mlsd-store", open=True,
        )

    def close(self) -> None:
        self._pool.close()

    def schema_version(self) -> int:
        with self.read() as tx:
            return _version(tx.conn)

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            conn = self._pool.getconn()
        except PoolTimeout:
            raise StoreError(f"cannot reach {self.where}: no connection within {POOL_WAIT_S:g} s") from None
        try:
            yield conn
        finally:
            self._pool.putconn(conn)

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[PostgresTx]:
        """``BEGIN`` for writes (saves lock their design row), a repeatable-read snapshot for consistent reads."""
        with self._connection() as conn:
            try:
                conn.execute("BEGIN" if write else "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield PostgresTx(conn)
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.info.transaction_status in (TransactionStatus.INTRANS, TransactionStatus.INERROR):
                    with suppress(psycopg.Error):  # a broken connection: the pool drops it
                        conn.execute("ROLLBACK")
                if isinstance(exc, psycopg.Error):
                    raise StoreError(f"{self.where}: {_reason(exc, self._url)}") from exc
                raise

    @contextmanager
    def read(self) -> Iterator[PostgresTx]:
        """One connection in autocommit: each statement sees the latest committed data."""
        with self._connection() as conn:
            try:
                yield PostgresTx(conn)
            except psycopg.Error as exc:
                raise StoreError(f"{self.where}: {_reason(exc, self._url)}") from exc


def _reason(exc: BaseException, url: str) -> str:
    """The database's own words for an error: its primary message, never the password."""
    diag = getattr(exc, "diag", None)
    text = (diag.message_primary if diag is not None and diag.message_primary else None) or str(exc)
    text = " ".join(text.split())
    try:
        password = conninfo.conninfo_to_dict(url).get("password")
    except psycopg.Error:
        password = None
    if password:
        text = text.replace(str(password), "***")
    return text


# ----------------------------------------------------------------------------------------------- migrations


def _version(conn: psycopg.Connection[Any]) -> int:
    """The schema version recorded in the current schema (0 for a new, empty one)."""
    row = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: psycopg.Connection[Any], migrations: tuple[Migration, ...] = MIGRATIONS) -> list[int]:
    """Apply the pending migrations on an autocommit connection, each in its own transaction, all under the advisory
    lock ``MIGRATION_LOCK``; return the versions applied.

    The lock is a session lock taken before the transactions begin: a transaction that waited for a lock taken
    inside it can still look up tables in the catalog as they were before the wait (and create them again).
    """
    latest = migrations[-1].version
    applied: list[int] = []
    if _version(conn) == latest:
        return applied
    conn.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    try:
        for migration in migrations:
            with conn.transaction():
                current = _version(conn)  # another process may have migrated while we waited for the lock
                if current > latest:
                    raise SchemaError(f"schema version {current} is newer than this program knows ({latest}); "
                                      "update mlsd")
                if current >= migration.version:
                    continue
                if not migration.postgres:
                    raise SchemaError(f"migration {migration.version} ({migration.name}) has no PostgreSQL "
                                      "statements")
                if current == 0:
                    _refuse_foreign_tables(conn)
                    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
                for statement in migration.postgres:
                    conn.execute(statement)  # without parameters: sent as written
                conn.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, datetime.now(UTC).isoformat(timespec="microseconds")),
                )
            applied.append(migration.version)
    finally:
        if not conn.closed:
            conn.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    current = _version(conn)
    if current > latest:
        raise SchemaError(f"schema version {current} is newer than this program knows ({latest}); update mlsd")
    return applied


def _refuse_foreign_tables(conn: psycopg.Connection[Any]) -> None:
    """A new library goes into an empty schema, never into one that holds someone else's tables."""
    rows = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").fetchall()
    foreign = sorted(str(r[0]) for r in rows if str(r[0]) not in OUR_TABLES)
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        raise SchemaError(f"its schema holds the tables of something else ({shown}), not a design library")
