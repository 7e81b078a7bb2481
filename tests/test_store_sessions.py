"""The design library (mlsd.store): practice sessions started, updated, finished, listed and deleted.

Tests taking ``store`` or ``library_target`` (tests/conftest.py) run on both backends, SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from mlsd.store import NotFound, Store, StoreError
from tests.store_helpers import make_design


def test_practice_sessions(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    session = store.start_session("video-recs", state={"phase": "requirements"})
    assert session.finished_at is None and session.state == {"phase": "requirements"}
    store.save(design_id, make_design(p99=5), base_revision=1)
    updated = store.update_session(session.id, state={"phase": "design"}, design_id=design_id)
    assert updated.design_revision == 2 and updated.state == {"phase": "design"}
    done = store.update_session(session.id, design_id=design_id, design_revision=1, rubric={"clarity": 3},
                                scores={"overall": 72.5}, finished=True)
    assert done.finished_at is not None and done.rubric == {"clarity": 3} and done.scores == {"overall": 72.5}
    assert done.design_revision == 1 and done.state == {"phase": "design"}
    store.start_session("fraud")
    assert [s.id for s in store.list_sessions(prompt_id="video-recs")] == [session.id]
    assert len(store.list_sessions()) == 2
    with pytest.raises(NotFound):
        store.update_session(session.id, design_id=design_id, design_revision=9)
    with pytest.raises(StoreError):
        store.update_session(session.id, state={"bad": float("nan")})
    store.delete_session(session.id)
    with pytest.raises(NotFound):
        store.get_session(session.id)
