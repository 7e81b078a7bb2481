"""The design library (mlsd.store): the trash. Soft delete, restore, and delete for good (with its
revisions, shares and session links).

Tests taking ``store`` or ``library_target`` (tests/conftest.py) run on both backends, SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from mlsd.store import NotFound, ShareNotFound, Store, StoreError
from tests.store_helpers import count_rows, make_design


def test_soft_delete_restore_and_hard_delete(store: Store) -> None:
    keep = store.create(make_design("keep")).design_id
    gone = store.create(make_design("gone")).design_id
    share = store.create_share(gone)
    session = store.start_session("video-recs")
    store.update_session(session.id, design_id=gone)
    store.delete(gone)
    assert [d.id for d in store.list_designs().items] == [keep]
    trash = store.list_designs(trash=True)
    assert [d.id for d in trash.items] == [gone] and trash.items[0].in_trash
    with pytest.raises(NotFound, match="trash"):
        store.save(gone, make_design(), base_revision=1)
    with pytest.raises(ShareNotFound):
        store.open_share(share.token)
    assert store.open(gone).design.name == "gone"  # still readable from the trash
    store.restore(gone)
    assert {d.id for d in store.list_designs().items} == {keep, gone}
    assert store.open_share(share.token).name == "gone"
    with pytest.raises(StoreError, match="not in the trash"):
        store.purge(gone, confirm=True)
    store.delete(gone)
    with pytest.raises(StoreError, match="confirm"):
        store.purge(gone)
    with pytest.raises(StoreError, match="confirm"):
        store.purge(gone, confirm="yes")  # type: ignore[arg-type]
    assert store.open(gone).number == 1
    store.purge(gone, confirm=True)
    with pytest.raises(NotFound):
        store.open(gone)
    assert count_rows(store, "SELECT count(*) FROM revisions WHERE design_id = ?", gone) == 0
    assert count_rows(store, "SELECT count(*) FROM shares WHERE design_id = ?", gone) == 0
    record = store.get_session(session.id)
    assert record.design_id is None and record.design_revision is None
    assert store.list_designs(trash=True).total == 0
    store.delete(keep)
    assert store.empty_trash(confirm=True) == 1
    assert store.list_designs().total == 0
