"""Read-only share links: made from ``secrets`` (256 bits), listed, revoked by id, opened by token.

A share token opens one design read-only (``open_share``); no method takes a token to write.
"""

from __future__ import annotations

import secrets

from mlsd.store.base import StoreBase
from mlsd.store.handle import new_id, now
from mlsd.store.records import NotFound, Share, SharedDesign, ShareNotFound


class SharesMixin(StoreBase):
    """Share links of designs."""

    def create_share(self, design_id: str, *, revision: int | None = None) -> Share:
        """A new read-only link token to the latest revision, or to ``revision`` pinned."""
        share = Share(new_id(), secrets.token_urlsafe(32), design_id, revision, now(), None)
        with self.db.transaction() as tx:
            latest, _ = self._live_row(tx, design_id, lock=True)
            if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)
                                         or not 1 <= revision <= latest):
                raise NotFound(f"design {design_id} has no revision {revision}")
            tx.execute(
                "INSERT INTO shares (id, token, design_id, revision, created_at) VALUES (?, ?, ?, ?, ?)",
                (share.id, share.token, design_id, revision, share.created_at),
            )
        return share

    def list_shares(self, design_id: str, *, include_revoked: bool = False) -> list[Share]:
        """The share links of a design, oldest first."""
        with self.db.read() as tx:
            self._design_row(tx, design_id)
            rows = tx.fetchall(
                "SELECT id, token, design_id, revision, created_at, revoked_at FROM shares WHERE design_id = ? "
                + ("" if include_revoked else "AND revoked_at IS NULL ") + "ORDER BY created_at, id",
                (design_id,),
            )
        return [Share(*r) for r in rows]

    def revoke_share(self, share_id: str) -> None:
        """Stop a share link working (by its id, never by its token)."""
        with self.db.transaction() as tx:
            changed = tx.execute("UPDATE shares SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                                 (now(), share_id))
            if changed == 0 and tx.fetchone("SELECT 1 FROM shares WHERE id = ?", (share_id,)) is None:
                raise NotFound(f"no share link with id {share_id!r}")

    def open_share(self, token: str) -> SharedDesign:
        """The revision a share token points to, read-only; ShareNotFound for unknown, revoked or trashed."""
        if not isinstance(token, str) or not 16 <= len(token) <= 200:
            raise ShareNotFound()
        with self.db.transaction(write=False) as tx:
            row = tx.fetchone(
                "SELECT s.design_id, s.revision FROM shares s JOIN designs d ON d.id = s.design_id "
                "WHERE s.token = ? AND s.revoked_at IS NULL AND d.deleted_at IS NULL",
                (token,),
            )
            if row is None:
                raise ShareNotFound()
            rev = self._load(tx, row[0], row[1])
        return SharedDesign(rev.design.name, rev.design.notes, rev.number, rev.created_at, row[1] is not None,
                            rev.design)
