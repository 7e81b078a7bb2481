"""Keyset (seek) paging of the library table: each order as a key, the cursor a page hands out, and the predicate
that seeks past it.

``LIMIT n OFFSET k`` makes the database read and throw away ``k`` rows before the page: deep in a library of
100,000 designs that was 96-240 ms a page on PostgreSQL (``benchmarks/store_scale.py``, docs/benchmarks.md). A
cursor instead holds the sort key of the row a page ended (or began) at, and the next (or previous) page is read
from there, ``WHERE (key) < (the cursor's key) ORDER BY key LIMIT n``: for the orders an index serves (last
updated; the trash) a short index range scan at any depth; for the others one pass over the rows with the cheap
key comparison in front of a top-n sort, never a sort of the rows skipped. The keys end with ``d.pk`` (the
designs' own row id, in the order they were added), so two designs never share a key and no row is skipped or
shown twice, whatever ties the visible columns have.

A key is a list of SQL expressions, each ascending or descending. A run of columns in one direction is compared as
a row value, ``(a, b) < (?, ?)``, which both SQLite (3.15+) and PostgreSQL turn into an index range; a key that
changes direction (best match: rank ascending, then newest first) becomes "the first run strictly after, or equal
and the rest after".

A listing may be made of **segments** read one after another (best match for a very common word: the most recent
matches ranked, then the rest newest first; ``mlsd.store.library``); the cursor names its segment.

The cursor is text (URL-safe base64 of a small JSON list) made and read only by the store: its order, direction,
segment, key values and the offset of the row it points at (so that the page can still say "51-100 of 1,000";
the offset is counted as pages are turned and is approximate when others add or delete designs meanwhile).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mlsd.store.handle import Row, Tx
from mlsd.store.records import StoreError

Direction = Literal["after", "before", "last"]
LAST_PAGE = "last"  # the cursor of a listing's last page (``list_designs(cursor=LAST_PAGE)``)
_MAX_CURSOR = 4_000  # characters: a cursor holds a few key values (a name is at most 200 characters)


@dataclass(frozen=True)
class Key:
    """An order as SQL: its expressions, each descending (True) or ascending (False); the last one is unique."""

    exprs: tuple[str, ...]
    desc: tuple[bool, ...]
    lead: str = ""  # an ORDER BY term constant over the rows, put first so that an index serves the order

    def __post_init__(self) -> None:
        if not self.exprs or len(self.exprs) != len(self.desc):
            raise ValueError("a key needs one direction per expression")

    def order_by(self, reverse: bool = False) -> str:
        """The ORDER BY list (``reverse``: the opposite order, to read backwards from a cursor)."""
        terms = [(self.lead, self.desc[0])] if self.lead else []
        terms += zip(self.exprs, self.desc, strict=True)
        return ", ".join(f"{e} {'DESC' if d != reverse else 'ASC'}" for e, d in terms)

    def select(self) -> str:
        """The key's expressions as extra result columns (the last row's values make the next cursor)."""
        return ", ".join(self.exprs)

    def seek(self, values: Sequence[Any], reverse: bool = False) -> tuple[str, list[Any]]:
        """A predicate "the row comes strictly after ``values``" in this order (``reverse``: strictly before)."""
        if len(values) != len(self.exprs):
            raise StoreError("this page cursor does not fit the order; go back to the first page")
        runs: list[tuple[list[str], list[Any], bool]] = []
        for expr, value, desc in zip(self.exprs, values, self.desc, strict=True):
            if runs and runs[-1][2] == desc:
                runs[-1][0].append(expr)
                runs[-1][1].append(value)
            else:
                runs.append(([expr], [value], desc))
        sql, params = "", []
        for exprs, vals, desc in reversed(runs):  # innermost (last run) first
            op = "<" if desc != reverse else ">"
            left = _row(exprs)
            marks = _row(["?"] * len(exprs))
            strict = f"{left} {op} {marks}"
            if not sql:
                sql, params = strict, list(vals)
            else:
                sql = f"({strict} OR ({left} = {marks} AND {sql}))"
                params = [*vals, *vals, *params]
        return sql, params


def _row(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"({', '.join(items)})"


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (or before) the row with ``values`` in ``segment``, or the last page.

    ``offset`` is the position (from 0) of the first row of the page it leads to."""

    order: str
    direction: Direction
    segment: int = 0
    values: tuple[Any, ...] = ()
    offset: int = 0

    def encode(self) -> str:
        if self.direction == "last":
            return LAST_PAGE
        data = json.dumps([self.order, self.direction, self.segment, list(self.values), self.offset],
                          ensure_ascii=False, separators=(",", ":"))
        return base64.urlsafe_b64encode(data.encode("utf-8")).decode("ascii").rstrip("=")

    @classmethod
    def decode(cls, token: str, order: str) -> Cursor:
        """The cursor a page handed out, for a listing in ``order``; StoreError when it is not one."""
        if token == LAST_PAGE:
            return cls(order, "last")
        bad = StoreError("this page cursor is not valid (it comes from another listing or was changed); go back to "
                         "the first page")
        if not isinstance(token, str) or not token or len(token) > _MAX_CURSOR:
            raise bad
        try:
            data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8"))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            raise bad from None
        if not (isinstance(data, list) and len(data) == 5 and data[0] == order and data[1] in ("after", "before")
                and _small_int(data[2]) and isinstance(data[3], list) and _small_int(data[4])
                and all(v is None or (isinstance(v, str | int | float) and not isinstance(v, bool)) for v in data[3])):
            raise bad
        return cls(order, data[1], data[2], tuple(data[3]), data[4])


