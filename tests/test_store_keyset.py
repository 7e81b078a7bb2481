"""Keyset paging (``list_designs(cursor=...)``, mlsd/store/keyset.py) and best match over many matches, on both
backends: pages read by cursor are the listing read whole, cut into pages, forwards, backwards and from the end."""

from __future__ import annotations

import pytest

from mlsd.store import LAST_PAGE, CheckSummary, Store, StoreError
from mlsd.store import library as library_module
from tests.store_helpers import make_design


def _fill(store: Store, n: int = 17) -> list[str]:
    ids = []
    for i in range(n):
        checks = CheckSummary(errors=i % 3, warnings=i % 2, score=None if i % 4 == 0 else 40 + i % 5 * 10)
        ids.append(store.create(make_design(f"{'ab'[i % 2]}design {i % 6}", notes=f"video {'ranking ' * (i % 3)}"),
                                checks=checks).design_id)
    with store.db.transaction() as tx:  # ties in every visible column: only the row id orders them
        tx.execute("UPDATE designs SET updated_at = '2026-01-01T00:00:00.000000Z' WHERE pk % 3 = 0")
        tx.execute("UPDATE designs SET created_at = '2026-01-01T00:00:00.000000Z' WHERE pk % 2 = 0")
    return ids


def _pages_forward(store: Store, limit: int, **kw: object) -> tuple[list[str], list[int], list[str]]:
    page = store.list_designs(limit=limit, **kw)  # type: ignore[arg-type]
    seen, offsets, cursors = [d.id for d in page.items], [page.offset], []
    while page.next_cursor:
        cursors.append(page.next_cursor)
        page = store.list_designs(limit=limit, cursor=page.next_cursor, **kw)  # type: ignore[arg-type]
        seen += [d.id for d in page.items]
        offsets.append(page.offset)
    return seen, offsets, cursors


ORDERS = [{}, {"order": "created"}, {"order": "name"}, {"order": "score"}, {"order": "errors"},
          {"search": "video"}, {"search": "video ranking", "order": "name"}, {"tag": "none-such"}]


@pytest.mark.parametrize("kw", ORDERS, ids=lambda kw: "-".join(str(v) for v in kw.values()) or "updated")
def test_cursor_pages_are_the_whole_listing_cut_into_pages(store: Store, kw: dict[str, str]) -> None:
    _fill(store)
    whole = [d.id for d in store.list_designs(limit=None, **kw).items]  # type: ignore[arg-type]
    seen, offsets, _ = _pages_forward(store, 4, **kw)
    assert seen == whole and offsets == list(range(0, max(len(whole), 1), 4))
    if not whole:
        return
    page = store.list_designs(limit=4, cursor=LAST_PAGE, **kw)  # type: ignore[arg-type]
    back = [d.id for d in page.items]
    assert page.next_cursor is None and page.offset == (len(whole) - 1) // 4 * 4
    while page.previous_cursor:
        page = store.list_designs(limit=4, cursor=page.previous_cursor, **kw)  # type: ignore[arg-type]
        back = [d.id for d in page.items] + back
    assert back == whole and page.offset == 0


def test_the_trash_pages_by_cursor_too(store: Store) -> None:
    ids = _fill(store, 9)
    for design_id in ids[:7]:
        store.delete(design_id)
    whole = [d.id for d in store.list_designs(trash=True, limit=None).items]
    assert _pages_forward(store, 3, trash=True)[0] == whole and len(whole) == 7
    by_name = [d.id for d in store.list_designs(trash=True, order="name", limit=None).items]
    assert _pages_forward(store, 2, trash=True, order="name")[0] == by_name


def test_a_cursor_keeps_its_place_when_designs_are_added_before_it(store: Store) -> None:
    _fill(store, 6)
    first = store.list_designs(limit=3)
    store.create(make_design("Newest"))  # goes to the top; the next page still starts after the third row
    second = store.list_designs(limit=3, cursor=first.next_cursor)
    whole = [d.id for d in store.list_designs(limit=None).items]
    assert [d.id for d in second.items] == whole[4:7]


def test_best_match_over_many_matches_ranks_the_newest_and_lists_the_rest_newest_first(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    _fill(store, 12)
    ranked = store.list_designs(search="video", limit=None)
    monkeypatch.setattr(library_module, "RANK_LIMIT", 5)
    windowed = store.list_designs(search="video", limit=None)
    assert windowed.total == ranked.total == 12
    assert {d.id for d in windowed.items} == {d.id for d in ranked.items}  # the same designs
    newest = [d.id for d in store.list_designs(search="video", order="updated", limit=None).items]
    head, rest = [d.id for d in windowed.items[:5]], [d.id for d in windowed.items[5:]]
    assert set(head) == set(newest[:5]) and rest == newest[5:]
    assert head == [d.id for d in ranked.items if d.id in set(head)]  # ranked among themselves as before
    seen, _, _ = _pages_forward(store, 3, search="video")  # pages cross from the ranked part to the rest
    assert seen == [d.id for d in windowed.items]
    assert [d.id for d in store.list_designs(search="video", limit=4, offset=4).items] == seen[4:8]


def test_bad_cursors_are_refused(store: Store) -> None:
    _fill(store, 5)
    page = store.list_designs(limit=2)
    for bad in ("", "x", "bm90IGpzb24", page.next_cursor + "A"):  # type: ignore[operator]
        with pytest.raises(StoreError, match="cursor is not valid"):
            store.list_designs(limit=2, cursor=bad)
    with pytest.raises(StoreError, match="cursor is not valid"):  # a cursor of another order
        store.list_designs(limit=2, order="name", cursor=page.next_cursor)
    with pytest.raises(StoreError, match="no offset"):
        store.list_designs(limit=2, offset=2, cursor=page.next_cursor)
    with pytest.raises(StoreError, match="needs a limit"):
        store.list_designs(limit=None, cursor=page.next_cursor)
