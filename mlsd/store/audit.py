"""The audit log: an append-only record of who changed what and when (issue 14 item 6).

Every change to a design (create, import, duplicate, save, rename, restore a revision, delete, restore, purge),
to a share link (create, revoke) and, from the workspaces code, to a membership is one row of ``audit_log``:
when (``handle.now()``), who (the signed-in user's name, or None when nobody is signed in), the action, the
design's id, a target (a share or member id) and a short detail. The table refuses UPDATE and DELETE (triggers in
``schema``) and has no foreign key, so a purged design's entries stay.

For other parts of the store — workspaces and members: call ``record_audit`` inside the transaction that makes the
change, with that transaction's ``Tx``, so the change and its entry commit (or roll back) together::

    with self.db.transaction() as tx:
        tx.execute("INSERT INTO members ...", (...))
        record_audit(tx, "member.add", actor=who, target=member_id, detail=f"{user} as {role}")

Given a ``Db`` (``store.db``) instead, it writes the entry in a transaction of its own. Actions are
``<subject>.<verb>`` in lower case: ``design.create``, ``design.save``, ``share.revoke``, ``member.add``,
``member.role``, ``member.remove`` ...; a new one needs no schema change.
"""

from __future__ import annotations

import re
from typing import cast

from mlsd.store.base import MAX_AUTHOR, StoreBase, text_arg
from mlsd.store.handle import Db, Tx, new_id, now
from mlsd.store.records import AuditEntry, StoreError

ACTION = re.compile(r"^[a-z][a-z_]{0,30}\.[a-z][a-z_]{0,30}$")
MAX_DETAIL = 500
MAX_LIST = 1_000
AUDIT_COLUMNS = "id, at, actor, action, design_id, target, detail"


def record_audit(db: Tx | Db, action: str, *, actor: str | None = None, design_id: str | None = None,
                 target: str | None = None, detail: str = "") -> AuditEntry:
    """Append one entry to the audit log; with a ``Tx``, inside that transaction (see the module docstring).

    StoreError for an action not shaped ``subject.verb``, or text over its limit; nothing is written then.
    """
    if not isinstance(action, str) or not ACTION.match(action):
        raise StoreError(f"audit action must look like 'design.save', not {action!r}")
    actor = text_arg(actor, "actor", MAX_AUTHOR)
    target = text_arg(target, "target", MAX_AUTHOR)
    design_id = text_arg(design_id, "design id", 64)
    detail = text_arg(detail, "detail", MAX_DETAIL) or ""
    entry = AuditEntry(new_id(), now(), actor, action, design_id, target, detail)
    row = (entry.id, entry.at, actor, action, design_id, target, detail)
    sql = f"INSERT INTO audit_log ({AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
    if hasattr(db, "transaction"):
        with cast(Db, db).transaction() as tx:
            tx.execute(sql, row)
    else:
        db.execute(sql, row)
    return entry


class AuditMixin(StoreBase):
    """Reading the audit log."""

    def audit(self, design_id: str | None = None, *, workspace: str | None = None, limit: int = 200
              ) -> list[AuditEntry]:
        """The audit log, newest first: of one design (also a purged one) and, with ``workspace``, the changes to
        that workspace and its members too (what a design's history lists); of everything when both are None."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIST:
            raise StoreError(f"limit must be between 1 and {MAX_LIST}")
        clauses, params = [], []
        if design_id is not None:
            clauses.append("design_id = ?")
            params.append(design_id)
        if workspace is not None:
            clauses.append("(design_id IS NULL AND target = ?)")
            params.append(workspace)
        where = f"WHERE {' OR '.join(clauses)} " if clauses else ""
        with self.db.read() as tx:
            rows = tx.fetchall(f"SELECT {AUDIT_COLUMNS} FROM audit_log {where}ORDER BY at DESC, id DESC LIMIT ?",
                               [*params, limit])
        return [AuditEntry(*r) for r in rows]
