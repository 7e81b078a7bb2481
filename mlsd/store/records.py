"""The library's records and errors: what ``mlsd.store.Store`` returns and raises (re-exported by ``mlsd.store``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlsd.model import Design

if TYPE_CHECKING:
    from mlsd.rules.engine import Report

JsonObject = dict[str, Any]

# ----------------------------------------------------------------------------------------------- errors


class StoreError(Exception):
    """The library cannot do what was asked: unreadable database, bad argument, or a database failure."""


class NotFound(StoreError, LookupError):
    """No such design, revision, share or practice session."""


class ShareNotFound(NotFound):
    """The share token is unknown, or its design is in the trash (the same error for both, so it reveals nothing).

    A link that was revoked or has expired raises one of the subclasses, which say so (``ShareRevoked``,
    ``ShareExpired``); code that only needs "it does not open" catches ``ShareNotFound``.
    """

    def __init__(self, message: str = "this share link does not exist or is no longer valid") -> None:
        super().__init__(message)


class ShareRevoked(ShareNotFound):
    """The share link was revoked by someone who can edit the design."""

    def __init__(self) -> None:
        super().__init__("this share link was revoked")


class ShareExpired(ShareNotFound):
    """The share link's expiry time has passed."""

    def __init__(self, expires_at: str) -> None:
        self.expires_at = expires_at
        super().__init__(f"this share link expired at {expires_at[:16].replace('T', ' ')} UTC")


class ConflictError(StoreError):
    """Another save got there first: the design is at ``latest_revision``, not the ``base_revision`` given."""

    def __init__(self, design_id: str, base_revision: int, latest_revision: int) -> None:
        self.design_id = design_id
        self.base_revision = base_revision
        self.latest_revision = latest_revision
        super().__init__(
            f"conflict: design {design_id} is at revision {latest_revision} but these changes are based on "
            f"revision {base_revision}; nothing was saved (save them as a copy, or reload the latest revision)"
        )


class PermissionDenied(StoreError):
    """The acting person may not do this: a viewer's change, or a read by someone outside the design's workspace
    (``mlsd.store.access``)."""


# ----------------------------------------------------------------------------------------------- records


@dataclass(frozen=True)
class CheckSummary:
    """The checklist result stored with each revision: unwaived counts by severity and the checks-passed score.

    ``score`` is ``Report.score()["overall"]`` when the revision was saved. Revisions saved before issue 18 hold
    the old "readiness" figure (the weakest category's share) under the same column; they are read as they are
    (revisions are append-only) and the next save stores the new figure.
    """

    errors: int = 0
    warnings: int = 0
    infos: int = 0
    waived: int = 0
    rule_errors: int = 0
    score: int | None = None
    categories: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def from_report(cls, report: Report) -> CheckSummary:
        counts = report.summary()
        score = report.score()
        overall = score.get("overall")
        cats = score.get("categories")
        return cls(
            errors=counts["error"],
            warnings=counts["warning"],
            infos=counts["info"],
            waived=counts["waived"],
            rule_errors=counts["rules_error"],
            score=overall if isinstance(overall, int) else None,
            categories=dict(cats) if isinstance(cats, dict) else {},
        )

    def to_json(self) -> str:
        return json.dumps({"rule_errors": self.rule_errors, "categories": self.categories}, sort_keys=True)


def summarize(design: Design) -> CheckSummary:
    """Run the checklists on ``design`` and summarise the result (what ``save`` stores when not given one)."""
    from mlsd.rules import check

    return CheckSummary.from_report(check(design))


@dataclass(frozen=True)
class RevisionInfo:
    """One saved state of a design, without its content; ``number`` counts 1, 2, 3, ... per design."""

    design_id: str
    number: int
    created_at: str
    message: str
    author: str | None
    name: str
    checks: CheckSummary


@dataclass(frozen=True)
class Revision(RevisionInfo):
    """A revision with its design."""

    design: Design


@dataclass(frozen=True)
class DesignSummary:
    """A row of the library table: the design and a summary of its latest revision."""

    id: str
    name: str
    description: str
    tags: tuple[str, ...]
    created_at: str
    updated_at: str
    revisions: int
    errors: int
    warnings: int
    infos: int
    score: int | None
    deleted_at: str | None

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class DesignPage:
    """One page of a listing and the number of designs that match in all.

    ``offset`` is the position of the first item (counted while pages are turned by cursor: approximate when
    designs were added or deleted meanwhile); ``next_cursor`` / ``previous_cursor`` read the pages after and
    before this one (``Store.list_designs(cursor=...)``), None at either end."""

    items: tuple[DesignSummary, ...]
    total: int
    limit: int | None
    offset: int
    next_cursor: str | None = None
    previous_cursor: str | None = None


