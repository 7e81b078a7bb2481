"""The shared view driven by AppTest through app.py: a URL with ``?share=TOKEN`` shows the design read-only (the
Board's canvas read-only, with the author's positions; findings with accepted risks and their reasons, numbers,
notes), "Copy to my library" and a way into the app; an unknown, revoked or trashed token shows one clear message
and nothing else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.board.load.tables import what_if_summary
from components.library.readonly import EXPIRED, NOT_FOUND, REVOKED
from mlsd.analysis import analyze
from mlsd.analysis.failures import what_if
from mlsd.model import Design
from mlsd.rules import check
from mlsd.store import MAX_COMMENT, Store, StoreError, open_store
from tests.apptest_common import unescape
from tests.conftest import design_of

ROOT = Path(__file__).resolve().parent.parent
REASON = "Single region by policy until Q3 <script>alert(1)</script>"


def shared_design(name: str = "Ranking <b>service</b>", label: str = "Ranker") -> Design:
    """A small design with a waiver on one of its findings (which rule: whatever the checklists flag first)."""
    blocks = [
        {"id": "client", "kind": "client", "label": "Mobile app"},
        {"id": "gw", "kind": "api_gateway", "label": "API gateway"},
        {"id": "inf", "kind": "online_inference", "label": label},
    ]
    edges = [
        {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
        {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
    ]
    plain = design_of(blocks, edges, name=name, requirements={"sla_p99_ms": 200, "peak_qps": 1000})
    waived = next(f for f in check(plain).findings if f.components)
    return design_of(blocks, edges, name=name, requirements={"sla_p99_ms": 200, "peak_qps": 1000},
                     notes="## Why\nWe rank the **feed**.",
                     waivers=[{"rule": waived.rule, "components": list(waived.components), "reason": REASON}])


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "library.db"
    monkeypatch.setenv("MLSD_DB", str(path))
    store = open_store(path)
    yield store
    store.close()


def open_link(token: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["share"] = token
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def page_text(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.subheader, *at.caption, *at.info, *at.error, *at.success)]
    return "\n".join(unescape(p) for p in parts)


def canvas_of(at: AppTest) -> dict[str, Any]:
    """What Python sent the one whiteboard canvas on the page."""
    [element] = at.get("component_instance")
    args: dict[str, Any] = json.loads(element.proto.json_args)
    return args


def assert_only_the_not_found_message(at: AppTest, *secrets: str, message: str = NOT_FOUND) -> None:
    assert [e.value for e in at.error] == [message]
    assert not at.markdown and not at.subheader and not at.button and not at.get("component_instance")
    assert not at.metric and not at.dataframe and not at.sidebar.children
    for secret in secrets:
        assert secret not in page_text(at)


# -- a valid link -----------------------------------------------------------------------------------------------


def test_a_valid_link_shows_the_design_findings_waiver_reasons_numbers_and_notes(library: Store) -> None:
    design = shared_design()
    design_id = library.create(design).design_id
    share = library.create_share(design_id)
    at = open_link(share.token)
    text = page_text(at)
    assert unescape(at.subheader[0].value) == design.name
    report = check(design)
    waived = [f for f in report.findings if f.waived]
    assert len(waived) == 1 and REASON in text and "Accepted because:" in text
    for f in report.active:
        assert f"`{f.rule}`" in text
    counts = report.summary()
    assert f"**⛔ {counts['error']}** errors" in text and f"**✅ {counts['waived']}** accepted" in text
    canvas = canvas_of(at)
    assert canvas["read_only"] is True and canvas["palette"] == []
    assert [n["id"] for n in canvas["graph"]["nodes"]] == ["client", "gw", "inf"]
    assert sum(b["count"] for b in canvas["badges"].values()) == sum(len(f.components) for f in report.active)
    assert not at.get("graphviz_chart")  # one picture: the Board's canvas, not a Graphviz drawing
    analysis = report.context.analysis
    [paths] = [d.value for d in at.dataframe if "Declared p99 sum (ms)" in d.value.columns]
    assert list(paths["Declared p99 sum (ms)"]) == [round(p.p99_sum_ms, 1) for p in analysis.paths]
    assert f"Monthly cost: ${analysis.cost_per_month:,.0f}" in text
    assert "We rank the **feed**." in text  # the notes, as Markdown
    assert "latest revision (1)" in text and "Read-only shared design" in text
    assert not at.sidebar.children  # no navigation to the rest of the library


def test_the_canvas_shows_the_blocks_where_the_author_put_them(library: Store) -> None:
    placed = shared_design().model_dump()
    spots = {"client": (-40.0, 300.0), "gw": (500.0, 20.0), "inf": (260.0, 610.0)}
    for block in placed["components"]:
        block["position"] = dict(zip(("x", "y"), spots[block["id"]], strict=True))
    share = library.create_share(library.create(Design.model_validate(placed)).design_id)
    nodes = canvas_of(open_link(share.token))["graph"]["nodes"]
    assert {n["id"]: (n["x"], n["y"]) for n in nodes} == spots


def test_a_design_saved_without_positions_is_laid_out_not_stacked(library: Store) -> None:
    share = library.create_share(library.create(shared_design()).design_id)
    nodes = canvas_of(open_link(share.token))["graph"]["nodes"]
    assert len({(n["x"], n["y"]) for n in nodes}) == 3


def test_the_view_shows_the_load_ramp_and_the_single_failures(library: Store) -> None:
    design = shared_design()
    share = library.create_share(library.create(design).design_id)
    at = open_link(share.token)
    assert any(s.value == "Under load and failures" for s in at.subheader)
    [ramp] = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
              if "p99 against load" in json.loads(c.proto.spec)["layout"]["title"]["text"]]
    assert [s["y0"] for s in ramp["layout"]["shapes"] if s["name"] == "sla"] == [200]
    failures = what_if(analyze(design))
    text = page_text(at)
    assert what_if_summary(failures) in text
    [table] = [d.value for d in at.dataframe if "Outcome" in d.value.columns]
    assert len(table) == len(failures)
    assert not [b for b in at.button if b.key != "shared.copy"]  # read-only: no simulation to run


def test_the_view_links_back_into_the_app(library: Store) -> None:
    share = library.create_share(library.create(shared_design()).design_id)
    at = open_link(share.token)
    [link] = [e.proto for e in at.get("link_button")]
    assert link.label == "Open MLSD Whiteboard" and link.url == "./"  # the app's home, from <app>/?share=TOKEN


def test_the_view_cannot_change_the_design(library: Store) -> None:
    design_id = library.create(shared_design()).design_id
    share = library.create_share(design_id)
    at = open_link(share.token)
    assert [b.key for b in at.button] == ["shared.copy"]
    assert not at.text_input and not at.text_area and not at.number_input and not at.file_uploader
    assert library.get(design_id).revisions == 1


def test_a_pinned_link_keeps_showing_its_revision(library: Store) -> None:
    design_id = library.create(shared_design(label="Old ranker")).design_id
    share = library.create_share(design_id, revision=1)
    library.save(design_id, shared_design(label="New ranker"), base_revision=1)
    at = open_link(share.token)
    labels = [n["label"] for n in canvas_of(at)["graph"]["nodes"]]
    assert "Old ranker" in labels and "New ranker" not in labels
    assert "revision 1 (pinned)" in page_text(at)


def test_copy_to_my_library_creates_a_new_design_and_leaves_the_original(library: Store) -> None:
    original = shared_design()
    design_id = library.create(original).design_id
    share = library.create_share(design_id)
    at = open_link(share.token)
    at.button(key="shared.copy").click().run()
    assert not at.exception
    page = library.list_designs()
    assert page.total == 2
    copy = next(d for d in page.items if d.id != design_id)
    assert copy.name == f"{original.name} (copy)"
    copied = library.open(copy.id).design
    assert copied.model_dump(exclude={"name"}) == original.model_dump(exclude={"name"})
    assert library.history(design_id)[-1].number == 1 and library.open(design_id).design == original
    assert "Copied to your library" in page_text(at)


# -- a link that does not work ------------------------------------------------------------------------------------


def test_an_unknown_token_shows_one_message_and_nothing_else(library: Store) -> None:
    library.create_share(library.create(shared_design()).design_id)
    for token in ("x" * 43, "", "'; DROP TABLE shares; --", "a" * 5000):
        at = open_link(token)
        assert_only_the_not_found_message(at, "Ranking")


def test_a_revoked_link_says_it_was_revoked_and_nothing_else(library: Store) -> None:
    design_id = library.create(shared_design()).design_id
    share = library.create_share(design_id)
    library.revoke_share(share.id)
    assert_only_the_not_found_message(open_link(share.token), "Ranking", "Ranker", message=REVOKED)


def test_an_expired_link_says_it_has_expired_and_nothing_else(library: Store) -> None:
    design_id = library.create(shared_design()).design_id
    share = library.create_share(design_id, ttl=timedelta(days=1))
    assert "Ranking" in page_text(open_link(share.token))
    with library.db.transaction() as tx:  # a day later
        tx.execute("UPDATE shares SET expires_at = ? WHERE id = ?", ("2000-01-01T00:00:00.000000Z", share.id))
    at = open_link(share.token)
    assert_only_the_not_found_message(at, "Ranking", "Ranker", message=EXPIRED)
    assert "This link has expired" in EXPIRED


def test_a_link_to_a_trashed_design_stops_working(library: Store) -> None:
    design_id = library.create(shared_design()).design_id
    share = library.create_share(design_id)
    library.delete(design_id)
    assert_only_the_not_found_message(open_link(share.token), "Ranking")
    library.restore(design_id)
    assert "Ranking" in page_text(open_link(share.token))


def test_a_link_revoked_while_open_cannot_be_copied(library: Store) -> None:
    design_id = library.create(shared_design()).design_id
    share = library.create_share(design_id)
    at = open_link(share.token)
    library.revoke_share(share.id)
    at.button(key="shared.copy").click().run()
    assert library.list_designs().total == 1
    assert_only_the_not_found_message(at, "Ranking", message=REVOKED)


# -- review comments ------------------------------------------------------------------------------------------


def test_a_link_that_shows_comments_lists_the_threads_as_text_with_badges_on_the_canvas(library: Store) -> None:
    design_id = library.create(shared_design()).design_id
    hostile = "<img src=x onerror=alert(1)> **not bold** [link](https://evil.example)"
    thread = library.create_thread(design_id, "block", "gw", hostile, author="ana")
    library.reply(thread.id, "Second line\nthird line", author="bo")
    done = library.create_thread(design_id, "connection", "c2", "Resolved one")
    library.resolve_thread(done.id, author="ana")
    at = open_link(library.create_share(design_id, show_comments=True).token)
    assert "Review comments" in [h.value for h in at.subheader]
    text = page_text(at)
    assert hostile in text and "Second line" in text and "Resolved one" in text
    assert "1 open thread, 1 resolved" in text
    shown = [m.value for m in at.markdown if "img src" in m.value]
    assert shown and all("\\<img" in v for v in shown)  # escaped: Markdown shows it as text, never as HTML
    badges = canvas_of(at)["badges"]
    assert badges["gw"]["comments"] == 1 and "c2" not in badges  # resolved threads carry no badge
    assert not [b for b in at.button if (b.key or "").startswith("board.comments.")]  # nothing to write with


def test_refused_comment_text_never_reaches_the_page_and_the_longest_allowed_shows_whole(library: Store) -> None:
    design_id = library.create(shared_design()).design_id
    thread = library.create_thread(design_id, "block", "gw", "z" * MAX_COMMENT, author="<b>Eve</b> <script>x</script>")
    library.reply(thread.id, "<style>*{display:none}</style> $x^2$ :red[red]", author="bo")
    for refused in ("y" * (MAX_COMMENT + 1), "bell\x07", "nul\x00", "bidi \u202eevil"):
        with pytest.raises(StoreError):
            library.reply(thread.id, refused)
        with pytest.raises(StoreError):
            library.create_thread(design_id, "block", "gw", refused)
    at = open_link(library.create_share(design_id, show_comments=True).token)
    text = page_text(at)
    assert "z" * MAX_COMMENT in text and "y" * 100 not in text and "bell" not in text and "bidi" not in text
    assert "<b>Eve</b> <script>x</script>" in text and "<style>*{display:none}</style> $x^2$ :red[red]" in text
    assert "1 open thread, 0 resolved" in text
    raw = [m.value for m in at.markdown if "Eve" in m.value or "style" in m.value]
    assert raw and not any(re.search(r"(?<!\\)<(b>|script|style)", v) for v in raw)  # escaped: shown as text


def test_a_link_without_show_comments_shows_none(library: Store) -> None:
    design_id = library.create(shared_design()).design_id
    library.create_thread(design_id, "block", "gw", "Private remark")
    at = open_link(library.create_share(design_id).token)
    assert "Review comments" not in [h.value for h in at.subheader]
    assert "Private remark" not in page_text(at)
    assert all("comments" not in b for b in canvas_of(at)["badges"].values())
