"""The Library page driven by Streamlit's AppTest through app.py, on a library file filled through the Store API.

Each test points ``MLSD_DB`` at its own file (before the AppTest is made), fills it with ``mlsd.store`` and then
acts on the page as a person would: search, filter, page, rename, duplicate, trash and restore, delete for good,
import files, open on the board.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from components.library.files import export_zip
from mlsd.io import MAX_FILE_BYTES, dumps, loads
from mlsd.model import Design
from mlsd.store import NotFound, Store, open_store, summarize
from tests.conftest import design_of

ROOT = Path(__file__).resolve().parent.parent


# -- helpers ------------------------------------------------------------------------------------------------


def small(name: str, label: str = "Ranker", **fields: Any) -> Design:
    return design_of(
        [
            {"id": "client", "kind": "client", "label": "Mobile app"},
            {"id": "gw", "kind": "api_gateway", "label": "API gateway"},
            {"id": "inf", "kind": "online_inference", "label": label},
        ],
        [
            {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
        ],
        name=name, requirements={"sla_p99_ms": 200, "peak_qps": 1000}, **fields,
    )


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "library.db"
    monkeypatch.setenv("MLSD_DB", str(path))
    store = open_store(path)
    yield store
    store.close()


def open_library() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/library.py").run()
    ok(at)
    return at


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def block(at: AppTest, key: str) -> Any:
    found = [b for b in at.container if getattr(b, "key", None) == key]
    assert len(found) == 1, f"no single container {key!r}"
    return found[0]


def row_texts(at: AppTest, design_id: str) -> list[str]:
    """The texts of a design's row, cell by cell."""
    return [unescape(m.value) for m in block(at, f"lib-row-{design_id}").markdown]


def shown_ids(at: AppTest) -> list[str]:
    """The designs in the table, top to bottom."""
    return [str(b.key)[len("lib-row-"):] for b in at.container if str(getattr(b, "key", "")).startswith("lib-row-")]


def menu(at: AppTest, design_id: str, choice: str) -> None:
    [button] = [m for m in at.get("menu_button") if m.key == f"lib.act.{design_id}"]
    button.click(choice)
    at.run()
    ok(at)


def toasts(at: AppTest) -> list[str]:
    return [unescape(t.value) for t in at.toast]


# -- the table ----------------------------------------------------------------------------------------------


def test_the_table_lists_every_design_with_its_counts(library: Store) -> None:
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


def test_an_empty_library_says_what_to_do(library: Store) -> None:
    at = open_library()
    assert any("The library is empty" in i.value for i in at.info)
    assert shown_ids(at) == [] and not at.text_input  # nothing to search yet
    assert at.download_button(key="lib.export").disabled


def test_search_finds_names_notes_and_block_labels(library: Store) -> None:
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


def test_tag_filter_keeps_the_designs_with_that_tag(library: Store) -> None:
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


def pager_state(at: AppTest) -> tuple[str, dict[str, bool]]:
    """The pager's "Page n of m" and which of its buttons are enabled."""
    [where] = [c.value for c in at.caption if c.value.startswith("Page ")]
    buttons = {b.key: not b.disabled for b in at.button if b.key in ("lib.first", "lib.previous", "lib.next",
                                                                     "lib.last")}
    return where, buttons


def test_pages_of_designs(library: Store) -> None:
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


def test_pages_by_cursor_follow_the_order_to_the_end_and_back(library: Store) -> None:
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


def test_a_page_emptied_meanwhile_shows_the_last_page(library: Store) -> None:
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


# -- actions on a design --------------------------------------------------------------------------------------


def test_rename_saves_a_new_revision(library: Store) -> None:
    design_id = library.create(small("Old name")).design_id
    at = open_library()
    menu(at, design_id, "Rename…")
    at.text_input(key=f"lib.rename.{design_id}").input("New <b>name</b>").run()
    at.button(key=f"lib.rename_ok.{design_id}").click().run()
    ok(at)
    assert library.get(design_id).name == "New <b>name</b>"
    assert [r.message for r in library.history(design_id)] == ["created", "renamed from 'Old name' to "
                                                                           "'New <b>name</b>'"]
    assert row_texts(at, design_id)[0] == "**New <b>name</b>**"
    assert not [t for t in at.text_input if t.key == f"lib.rename.{design_id}"]


def test_rename_to_an_empty_name_is_refused(library: Store) -> None:
    design_id = library.create(small("Keep me")).design_id
    at = open_library()
    menu(at, design_id, "Rename…")
    at.text_input(key=f"lib.rename.{design_id}").input("   ").run()
    at.button(key=f"lib.rename_ok.{design_id}").click().run()
    ok(at)
    assert library.get(design_id).name == "Keep me" and library.get(design_id).revisions == 1
    assert any("needs a name" in e.value for e in at.error)


