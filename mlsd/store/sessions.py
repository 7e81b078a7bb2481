"""Interview-practice sessions: started on a prompt, updated as the user works, linked to a saved design.

Each belongs to the person who started it (``person``: ``Actor.person``, "local" without sign-in; migration 5).
``person=`` on the other methods limits them to that person's sessions: another's is ``PermissionDenied``
(``mlsd.store.access.UserStore`` passes the signed-in person; the local user, ``None``, sees all).
"""

from __future__ import annotations

from typing import Any

from mlsd.store.base import StoreBase, json_object, text_arg
from mlsd.store.handle import Tx, new_id, now
from mlsd.store.records import (
    SESSION_COLUMNS,
    JsonObject,
    NotFound,
    PermissionDenied,
    PracticeSessionRecord,
    StoreError,
    session_from_row,
)


class SessionsMixin(StoreBase):
    """Practice sessions."""

    def start_session(self, prompt_id: str, *, state: JsonObject | None = None,
                      person: str = "local") -> PracticeSessionRecord:
        """Record the start of a practice session on a prompt, by ``person``."""
        prompt = text_arg(prompt_id, "prompt id", 200)
        if not prompt:
            raise StoreError("prompt id must not be empty")
        who = text_arg(person, "person", 320)
        if not who:
            raise StoreError("person must not be empty")
        session_id = new_id()
        with self.db.transaction() as tx:
            tx.execute("INSERT INTO practice_sessions (id, prompt_id, started_at, state, person) "
                       "VALUES (?, ?, ?, ?, ?)", (session_id, prompt, now(), json_object(state or {}, "state"), who))
            return self._session(tx, session_id)

    def update_session(self, session_id: str, *, state: JsonObject | None = None, design_id: str | None = None,
                       design_revision: int | None = None, rubric: JsonObject | None = None,
                       scores: JsonObject | None = None, finished: bool = False,
                       person: str | None = None) -> PracticeSessionRecord:
        """Change what is given (None leaves a field as it is); ``finished=True`` stamps the finish time."""
        sets: list[str] = []
        params: list[Any] = []
        for column, value in (("state", state), ("rubric", rubric), ("scores", scores)):
            if value is not None:
                sets.append(f"{column} = ?")
                params.append(json_object(value, column))
        with self.db.transaction() as tx:
            self._session(tx, session_id, person)
            if design_id is not None:
                latest = self._design_row(tx, design_id)[0]
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
                tx.execute(f"UPDATE practice_sessions SET {', '.join(sets)} WHERE id = ?", [*params, session_id])
            return self._session(tx, session_id)

    def get_session(self, session_id: str, *, person: str | None = None) -> PracticeSessionRecord:
        """One practice session, or NotFound."""
        with self.db.read() as tx:
            return self._session(tx, session_id, person)

    def list_sessions(self, *, prompt_id: str | None = None, person: str | None = None
                      ) -> list[PracticeSessionRecord]:
        """Practice sessions, oldest first (all, or those on one prompt; of everyone, or of one person)."""
        conditions: list[str] = []
        params: list[Any] = []
        for column, value in (("prompt_id", prompt_id), ("person", person)):
            if value is not None:
                conditions.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(conditions)} " if conditions else ""
        with self.db.read() as tx:
            rows = tx.fetchall(f"SELECT {SESSION_COLUMNS} FROM practice_sessions {where}ORDER BY started_at, id",
                               params)
        return [session_from_row(r) for r in rows]

    def delete_session(self, session_id: str, *, person: str | None = None) -> None:
        """Delete a practice session for good."""
        with self.db.transaction() as tx:
            self._session(tx, session_id, person)
            tx.execute("DELETE FROM practice_sessions WHERE id = ?", (session_id,))

    def _session(self, tx: Tx, session_id: str, person: str | None = None) -> PracticeSessionRecord:
        row = tx.fetchone(f"SELECT {SESSION_COLUMNS} FROM practice_sessions WHERE id = ?", (session_id,))
        if row is None:
            raise NotFound(f"no practice session with id {session_id!r}")
        record = session_from_row(row)
        if person is not None and record.person != person:
            raise PermissionDenied("this practice session belongs to someone else: each person sees only their own")
        return record
