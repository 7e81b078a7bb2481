"""Practice sessions are each person's own (mlsd.store.sessions, mlsd.store.access.UserStore; migration 5).

Each session method, tried by the person who started the session and by someone else: the owner may do it, the
other gets ``PermissionDenied`` (or an empty list) and nothing changes; a missing session is ``NotFound`` for
everyone; the local actor (no sign-in) sees every session; a visitor none; sessions from before migration 5 are
the local user's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.store import (
    LOCAL_ACTOR,
    NotFound,
    PermissionDenied,
    PracticeSessionRecord,
    Store,
    UserStore,
    actor_for,
    open_store,
)
from mlsd.store.schema import MIGRATIONS
from mlsd.store.sqlite import migrate
from tests.store_helpers import make_design

ADA, GRACE = "ada@example.com", "grace@example.com"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(tmp_path / "library.db") as opened:
        yield opened


def view(store: Store, person: str) -> UserStore:
    return UserStore(store, actor_for(person))


def rows(store: Store) -> list[PracticeSessionRecord]:
    return store.list_sessions()


def test_a_session_belongs_to_who_started_it(store: Store) -> None:
    ada = view(store, ADA).start_session("feed-ranking", state={"step": 1})
    local = UserStore(store, LOCAL_ACTOR).start_session("feed-ranking")
    assert (ada.person, local.person) == (ADA, "local")
    assert store.start_session("feed-ranking").person == "local"  # the raw store's default: the local user


def test_each_person_lists_only_their_own(store: Store) -> None:
    ada_s = view(store, ADA).start_session("feed-ranking")
    grace_s = view(store, GRACE).start_session("feed-ranking")
    view(store, GRACE).start_session("ads-ctr")
    assert [s.id for s in view(store, ADA).list_sessions()] == [ada_s.id]
    assert [s.id for s in view(store, GRACE).list_sessions(prompt_id="feed-ranking")] == [grace_s.id]
    assert len(view(store, GRACE).list_sessions()) == 2
    assert len(UserStore(store, LOCAL_ACTOR).list_sessions()) == 3  # without sign-in: everything, as before
    assert view(store, "alan@example.com").list_sessions() == []


def test_the_owner_may_get_update_and_delete(store: Store) -> None:
    ada = view(store, ADA)
    sid = ada.start_session("feed-ranking").id
    assert ada.get_session(sid).id == sid
    assert ada.update_session(sid, state={"step": 2}, finished=True).state == {"step": 2}
    ada.delete_session(sid)
    assert rows(store) == []


@pytest.mark.parametrize("call", [
    lambda v, sid: v.get_session(sid),
    lambda v, sid: v.update_session(sid, state={"hijacked": True}, finished=True),
    lambda v, sid: v.delete_session(sid),
], ids=["get", "update", "delete"])
def test_someone_elses_session_is_refused_and_unchanged(store: Store, call: Callable[[UserStore, str], Any]) -> None:
    sid = view(store, ADA).start_session("feed-ranking", state={"step": 1}).id
    before = rows(store)
    with pytest.raises(PermissionDenied, match="someone else"):
        call(view(store, GRACE), sid)
    assert rows(store) == before


def test_linking_someone_elses_session_to_a_design_is_refused(store: Store) -> None:
    sid = view(store, ADA).start_session("feed-ranking").id
    grace = view(store, GRACE)
    grace.ensure_home()
    design = grace.create(make_design("Mine")).design_id
    with pytest.raises(PermissionDenied):
        grace.update_session(sid, design_id=design)
    assert store.get_session(sid).design_id is None


@pytest.mark.parametrize("call", [
    lambda v: v.get_session("nope"),
    lambda v: v.update_session("nope", finished=True),
    lambda v: v.delete_session("nope"),
], ids=["get", "update", "delete"])
def test_a_missing_session_is_not_found_for_everyone(store: Store, call: Callable[[UserStore], Any]) -> None:
    for who in (view(store, ADA), UserStore(store, LOCAL_ACTOR)):
        with pytest.raises(NotFound):
            call(who)


def test_the_local_actor_may_use_anyones_session(store: Store) -> None:
    sid = view(store, ADA).start_session("feed-ranking").id
    local = UserStore(store, LOCAL_ACTOR)
    assert local.get_session(sid).person == ADA
    assert local.update_session(sid, finished=True).finished_at is not None
    local.delete_session(sid)
    assert rows(store) == []


def test_a_visitor_has_no_sessions(store: Store) -> None:
    sid = view(store, ADA).start_session("feed-ranking").id
    visitor = UserStore(store, None)
    for call in (lambda: visitor.list_sessions(), lambda: visitor.start_session("feed-ranking"),
                 lambda: visitor.get_session(sid), lambda: visitor.delete_session(sid)):
        with pytest.raises(PermissionDenied, match="sign in"):
            call()
    assert len(rows(store)) == 1


def test_sessions_from_before_migration_5_are_the_local_users(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, MIGRATIONS[:4])
    conn.execute("INSERT INTO practice_sessions (id, prompt_id, started_at) VALUES ('s1', 'feed-ranking', "
                 "'2026-01-01T00:00:00Z')")
    conn.close()
    with open_store(path) as store:
        assert store.schema_version == len(MIGRATIONS)
        assert store.get_session("s1").person == "local"
        assert [s.id for s in UserStore(store, LOCAL_ACTOR).list_sessions()] == ["s1"]
        assert view(store, ADA).list_sessions() == []
