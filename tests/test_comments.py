"""Review comments: the store's threads (anchors, replies, resolve, hostile text, share links) and
``mlsd.comments`` (which threads are live or outdated on a revision, the canvas badge counts)."""

from __future__ import annotations

import pytest

from mlsd import edit
from mlsd.comments import anchor_label, badge_counts, finding_blocks, on_anchor, place
from mlsd.model import Design
from mlsd.rules import check
from mlsd.store import MAX_COMMENT, NotFound, ShareRevoked, Store, StoreError
from tests.conftest import design_of


def make_design(name: str = "Review me") -> Design:
    return design_of(
        [
            {"id": "client", "kind": "client", "label": "Mobile app"},
            {"id": "gw", "kind": "api_gateway", "label": "Gateway"},
            {"id": "inf", "kind": "online_inference", "label": "Ranker"},
        ],
        [
            {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
        ],
        name=name, requirements={"sla_p99_ms": 200, "peak_qps": 1000},
    )


def _counts(store: Store) -> tuple[int, int]:
    with store.db.read() as tx:
        threads = tx.fetchone("SELECT count(*) FROM comment_threads")
        comments = tx.fetchone("SELECT count(*) FROM comments")
    assert threads is not None and comments is not None
    return int(threads[0]), int(comments[0])


# ------------------------------------------------------------------ the store


def test_a_thread_on_a_block_gets_replies_and_is_resolved_and_reopened(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    thread = store.create_thread(design_id, "block", "gw", "Why one gateway?", author="ana")
    assert (thread.anchor_kind, thread.anchor, thread.revision, thread.author) == ("block", "gw", 1, "ana")
    assert [c.body for c in thread.comments] == ["Why one gateway?"]
    store.reply(thread.id, "It autoscales; see notes.", author="bo")
    resolved = store.resolve_thread(thread.id, author="ana")
    assert resolved.resolved and resolved.resolved_by == "ana"
    assert [(c.author, c.body) for c in resolved.comments] == [("ana", "Why one gateway?"),
                                                               ("bo", "It autoscales; see notes.")]
    again = store.resolve_thread(thread.id, author="bo")  # already resolved: kept as it was
    assert again.resolved_by == "ana" and again.resolved_at == resolved.resolved_at
    reopened = store.reopen_thread(thread.id)
    assert not reopened.resolved and reopened.resolved_by is None
    assert [t.id for t in store.threads(design_id)] == [thread.id]


def test_threads_on_a_connection_and_a_finding_keep_their_revision(store: Store) -> None:
    design = make_design()
    design_id = store.create(design).design_id
    finding = check(design).active[0].id
    on_edge = store.create_thread(design_id, "connection", "c2", "Sync call on the hot path?")
    store.save(design_id, edit.rename(design, "Review me v2"), base_revision=1)
    on_finding = store.create_thread(design_id, "finding", finding, "Accept this one?")
    old = store.create_thread(design_id, "block", "inf", "On revision 1", revision=1)
    assert (on_edge.revision, on_finding.revision, old.revision) == (1, 2, 1)
    assert {t.id: t.anchor for t in store.threads(design_id)} == {on_edge.id: "c2", on_finding.id: finding,
                                                                   old.id: "inf"}


@pytest.mark.parametrize("kind, anchor, error", [
    ("block", "nope", NotFound),  # not in the revision
    ("connection", "gw", NotFound),  # a block id is not a connection
    ("component", "gw", StoreError),
    ("block", "<b>x</b>", StoreError),
    ("finding", "not a finding id", StoreError),
    ("block", "gw\x00", StoreError),
])
def test_a_bad_anchor_is_refused_and_nothing_is_written(store: Store, kind: str, anchor: str,
                                                        error: type[Exception]) -> None:
    design_id = store.create(make_design()).design_id
    with pytest.raises(error):
        store.create_thread(design_id, kind, anchor, "hello")
    assert _counts(store) == (0, 0)


def test_an_unknown_design_revision_or_thread_is_not_found(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    with pytest.raises(NotFound):
        store.create_thread("nosuchdesign", "block", "gw", "x")
    with pytest.raises(NotFound):
        store.create_thread(design_id, "block", "gw", "x", revision=2)
    for call in (lambda: store.reply("nosuchthread", "x"), lambda: store.resolve_thread("nosuchthread"),
                 lambda: store.reopen_thread("' OR 1=1 --")):
        with pytest.raises(NotFound):
            call()
    assert _counts(store) == (0, 0)


@pytest.mark.parametrize("body, message", [
    ("", "cannot be empty"),
    ("   \n\t ", "cannot be empty"),
    ("x" * (MAX_COMMENT + 1), "at most 10,000 characters; this one has 10,001"),
    ("x" * 1_000_000, "at most 10,000 characters"),  # 1 MB
    ("bell\x07", "control characters .U\\+0007 at character 5"),
    ("nul\x00", "U\\+0000"),
    ("escape \x1b[31mred", "U\\+001B"),
    ("c1 \x85 inside", "U\\+0085"),
    ("bidi \u202eevil", "U\\+202E"),
    (None, "must be text"),
])
def test_hostile_comment_text_is_refused_with_a_clear_message_and_nothing_written(store: Store, body: object,
                                                                                   message: str) -> None:
    design_id = store.create(make_design()).design_id
    thread = store.create_thread(design_id, "block", "gw", "first")
    with pytest.raises(StoreError, match=message):
        store.create_thread(design_id, "block", "gw", body)  # type: ignore[arg-type]
    with pytest.raises(StoreError, match=message):
        store.reply(thread.id, body)  # type: ignore[arg-type]
    assert _counts(store) == (1, 1)


def test_html_is_kept_as_text_and_line_ends_are_normalised(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    html = "<script>alert(1)</script> <img src=x onerror=alert(2)>\r\nnext line\ttab"
    thread = store.create_thread(design_id, "block", "gw", "  " + html + "\n")
    assert thread.comments[0].body == html.replace("\r\n", "\n")
    assert store.threads(design_id)[0].comments[0].body == html.replace("\r\n", "\n")
    longest = store.reply(thread.id, "y" * MAX_COMMENT)
    assert len(longest.body) == MAX_COMMENT


def test_a_trashed_design_takes_no_comments_and_a_purge_removes_its_threads(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    thread = store.create_thread(design_id, "block", "gw", "x")
    store.delete(design_id)
    with pytest.raises(NotFound, match="trash"):
        store.reply(thread.id, "y")
    store.purge(design_id, confirm=True)
    assert _counts(store) == (0, 0)


def test_share_threads_only_when_the_link_shows_comments_and_up_to_a_pinned_revision(store: Store) -> None:
    design = make_design()
    design_id = store.create(design).design_id
    first = store.create_thread(design_id, "block", "gw", "on one")
    store.save(design_id, edit.rename(design, "v2"), base_revision=1)
    second = store.create_thread(design_id, "block", "inf", "on two")
    hidden = store.create_share(design_id)
    shown = store.create_share(design_id, show_comments=True)
    pinned = store.create_share(design_id, revision=1, show_comments=True)
    with pytest.raises(StoreError, match="does not show comments"):
        store.share_threads(hidden.token)
    assert [t.id for t in store.share_threads(shown.token)] == [first.id, second.id]
    assert [t.id for t in store.share_threads(pinned.token)] == [first.id]
    store.revoke_share(shown.id)
    with pytest.raises(ShareRevoked):
        store.share_threads(shown.token)


# ------------------------------------------------------------------ mlsd.comments


def test_threads_are_carried_forward_while_the_anchor_exists_and_outdated_after(store: Store) -> None:
    design = make_design()
    design_id = store.create(design).design_id
    on_gw = store.create_thread(design_id, "block", "gw", "gateway?")
    on_c2 = store.create_thread(design_id, "connection", "c2", "sync?")
    later = edit.delete_block(design, "inf")  # drops the ranker and its connection c2
    store.save(design_id, later, base_revision=1)
    on_client = store.create_thread(design_id, "block", "client", "made on revision 2")
    threads = store.threads(design_id)

    at_one = place(threads, design, 1, {})
    assert [(p.thread.id, p.status) for p in at_one] == [(on_gw.id, "live"), (on_c2.id, "live")]
    assert [p.label for p in at_one] == ["Gateway", "Gateway → Ranker"]
    at_two = place(threads, later, 2, {})
    assert [(p.thread.id, p.status) for p in at_two] == [(on_gw.id, "live"), (on_client.id, "live"),
                                                          (on_c2.id, "outdated")]
    assert at_two[-1].label == "c2"  # gone from the design: its id
    assert [p.thread.id for p in place(threads, later, None, {})] == [on_gw.id, on_client.id, on_c2.id]


def test_a_finding_thread_is_live_while_the_finding_is_raised() -> None:
    design = make_design()
    finding = check(design).active[0]
    from mlsd.store import Comment, CommentThread

    thread = CommentThread("t1", "d1", "finding", finding.id, 1, "2026-01-01T00:00:00.000000Z", None, None, None,
                           (Comment("c1", "t1", "2026-01-01T00:00:00.000000Z", None, "hm"),))
    raised = {f.id: f.title for f in check(design).active}
    (live,) = place([thread], design, 1, raised)
    assert live.status == "live" and live.label == f"{finding.title} ({finding.rule})"
    (gone,) = place([thread], design, 1, {})
    assert gone.status == "outdated"
    assert badge_counts([live]) == dict.fromkeys(finding_blocks(finding.id), 1)
    assert badge_counts([gone]) == {}
    assert on_anchor([live, gone], "finding", finding.id) == [live, gone]


def test_badges_count_open_live_threads_per_block_and_connection(store: Store) -> None:
    design = make_design()
    design_id = store.create(design).design_id
    store.create_thread(design_id, "block", "gw", "a")
    store.create_thread(design_id, "block", "gw", "b")
    done = store.create_thread(design_id, "block", "inf", "c")
    store.resolve_thread(done.id)
    store.create_thread(design_id, "connection", "c1", "d")
    placed = place(store.threads(design_id), design, 1, {})
    assert badge_counts(placed) == {"gw": 2, "c1": 1}


def test_anchor_labels_and_finding_blocks() -> None:
    design = make_design()
    assert anchor_label("block", "inf", design) == "Ranker"
    assert anchor_label("connection", "c1", design) == "Mobile app → Gateway"
    assert anchor_label("finding", "REL-1@gw", design, {"REL-1@gw": "Single point"}) == "Single point (REL-1)"
    assert anchor_label("finding", "REL-1@gw", design) == "REL-1"
    assert finding_blocks("REL-1@a,b") == ("a", "b") and finding_blocks("CAP-1@design") == ()
