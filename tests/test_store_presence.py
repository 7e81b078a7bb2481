"""Presence in the store (mlsd.store.presence): heartbeats, who else is there, staleness, one design per session."""

from __future__ import annotations

import pytest

from mlsd.store import NotFound, Store, StoreError
from mlsd.store.schema import MIGRATIONS
from tests.conftest import design_of


def new_design(store: Store, name: str = "d") -> str:
    return store.create(design_of([{"id": "a", "kind": "cache"}], name=name)).design_id


def test_the_presence_migration_is_written_for_both_backends() -> None:
    [m] = [m for m in MIGRATIONS if "presence" in m.name]
    assert m.sqlite and m.postgres
    assert all("CREATE" in sql for sql in m.postgres)


def test_others_are_present_and_i_am_not(store: Store) -> None:
    d = new_design(store)
    store.touch_presence(d, "ana", "s-ana")
    store.touch_presence(d, "ben", "s-ben")
    store.touch_presence(d, "ana", "s-ana")  # a second heartbeat is one row
    assert [p.who for p in store.present(d, "s-ben")] == ["ana"]
    assert [(p.who, p.session_id) for p in store.present(d)] == [("ana", "s-ana"), ("ben", "s-ben")]


def test_a_heartbeat_renames_and_restamps(store: Store) -> None:
    d = new_design(store)
    store.touch_presence(d, "Guest 1", "s1")
    first = store.present(d)[0].seen_at
    store.touch_presence(d, "ana", "s1")
    [p] = store.present(d)
    assert p.who == "ana" and p.seen_at >= first


def test_a_session_is_present_on_one_design_at_a_time(store: Store) -> None:
    a, b = new_design(store, "a"), new_design(store, "b")
    store.touch_presence(a, "ana", "s1")
    store.touch_presence(b, "ana", "s1")
    assert store.present(a) == [] and [p.who for p in store.present(b)] == ["ana"]
    store.leave_presence("s1")
    assert store.present(b) == []


def test_a_session_not_seen_lately_is_stale(store: Store) -> None:
    d = new_design(store)
    store.touch_presence(d, "ana", "s1")
    assert [p.who for p in store.present(d)] == ["ana"]  # within the default 20 s
    assert store.present(d, stale_after_s=0) == []  # stamped before now: older than 0 s


def test_presence_goes_with_a_purged_design(store: Store) -> None:
    d = new_design(store)
    store.touch_presence(d, "ana", "s1")
    store.delete(d)
    store.purge(d, confirm=True)
    with pytest.raises(NotFound):
        store.present(d)
    with store.db.read() as tx:
        rows = tx.fetchone("SELECT count(*) FROM presence")
    assert rows == (0,)


@pytest.mark.parametrize(("who", "session"), [("", "s1"), ("  ", "s1"), ("x" * 201, "s1"), ("ana", ""),
                                                ("ana", "s" * 65), ("a\x00b", "s1")])
def test_bad_arguments_are_refused_and_nothing_is_written(store: Store, who: str, session: str) -> None:
    d = new_design(store)
    with pytest.raises(StoreError):
        store.touch_presence(d, who, session)
    assert store.present(d) == []


def test_an_unknown_design_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.touch_presence("0123456789abcdef", "ana", "s1")
    with pytest.raises(NotFound):
        store.present("0123456789abcdef")
