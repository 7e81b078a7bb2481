"""Hostile input: search strings with SQL and FTS syntax give results or nothing, find by words, and
leave the library intact.

The ``library`` fixture (a library database holding two designs, one in the trash) is in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

from tests.hostile_input import RAW_CONTROL, cli, library_state

SEARCHES = ["'; DROP TABLE designs; --", "video'; DELETE FROM revisions; --", '"', '""', "'", "*", "video*",
            "NEAR(", "NEAR(video fraud, 2)", "a OR b", "video OR fraud", "video AND", "NOT video", "-x", "-video",
            "name:video", "design_search:x", "^video", "(", ")", "{video}", "\\", "%", "_", "\x00", "video\x00fraud",
            "x" * 10_240, "🎬", "\u202evideo", "1=1 --", "/* */", "; ATTACH DATABASE '/tmp/x.db' AS x; --"]


@pytest.mark.parametrize("text", SEARCHES, ids=[f"search{i}" for i in range(len(SEARCHES))])
def test_hostile_search_strings_give_results_or_nothing_and_leave_the_library_intact(
        library: Path, text: str) -> None:
    before = library_state(library)
    every = {d["id"] for d in before[1]}
    for extra in ((), ("--order", "name"), ("--trash",)):
        code, out, err = cli("library", "list", f"--search={text}", *extra, "--format", "json", "--db", library)
        assert code == 0 and err == "", err
        found = json.loads(out)
        assert isinstance(found, list)
        assert {d["id"] for d in found} <= (every | {d["id"] for d in before[2]})
    code, out, _ = cli("library", "list", f"--search={text}", "--db", library)
    assert code == 0 and not RAW_CONTROL.search(out)
    assert cli("library", "list", f"--tag={text}", "--format", "json", "--db", library)[:2] == (0, "[]\n")
    assert library_state(library) == before
    with contextlib.closing(sqlite3.connect(library)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM designs").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM revisions").fetchone() == (2,)


def test_search_finds_by_words_despite_syntax_around_them(library: Path) -> None:
    for text in ("video*", '"video', "video'", "^video", "{video}", "(video)", "video;"):
        code, out, _ = cli("library", "list", f"--search={text}", "--format", "json", "--db", library)
        assert code == 0 and [d["name"] for d in json.loads(out)] == ["Homepage video recommendations"], text
    for text in ("video OR fraud", "'; DROP TABLE designs; --"):
        code, out, _ = cli("library", "list", f"--search={text}", "--format", "json", "--db", library)
        assert code == 0 and json.loads(out) == []  # every word required, none of them an operator