def _small_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53


@dataclass(frozen=True)
class Segment:
    """One part of a listing, read in its own key order: its ``FROM ... WHERE ...`` text and parameters, and how many
    rows it holds when that is known (best match's ranked window)."""

    clause: str
    params: list[Any]
    key: Key
    size: int | None = None


def read_page(tx: Tx, columns: str, segments: Sequence[Segment], order: str, at: Cursor | None, limit: int | None,
              offset: int, total: int) -> tuple[list[Row], int, Cursor | None, Cursor | None]:
    """The rows of one page of the segments read one after another (``order`` names the listing's order in its
    cursors; ``columns`` is a plain column list): from ``at`` (a cursor), else from ``offset``. Returns the rows,
    the offset of the first, and the cursors of the next and previous pages (None at either end)."""
    if limit is None:  # everything, no pages
        rows = [r for seg in segments for r in tx.fetchall(
            f"SELECT {columns} {seg.clause} ORDER BY {seg.key.order_by()}", seg.params)]
        return rows, 0, None, None
    if at is not None and at.direction != "after":
        if at.direction == "last":
            size = total - (max(total - 1, 0) // limit) * limit
            keyed = _backward(tx, columns, segments, len(segments) - 1, None, size + 1)
            first = total - min(size, len(keyed))
        else:
            keyed = _backward(tx, columns, segments, at.segment, at.values, limit + 1)
            first = at.offset
        more_before = len(keyed) > (size if at.direction == "last" else limit)
        keyed = keyed[:len(keyed) - 1] if more_before else keyed
        keyed.reverse()
        first = first if more_before else 0
        more_after = at.direction == "before"
    else:
        keyed = _forward(tx, columns, segments, at, limit + 1, offset)
        first = at.offset if at else offset
        more_after = len(keyed) > limit
        keyed = keyed[:limit]
        more_before = first > 0
    n = len(columns.split(","))
    rows = [r[:n] for _, r in keyed]
    if not keyed:
        return rows, first, None, None
    (seg_last, last), (seg_first, head) = keyed[-1], keyed[0]
    next_at = Cursor(order, "after", seg_last, tuple(last[n:]), first + len(rows)) if more_after else None
    previous_at = Cursor(order, "before", seg_first, tuple(head[n:]), max(0, first - limit)) if more_before else None
    return rows, first, next_at, previous_at


def _forward(tx: Tx, columns: str, segments: Sequence[Segment], at: Cursor | None, want: int, offset: int
             ) -> list[tuple[int, Row]]:
    """Up to ``want`` rows after the cursor (or from ``offset``), with the segment each comes from."""
    found: list[tuple[int, Row]] = []
    for i, seg in enumerate(segments):
        if at is not None and i < at.segment:
            continue
        if at is None and seg.size is not None and offset >= seg.size:
            offset -= seg.size
            continue
        where, params = seg.clause, list(seg.params)
        if at is not None and i == at.segment:
            seek, seek_params = seg.key.seek(at.values)
            where, params = f"{where} AND {seek}", [*params, *seek_params]
        rows = tx.fetchall(f"SELECT {columns}, {seg.key.select()} {where} ORDER BY {seg.key.order_by()} "
                           "LIMIT ? OFFSET ?", [*params, want - len(found), offset])
        offset = 0
        found += [(i, r) for r in rows]
        if len(found) >= want:
            break
    return found


def _backward(tx: Tx, columns: str, segments: Sequence[Segment], start: int, values: Sequence[Any] | None,
              want: int) -> list[tuple[int, Row]]:
    """Up to ``want`` rows before the cursor (from the end when ``values`` is None), nearest first."""
    found: list[tuple[int, Row]] = []
    for i in range(min(start, len(segments) - 1), -1, -1):
        seg = segments[i]
        where, params = seg.clause, list(seg.params)
        if values is not None and i == start:  # (a cursor past the segments: read from the end)
            seek, seek_params = seg.key.seek(values, reverse=True)
            where, params = f"{where} AND {seek}", [*params, *seek_params]
        rows = tx.fetchall(f"SELECT {columns}, {seg.key.select()} {where} ORDER BY {seg.key.order_by(reverse=True)} "
                           "LIMIT ?", [*params, want - len(found)])
        found += [(i, r) for r in rows]
        if len(found) >= want:
            break
    return found
