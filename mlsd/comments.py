"""Where review comments belong on a design: which threads are live on a revision, which are outdated, and how
many open threads each block and connection carries (the canvas badges). Pure: no Streamlit, no database.

A thread (``mlsd.store.CommentThread``) is anchored on a block, a connection or a finding (its stable id
``rule@blocks``, ``mlsd.rules.Finding.id``) and keeps the revision it was made on. On a later revision it is
carried forward while its anchor exists there — the block or connection id is still in the design, the finding is
still raised — and shown as **outdated** when the anchor is gone (never dropped). Threads made on a later revision
than the one looked at are not shown on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from mlsd.model import Design
from mlsd.store.records import CommentThread

Status = Literal["live", "outdated"]
KIND_WORDS = {"block": "Block", "connection": "Connection", "finding": "Finding"}


@dataclass(frozen=True)
class PlacedThread:
    """A thread as seen on one revision: live (its anchor is there) or outdated, with a label for its anchor."""

    thread: CommentThread
    status: Status
    label: str

    @property
    def open(self) -> bool:
        return not self.thread.resolved


def finding_blocks(finding_id: str) -> tuple[str, ...]:
    """The blocks (or connections) a finding id ``rule@a,b`` names; () for ``rule@design``."""
    _, _, where = finding_id.partition("@")
    return () if where in ("", "design") else tuple(where.split(","))


def anchor_label(kind: str, anchor: str, design: Design, findings: Mapping[str, str] | None = None) -> str:
    """How the anchor reads to a person: a block's title, 'A → B' for a connection, a finding's title and rule;
    its id when it is no longer in the design. ``findings``: finding id -> title."""
    titles = {c.id: c.title for c in design.components}
    if kind == "block":
        return titles.get(anchor, anchor)
    if kind == "connection":
        edge = next((e for e in design.connections if e.id == anchor), None)
        if edge is None:
            return anchor
        return f"{titles.get(edge.source, edge.source)} → {titles.get(edge.target, edge.target)}"
    rule = anchor.partition("@")[0]
    title = (findings or {}).get(anchor)
    return f"{title} ({rule})" if title else rule


def anchor_exists(kind: str, anchor: str, design: Design, finding_ids: Iterable[str]) -> bool:
    """Whether a thread's anchor is in this design (a finding: still raised, ``finding_ids`` being those raised)."""
    if kind == "block":
        return any(c.id == anchor for c in design.components)
    if kind == "connection":
        return any(e.id == anchor for e in design.connections)
    return anchor in set(finding_ids)


def place(threads: Iterable[CommentThread], design: Design, revision: int | None,
          findings: Mapping[str, str]) -> list[PlacedThread]:
    """The threads shown on ``design`` at ``revision`` (None: an unsaved board after the latest revision, every
    thread shown): live first, then outdated, each group oldest first. ``findings``: the finding ids raised on
    ``design`` -> their titles."""
    placed = [
        PlacedThread(t, "live" if anchor_exists(t.anchor_kind, t.anchor, design, findings) else "outdated",
                     anchor_label(t.anchor_kind, t.anchor, design, findings))
        for t in threads if revision is None or t.revision <= revision
    ]
    return sorted(placed, key=lambda p: (p.status != "live", p.thread.created_at, p.thread.id))


def badge_counts(placed: Iterable[PlacedThread]) -> dict[str, int]:
    """Open live threads per block and connection id: a thread on a finding counts on each block it names."""
    counts: Counter[str] = Counter()
    for p in placed:
        if p.status != "live" or not p.open:
            continue
        if p.thread.anchor_kind == "finding":
            counts.update(set(finding_blocks(p.thread.anchor)))
        else:
            counts[p.thread.anchor] += 1
    return dict(counts)


def on_anchor(placed: Iterable[PlacedThread], kind: str, anchor: str) -> list[PlacedThread]:
    """The threads on one anchor."""
    return [p for p in placed if p.thread.anchor_kind == kind and p.thread.anchor == anchor]
