"""The design library: designs with append-only revisions, a trash, read-only share links, practice sessions.

One SQLite file (``open_store()``: ``MLSD_DB`` or the user data directory) through sqlite-utils, in WAL mode with
foreign keys on. Every write runs in one ``BEGIN IMMEDIATE`` transaction, so a save that checks "is the latest
revision still the one I started from?" and appends the next revision is atomic across processes: when another
save got there first, ``ConflictError`` is raised and nothing is written. Nothing is overwritten in place:
revisions are append-only (the schema refuses updates), deleting moves a design to the trash, and only
``purge(..., confirm=True)`` on a trashed design removes it for good.

A share token opens one design read-only (``open_share``); no method takes a token to write.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlite_utils

from mlsd.io import dumps, load_design, loads
from mlsd.model import MAX_NAME, Design
from mlsd.store_records import (
    REVISION_COLUMNS,
    SESSION_COLUMNS,
    SUMMARY_COLUMNS,
    CheckSummary,
    ConflictError,
    DesignPage,
    DesignSummary,
    JsonObject,
    NotFound,
    PracticeSessionRecord,
    Revision,
    RevisionInfo,
    Share,
    SharedDesign,
    ShareNotFound,
    StoreError,
    revision_from_row,
    session_from_row,
    summarize,
    summary_from_row,
)
from mlsd.store_schema import SchemaError, migrate, schema_version

APP_NAME = "mlsd-whiteboard"
ENV_VAR = "MLSD_DB"
BUSY_TIMEOUT_S = 10.0
MAX_MESSAGE = 2_000
MAX_AUTHOR = 200
MAX_PAGE = 1_000
Order = Literal["updated", "created", "name", "score", "errors", "relevance"]

__all__ = [
    "CheckSummary",
    "ConflictError",
    "DesignPage",
    "DesignSummary",
    "JsonObject",
    "NotFound",
    "PracticeSessionRecord",
    "Revision",
    "RevisionInfo",
    "Share",
    "ShareNotFound",
    "SharedDesign",
    "Store",
    "StoreError",
    "default_path",
    "fts_query",
    "open_store",
    "summarize",
]


# ----------------------------------------------------------------------------------------------- helpers


def default_path() -> Path:
    """``$MLSD_DB`` when set, else ``library.db`` in the user data directory."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "library.db"


def open_store(path: str | Path | None = None) -> Store:
    """Open (creating when needed) the library at ``path``, or at ``default_path()`` when None."""
    return Store(default_path() if path is None else path)


