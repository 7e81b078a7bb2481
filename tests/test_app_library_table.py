"""The Library page's table (AppTest through app.py): every design with its counts, the empty library, search, tag
filter and pages by cursor."""

from __future__ import annotations

from mlsd.store import Store, summarize
from tests.library_apptest import library, ok, open_library, pager_state, row_texts, shown_ids, small, unescape  # noqa: F401  (``library``: the fixture)


def test_the_table_lists_every_design_with_its_counts(library: Store) -> None:  # noqa: F811
    a = library.create(small("Ranking service", description="Ranks the feed"), message="created")
    b_design = small("Fraud scoring", tags=["fraud", "payments"])
    b = library.create(b_design)
    library.save(b.design_id, small("Fraud scoring v2", tags=["fraud", "payments"]), base_revision=1)
    at = open_library()
    assert set(shown_ids(at)) == {a.design_id, b.design_id}
    assert shown_ids(at)[0] == b.design_id  # the last saved first
    checks = summarize(b_design)
    cells = row_texts(at, b.design_id)
    assert cells[0].startswith("**Fraud scoring v2**")
    assert cells[1] == "fraud, payments"
    assert cells[3] == "2"  # revisions
    assert cells[4] == (f"⛔ **{checks.errors}**" if checks.errors else "0")
    assert cells[5] == (f"⚠️ **{checks.warnings}**" if checks.warnings else "0")
    assert cells[6] == (f"{checks.score}/100" if checks.score is not None else "—")
    assert "Ranks the feed" in row_texts(at, a.design_id)[0]
    assert any("Showing 1–2 of 2" in c.value for c in at.caption)


def test_an_empty_library_says_what_to_do(library: Store) -> None:  # noqa: F811
    at = open_library()
    assert any("The library is empty" in i.value for i in at.info)
    assert shown_ids(at) == [] and not at.text_input  # nothing to search yet
    assert at.download_button(key="lib.export").disabled


def test_search_finds_names_notes_and_block_labels(library: Store) -> None:  # noqa: F811
    by_name = library.create(small("Zebrafish ranking")).design_id
    by_label = library.create(small("Other one", label="Zebrafish model")).design_id
    by_notes = library.create(small("Third", notes="we call it zebrafish")).design_id
    library.create(small("Unrelated"))
    at = open_library()
    assert len(shown_ids(at)) == 4
    at.text_input(key="lib.search").input("zebra").run()
    ok(at)
    assert set(shown_ids(at)) == {by_name, by_label, by_notes}
    at.text_input(key="lib.search").input("zebra ranking").run()
    assert shown_ids(at) == [by_name]
    at.text_input(key="lib.search").input('nothing"matches*').run()
    ok(at)
    assert shown_ids(at) == []
    assert any("No design matches" in unescape(i.value) for i in at.info)


def test_tag_filter_keeps_the_designs_with_that_tag(library: Store) -> None:  # noqa: F811
    fraud = library.create(small("Fraud", tags=["fraud", "payments"])).design_id
    feed = library.create(small("Feed", tags=["feed", "ranking", "ads", "video", "fraud"])).design_id
    library.create(small("Untagged"))
    at = open_library()
    tag_box = at.selectbox(key="lib.tag")
    assert tag_box.options == ["All tags", "fraud (2)", "ads (1)", "feed (1)", "payments (1)", "ranking (1)",
                               "video (1)"]
    assert row_texts(at, feed)[1] == "feed, ranking, ads :gray[+2]"
    tag_box.select("payments").run()
    ok(at)
    assert shown_ids(at) == [fraud]
    at.selectbox(key="lib.tag").select("fraud").run()
    assert set(shown_ids(at)) == {fraud, feed}


def test_pages_of_designs(library: Store) -> None:  # noqa: F811
    ids = [r.design_id for r in library.import_designs([small(f"Design {i:02d}") for i in range(30)])]
    at = open_library()
    first = shown_ids(at)
    assert len(first) == 25 and any("Showing 1–25 of 30" in c.value for c in at.caption)
    assert pager_state(at) == ("Page 1 of 2", {"lib.first": False, "lib.previous": False, "lib.next": True,
                                               "lib.last": True})
    at.button(key="lib.next").click().run()
    ok(at)
    second = shown_ids(at)
    assert len(second) == 5 and not set(first) & set(second) and set(first) | set(second) == set(ids)
    assert any("Showing 26–30 of 30" in c.value for c in at.caption)
    assert pager_state(at) == ("Page 2 of 2", {"lib.first": True, "lib.previous": True, "lib.next": False,
                                               "lib.last": False})
    at.button(key="lib.previous").click().run()
    assert shown_ids(at) == first
    at.selectbox(key="lib.page_size").select(50).run()
    assert len(shown_ids(at)) == 30
    assert not [b for b in at.button if b.key == "lib.next"]  # one page: no pager buttons


def test_pages_by_cursor_follow_the_order_to_the_end_and_back(library: Store) -> None:  # noqa: F811
    library.import_designs([small(f"Design {i:02d}") for i in range(23)])
    expected = [d.id for d in library.list_designs(order="name", limit=None).items]
    at = open_library()
    at.selectbox(key="lib.order").select("Name").run()
    at.selectbox(key="lib.page_size").select(10).run()
    seen = shown_ids(at)
    for page in (2, 3):
        at.button(key="lib.next").click().run()
        ok(at)
        assert pager_state(at)[0] == f"Page {page} of 3"
        seen += shown_ids(at)
    assert seen == expected  # every design once, in the order chosen
    at.button(key="lib.first").click().run()
    assert shown_ids(at) == expected[:10]
    at.button(key="lib.last").click().run()
    assert shown_ids(at) == expected[20:] and any("Showing 21–23 of 23" in c.value for c in at.caption)
    at.button(key="lib.previous").click().run()
    assert shown_ids(at) == expected[10:20] and pager_state(at)[0] == "Page 2 of 3"
    at.selectbox(key="lib.order").select("Last updated").run()  # another order starts at its first page
    assert pager_state(at)[0] == "Page 1 of 3"


def test_a_page_emptied_meanwhile_shows_the_last_page(library: Store) -> None:  # noqa: F811
    ids = [r.design_id for r in library.import_designs([small(f"Design {i:02d}") for i in range(12)])]
    at = open_library()
    at.selectbox(key="lib.page_size").select(10).run()
    at.button(key="lib.next").click().run()
    last_two = shown_ids(at)
    assert len(last_two) == 2
    for design_id in last_two:  # someone else moves them to the trash
        library.delete(design_id)
    at.run()
    ok(at)
    assert shown_ids(at) == [i for i in reversed(ids) if i not in last_two][:10]
    at.session_state["lib.page"] = "not a cursor"  # e.g. kept from an older version of the page
    at.run()
    ok(at)
    assert len(shown_ids(at)) == 10 and not [c for c in at.caption if c.value.startswith("Page ")]
