"""Designs and their append-only revisions: create, import, save (compare-and-append), rename, restore, read.

A save checks "is the latest revision still the one I started from?" and appends the next revision in one write
transaction, with the design row locked (``lock=True``: ``BEGIN IMMEDIATE`` on SQLite, ``FOR UPDATE`` on
PostgreSQL); when another save got there first, ``ConflictError`` is raised and nothing is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from mlsd.io import load_design
from mlsd.model import Design
from mlsd.store.audit import record_audit
from mlsd.store.base import MAX_AUTHOR, MAX_MESSAGE, Prepared, StoreBase, copy_name, prepare, text_arg
from mlsd.store.handle import Tx, new_id, now
from mlsd.store.records import (
    REVISION_COLUMNS,
    SUMMARY_COLUMNS,
    CheckSummary,
    ConflictError,
    DesignSummary,
    NotFound,
    Revision,
    RevisionInfo,
    StoreError,
    revision_from_row,
    summary_from_row,
)
from mlsd.store.workspaces import LOCAL_WORKSPACE, hold_workspace


class DesignsMixin(StoreBase):
    """Writing and reading designs and revisions."""

    def _append(self, tx: Tx, design_id: str, number: int, prep: Prepared, message: str,
                author: str | None, stamp: str) -> RevisionInfo:
        d, c = prep.design, prep.checks
        tx.execute(
            "INSERT INTO revisions (design_id, number, created_at, message, author, name, body, errors, warnings, "
            "infos, waived, score, checks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (design_id, number, stamp, message, author, d.name, prep.body, c.errors, c.warnings, c.infos,
             c.waived, c.score, c.to_json()),
        )
        tx.execute(
            "UPDATE designs SET name = ?, description = ?, tags = ?, updated_at = ?, latest_revision = ?, "
            "errors = ?, warnings = ?, infos = ?, score = ? WHERE id = ?",
            (d.name, d.description, json.dumps(d.tags, ensure_ascii=False), stamp, number,
             c.errors, c.warnings, c.infos, c.score, design_id),
        )
        return RevisionInfo(design_id, number, stamp, message, author, d.name, c)

    def _insert_new(self, tx: Tx, prep: Prepared, message: str, author: str | None, workspace: str,
                    action: str = "design.create") -> RevisionInfo:
        design_id = new_id()
        stamp = now()
        tx.execute(
            "INSERT INTO designs (id, name, created_at, updated_at, latest_revision, workspace_id) "
            "VALUES (?, ?, ?, ?, 1, ?)",
            (design_id, prep.design.name, stamp, stamp, workspace),
        )
        info = self._append(tx, design_id, 1, prep, message, author, stamp)
        record_audit(tx, action, actor=author, design_id=design_id, detail=_detail(prep.design.name, message))
        return info

    def _check_workspace(self, tx: Tx, workspace: str) -> None:
        hold_workspace(tx, self.db.dialect, workspace)

    def create(self, design: Design, *, message: str = "created", author: str | None = None,
               checks: CheckSummary | None = None, workspace: str = LOCAL_WORKSPACE) -> RevisionInfo:
        """Add a new design (revision 1) to ``workspace``. Also how 'save as a copy' is done after a conflict."""
        message = text_arg(message, "message", MAX_MESSAGE) or ""
        author = text_arg(author, "author", MAX_AUTHOR)
        prep = prepare(design, checks)
        with self.db.transaction() as tx:
            self._check_workspace(tx, workspace)
            return self._insert_new(tx, prep, message, author, workspace)

    def import_designs(self, designs: Iterable[Design], *, message: str = "imported", author: str | None = None,
                       workspace: str = LOCAL_WORKSPACE) -> list[RevisionInfo]:
        """Add many designs in one transaction (all or none); each becomes a new design, nothing is replaced."""
        message = text_arg(message, "message", MAX_MESSAGE) or ""
        author = text_arg(author, "author", MAX_AUTHOR)
        prepared = [prepare(d, None) for d in designs]
        with self.db.transaction() as tx:
            self._check_workspace(tx, workspace)
            return [self._insert_new(tx, p, message, author, workspace, "design.import") for p in prepared]

    def save(self, design_id: str, design: Design, *, base_revision: int, message: str = "",
             author: str | None = None, checks: CheckSummary | None = None) -> RevisionInfo:
        """Append a revision made from ``base_revision``; ConflictError when the design has moved on since.

        ``checks``: the checklist summary, when the caller already ran the checks on this design.
        """
        return self._save(design_id, design, base_revision, message, author, checks, "design.save")

    def _save(self, design_id: str, design: Design, base_revision: int, message: str, author: str | None,
              checks: CheckSummary | None, action: str) -> RevisionInfo:
        """``save``, recorded in the audit log as ``action``."""
        message = text_arg(message, "message", MAX_MESSAGE) or ""
        author = text_arg(author, "author", MAX_AUTHOR)
        if isinstance(base_revision, bool) or not isinstance(base_revision, int):
            raise StoreError("base_revision must be a revision number")
        prep = prepare(design, checks)
        with self.db.transaction() as tx:
            latest, _ = self._live_row(tx, design_id, lock=True)
            if latest != base_revision:
                raise ConflictError(design_id, base_revision, latest)
            info = self._append(tx, design_id, latest + 1, prep, message, author, now())
            record_audit(tx, action, actor=author, design_id=design_id,
                         detail=_detail(f"revision {info.number}", message))
            return info

    def _save_latest(self, design_id: str, change: Callable[[Revision], tuple[Design, str]],
                     message: Callable[[str], str], base_revision: int | None, author: str | None,
                     action: str) -> RevisionInfo:
        """Read the latest revision, derive a design from it, and append it if nobody saved in between."""
        author = text_arg(author, "author", MAX_AUTHOR)
        with self.db.transaction(write=False) as tx:
            self._live_row(tx, design_id)
            current = self._load(tx, design_id, None)
        if base_revision is None:
            base_revision = current.number
        design, text = change(current)
        return self._save(design_id, design, base_revision, message(text), author, None, action)

    def rename(self, design_id: str, name: str, *, base_revision: int | None = None, author: str | None = None
               ) -> RevisionInfo:
        """Give the design a new name: a new revision whose message records the old and new names."""

        def change(current: Revision) -> tuple[Design, str]:
            data = current.design.model_dump(mode="json")
            data["name"] = name
            return load_design(data, source="new name"), current.design.name

        return self._save_latest(design_id, change, lambda old: f"renamed from {old!r} to {name!r}", base_revision,
                                 author, "design.rename")

    def restore_revision(self, design_id: str, number: int, *, base_revision: int | None = None,
                         author: str | None = None) -> RevisionInfo:
        """Make revision ``number`` the latest again, as a new revision that says which one was restored."""
        with self.db.transaction(write=False) as tx:
            old = self._load(tx, design_id, number)
        return self._save_latest(design_id, lambda _: (old.design, ""), lambda _: f"restored revision {number}",
                                 base_revision, author, "design.restore_revision")

    def duplicate(self, design_id: str, *, revision: int | None = None, name: str | None = None,
                  author: str | None = None) -> RevisionInfo:
        """A new design from a revision (the latest by default), named ``name`` or '<name> (copy)', in the same
        workspace."""
        with self.db.transaction(write=False) as tx:
            self._design_row(tx, design_id)
            source = self._load(tx, design_id, revision)
            row = tx.fetchone("SELECT workspace_id FROM designs WHERE id = ?", (design_id,))
            workspace = str(row[0]) if row else LOCAL_WORKSPACE
        data = source.design.model_dump(mode="json")
        data["name"] = name if name is not None else copy_name(source.design.name)
        design = load_design(data, source="new name")
        return self.create(design, message=f"duplicated from {design_id} revision {source.number}", author=author,
                           workspace=workspace)

    def get(self, design_id: str) -> DesignSummary:
        """The library row of one design (also when it is in the trash)."""
        with self.db.read() as tx:
            self._design_row(tx, design_id)
            row = tx.fetchone(f"SELECT {SUMMARY_COLUMNS} FROM designs d WHERE d.id = ?", (design_id,))
        assert row is not None
        return summary_from_row(row)

    def open(self, design_id: str, revision: int | None = None) -> Revision:
        """A revision of a design with its content: the latest, or ``revision``."""
        with self.db.transaction(write=False) as tx:
            self._design_row(tx, design_id)
            return self._load(tx, design_id, revision)

    def latest_revision(self, design_id: str) -> RevisionInfo:
        """The latest revision of a design, without its content (also in the trash): one indexed row, cheap enough
        for a board to ask on every heartbeat whether the library moved on (``components.board.freshness``)."""
        with self.db.read() as tx:
            row = tx.fetchone(
                f"SELECT {REVISION_COLUMNS} FROM designs d JOIN revisions r ON r.design_id = d.id "
                "AND r.number = d.latest_revision WHERE d.id = ?",
                (design_id,),
            )
        if row is None:
            raise NotFound(f"no design with id {design_id!r}")
        return revision_from_row(row)

    def history(self, design_id: str) -> list[RevisionInfo]:
        """Every revision of a design, oldest first."""
        with self.db.transaction(write=False) as tx:
            self._design_row(tx, design_id)
            rows = tx.fetchall(
                f"SELECT {REVISION_COLUMNS} FROM revisions r WHERE r.design_id = ? ORDER BY r.number",
                (design_id,),
            )
        return [revision_from_row(r) for r in rows]


def _detail(what: str, message: str) -> str:
    """An audit entry's detail: what, and the revision message when there is one (cut to fit)."""
    return (f"{what}: {message}" if message else what)[:500]
