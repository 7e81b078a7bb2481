"""The History page driven by AppTest through app.py: revisions, view, restore, the diff of two revisions side by
side with the changes coloured, and the share links of a design.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from components.library.share import share_link
from mlsd.formats.diff_dot import ADDED_COLOR
from mlsd.model import Design
from mlsd.rules import check
from mlsd.store import ShareNotFound, Store, open_store
from tests.apptest_common import block, ok, unescape
from tests.conftest import design_of

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = [
    {"id": "client", "kind": "client", "label": "Mobile app"},
    {"id": "gw", "kind": "api_gateway", "label": "API gateway"},
    {"id": "inf", "kind": "online_inference", "label": "Ranker"},
]
EDGES = [
    {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
    {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
]


def first() -> Design:
    return design_of(BLOCKS, EDGES, name="Ranking", requirements={"sla_p99_ms": 200, "peak_qps": 1000})


def second() -> Design:
    """The first design plus a latency dashboard fed by the ranker (which resolves a monitoring finding)."""
    return design_of([*BLOCKS, {"id": "dash", "kind": "metrics_dashboard", "label": "Latency dashboard"}],
                     [*EDGES, {"id": "c3", "source": "inf", "target": "dash", "flow": "stream"}],
                     name="Ranking", requirements={"sla_p99_ms": 200, "peak_qps": 1000})


def finding_keys(design: Design) -> set[tuple[str, tuple[str, ...]]]:
    return {(f.rule, f.components) for f in check(design).findings}


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "library.db"
    monkeypatch.setenv("MLSD_DB", str(path))
    store = open_store(path)
    yield store
    store.close()


@pytest.fixture
def two_revisions(library: Store) -> str:
    design_id = library.create(first(), message="first sketch", author="Ada").design_id
    library.save(design_id, second(), base_revision=1, message="added a dashboard")
    return design_id


def open_history(design_id: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/history.py")
    if design_id is not None:
        at.query_params["design"] = design_id
    at.run()
    ok(at)
    return at


def texts(at: AppTest) -> str:
    return "\n".join(unescape(m.value) for m in at.markdown)


def revision_rows(at: AppTest) -> list[int]:
    """The revision numbers listed, top to bottom."""
    keys = [str(getattr(b, "key", "")) for b in at.container]
    return [int(k[len("hist-rev-"):]) for k in keys if k.startswith("hist-rev-")]


def tab(at: AppTest, name: str) -> None:
    at.session_state["hist.tab"] = name
    at.run()
    ok(at)


# -- revisions ------------------------------------------------------------------------------------------------


def test_history_lists_revisions_newest_first_with_their_counts(library: Store, two_revisions: str) -> None:
    at = open_history(two_revisions)
    assert unescape(at.header[0].value) == "Ranking"
    assert revision_rows(at) == [2, 1]
    for info in library.history(two_revisions):
        cells = [unescape(m.value) for m in block(at, f"hist-rev-{info.number}").markdown]
        assert cells[0] == f"**{info.number}**"
        assert cells[2].startswith(info.message)
        assert cells[3] == (info.author or ":gray[—]")
        assert cells[4] == (f"⛔ **{info.checks.errors}**" if info.checks.errors else "0")
        assert cells[5] == (f"⚠️ **{info.checks.warnings}**" if info.checks.warnings else "0")
    assert "latest" in [unescape(m.value) for m in block(at, "hist-rev-2").markdown][2]
    assert at.button(key="hist.restore.2").disabled and not at.button(key="hist.restore.1").disabled


def test_view_shows_an_old_revision_read_only(library: Store, two_revisions: str) -> None:
    at = open_history(two_revisions)
    at.button(key="hist.view.1").click().run()
    ok(at)
    [canvas] = [json.loads(c.proto.json_args) for c in at.get("component_instance")]
    ids = [n["id"] for n in canvas["graph"]["nodes"]]
    assert canvas["read_only"] is True and "inf" in ids and "dash" not in ids
    assert "Revision 1" in texts(at) and "(read-only)" in texts(at)
    assert not any(str(t.key).startswith("board.") for t in at.text_input)  # nothing to edit


def test_restore_makes_a_new_revision_and_keeps_the_others(library: Store, two_revisions: str) -> None:
    at = open_history(two_revisions)
    at.button(key="hist.restore.1").click().run()
    ok(at)
    history = library.history(two_revisions)
    assert [r.number for r in history] == [1, 2, 3]
    assert history[-1].message == "restored revision 1"
    assert library.open(two_revisions).design.model_dump() == first().model_dump()
    assert library.open(two_revisions, 2).design.model_dump() == second().model_dump()
    assert revision_rows(at) == [3, 2, 1]
    assert any("Restored revision 1 as the new revision 3" in unescape(t.value) for t in at.toast)


def test_open_on_the_board_from_the_history(library: Store, two_revisions: str) -> None:
    at = open_history(two_revisions)
    at.button(key="hist.open").click().run()
    ok(at)
    assert at.session_state["board.design"].model_dump() == second().model_dump()
    assert at.session_state["board.doc"].revision == 2


# -- diff -----------------------------------------------------------------------------------------------------


def test_diff_shows_the_added_block_and_the_resolved_finding_on_both_sides(library: Store, two_revisions: str
                                                                          ) -> None:
    resolved = finding_keys(first()) - finding_keys(second())
    assert resolved, "the second design must resolve a finding of the first"
    at = open_history(two_revisions)
    tab(at, "Compare")
    assert at.selectbox(key="hist.diff_old").value == 1 and at.selectbox(key="hist.diff_new").value == 2
    left, right = (g.proto.spec for g in at.get("graphviz_chart"))
    assert 'id="block-dash"' not in left
    [dash] = [line for line in right.splitlines() if 'id="block-dash"' in line]
    assert f'color="{ADDED_COLOR}"' in dash
    [edge] = [line for line in right.splitlines() if 'id="conn-c3"' in line]
    assert f'color="{ADDED_COLOR}"' in edge
    page = texts(at)
    assert "➕ **Latency dashboard** (" in page and ") added" in page
    for rule, _ in resolved:
        assert re.search(rf"✅ resolved: .* `{rule}`", page), rule
    assert "1 block added" in page and f"{len(resolved)} finding" in page


def test_changes_button_compares_a_revision_with_the_one_before(library: Store, two_revisions: str) -> None:
    library.save(two_revisions, first(), base_revision=2, message="removed the dashboard again")
    at = open_history(two_revisions)
    at.button(key="hist.changes.3").click().run()
    ok(at)
    assert at.session_state["hist.tab"] == "Compare"
    assert (at.selectbox(key="hist.diff_old").value, at.selectbox(key="hist.diff_new").value) == (2, 3)
    page = texts(at)
    assert "➖ **Latency dashboard** (" in page and "removed" in page


def test_one_revision_has_nothing_to_compare(library: Store) -> None:
    design_id = library.create(first()).design_id
    at = open_history(design_id)
    tab(at, "Compare")
    assert any("one revision so far" in i.value for i in at.info)
    assert not at.get("graphviz_chart")


# -- sharing --------------------------------------------------------------------------------------------------


def test_create_list_and_revoke_share_links(library: Store, two_revisions: str) -> None:
    at = open_history(two_revisions)
    at.context = {"url": "https://mlsd.example.org/team/history"}
    tab(at, "Share")
    assert "No active link" in "\n".join(c.value for c in at.caption)
    at.button(key="share.create").click().run()
    ok(at)
    [latest] = library.list_shares(two_revisions)
    assert latest.revision is None
    url = f"https://mlsd.example.org/team/?share={latest.token}"
    assert [c.value for c in at.code].count(url) == 2  # the new link, and in the list
    assert library.open_share(latest.token).revision == 2

    at.selectbox(key="share.pin").select(1).run()
    at.button(key="share.create").click().run()
    ok(at)
    pinned = next(s for s in library.list_shares(two_revisions) if s.id != latest.id)
    assert pinned.revision == 1 and library.open_share(pinned.token).revision == 1

    at.button(key=f"share.revoke.{latest.id}").click().run()
    ok(at)
    with pytest.raises(ShareNotFound):
        library.open_share(latest.token)
    assert [s.id for s in library.list_shares(two_revisions)] == [pinned.id]
    assert not any(latest.token in c.value for c in at.code)


def test_share_link_is_the_app_root_with_the_token() -> None:
    assert share_link("http://localhost:8501/history", "history", "abc") == "http://localhost:8501/?share=abc"
    assert share_link("https://h.org/base/history/", "history", "a b") == "https://h.org/base/?share=a%20b"
    assert share_link("https://h.org/", "history", "abc") == "https://h.org/?share=abc"
    assert share_link(None, "history", "abc") == "/?share=abc"


# -- without a design -----------------------------------------------------------------------------------------


def test_without_a_design_the_page_offers_a_picker(library: Store, two_revisions: str) -> None:
    at = open_history(None)
    assert any("Pick a design" in i.value for i in at.info)
    at.button(key=f"hist.pick.{two_revisions}").click().run()
    ok(at)
    assert unescape(at.header[0].value) == "Ranking"


def test_an_unknown_design_says_so(library: Store) -> None:
    at = open_history("doesnotexist")
    assert any("no such design" in e.value for e in at.error)
    assert not at.get("tabs") and not at.header


def test_long_histories_are_paged(library: Store) -> None:
    design_id = library.create(first()).design_id
    for n in range(1, 23):
        library.rename(design_id, f"Ranking {n}")
    at = open_history(design_id)
    assert revision_rows(at) == list(range(23, 3, -1))
    at.get("pagination")[0].set_value(2).run()
    ok(at)
    assert revision_rows(at) == [3, 2, 1]


def test_a_trashed_design_shows_its_history_but_cannot_be_changed_or_shared(library: Store, two_revisions: str
                                                                            ) -> None:
    library.delete(two_revisions)
    at = open_history(two_revisions)
    assert any("in the trash" in w.value for w in at.warning)
    assert at.button(key="hist.restore.1").disabled and at.button(key="hist.open").disabled
    tab(at, "Share")
    assert at.button(key="share.create").disabled
