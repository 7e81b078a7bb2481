"""What every part of the store's logic shares: the handle, argument checks, and the design-row and revision reads.

``StoreBase`` holds the ``mlsd.store.handle.Db``; the mixins (``designs``, ``library``, ``shares``, ``sessions``)
build on it with portable SQL only (``?`` placeholders; dialect hooks from ``self.db.dialect``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from mlsd.io import dumps, loads
from mlsd.model import MAX_NAME, Design
from mlsd.store.handle import Db, Tx
from mlsd.store.records import (
    REVISION_COLUMNS,
    CheckSummary,
    JsonObject,
    NotFound,
    Revision,
    StoreError,
    revision_from_row,
    summarize,
)

MAX_MESSAGE = 2_000
MAX_AUTHOR = 200
ID = re.compile(r"^[0-9A-Za-z_-]{1,64}$")


def copy_name(name: str) -> str:
    """``name (copy)``, cut to fit the name limit."""
    suffix = " (copy)"
    return name[: MAX_NAME - len(suffix)] + suffix


def text_arg(value: str | None, what: str, limit: int) -> str | None:
    """A text argument checked: None, or text of at most ``limit`` characters without null bytes."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise StoreError(f"{what} must be text")
    if "\x00" in value or len(value) > limit:
        raise StoreError(f"{what} must be at most {limit} characters without null bytes")
    return value


def json_object(value: JsonObject | None, what: str) -> str | None:
    """A JSON object argument as text (no NaN), or None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise StoreError(f"{what} must be a JSON object")
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(f"{what} is not valid JSON: {exc}") from None


@dataclass(frozen=True)
class Prepared:
    """A design ready to insert: validated, serialised and checked (all done before the transaction)."""

    design: Design
    body: str
    checks: CheckSummary


def prepare(design: Design, checks: CheckSummary | None) -> Prepared:
    body = dumps(design)
    # Store only what loads back: a design built without validation (model_copy) is validated here, not later.
    valid = loads(body, "json", source=f"design {design.name!r}")
    return Prepared(valid, body, checks if checks is not None else summarize(valid))


class StoreBase:
    """The handle and the reads every part of the store uses."""

    def __init__(self, db: Db) -> None:
        self.db = db
        self.path: Path | None = db.path

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return self.db.schema_version()

    def _design_row(self, tx: Tx, design_id: str, *, lock: bool = False) -> tuple[int, str | None, str]:
        """(latest revision, deleted_at, name) of a design, or NotFound; ``lock`` for a compare-and-append write."""
        if not isinstance(design_id, str) or not ID.match(design_id):
            raise NotFound(f"no design with id {design_id!r}")
        suffix = self.db.dialect.lock_design if lock else ""
        row = tx.fetchone("SELECT latest_revision, deleted_at, name FROM designs WHERE id = ?" + suffix,
                          (design_id,))
        if row is None:
            raise NotFound(f"no design with id {design_id!r}")
        return int(row[0]), row[1], str(row[2])

    def _live_row(self, tx: Tx, design_id: str, *, lock: bool = False) -> tuple[int, str]:
        latest, deleted_at, name = self._design_row(tx, design_id, lock=lock)
        if deleted_at is not None:
            raise NotFound(f"design {design_id} ({name}) is in the trash; restore it first")
        return latest, name

    def _load(self, tx: Tx, design_id: str, number: int | None) -> Revision:
        if number is None:
            row = tx.fetchone(
                f"SELECT {REVISION_COLUMNS}, r.body FROM revisions r JOIN designs d ON d.id = r.design_id "
                "WHERE d.id = ? AND r.number = d.latest_revision",
                (design_id,),
            )
        else:
            row = tx.fetchone(
                f"SELECT {REVISION_COLUMNS}, r.body FROM revisions r WHERE r.design_id = ? AND r.number = ?",
                (design_id, number),
            )
        if row is None:
            raise NotFound(f"design {design_id} has no revision {number}")
        i = revision_from_row(row)
        design = loads(row[12], "json", source=f"design {design_id} revision {i.number}")
        return Revision(i.design_id, i.number, i.created_at, i.message, i.author, i.name, i.checks, design)
