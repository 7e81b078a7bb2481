"""Read-only share links: made from ``secrets`` (256 bits), listed, revoked by id, opened by token; they may expire.

A share token opens one design read-only (``open_share``); no method takes a token to write. A link may carry an
expiry time (``expires_at``, or ``ttl`` from now) after which it opens nothing (``ShareExpired``), and may let its
reader see the design's review comments (``show_comments``). Creating and revoking are recorded in the audit log.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from mlsd.store.audit import record_audit
from mlsd.store.base import MAX_AUTHOR, StoreBase, text_arg
from mlsd.store.handle import Tx, new_id, now
from mlsd.store.records import (
    SHARE_COLUMNS,
    NotFound,
    Share,
    SharedDesign,
    ShareExpired,
    ShareNotFound,
    ShareRevoked,
    StoreError,
    share_from_row,
)

MAX_TTL = timedelta(days=3_660)  # ten years: "never" is expires_at None, not a far date


def expiry(expires_at: datetime | str | None, ttl: timedelta | None, at: datetime | None = None) -> str | None:
    """The stored expiry time (ISO-8601 UTC text, as ``now()`` writes) from an absolute time or a time to live.

    StoreError for both at once, a time without a time zone, a time already past, or a ttl not in (0, 10 years].
    """
    if expires_at is not None and ttl is not None:
        raise StoreError("give expires_at or ttl, not both")
    current = at or datetime.now(UTC)
    if ttl is not None:
        if not isinstance(ttl, timedelta) or not timedelta(0) < ttl <= MAX_TTL:
            raise StoreError("ttl must be a duration between a second and ten years")
        when = current + ttl
    elif expires_at is None:
        return None
    elif isinstance(expires_at, datetime):
        when = expires_at
    elif isinstance(expires_at, str):
        try:
            when = datetime.fromisoformat(expires_at)
        except ValueError:
            raise StoreError(f"expires_at {expires_at[:40]!r} is not an ISO-8601 time") from None
    else:
        raise StoreError("expires_at must be a datetime or ISO-8601 text")
    if when.tzinfo is None:
        raise StoreError("expires_at needs a time zone (e.g. 2027-01-01T00:00:00Z)")
    if when <= current:
        raise StoreError("expires_at is already past")
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class SharesMixin(StoreBase):
    """Share links of designs."""

    def create_share(self, design_id: str, *, revision: int | None = None,
                     expires_at: datetime | str | None = None, ttl: timedelta | None = None,
                     show_comments: bool = False, author: str | None = None) -> Share:
        """A new read-only link token to the latest revision, or to ``revision`` pinned.

        ``expires_at`` (an aware datetime or ISO text) or ``ttl`` (a duration from now): when it stops working
        (neither: never). ``show_comments``: the shared page shows the design's review comments.
        """
        author = text_arg(author, "author", MAX_AUTHOR)
        until = expiry(expires_at, ttl)
        if not isinstance(show_comments, bool):
            raise StoreError("show_comments must be True or False")
        share = Share(new_id(), secrets.token_urlsafe(32), design_id, revision, now(), None, until, show_comments)
        with self.db.transaction() as tx:
            latest, _ = self._live_row(tx, design_id, lock=True)
            if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)
                                         or not 1 <= revision <= latest):
                raise NotFound(f"design {design_id} has no revision {revision}")
            tx.execute(
                "INSERT INTO shares (id, token, design_id, revision, created_at, expires_at, show_comments) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (share.id, share.token, design_id, revision, share.created_at, until, 1 if show_comments else 0),
            )
            what = "latest revision" if revision is None else f"revision {revision}"
            record_audit(tx, "share.create", actor=author, design_id=design_id, target=share.id,
                         detail=f"{what}; " + (f"expires {until[:16].replace('T', ' ')} UTC" if until else
                                               "never expires") + ("; shows comments" if show_comments else ""))
        return share

    def list_shares(self, design_id: str, *, include_revoked: bool = False) -> list[Share]:
        """The share links of a design, oldest first (expired ones too, until revoked: ``Share.expired``)."""
        with self.db.read() as tx:
            self._design_row(tx, design_id)
            rows = tx.fetchall(
                f"SELECT {SHARE_COLUMNS} FROM shares WHERE design_id = ? "
                + ("" if include_revoked else "AND revoked_at IS NULL ") + "ORDER BY created_at, id",
                (design_id,),
            )
        return [share_from_row(r) for r in rows]

    def revoke_share(self, share_id: str, *, author: str | None = None) -> None:
        """Stop a share link working (by its id, never by its token)."""
        author = text_arg(author, "author", MAX_AUTHOR)
        with self.db.transaction() as tx:
            row = tx.fetchone("SELECT design_id FROM shares WHERE id = ?", (share_id,))
            if row is None:
                raise NotFound(f"no share link with id {share_id!r}")
            if tx.execute("UPDATE shares SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                          (now(), share_id)):
                record_audit(tx, "share.revoke", actor=author, design_id=row[0], target=share_id)

    def _share_row(self, tx: Tx, token: str) -> tuple[str, int | None, bool, str | None]:
        """(design id, pinned revision, show comments, expires at) of a token that opens; else the error why not."""
        if not isinstance(token, str) or not 16 <= len(token) <= 200:
            raise ShareNotFound()
        row = tx.fetchone(
            "SELECT s.design_id, s.revision, s.show_comments, s.expires_at, s.revoked_at FROM shares s "
            "JOIN designs d ON d.id = s.design_id WHERE s.token = ? AND d.deleted_at IS NULL",
            (token,),
        )
        if row is None:
            raise ShareNotFound()
        if row[4] is not None:
            raise ShareRevoked()
        if row[3] is not None and row[3] <= now():
            raise ShareExpired(row[3])
        return str(row[0]), row[1], bool(row[2]), row[3]

    def open_share(self, token: str) -> SharedDesign:
        """The revision a share token points to, read-only; ShareRevoked / ShareExpired for a link that was
        revoked or has expired, ShareNotFound (their base) for an unknown token or a trashed design."""
        with self.db.transaction(write=False) as tx:
            design_id, pinned, comments, until = self._share_row(tx, token)
            rev = self._load(tx, design_id, pinned)
        return SharedDesign(rev.design.name, rev.design.notes, rev.number, rev.created_at, pinned is not None,
                            rev.design, comments, until)
