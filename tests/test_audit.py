"""The audit log: every change to a design and to a share link is recorded with who, when, what and the design;
the log is append-only, survives a purge, and ``record_audit`` is there for other modules (memberships)."""

from __future__ import annotations

import pytest

from mlsd import edit
from mlsd.model import Design
from mlsd.store import AuditEntry, NotFound, Store, StoreError, record_audit
from tests.conftest import design_of


def make_design(name: str = "Audited") -> Design:
    return design_of([{"id": "gw", "kind": "api_gateway", "label": "Gateway"},
                      {"id": "inf", "kind": "online_inference", "label": "Ranker"}],
                     [{"id": "c1", "source": "gw", "target": "inf", "flow": "request"}], name=name)


def _actions(store: Store, design_id: str) -> list[tuple[str, str | None]]:
    """(action, actor) of a design's entries, oldest first."""
    return [(e.action, e.actor) for e in reversed(store.audit(design_id))]


def _last(store: Store, design_id: str) -> AuditEntry:
    return store.audit(design_id, limit=1)[0]


def test_create_is_recorded_with_who_when_and_the_name(store: Store) -> None:
    info = store.create(make_design(), author="ana")
    entry = _last(store, info.design_id)
    assert (entry.action, entry.actor, entry.design_id) == ("design.create", "ana", info.design_id)
    assert entry.at >= info.created_at and entry.detail == "Audited: created"


def test_save_rename_and_restore_revision_are_recorded(store: Store) -> None:
    design = make_design()
    design_id = store.create(design, author="ana").design_id
    store.save(design_id, edit.rename(design, "v2"), base_revision=1, message="tweak", author="bo")
    assert _last(store, design_id).detail == "revision 2: tweak"
    store.rename(design_id, "Renamed", author="cy")
    store.restore_revision(design_id, 1, author="ana")
    assert _actions(store, design_id) == [("design.create", "ana"), ("design.save", "bo"), ("design.rename", "cy"),
                                          ("design.restore_revision", "ana")]
    assert _last(store, design_id).detail == "revision 4: restored revision 1"


def test_import_and_duplicate_are_recorded_on_the_new_designs(store: Store) -> None:
    infos = store.import_designs([make_design("a"), make_design("b")], author="ana")
    assert [_last(store, i.design_id).action for i in infos] == ["design.import", "design.import"]
    copy = store.duplicate(infos[0].design_id, author="bo")
    entry = _last(store, copy.design_id)
    assert (entry.action, entry.actor) == ("design.create", "bo") and "duplicated from" in entry.detail


def test_delete_restore_and_purge_are_recorded_and_the_entries_outlive_the_design(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    store.delete(design_id, author="ana")
    store.restore(design_id, author="bo")
    store.delete(design_id, author="ana")
    store.purge(design_id, confirm=True, author="cy")
    assert _actions(store, design_id) == [("design.create", None), ("design.delete", "ana"), ("design.restore", "bo"),
                                          ("design.delete", "ana"), ("design.purge", "cy")]
    with pytest.raises(NotFound):
        store.get(design_id)


def test_emptying_the_trash_records_a_purge_per_design(store: Store) -> None:
    ids = [store.create(make_design(n)).design_id for n in ("a", "b")]
    for design_id in ids:
        store.delete(design_id)
    assert store.empty_trash(confirm=True, author="ana") == 2
    assert [_last(store, i).action for i in ids] == ["design.purge", "design.purge"]
    assert "trash emptied" in _last(store, ids[0]).detail


def test_share_create_and_revoke_are_recorded_with_the_share(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    share = store.create_share(design_id, revision=1, show_comments=True, author="ana")
    created = _last(store, design_id)
    assert (created.action, created.actor, created.target) == ("share.create", "ana", share.id)
    assert created.detail == "revision 1; never expires; shows comments"
    store.revoke_share(share.id, author="bo")
    revoked = _last(store, design_id)
    assert (revoked.action, revoked.actor, revoked.target) == ("share.revoke", "bo", share.id)
    store.revoke_share(share.id, author="bo")  # already revoked: nothing changes, nothing recorded
    assert len(store.audit(design_id)) == 3


def test_a_refused_change_records_nothing(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    with pytest.raises(StoreError):
        store.save(design_id, make_design(), base_revision=7)
    with pytest.raises(StoreError):
        store.restore(design_id)  # not in the trash
    with pytest.raises(StoreError):
        store.delete(design_id, author="x" * 10_000)
    assert _actions(store, design_id) == [("design.create", None)]


def test_record_audit_for_other_modules_inside_their_transaction_or_on_its_own(store: Store) -> None:
    with store.db.transaction() as tx:
        record_audit(tx, "member.add", actor="ana", target="bo", detail="bo as editor")
    record_audit(store.db, "member.remove", actor="ana", target="bo")
    with pytest.raises(RuntimeError), store.db.transaction() as tx:  # the change fails: its entry goes too
        record_audit(tx, "member.role", actor="ana", target="bo")
        raise RuntimeError("boom")
    assert [(e.action, e.target, e.design_id) for e in store.audit()] == [("member.remove", "bo", None),
                                                                          ("member.add", "bo", None)]
    for bad in ("", "Member.Add", "member", "member.add; DROP TABLE audit_log"):
        with pytest.raises(StoreError, match="audit action"):
            record_audit(store.db, bad)
    assert len(store.audit()) == 2


def test_the_log_is_append_only(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    for sql in ("UPDATE audit_log SET actor = 'mallory'", "DELETE FROM audit_log"):
        with pytest.raises(StoreError, match="append-only"), store.db.transaction() as tx:
            tx.execute(sql)
    assert _actions(store, design_id) == [("design.create", None)]


def test_audit_limit_is_checked(store: Store) -> None:
    for limit in (0, 1_001, True):
        with pytest.raises(StoreError, match="limit"):
            store.audit(limit=limit)
