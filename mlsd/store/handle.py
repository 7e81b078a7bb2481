"""The small database handle the store's logic talks to, so that one body of SQL serves SQLite and PostgreSQL.

A backend provides a ``Db``: ``transaction(write)`` and ``read()`` give a ``Tx`` on which the logic runs SQL with
``?`` placeholders (a PostgreSQL adapter turns them into ``%s``). There is no ``lastrowid``: every row the logic
inserts carries its own text id (``new_id()``). Timestamps are ISO-8601 text from ``now()``, on both backends.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from mlsd.store.dialect import Dialect

Row = tuple[Any, ...]


class Tx(Protocol):
    """One connection inside a transaction (or, from ``Db.read()``, a consistent enough single read)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; the number of rows it changed."""
        ...

    def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        ...

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Every row of a query."""
        ...


class Db(Protocol):
    """A backend's connection(s) to one library database."""

    dialect: Dialect
    path: Path | None  # the SQLite file; None for a server database
    where: str  # how messages name this database, e.g. "library database /home/me/library.db"

    def transaction(self, write: bool = True) -> AbstractContextManager[Tx]:
        """One transaction, committed when the block ends, rolled back when it raises.

        ``write=True`` takes the write lock up front on SQLite (``BEGIN IMMEDIATE``); a save also locks its design
        row with ``dialect.lock_design`` (``FOR UPDATE`` on PostgreSQL). Database errors become ``StoreError``.
        """
        ...

    def read(self) -> AbstractContextManager[Tx]:
        """A connection for a single read outside an explicit transaction."""
        ...

    def schema_version(self) -> int:
        """The schema version recorded in the database."""
        ...

    def close(self) -> None:
        ...


def now() -> str:
    """The current time as ISO-8601 UTC with microseconds (sorts as text)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    """A new random row id (16 hex digits)."""
    return secrets.token_hex(8)
