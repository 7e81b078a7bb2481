"""The design library (mlsd.store): revisions and conflicts. Numbered, append-only revisions holding every
save and its checklist summary; a stale save is refused; rename, restore and duplicate make new revisions.

Tests taking ``store`` or ``library_target`` (tests/conftest.py) run on both backends, SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from mlsd.io import DesignError
from mlsd.rules import check
from mlsd.store import CheckSummary, ConflictError, NotFound, Store, StoreError
from tests.store_helpers import count_rows, make_design


def test_revisions_are_numbered_and_hold_every_save(store: Store) -> None:
    first = store.create(make_design(p99=10), author="Ada")
    assert first.number == 1
    second = store.save(first.design_id, make_design(p99=20), base_revision=1, message="slower ranker")
    third = store.save(first.design_id, make_design(p99=30), base_revision=2, message="even slower")
    assert (second.number, third.number) == (2, 3)
    history = store.history(first.design_id)
    assert [r.number for r in history] == [1, 2, 3]
    assert [r.message for r in history] == ["created", "slower ranker", "even slower"]
    assert history[0].author == "Ada"
    for number, p99 in ((1, 10), (2, 20), (3, 30)):
        assert store.open(first.design_id, number).design.by_id()["inf"].props["p99_ms"] == p99
    assert store.open(first.design_id).number == 3
    assert store.get(first.design_id).revisions == 3


def test_a_stale_save_is_refused_and_nothing_is_overwritten(store: Store) -> None:
    design_id = store.create(make_design(p99=10)).design_id
    store.save(design_id, make_design(p99=20), base_revision=1)
    with pytest.raises(ConflictError) as info:
        store.save(design_id, make_design(p99=99), base_revision=1)
    assert info.value.latest_revision == 2 and info.value.base_revision == 1
    assert "revision 2" in str(info.value)
    assert [r.number for r in store.history(design_id)] == [1, 2]
    assert store.open(design_id).design.by_id()["inf"].props["p99_ms"] == 20
    with pytest.raises(ConflictError):
        store.save(design_id, make_design(), base_revision=7)


def test_checklist_summary_is_stored_with_each_revision(store: Store) -> None:
    design = make_design()
    expected = CheckSummary.from_report(check(design))
    rev = store.create(design)
    assert rev.checks == expected
    assert store.history(rev.design_id)[0].checks == expected
    row = store.get(rev.design_id)
    assert (row.errors, row.warnings, row.infos, row.score) == (
        expected.errors, expected.warnings, expected.infos, expected.score)
    given_summary = CheckSummary(errors=5, warnings=1, score=40)
    saved = store.save(rev.design_id, design, base_revision=1, checks=given_summary)
    assert store.history(rev.design_id)[1].checks == saved.checks == given_summary
    assert store.get(rev.design_id).errors == 5


def test_a_design_that_would_not_load_back_is_refused(store: Store) -> None:
    design = make_design()
    broken = design.model_copy(update={"name": "   "})  # model_copy skips validation
    with pytest.raises(DesignError):
        store.create(broken)
    assert store.list_designs().total == 0


def test_revisions_are_append_only_in_the_schema(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    for sql in ("UPDATE revisions SET message = 'x' WHERE design_id = ?", "DELETE FROM revisions WHERE design_id = ?"):
        with pytest.raises(StoreError, match="append-only"), store.db.transaction() as tx:
            tx.execute(sql, (design_id,))
    assert store.history(design_id)[0].message == "created"
    assert count_rows(store, "SELECT count(*) FROM revisions WHERE design_id = ?", design_id) == 1


def test_rename_restore_and_duplicate_make_new_revisions(store: Store) -> None:
    design_id = store.create(make_design("Old name", p99=10)).design_id
    store.save(design_id, make_design("Old name", p99=50), base_revision=1)
    renamed = store.rename(design_id, "New name")
    assert renamed.number == 3 and "Old name" in renamed.message and "New name" in renamed.message
    assert store.get(design_id).name == "New name"
    restored = store.restore_revision(design_id, 1)
    assert restored.number == 4 and restored.message == "restored revision 1"
    assert store.open(design_id).design == store.open(design_id, 1).design
    with pytest.raises(ConflictError):
        store.restore_revision(design_id, 2, base_revision=3)
    with pytest.raises(DesignError):
        store.rename(design_id, "  ")
    copy = store.duplicate(design_id)
    assert copy.design_id != design_id and copy.number == 1 and copy.name == "Old name (copy)"
    assert store.open(copy.design_id).design.components == store.open(design_id).design.components
    assert len(store.history(design_id)) == 4


def test_unknown_designs_and_revisions_are_not_found(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    for call in (lambda: store.open("nope"), lambda: store.open(design_id, 9), lambda: store.history("x y"),
                 lambda: store.save("nope", make_design(), base_revision=1), lambda: store.get("")):
        with pytest.raises(NotFound):
            call()


def test_latest_revision_names_the_newest_without_its_content(store: Store) -> None:
    design_id = store.create(make_design(p99=10), author="Ada").design_id
    latest = store.latest_revision(design_id)
    assert (latest.number, latest.author, latest.message) == (1, "Ada", "created")
    store.save(design_id, make_design(p99=20), base_revision=1, author="Ben")
    store.restore_revision(design_id, 1, author="Cy")
    latest = store.latest_revision(design_id)
    assert (latest.number, latest.author, latest.message) == (3, "Cy", "restored revision 1")
    assert latest == store.history(design_id)[-1] and not hasattr(latest, "design")
    store.delete(design_id)
    assert store.latest_revision(design_id).number == 3  # a design in the trash still has its revisions
    with pytest.raises(NotFound):
        store.latest_revision("nope")
