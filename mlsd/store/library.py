"""The library table and the trash: paged, searched, tagged and ordered lists; export; delete, restore, purge.

Search and tag filtering come from the dialect (``search``, ``tag_match``, ``tag_counts``): FTS5 and ``json_each``
on SQLite, tsvector and ``jsonb_array_elements_text`` on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any, Literal, get_args

from mlsd.io import loads
from mlsd.model import Design
from mlsd.store.audit import record_audit
from mlsd.store.base import MAX_AUTHOR, StoreBase, text_arg
from mlsd.store.handle import Tx, now
from mlsd.store.keyset import Cursor, Key, Segment, read_page
from mlsd.store.records import SUMMARY_COLUMNS, DesignPage, DesignSummary, StoreError, summary_from_row

MAX_PAGE = 1_000
RANK_LIMIT = 1_000  # best match ranks at most this many matches: the most recently updated (see list_designs)
Order = Literal["updated", "created", "name", "score", "errors", "relevance"]
_ORDER_NAMES = get_args(Order)
_DESC = (True, True, True, True)
_KEYS: dict[str, Key] = {
    "updated": Key(("d.updated_at", "d.pk"), _DESC[:2]),
    "created": Key(("d.created_at", "d.pk"), _DESC[:2]),
    # designs without a score last (as "d.score IS NULL, d.score DESC" did), in one direction: has-a-score first
    "score": Key(("CASE WHEN d.score IS NULL THEN 0 ELSE 1 END", "coalesce(d.score, 0)", "d.updated_at", "d.pk"),
                 _DESC),
    "errors": Key(("d.errors", "d.warnings", "d.updated_at", "d.pk"), _DESC),
    "name": Key(("d.name", "d.pk"), (False, False)),  # the dialect's name_key replaces d.name
    "relevance": Key(("s.rank", "d.updated_at", "d.pk"), (False, True, True)),
    "trash": Key(("d.deleted_at", "d.pk"), _DESC[:2]),
}
# Outside the trash every row has deleted_at NULL: led by it, the newest-first order is the order of the index
# designs_updated (deleted_at, updated_at[, pk]), which PostgreSQL then reads backwards from the cursor instead of
# sorting every live design (its planner does not take "deleted_at IS NULL" as making that column constant).
_LIVE_LEAD = "d.deleted_at"


def in_workspaces(workspaces: Collection[str] | None) -> tuple[str, list[Any]]:
    """A predicate "design ``d`` is in one of ``workspaces``" with its parameters (always true for None; always
    false for none at all)."""
    if workspaces is None:
        return "1 = 1", []
    ids = sorted(set(workspaces))
    if not ids:
        return "1 = 0", []
    return f"d.workspace_id IN ({', '.join('?' * len(ids))})", list(ids)


class LibraryMixin(StoreBase):
    """Listing designs, tags and exports; the trash."""

    def list_designs(self, *, search: str | None = None, tag: str | None = None, limit: int | None = 50,
                     offset: int = 0, order: Order | None = None, trash: bool = False,
                     workspaces: Collection[str] | None = None, cursor: str | None = None) -> DesignPage:
        """A page of designs (or of the trash), newest first unless ``order`` says otherwise, and the total.

        ``search`` matches names, notes and block labels as plain words (each a prefix, all required);
        ``tag`` keeps designs carrying that tag; ``workspaces`` (None: all) keeps the designs in those.
        Every order ends with the designs' row id, so the order is total.

        Pages: ``cursor`` (the page's ``next_cursor`` / ``previous_cursor``, or ``LAST_PAGE``) reads the page
        there by its sort key (keyset paging: as fast at page 2,000 as at page 1); ``offset`` skips that many rows
        (the database reads them all). Give one or the other.

        Best match (``relevance``, the default with a search) ranks every match when there are at most
        ``RANK_LIMIT``; when more designs match (a word nearly every design has), it ranks the ``RANK_LIMIT`` most
        recently updated matches and lists the others after them, newest first: the same designs and total, but
        no ranking of 100,000 texts before the first page.
        """
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit
                                  <= MAX_PAGE):
            raise StoreError(f"limit must be between 1 and {MAX_PAGE}")
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise StoreError("offset must be 0 or more")
        if cursor is not None and (offset or limit is None):
            raise StoreError("a page cursor needs a limit and no offset")
        dialect = self.db.dialect
        match = dialect.search(search) if search else None
        chosen = order or ("relevance" if match else "updated")
        if chosen not in _ORDER_NAMES or (chosen == "relevance" and not match):
            raise StoreError(f"order must be one of {', '.join(o for o in _ORDER_NAMES if match or o != 'relevance')}")
        key_name = "trash" if trash and order is None else chosen
        at = Cursor.decode(cursor, key_name) if cursor is not None else None
        params: list[Any] = []
        source = filtered = "designs d"
        if match:
            subquery, search_params = match
            source = f"designs d JOIN ({subquery}) s ON s.pk = d.pk"
            filtered = f"designs d WHERE d.pk IN (SELECT m.pk FROM ({subquery}) m)"  # no rank: the rows, any order
            params += search_params
        where = ["d.deleted_at IS NOT NULL" if trash else "d.deleted_at IS NULL"]
        member_of, member_params = in_workspaces(workspaces)
        where.append(member_of)
        params += member_params
        if tag:
            where.append(dialect.tag_match)
            params.append(tag)
        clause = f"FROM {source} WHERE {' AND '.join(where)}"
        key = Key((dialect.name_key, "d.pk"), (False, False)) if key_name == "name" else _KEYS[key_name]
        if not trash and key.exprs[0] == "d.updated_at":
            key = Key(key.exprs, key.desc, lead=_LIVE_LEAD)
        with self.db.transaction(write=False) as tx:
            count = tx.fetchone(f"SELECT count(*) {clause}", params)
            total = int(count[0]) if count else 0
            segments = [Segment(clause, params, key)]
            if key_name == "relevance" and total > RANK_LIMIT:
                unranked = f"FROM {filtered} AND {' AND '.join(where)}"
                segments = self._ranked_window(tx, clause, unranked, params, not trash)
            rows, first, next_at, previous_at = read_page(tx, SUMMARY_COLUMNS, segments, key_name, at, limit, offset,
                                                            total)
        return DesignPage(tuple(summary_from_row(r) for r in rows), total, limit, first,
                          next_at.encode() if next_at else None, previous_at.encode() if previous_at else None)

    @staticmethod
    def _ranked_window(tx: Tx, clause: str, unranked: str, params: list[Any], live: bool) -> list[Segment]:
        """Best match over many matches: the ``RANK_LIMIT`` most recently updated ranked, then the rest newest
        first (two segments split at the ``RANK_LIMIT``-th newest match). ``unranked`` is ``clause`` with the search
        as a filter (``pk IN``): read in the designs' index order, SQLite looks each match up in a set made once
        instead of asking FTS5 row by row."""
        newest = Key(("d.updated_at", "d.pk"), _DESC[:2], lead=_LIVE_LEAD if live else "")
        edge = tx.fetchone(f"SELECT d.updated_at, d.pk {unranked} ORDER BY {newest.order_by()} LIMIT 1 OFFSET ?",
                           [*params, RANK_LIMIT - 1])
        if edge is None:  # the matches changed since they were counted
            return [Segment(clause, params, _KEYS["relevance"])]
        outside, outside_params = newest.seek(edge)
        window = f"{clause} AND (d.updated_at, d.pk) >= (?, ?)"  # the edge row and the newer ones
        return [Segment(window, [*params, *edge], _KEYS["relevance"], RANK_LIMIT),
                Segment(f"{unranked} AND {outside}", [*params, *outside_params], newest)]

    def tags(self, *, workspaces: Collection[str] | None = None) -> list[tuple[str, int]]:
        """Every tag on a design outside the trash (in ``workspaces``; None: all), with how many designs carry it,
        most used first."""
        member_of, params = in_workspaces(workspaces)
        outside_trash = "WHERE d.deleted_at IS NULL"
        sql = self.db.dialect.tag_counts
        if outside_trash not in sql:  # both dialects' tag_counts filter this way; a new one must too
            raise StoreError("the dialect's tag_counts must filter with 'WHERE d.deleted_at IS NULL'")
        with self.db.read() as tx:
            rows = tx.fetchall(sql.replace(outside_trash, f"{outside_trash} AND {member_of}", 1), params)
        return [(str(r[0]), int(r[1])) for r in rows]

    def export_designs(self, *, batch: int = 200, workspaces: Collection[str] | None = None
                       ) -> Iterator[tuple[DesignSummary, Design]]:
        """Every design outside the trash (in ``workspaces``; None: all) with its latest revision, oldest first
        (read in batches)."""
        member_of, member_params = in_workspaces(workspaces)
        last = 0
        while True:
            with self.db.transaction(write=False) as tx:
                rows = tx.fetchall(
                    f"SELECT d.pk, {SUMMARY_COLUMNS}, r.body FROM designs d JOIN revisions r "
                    "ON r.design_id = d.id AND r.number = d.latest_revision "
                    f"WHERE d.deleted_at IS NULL AND {member_of} AND d.pk > ? ORDER BY d.pk LIMIT ?",
                    (*member_params, last, batch),
                )
            if not rows:
                return
            for row in rows:
                summary = summary_from_row(row[1:13])
                yield summary, loads(row[13], "json", source=f"design {summary.id} revision {summary.revisions}")
            last = int(rows[-1][0])

    # -- trash

    def delete(self, design_id: str, *, author: str | None = None) -> None:
        """Move a design to the trash (restorable); ``author``: who, for the audit log."""
        author = text_arg(author, "author", MAX_AUTHOR)
        with self.db.transaction() as tx:
            _, name = self._live_row(tx, design_id, lock=True)
            tx.execute("UPDATE designs SET deleted_at = ? WHERE id = ?", (now(), design_id))
            record_audit(tx, "design.delete", actor=author, design_id=design_id, detail=name)

    def restore(self, design_id: str, *, author: str | None = None) -> None:
        """Bring a design back from the trash."""
        author = text_arg(author, "author", MAX_AUTHOR)
        with self.db.transaction() as tx:
            _, deleted_at, name = self._design_row(tx, design_id, lock=True)
            if deleted_at is None:
                raise StoreError(f"design {design_id} ({name}) is not in the trash")
            tx.execute("UPDATE designs SET deleted_at = NULL WHERE id = ?", (design_id,))
            record_audit(tx, "design.restore", actor=author, design_id=design_id, detail=name)

    def purge(self, design_id: str, *, confirm: bool = False, author: str | None = None) -> None:
        """Delete a trashed design for good, with all its revisions and share links. Needs ``confirm=True``.

        Its audit log entries stay (the log has no foreign key), with a last one saying it was purged."""
        if confirm is not True:
            raise StoreError("deleting a design for good cannot be undone; pass confirm=True")
        author = text_arg(author, "author", MAX_AUTHOR)
        with self.db.transaction() as tx:
            _, deleted_at, name = self._design_row(tx, design_id, lock=True)
            if deleted_at is None:
                raise StoreError(f"design {design_id} ({name}) is not in the trash; move it to the trash first")
            tx.execute("UPDATE practice_sessions SET design_revision = NULL WHERE design_id = ?", (design_id,))
            tx.execute("DELETE FROM designs WHERE id = ?", (design_id,))
            record_audit(tx, "design.purge", actor=author, design_id=design_id, detail=name)

    def empty_trash(self, *, confirm: bool = False, author: str | None = None,
                    workspaces: Collection[str] | None = None) -> int:
        """Purge every design in the trash (of ``workspaces``; None: all); returns how many. Needs
        ``confirm=True``."""
        if confirm is not True:
            raise StoreError("emptying the trash cannot be undone; pass confirm=True")
        author = text_arg(author, "author", MAX_AUTHOR)
        member_of, params = in_workspaces(workspaces)
        trashed = f"SELECT d.id FROM designs d WHERE d.deleted_at IS NOT NULL AND {member_of}"
        with self.db.transaction() as tx:
            purged = tx.fetchall(f"SELECT d.id, d.name FROM designs d WHERE d.deleted_at IS NOT NULL AND {member_of}",
                                 params)
            tx.execute(f"UPDATE practice_sessions SET design_revision = NULL WHERE design_id IN ({trashed})", params)
            count = tx.execute(f"DELETE FROM designs WHERE id IN ({trashed})", params)
            for design_id, name in purged:
                record_audit(tx, "design.purge", actor=author, design_id=design_id, detail=f"{name} (trash emptied)")
            return count