@dataclass(frozen=True)
class Share:
    """A read-only link to a design's latest revision (``revision`` None) or to a pinned revision."""

    id: str
    token: str
    design_id: str
    revision: int | None
    created_at: str
    revoked_at: str | None
    expires_at: str | None = None  # ISO-8601 UTC like every stored time; None: never expires
    show_comments: bool = False  # the shared page shows the design's review comments

    @property
    def active(self) -> bool:
        """Not revoked (an expired link is still listed, as expired, until revoked)."""
        return self.revoked_at is None

    def expired(self, at: str) -> bool:
        """Whether the link has expired at ``at`` (an ISO time from ``mlsd.store.handle.now``)."""
        return self.expires_at is not None and self.expires_at <= at


@dataclass(frozen=True)
class Presence:
    """One other session that has a design open: how it is named, its id, and its last heartbeat (ISO UTC)."""

    who: str
    session_id: str
    seen_at: str


@dataclass(frozen=True)
class SharedDesign:
    """What a share token opens: one revision of a design, read-only."""

    name: str
    notes: str
    revision: int
    created_at: str
    pinned: bool
    design: Design
    show_comments: bool = False  # the link lets its reader see the review comments (``Store.share_threads``)
    expires_at: str | None = None


@dataclass(frozen=True)
class Comment:
    """One message of a review thread (the first is the thread's opening comment)."""

    id: str
    thread_id: str
    created_at: str
    author: str | None
    body: str


@dataclass(frozen=True)
class CommentThread:
    """A review thread on a design, anchored on a block, a connection or a finding (``rule@blocks``).

    ``revision`` is the revision it was made on; ``mlsd.comments`` decides on which later revisions it is live
    (its anchor still there) or outdated. ``comments`` are oldest first.
    """

    id: str
    design_id: str
    anchor_kind: str  # "block" | "connection" | "finding"
    anchor: str
    revision: int
    created_at: str
    author: str | None
    resolved_at: str | None
    resolved_by: str | None
    comments: tuple[Comment, ...]

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only audit log: who did what, when, to which design (and which share or member)."""

    id: str
    at: str
    actor: str | None
    action: str
    design_id: str | None
    target: str | None
    detail: str


@dataclass(frozen=True)
class PracticeSessionRecord:
    """An interview-practice session as stored."""

    id: str
    prompt_id: str
    started_at: str
    finished_at: str | None
    state: JsonObject
    design_id: str | None
    design_revision: int | None
    rubric: JsonObject | None
    scores: JsonObject | None
    person: str = "local"  # who started it: a member's e-mail (``Actor.person``), or "local" without sign-in


# ----------------------------------------------------------------------------------------------- rows

SUMMARY_COLUMNS = (
    "d.id, d.name, d.description, d.tags, d.created_at, d.updated_at, d.latest_revision, d.errors, d.warnings, "
    "d.infos, d.score, d.deleted_at"
)
REVISION_COLUMNS = (
    "r.design_id, r.number, r.created_at, r.message, r.author, r.name, r.errors, r.warnings, r.infos, r.waived, "
    "r.score, r.checks"
)
SHARE_COLUMNS = "id, token, design_id, revision, created_at, revoked_at, expires_at, show_comments"
SESSION_COLUMNS = ("id, prompt_id, started_at, finished_at, state, design_id, design_revision, rubric, scores, "
                   "person")


def summary_from_row(row: Sequence[Any]) -> DesignSummary:
    return DesignSummary(
        id=row[0], name=row[1], description=row[2], tags=tuple(json.loads(row[3])), created_at=row[4],
        updated_at=row[5], revisions=row[6], errors=row[7], warnings=row[8], infos=row[9], score=row[10],
        deleted_at=row[11],
    )


def revision_from_row(row: Sequence[Any]) -> RevisionInfo:
    extra = json.loads(row[11])
    checks = CheckSummary(
        errors=row[6], warnings=row[7], infos=row[8], waived=row[9], score=row[10],
        rule_errors=int(extra.get("rule_errors", 0)), categories=dict(extra.get("categories", {})),
    )
    return RevisionInfo(design_id=row[0], number=row[1], created_at=row[2], message=row[3], author=row[4],
                        name=row[5], checks=checks)


def share_from_row(row: Sequence[Any]) -> Share:
    return Share(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))


def session_from_row(row: Sequence[Any]) -> PracticeSessionRecord:
    def obj(text: str | None) -> JsonObject | None:
        return None if text is None else dict(json.loads(text))

    return PracticeSessionRecord(
        id=row[0], prompt_id=row[1], started_at=row[2], finished_at=row[3], state=obj(row[4]) or {},
        design_id=row[5], design_revision=row[6], rubric=obj(row[7]), scores=obj(row[8]), person=row[9],
    )