def test_duplicate_adds_a_copy(library: Store) -> None:
    design_id = library.create(small("Original")).design_id
    at = open_library()
    menu(at, design_id, "Duplicate")
    page = library.list_designs()
    assert page.total == 2
    copy = next(d for d in page.items if d.id != design_id)
    assert copy.name == "Original (copy)"
    assert copy.id in shown_ids(at)
    assert any("Duplicated" in t for t in toasts(at))


def test_delete_moves_to_the_trash_with_undo_and_restore_from_the_trash(library: Store) -> None:
    keep = library.create(small("Keep")).design_id
    gone = library.create(small("Throw away")).design_id
    at = open_library()
    menu(at, gone, "Move to trash")
    assert shown_ids(at) == [keep]
    assert library.get(gone).in_trash
    at.button(key="lib.undo_trash").click().run()
    ok(at)
    assert not library.get(gone).in_trash and set(shown_ids(at)) == {keep, gone}

    menu(at, gone, "Move to trash")
    at.segmented_control(key="lib.view").set_value("Trash").run()
    ok(at)
    trash_rows = [b.key for b in at.container if str(getattr(b, "key", "")).startswith("lib-trash-")]
    assert trash_rows == [f"lib-trash-{gone}"]
    at.button(key=f"lib.restore.{gone}").click().run()
    ok(at)
    assert not library.get(gone).in_trash
    assert any("The trash is empty" in i.value for i in at.info)


def test_delete_for_good_only_from_the_trash_and_only_after_confirming(library: Store) -> None:
    gone = library.create(small("Throw away")).design_id
    library.delete(gone)
    at = open_library()
    at.segmented_control(key="lib.view").set_value("Trash").run()
    at.button(key=f"lib.purge.{gone}").click().run()
    ok(at)
    assert library.get(gone).in_trash  # asked, not done
    assert any("for good" in unescape(w.value) for w in at.warning)
    at.button(key=f"lib.purge_cancel.{gone}").click().run()
    assert library.get(gone).in_trash and not at.warning
    at.button(key=f"lib.purge.{gone}").click().run()
    at.button(key=f"lib.purge_ok.{gone}").click().run()
    ok(at)
    with pytest.raises(NotFound):
        library.get(gone)


def test_empty_the_trash_after_confirming(library: Store) -> None:
    ids = [library.create(small(f"Old {i}")).design_id for i in range(3)]
    keep = library.create(small("Keep")).design_id
    for design_id in ids:
        library.delete(design_id)
    at = open_library()
    at.segmented_control(key="lib.view").set_value("Trash").run()
    at.button(key="lib.empty").click().run()
    assert library.list_designs(trash=True).total == 3
    at.button(key="lib.empty_ok").click().run()
    ok(at)
    assert library.list_designs(trash=True).total == 0
    assert [d.id for d in library.list_designs().items] == [keep]


def test_open_puts_the_design_on_the_board(library: Store) -> None:
    design_id = library.create(small("Open me")).design_id
    library.save(design_id, small("Open me", label="Ranker v2"), base_revision=1)
    at = open_library()
    at.button(key=f"lib.open.{design_id}").click().run()
    ok(at)
    board = at.session_state["board.design"]
    assert board.name == "Open me" and board.by_id()["inf"].label == "Ranker v2"
    doc = at.session_state["board.doc"]
    assert (doc.design_id, doc.revision) == (design_id, 2)
    assert any(b.key == "board.lib.save" for b in at.button)  # the Board page is showing


def test_preview_draws_the_latest_revision_read_only_where_its_author_put_it(library: Store) -> None:
    placed = small("Placed").model_dump()
    for i, part in enumerate(placed["components"]):
        part["position"] = {"x": 300.0 * i - 50.0, "y": 170.0 * (i % 2)}
    design = Design.model_validate(placed)
    design_id = library.create(design).design_id
    other = library.create(small("Other")).design_id
    at = open_library()
    assert not at.get("component_instance")  # no canvas until a preview is asked for
    menu(at, design_id, "Preview")
    [canvas] = [json.loads(c.proto.json_args) for c in at.get("component_instance")]
    assert canvas["read_only"] is True and canvas["palette"] == []
    assert {n["id"]: (n["x"], n["y"]) for n in canvas["graph"]["nodes"]} == {
        c.id: (c.position.x, c.position.y) for c in design.components}
    assert any("revision 1, read-only" in m.value for m in block(at, f"lib-preview-{design_id}").markdown)
    menu(at, other, "Preview")  # one preview at a time: the other design's
    assert [len(json.loads(c.proto.json_args)["graph"]["nodes"]) for c in at.get("component_instance")] == [
        len(small("Other").components)]
    at.button(key=f"lib.preview_close.{other}").click().run()
    assert not at.get("component_instance")


