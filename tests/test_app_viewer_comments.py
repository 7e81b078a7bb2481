"""A viewer's Board shows the review threads read-only (AppTest, sign-in configured; ``components.library.viewer``):
the threads with their badges on the canvas, the comment text as typed (never HTML), a line saying why they cannot
be answered, and nothing to write with; an editor of the same design gets the Comments panel to write in."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from mlsd.store import LOCAL_WORKSPACE, Store
from tests.test_app_shared import canvas_of, page_text
from tests.test_app_workspaces import GRACE, app_as, library  # noqa: F401  (``library``: the fixture)

HOSTILE = "<img src=x onerror=alert(1)> <script>alert(2)</script> **not bold** :red[not red]"


def viewer_board(design_id: str) -> AppTest:
    at = app_as(GRACE, "pages/library.py")
    at.button(key=f"lib.open.{design_id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_viewer_reads_the_threads_with_their_badges_and_cannot_write(library: tuple[Store, str]) -> None:  # noqa: F811
    store, design_id = library
    thread = store.create_thread(design_id, "block", "gw", HOSTILE, author="Ada Lovelace <ada@example.com>")
    store.reply(thread.id, "Second line\nthird line", author="<b>Eve</b>")
    done = store.create_thread(design_id, "connection", "c2", "Resolved one")
    store.resolve_thread(done.id, author="Ada Lovelace <ada@example.com>")
    before = [(t.id, len(t.comments), t.resolved_at) for t in store.threads(design_id)]

    at = viewer_board(design_id)
    assert "Review comments" in [h.value for h in at.subheader]
    text = page_text(at)
    assert HOSTILE in text and "Second line" in text and "Resolved one" in text and "<b>Eve</b>" in text
    assert "1 open thread, 1 resolved" in text
    assert "as a viewer you can read the review comments" in text and "need the editor role" in text
    raw = [m.value for m in at.markdown if "img src" in m.value or "Eve" in m.value]
    assert raw and not any(re.search(r"(?<!\\)<(img|script|b>)", v) for v in raw)  # escaped: shown as text
    badges = canvas_of(at)["badges"]
    assert badges["gw"]["comments"] == 1 and "c2" not in badges  # resolved threads carry no badge
    writable = [w for w in (*at.button, *at.text_area, *at.text_input) if str(w.key or "").startswith(
        "board.comments.")]
    assert writable == []
    assert [(t.id, len(t.comments), t.resolved_at) for t in store.threads(design_id)] == before


def test_a_viewer_without_threads_is_told_so(library: tuple[Store, str]) -> None:  # noqa: F811
    _, design_id = library
    text = page_text(viewer_board(design_id))
    assert "0 open threads, 0 resolved" in text and "No review comments" in text


def test_once_an_editor_the_same_person_gets_the_comments_panel(library: tuple[Store, str]) -> None:  # noqa: F811
    store, design_id = library
    store.set_member(LOCAL_WORKSPACE, "grace@example.com", "editor")
    at = viewer_board(design_id)
    assert "Review comments" not in [h.value for h in at.subheader]  # the full Board, not the read-only view
    assert any(b.key == "board.lib.save" for b in at.button)
