"""Presence: who else has a design open, from heartbeats that each open session sends (issue 14).

``touch_presence(design_id, who, session_id)`` stamps "this session (shown as ``who``) has this design open now"
and forgets the session's other designs (a session has one design open at a time); ``present(design_id,
exclude_session)`` lists the other sessions stamped within ``stale_after_s`` seconds (20 by default: a heartbeat
every 5 s may miss three). Rows older than an hour are removed by the next heartbeat on the same design. The
``presence`` table comes from migration 2 (``mlsd.store.schema``); the SQL is portable (``ON CONFLICT ... DO
UPDATE`` is SQLite 3.24+ and PostgreSQL 9.5+). Timestamps are the store's ISO text, so they compare as text.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mlsd.store.base import StoreBase, text_arg
from mlsd.store.handle import now
from mlsd.store.records import Presence, StoreError

STALE_AFTER_S = 20.0
FORGET_AFTER_S = 3600.0
MAX_WHO = 200
MAX_SESSION = 64


def _ago(seconds: float) -> str:
    return (datetime.now(UTC) - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _session(session_id: str) -> str:
    value = text_arg(session_id, "session id", MAX_SESSION)
    if not value:
        raise StoreError("session id must not be empty")
    return value


class PresenceMixin(StoreBase):
    """Who has which design open."""

    def touch_presence(self, design_id: str, who: str, session_id: str) -> None:
        """Record that ``session_id`` (shown to others as ``who``) has ``design_id`` open now."""
        name = text_arg(who, "who", MAX_WHO)
        if not name or not name.strip():
            raise StoreError("who must not be empty")
        session = _session(session_id)
        stamp = now()
        with self.db.transaction() as tx:
            self._design_row(tx, design_id)
            tx.execute("DELETE FROM presence WHERE session_id = ? AND design_id <> ?", (session, design_id))
            tx.execute("DELETE FROM presence WHERE design_id = ? AND seen_at < ?", (design_id, _ago(FORGET_AFTER_S)))
            tx.execute(
                "INSERT INTO presence (design_id, session_id, who, seen_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (design_id, session_id) DO UPDATE SET who = excluded.who, seen_at = excluded.seen_at",
                (design_id, session, name, stamp),
            )

    def leave_presence(self, session_id: str) -> None:
        """Forget every design ``session_id`` had open (it closed them)."""
        with self.db.transaction() as tx:
            tx.execute("DELETE FROM presence WHERE session_id = ?", (_session(session_id),))

    def present(self, design_id: str, exclude_session: str | None = None, *,
                stale_after_s: float = STALE_AFTER_S) -> list[Presence]:
        """The sessions other than ``exclude_session`` that had ``design_id`` open within ``stale_after_s``
        seconds, by name then session."""
        with self.db.read() as tx:
            self._design_row(tx, design_id)
            rows = tx.fetchall(
                "SELECT who, session_id, seen_at FROM presence WHERE design_id = ? AND seen_at >= ? "
                "AND session_id <> ? ORDER BY who, session_id",
                (design_id, _ago(stale_after_s), exclude_session or ""),
            )
        return [Presence(str(r[0]), str(r[1]), str(r[2])) for r in rows]