def test_history_action_opens_the_history_page(library: Store) -> None:
    design_id = library.create(small("With history")).design_id
    at = open_library()
    menu(at, design_id, "History & diff")
    assert at.query_params.get("design") in (design_id, [design_id])
    assert any(unescape(h.value) == "With history" for h in at.header)
    assert any(str(b.key).startswith("hist.restore.") for b in at.button)  # on the Revisions tab


def test_share_action_opens_the_share_tab_of_the_design(library: Store) -> None:
    design_id = library.create(small("To share")).design_id
    at = open_library()
    menu(at, design_id, "Share…")
    assert at.query_params.get("design") in (design_id, [design_id])
    assert at.session_state["hist.tab"] == "Share"
    at.button(key="share.create").click().run()
    ok(at)
    assert len(library.list_shares(design_id)) == 1


# -- files ----------------------------------------------------------------------------------------------------


def upload(at: AppTest, files: list[tuple[str, bytes]]) -> None:
    at.session_state["lib.import_pop"] = True
    at.run()
    [uploader] = at.file_uploader
    assert uploader.accept_multiple_files
    uploader.set_value([(name, data, "application/octet-stream") for name, data in files])
    at.run()
    ok(at)


def test_import_many_files_keeps_the_good_and_lists_the_bad(library: Store) -> None:
    good_json = dumps(small("From JSON"), "json").encode()
    good_yaml = yaml.safe_dump(json.loads(dumps(small("From YAML", label="Zebra")))).encode()
    at = open_library()
    upload(at, [
        ("good.json", good_json),
        ("../../etc/passwd.yaml", good_yaml),
        ("broken.json", b'{"name": "x", "components": [}'),
        ("typo.json", json.dumps({"name": "T", "components": [], "colour": "red"}).encode()),
        ("huge.json", b" " * (MAX_FILE_BYTES + 1)),
    ])
    names = sorted(d.name for d in library.list_designs().items)
    assert names == ["From JSON", "From YAML"]
    [error] = at.error
    text = unescape(error.value)
    assert "Imported 2 designs; 3 files are not valid designs" in text
    for name in ("broken.json", "typo.json", "huge.json"):
        assert name in text
    assert "colour" in text and "malformed JSON" in text and "MB" in text
    assert "passwd" not in text  # a good file is not listed, whatever its name
    assert any("Imported 2 designs" in t for t in toasts(at))
    assert len(shown_ids(at)) == 2


def test_import_with_only_bad_files_imports_nothing(library: Store) -> None:
    at = open_library()
    upload(at, [("x.yaml", b"- just\n- a list\n")])
    assert library.list_designs().total == 0
    assert "Nothing was imported" in at.error[0].value


def test_export_all_is_one_json_per_design_that_imports_back_the_same(library: Store) -> None:
    designs = [small("Alpha"), small("Beta / gamma", notes="ü ✓"), small("Alpha")]
    library.import_designs(designs)
    library.delete(library.create(small("In the trash")).design_id)
    at = open_library()
    [button] = [b for b in at.download_button if b.key == "lib.export"]
    assert not button.disabled
    archive = zipfile.ZipFile(io.BytesIO(export_zip(library)))
    names = archive.namelist()
    assert len(names) == 3 and len(set(names)) == 3 and all("/" not in n for n in names)
    back = sorted((loads(archive.read(n), "json") for n in names), key=lambda d: d.name)
    assert [d.model_dump() for d in back] == [d.model_dump() for d in sorted(designs, key=lambda d: d.name)]


def test_open_asks_first_when_the_board_has_unsaved_changes(library: Store) -> None:
    design_id = library.create(small("From the library")).design_id
    at = open_library()
    at.switch_page("pages/board.py").run()
    ok(at)
    at.session_state["board.dirty"] = True  # as after an edit on the board
    drawn = at.session_state["board.design"]
    at.switch_page("pages/library.py").run()
    at.button(key=f"lib.open.{design_id}").click().run()
    ok(at)
    assert at.session_state["board.design"] is drawn  # nothing replaced yet
    assert any("unsaved changes" in w.value for w in at.warning)
    at.button(key="board.lib.pending.ok").click().run()
    ok(at)
    assert at.session_state["board.design"].name == "From the library"