def now() -> str:
    """The current time as ISO-8601 UTC with microseconds (sorts as text)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _new_id() -> str:
    return secrets.token_hex(8)


def fts_query(text: str) -> str | None:
    """A user's search text as an FTS5 query of plain words: every token quoted, prefix-matched, all required.

    FTS syntax (``"``, ``*``, ``OR``, ``NEAR(``, ``-``, ``:``) and SQL in the text are only words; tokens with no
    letter or digit are dropped. None when nothing searchable is left.
    """
    plain = "".join(" " if ch < " " or ch == "\x7f" else ch for ch in text)  # FTS5 stops a string at NUL
    phrases = ['"' + token.replace('"', '""') + '"*' for token in plain.split() if any(ch.isalnum() for ch in token)]
    return " ".join(phrases) if phrases else None


def copy_name(name: str) -> str:
    """``name (copy)``, cut to fit the name limit."""
    suffix = " (copy)"
    return name[: MAX_NAME - len(suffix)] + suffix


_ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
_ORDERS: dict[str, str] = {
    "updated": "d.updated_at DESC, d.pk DESC",
    "created": "d.created_at DESC, d.pk DESC",
    "name": "d.name COLLATE NOCASE ASC, d.pk ASC",
    "score": "d.score IS NULL, d.score DESC, d.updated_at DESC, d.pk DESC",
    "errors": "d.errors DESC, d.warnings DESC, d.updated_at DESC, d.pk DESC",
    "relevance": "s.rank, d.updated_at DESC, d.pk DESC",
}


def _text(value: str | None, what: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise StoreError(f"{what} must be text")
    if "\x00" in value or len(value) > limit:
        raise StoreError(f"{what} must be at most {limit} characters without null bytes")
    return value


def _json_object(value: JsonObject | None, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise StoreError(f"{what} must be a JSON object")
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{what} is not valid JSON: {exc}") from None


@dataclass(frozen=True)
class _Prepared:
    """A design ready to insert: validated, serialised and checked (all done before the transaction)."""

    design: Design
    body: str
    checks: CheckSummary


def _prepare(design: Design, checks: CheckSummary | None) -> _Prepared:
    body = dumps(design)
    # Store only what loads back: a design built without validation (model_copy) is validated here, not later.
    valid = loads(body, "json", source=f"design {design.name!r}")
    return _Prepared(valid, body, checks if checks is not None else summarize(valid))


# ----------------------------------------------------------------------------------------------- the store


class Store:
    """The design library in one SQLite file. Thread-safe (one connection behind a lock); close when done."""

    def __init__(self, path: str | Path, *, timeout: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        where = f"library database {self.path}"
        if self.path.is_dir():
            raise StoreError(f"{where} is a folder, not a file; choose a file path (--db or {ENV_VAR})")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder of {where}: {exc.strerror or exc}") from None
        try:
            conn = sqlite3.connect(str(self.path), timeout=timeout, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {where}: {exc}; check its permissions or set {ENV_VAR}") from None
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            problems = [" ".join(str(r[0]).split()) for r in conn.execute("PRAGMA quick_check").fetchall()]
            if problems != ["ok"]:
                raise StoreError(f"{where} is damaged ({problems[0]}); move it aside (keep a copy) or set {ENV_VAR}")
            self.db = sqlite_utils.Database(conn, execute_plugins=False)
            if self.db.journal_mode != "wal":
                self.db.enable_wal()
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
        self._conn = conn

    # -- plumbing

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema_version(self._conn)

    @contextmanager
    def _tx(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction: IMMEDIATE for writes (waits up to the busy timeout), deferred for consistent reads."""
        with self._lock:
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.Error as exc:
                raise StoreError(f"library database {self.path}: {exc}") from exc
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StoreError(f"library database {self.path}: {exc}") from exc
                raise

    def _design_row(self, conn: sqlite3.Connection, design_id: str) -> tuple[int, str | None, str]:
        """(latest revision, deleted_at, name) of a design, or NotFound."""
        if not isinstance(design_id, str) or not _ID.match(design_id):
            raise NotFound(f"no design with id {design_id!r}")
        row = conn.execute("SELECT latest_revision, deleted_at, name FROM designs WHERE id = ?",
                           (design_id,)).fetchone()
        if row is None:
            raise NotFound(f"no design with id {design_id!r}")
        return int(row[0]), row[1], str(row[2])

    def _live_row(self, conn: sqlite3.Connection, design_id: str) -> tuple[int, str]:
        latest, deleted_at, name = self._design_row(conn, design_id)
        if deleted_at is not None:
            raise NotFound(f"design {design_id} ({name}) is in the trash; restore it first")
        return latest, name

    def _append(self, conn: sqlite3.Connection, design_id: str, number: int, prep: _Prepared, message: str,
                author: str | None, stamp: str) -> RevisionInfo:
        d, c = prep.design, prep.checks
        conn.execute(
            "INSERT INTO revisions (design_id, number, created_at, message, author, name, body, errors, warnings, "
            "infos, waived, score, checks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (design_id, number, stamp, message, author, d.name, prep.body, c.errors, c.warnings, c.infos,
             c.waived, c.score, c.to_json()),
        )
        conn.execute(
            "UPDATE designs SET name = ?, description = ?, tags = ?, updated_at = ?, latest_revision = ?, "
            "errors = ?, warnings = ?, infos = ?, score = ? WHERE id = ?",
            (d.name, d.description, json.dumps(d.tags, ensure_ascii=False), stamp, number,
             c.errors, c.warnings, c.infos, c.score, design_id),
        )
        return RevisionInfo(design_id, number, stamp, message, author, d.name, c)

    def _insert_new(self, conn: sqlite3.Connection, prep: _Prepared, message: str, author: str | None
                    ) -> RevisionInfo:
        design_id = _new_id()
        stamp = now()
        conn.execute(
            "INSERT INTO designs (id, name, created_at, updated_at, latest_revision) VALUES (?, ?, ?, ?, 1)",
            (design_id, prep.design.name, stamp, stamp),
        )
        return self._append(conn, design_id, 1, prep, message, author, stamp)

    def _load(self, conn: sqlite3.Connection, design_id: str, number: int | None) -> Revision:
        row = conn.execute(
            f"SELECT {REVISION_COLUMNS}, r.body FROM revisions r JOIN designs d ON d.id = r.design_id "
            "WHERE d.id = ? AND r.number = coalesce(?, d.latest_revision)",
            (design_id, number),
        ).fetchone()
        if row is None:
            raise NotFound(f"design {design_id} has no revision {number}")
        i = revision_from_row(row)
        design = loads(row[12], "json", source=f"design {design_id} revision {i.number}")
        return Revision(i.design_id, i.number, i.created_at, i.message, i.author, i.name, i.checks, design)

    # -- designs: create, save, history

    def create(self, design: Design, *, message: str = "created", author: str | None = None,
               checks: CheckSummary | None = None) -> RevisionInfo:
        """Add a new design (revision 1). Also how 'save as a copy' is done after a conflict."""
        message = _text(message, "message", MAX_MESSAGE) or ""
        author = _text(author, "author", MAX_AUTHOR)
        prep = _prepare(design, checks)
        with self._tx() as conn:
            return self._insert_new(conn, prep, message, author)

    def import_designs(self, designs: Iterable[Design], *, message: str = "imported", author: str | None = None
                       ) -> list[RevisionInfo]:
        """Add many designs in one transaction (all or none); each becomes a new design, nothing is replaced."""
        message = _text(message, "message", MAX_MESSAGE) or ""
        author = _text(author, "author", MAX_AUTHOR)
        prepared = [_prepare(d, None) for d in designs]
        with self._tx() as conn:
            return [self._insert_new(conn, p, message, author) for p in prepared]

    def save(self, design_id: str, design: Design, *, base_revision: int, message: str = "",
             author: str | None = None, checks: CheckSummary | None = None) -> RevisionInfo:
        """Append a revision made from ``base_revision``; ConflictError when the design has moved on since.

        ``checks``: the checklist summary, when the caller already ran the checks on this design.
        """
        message = _text(message, "message", MAX_MESSAGE) or ""
        author = _text(author, "author", MAX_AUTHOR)
        if isinstance(base_revision, bool) or not isinstance(base_revision, int):
            raise StoreError("base_revision must be a revision number")
        prep = _prepare(design, checks)
        with self._tx() as conn:
            latest, _ = self._live_row(conn, design_id)
            if latest != base_revision:
                raise ConflictError(design_id, base_revision, latest)
            return self._append(conn, design_id, latest + 1, prep, message, author, now())

    def _save_latest(self, design_id: str, change: Callable[[Revision], tuple[Design, str]],
                     message: Callable[[str], str], base_revision: int | None, author: str | None) -> RevisionInfo:
        """Read the latest revision, derive a design from it, and append it if nobody saved in between."""
        author = _text(author, "author", MAX_AUTHOR)
        with self._tx(write=False) as conn:
            self._live_row(conn, design_id)
            current = self._load(conn, design_id, None)
        if base_revision is None:
            base_revision = current.number
        design, text = change(current)
        return self.save(design_id, design, base_revision=base_revision, message=message(text), author=author)

    def rename(self, design_id: str, name: str, *, base_revision: int | None = None, author: str | None = None
               ) -> RevisionInfo:
        """Give the design a new name: a new revision whose message records the old and new names."""

        def change(current: Revision) -> tuple[Design, str]:
            data = current.design.model_dump(mode="json")
            data["name"] = name
            return load_design(data, source="new name"), current.design.name

        return self._save_latest(design_id, change, lambda old: f"renamed from {old!r} to {name!r}", base_revision,
                                 author)

    def restore_revision(self, design_id: str, number: int, *, base_revision: int | None = None,
                         author: str | None = None) -> RevisionInfo:
        """Make revision ``number`` the latest again, as a new revision that says which one was restored."""
        with self._tx(write=False) as conn:
            old = self._load(conn, design_id, number)
        return self._save_latest(design_id, lambda _: (old.design, ""), lambda _: f"restored revision {number}",
                                 base_revision, author)

    def duplicate(self, design_id: str, *, revision: int | None = None, name: str | None = None,
                  author: str | None = None) -> RevisionInfo:
        """A new design from a revision (the latest by default), named ``name`` or '<name> (copy)'."""
        with self._tx(write=False) as conn:
            self._design_row(conn, design_id)
            source = self._load(conn, design_id, revision)
        data = source.design.model_dump(mode="json")
        data["name"] = name if name is not None else copy_name(source.design.name)
        design = load_design(data, source="new name")
        return self.create(design, message=f"duplicated from {design_id} revision {source.number}", author=author)

    def get(self, design_id: str) -> DesignSummary:
        """The library row of one design (also when it is in the trash)."""
        with self._lock:
            self._design_row(self._conn, design_id)
            row = self._conn.execute(f"SELECT {SUMMARY_COLUMNS} FROM designs d WHERE d.id = ?",
                                     (design_id,)).fetchone()
        return summary_from_row(row)

    def open(self, design_id: str, revision: int | None = None) -> Revision:
        """A revision of a design with its content: the latest, or ``revision``."""
        with self._tx(write=False) as conn:
            self._design_row(conn, design_id)
            return self._load(conn, design_id, revision)

    def history(self, design_id: str) -> list[RevisionInfo]:
        """Every revision of a design, oldest first."""
        with self._tx(write=False) as conn:
            self._design_row(conn, design_id)
            rows = conn.execute(
                f"SELECT {REVISION_COLUMNS} FROM revisions r WHERE r.design_id = ? ORDER BY r.number",
                (design_id,),
            ).fetchall()
        return [revision_from_row(r) for r in rows]

    # -- the library table

    def list_designs(self, *, search: str | None = None, tag: str | None = None, limit: int | None = 50,
                     offset: int = 0, order: Order | None = None, trash: bool = False) -> DesignPage:
        """A page of designs (or of the trash), newest first unless ``order`` says otherwise, and the total.

        ``search`` matches names, notes and block labels as plain words (each a prefix, all required);
        ``tag`` keeps designs carrying that tag.
        """
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit
                                  <= MAX_PAGE):
            raise StoreError(f"limit must be between 1 and {MAX_PAGE}")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise StoreError("offset must be 0 or more")
        match = fts_query(search) if search else None
        chosen = order or ("relevance" if match else "updated")
        if chosen not in _ORDERS or (chosen == "relevance" and not match):
            raise StoreError(f"order must be one of {', '.join(o for o in _ORDERS if match or o != 'relevance')}")
        params: list[Any] = []
        source = "designs d"
        if match:
            source = ("designs d JOIN (SELECT rowid, rank FROM design_search WHERE design_search MATCH ?) s "
                      "ON s.rowid = d.pk")
            params.append(match)
        where = ["d.deleted_at IS NOT NULL" if trash else "d.deleted_at IS NULL"]
        if tag:
            where.append("EXISTS (SELECT 1 FROM json_each(d.tags) WHERE json_each.value = ?)")
            params.append(tag)
        clause = f"FROM {source} WHERE {' AND '.join(where)}"
        order_sql = "d.deleted_at DESC, d.pk DESC" if trash and order is None else _ORDERS[chosen]
        with self._tx(write=False) as conn:
            total = int(conn.execute(f"SELECT count(*) {clause}", params).fetchone()[0])
            rows = conn.execute(
                f"SELECT {SUMMARY_COLUMNS} {clause} ORDER BY {order_sql} LIMIT ? OFFSET ?",
                [*params, -1 if limit is None else limit, offset],
            ).fetchall()
        return DesignPage(tuple(summary_from_row(r) for r in rows), total, limit, offset)

    def tags(self) -> list[tuple[str, int]]:
        """Every tag on a design outside the trash, with how many designs carry it, most used first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT j.value, count(*) FROM designs d, json_each(d.tags) j WHERE d.deleted_at IS NULL "
                "GROUP BY j.value ORDER BY count(*) DESC, j.value"
            ).fetchall()
        return [(str(r[0]), int(r[1])) for r in rows]

    def export_designs(self, *, batch: int = 200) -> Iterator[tuple[DesignSummary, Design]]:
        """Every design outside the trash with its latest revision, oldest first (read in batches)."""
        last = 0
        while True:
            with self._tx(write=False) as conn:
                rows = conn.execute(
                    f"SELECT d.pk, {SUMMARY_COLUMNS}, r.body FROM designs d JOIN revisions r "
                    "ON r.design_id = d.id AND r.number = d.latest_revision "
                    "WHERE d.deleted_at IS NULL AND d.pk > ? ORDER BY d.pk LIMIT ?",
                    (last, batch),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                summary = summary_from_row(row[1:13])
                yield summary, loads(row[13], "json", source=f"design {summary.id} revision {summary.revisions}")
            last = int(rows[-1][0])

    # -- trash

    def delete(self, design_id: str) -> None:
        """Move a design to the trash (restorable)."""
        with self._tx() as conn:
            self._live_row(conn, design_id)
            conn.execute("UPDATE designs SET deleted_at = ? WHERE id = ?", (now(), design_id))

    def restore(self, design_id: str) -> None:
        """Bring a design back from the trash."""
        with self._tx() as conn:
            _, deleted_at, name = self._design_row(conn, design_id)
            if deleted_at is None:
                raise StoreError(f"design {design_id} ({name}) is not in the trash")
            conn.execute("UPDATE designs SET deleted_at = NULL WHERE id = ?", (design_id,))

    def purge(self, design_id: str, *, confirm: bool = False) -> None:
        """Delete a trashed design for good, with all its revisions and share links. Needs ``confirm=True``."""
        if confirm is not True:
            raise StoreError("deleting a design for good cannot be undone; pass confirm=True")
        with self._tx() as conn:
            _, deleted_at, name = self._design_row(conn, design_id)
            if deleted_at is None:
                raise StoreError(f"design {design_id} ({name}) is not in the trash; move it to the trash first")
            conn.execute("UPDATE practice_sessions SET design_revision = NULL WHERE design_id = ?", (design_id,))
            conn.execute("DELETE FROM designs WHERE id = ?", (design_id,))

    def empty_trash(self, *, confirm: bool = False) -> int:
        """Purge every design in the trash; returns how many. Needs ``confirm=True``."""
        if confirm is not True:
            raise StoreError("emptying the trash cannot be undone; pass confirm=True")
        with self._tx() as conn:
            conn.execute("UPDATE practice_sessions SET design_revision = NULL WHERE design_id IN "
                         "(SELECT id FROM designs WHERE deleted_at IS NOT NULL)")
            return int(conn.execute("DELETE FROM designs WHERE deleted_at IS NOT NULL").rowcount)

    # -- sharing

    def create_share(self, design_id: str, *, revision: int | None = None) -> Share:
        """A new read-only link token to the latest revision, or to ``revision`` pinned."""
        share = Share(_new_id(), secrets.token_urlsafe(32), design_id, revision, now(), None)
        with self._tx() as conn:
            latest, _ = self._live_row(conn, design_id)
            if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)
                                         or not 1 <= revision <= latest):
                raise NotFound(f"design {design_id} has no revision {revision}")
            conn.execute(
                "INSERT INTO shares (id, token, design_id, revision, created_at) VALUES (?, ?, ?, ?, ?)",
                (share.id, share.token, design_id, revision, share.created_at),
            )
        return share

    def list_shares(self, design_id: str, *, include_revoked: bool = False) -> list[Share]:
        """The share links of a design, oldest first."""
        with self._lock:
            self._design_row(self._conn, design_id)
            rows = self._conn.execute(
                "SELECT id, token, design_id, revision, created_at, revoked_at FROM shares WHERE design_id = ? "
                + ("" if include_revoked else "AND revoked_at IS NULL ") + "ORDER BY created_at, id",
                (design_id,),
            ).fetchall()
        return [Share(*r) for r in rows]

    def revoke_share(self, share_id: str) -> None:
        """Stop a share link working (by its id, never by its token)."""
        with self._tx() as conn:
            cur = conn.execute("UPDATE shares SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                               (now(), share_id))
            if cur.rowcount == 0 and conn.execute("SELECT 1 FROM shares WHERE id = ?", (share_id,)).fetchone() is None:
                raise NotFound(f"no share link with id {share_id!r}")

    def open_share(self, token: str) -> SharedDesign:
        """The revision a share token points to, read-only; ShareNotFound for unknown, revoked or trashed."""
        if not isinstance(token, str) or not 16 <= len(token) <= 200:
            raise ShareNotFound()
        with self._tx(write=False) as conn:
            row = conn.execute(
                "SELECT s.design_id, s.revision FROM shares s JOIN designs d ON d.id = s.design_id "
                "WHERE s.token = ? AND s.revoked_at IS NULL AND d.deleted_at IS NULL",
                (token,),
            ).fetchone()
            if row is None:
                raise ShareNotFound()
            rev = self._load(conn, row[0], row[1])
        return SharedDesign(rev.design.name, rev.design.notes, rev.number, rev.created_at, row[1] is not None,
                            rev.design)

    # -- practice sessions

    def start_session(self, prompt_id: str, *, state: JsonObject | None = None) -> PracticeSessionRecord:
        """Record the start of a practice session on a prompt."""
        prompt = _text(prompt_id, "prompt id", 200)
        if not prompt:
            raise StoreError("prompt id must not be empty")
        session_id = _new_id()
        with self._tx() as conn:
            conn.execute("INSERT INTO practice_sessions (id, prompt_id, started_at, state) VALUES (?, ?, ?, ?)",
                         (session_id, prompt, now(), _json_object(state or {}, "state")))
            return self._session(conn, session_id)

    def update_session(self, session_id: str, *, state: JsonObject | None = None, design_id: str | None = None,
                       design_revision: int | None = None, rubric: JsonObject | None = None,
                       scores: JsonObject | None = None, finished: bool = False) -> PracticeSessionRecord:
        """Change what is given (None leaves a field as it is); ``finished=True`` stamps the finish time."""
        sets: list[str] = []
        params: list[Any] = []
        for column, value in (("state", state), ("rubric", rubric), ("scores", scores)):
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(_json_object(value, column))
        with self._tx() as conn:
            self._session(conn, session_id)
            if design_id is not None:
                latest = self._design_row(conn, design_id)[0]
                number = latest if design_revision is None else design_revision
                if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= latest:
                    raise NotFound(f"design {design_id} has no revision {design_revision}")
                sets += ["design_id = ?", "design_revision = ?"]
                params += [design_id, number]
            elif design_revision is not None:
                raise StoreError("design_revision needs design_id")
            if finished:
                sets.append("finished_at = coalesce(finished_at, ?)")
                params.append(now())
            if sets:
                conn.execute(f"UPDATE practice_sessions SET {', '.join(sets)} WHERE id = ?", [*params, session_id])
            return self._session(conn, session_id)

    def get_session(self, session_id: str) -> PracticeSessionRecord:
        with self._lock:
            return self._session(self._conn, session_id)

    def list_sessions(self, *, prompt_id: str | None = None) -> list[PracticeSessionRecord]:
        """Practice sessions, oldest first (all, or those on one prompt)."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {SESSION_COLUMNS} FROM practice_sessions WHERE ? IS NULL OR prompt_id = ? "
                "ORDER BY started_at, id",
                (prompt_id, prompt_id),
            ).fetchall()
        return [session_from_row(r) for r in rows]

    def delete_session(self, session_id: str) -> None:
        with self._tx() as conn:
            if conn.execute("DELETE FROM practice_sessions WHERE id = ?", (session_id,)).rowcount == 0:
                raise NotFound(f"no practice session with id {session_id!r}")

    def _session(self, conn: sqlite3.Connection, session_id: str) -> PracticeSessionRecord:
        row = conn.execute(f"SELECT {SESSION_COLUMNS} FROM practice_sessions WHERE id = ?",
                           (session_id,)).fetchone()
        if row is None:
            raise NotFound(f"no practice session with id {session_id!r}")
        return session_from_row(row)



