"""The Library page's row actions (AppTest through app.py): rename, duplicate, trash and restore, delete for good,
open on the Board (asking first over unsaved changes), preview, history and share."""

from __future__ import annotations

import json

import pytest

from mlsd.model import Design
from mlsd.store import NotFound, Store
from tests.library_apptest import block, library, menu, ok, open_library, row_texts, shown_ids, small, toasts, unescape  # noqa: F401  (``library``: the fixture)


def test_rename_saves_a_new_revision(library: Store) -> None:  # noqa: F811
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


def test_rename_to_an_empty_name_is_refused(library: Store) -> None:  # noqa: F811
    design_id = library.create(small("Keep me")).design_id
    at = open_library()
    menu(at, design_id, "Rename…")
    at.text_input(key=f"lib.rename.{design_id}").input("   ").run()
    at.button(key=f"lib.rename_ok.{design_id}").click().run()
    ok(at)
    assert library.get(design_id).name == "Keep me" and library.get(design_id).revisions == 1
    assert any("needs a name" in e.value for e in at.error)


def test_duplicate_adds_a_copy(library: Store) -> None:  # noqa: F811
    design_id = library.create(small("Original")).design_id
    at = open_library()
    menu(at, design_id, "Duplicate")
    page = library.list_designs()
    assert page.total == 2
    copy = next(d for d in page.items if d.id != design_id)
    assert copy.name == "Original (copy)"
    assert copy.id in shown_ids(at)
    assert any("Duplicated" in t for t in toasts(at))


def test_delete_moves_to_the_trash_with_undo_and_restore_from_the_trash(library: Store) -> None:  # noqa: F811
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


def test_delete_for_good_only_from_the_trash_and_only_after_confirming(library: Store) -> None:  # noqa: F811
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


def test_empty_the_trash_after_confirming(library: Store) -> None:  # noqa: F811
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


def test_open_puts_the_design_on_the_board(library: Store) -> None:  # noqa: F811
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


def test_preview_draws_the_latest_revision_read_only_where_its_author_put_it(library: Store) -> None:  # noqa: F811
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


def test_history_action_opens_the_history_page(library: Store) -> None:  # noqa: F811
    design_id = library.create(small("With history")).design_id
    at = open_library()
    menu(at, design_id, "History & diff")
    assert at.query_params.get("design") in (design_id, [design_id])
    assert any(unescape(h.value) == "With history" for h in at.header)
    assert any(str(b.key).startswith("hist.restore.") for b in at.button)  # on the Revisions tab


def test_share_action_opens_the_share_tab_of_the_design(library: Store) -> None:  # noqa: F811
    design_id = library.create(small("To share")).design_id
    at = open_library()
    menu(at, design_id, "Share…")
    assert at.query_params.get("design") in (design_id, [design_id])
    assert at.session_state["hist.tab"] == "Share"
    at.button(key="share.create").click().run()
    ok(at)
    assert len(library.list_shares(design_id)) == 1


def test_open_asks_first_when_the_board_has_unsaved_changes(library: Store) -> None:  # noqa: F811
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
