"""Review comments: threads anchored on a block, a connection or a finding of a design, with replies and resolve.

A thread keeps the revision it was made on; which threads are live or outdated on a given revision is decided by
``mlsd.comments`` (pure), from the threads this module returns. Threads go with their design (a purge removes
them); nothing else deletes them.

Comment text is checked before anything is written (``clean_body``): at most ``MAX_COMMENT`` (10,000) characters
after trimming, not empty, and no control characters — C0 other than newline and tab, DEL, C1, and the Unicode
bidirectional overrides are **refused** (not stripped), with a message naming the first one. ``\\r\\n`` and a lone
``\\r`` become ``\\n``. HTML is kept as the text it is; the app shows it as text (``components.common.markup``).
"""

from __future__ import annotations

import re
from collections import defaultdict

from mlsd.store.base import ID, MAX_AUTHOR, text_arg
from mlsd.store.handle import Tx, new_id, now
from mlsd.store.records import Comment, CommentThread, NotFound, StoreError
from mlsd.store.shares import SharesMixin

MAX_COMMENT = 10_000
MAX_ANCHOR = 2_000  # a finding's id names every block it is on
ANCHOR_KINDS = ("block", "connection", "finding")
FINDING_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}@[0-9A-Za-z_,.-]{1,1950}$")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
THREAD_COLUMNS = "id, design_id, anchor_kind, anchor, revision, created_at, author, resolved_at, resolved_by"


def clean_body(text: object) -> str:
    """A comment's text as stored, or StoreError saying what is wrong with it (see the module docstring)."""
    if not isinstance(text, str):
        raise StoreError("a comment must be text")
    body = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise StoreError("a comment cannot be empty")
    if len(body) > MAX_COMMENT:
        raise StoreError(f"a comment can be at most {MAX_COMMENT:,} characters; this one has {len(body):,}")
    bad = _CONTROL.search(body)
    if bad:
        raise StoreError(f"a comment cannot contain control characters (U+{ord(bad.group()):04X} at character "
                         f"{bad.start() + 1}); nothing was saved")
    return body


def check_anchor(kind: object, anchor: object) -> tuple[str, str]:
    """(kind, anchor) when well formed: a block or connection id, or a finding id ``rule@blocks``."""
    if kind not in ANCHOR_KINDS:
        raise StoreError(f"a comment is anchored on one of {', '.join(ANCHOR_KINDS)}, not {kind!r}")
    pattern = FINDING_ID if kind == "finding" else ID
    if not isinstance(anchor, str) or len(anchor) > MAX_ANCHOR or not pattern.match(anchor):
        raise StoreError(f"{anchor!r} is not a {kind} id")
    return str(kind), anchor


class CommentsMixin(SharesMixin):
    """Review threads and their comments (over the share links, for ``share_threads``)."""

    def create_thread(self, design_id: str, anchor_kind: str, anchor: str, body: str, *,
                      revision: int | None = None, author: str | None = None) -> CommentThread:
        """A new thread on ``anchor`` (a block or connection that must be in the revision, or a finding id),
        made on ``revision`` (the latest by default), opened by the comment ``body``."""
        kind, anchor = check_anchor(anchor_kind, anchor)
        text = clean_body(body)
        author = text_arg(author, "author", MAX_AUTHOR)
        with self.db.transaction() as tx:
            latest, _ = self._live_row(tx, design_id, lock=True)
            number = latest if revision is None else revision
            if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= latest:
                raise NotFound(f"design {design_id} has no revision {revision}")
            if kind != "finding":
                design = self._load(tx, design_id, number).design
                ids = {c.id for c in design.components} if kind == "block" else {e.id for e in design.connections}
                if anchor not in ids:
                    raise NotFound(f"revision {number} of design {design_id} has no {kind} {anchor!r}")
            stamp = now()
            thread_id = new_id()
            tx.execute(f"INSERT INTO comment_threads ({THREAD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
                       (thread_id, design_id, kind, anchor, number, stamp, author))
            first = self._add_comment(tx, thread_id, text, author, stamp)
        return CommentThread(thread_id, design_id, kind, anchor, number, stamp, author, None, None, (first,))

    def reply(self, thread_id: str, body: str, *, author: str | None = None) -> Comment:
        """Add a comment to a thread (a resolved thread too: it stays resolved until reopened)."""
        text = clean_body(body)
        author = text_arg(author, "author", MAX_AUTHOR)
        with self.db.transaction() as tx:
            self._thread_row(tx, thread_id)
            return self._add_comment(tx, thread_id, text, author, now())

    def resolve_thread(self, thread_id: str, *, author: str | None = None) -> CommentThread:
        """Mark a thread resolved (by ``author``); resolving a resolved thread changes nothing."""
        author = text_arg(author, "author", MAX_AUTHOR)
        with self.db.transaction() as tx:
            self._thread_row(tx, thread_id)
            tx.execute("UPDATE comment_threads SET resolved_at = ?, resolved_by = ? WHERE id = ? AND resolved_at "
                       "IS NULL", (now(), author, thread_id))
            return self._threads(tx, "t.id = ?", thread_id)[0]

    def reopen_thread(self, thread_id: str) -> CommentThread:
        """Mark a resolved thread open again."""
        with self.db.transaction() as tx:
            self._thread_row(tx, thread_id)
            tx.execute("UPDATE comment_threads SET resolved_at = NULL, resolved_by = NULL WHERE id = ?", (thread_id,))
            return self._threads(tx, "t.id = ?", thread_id)[0]

    def thread_design(self, thread_id: str) -> str:
        """The id of the design a thread belongs to (NotFound for an unknown thread or a trashed design)."""
        with self.db.read() as tx:
            return self._thread_row(tx, thread_id)

    def threads(self, design_id: str) -> list[CommentThread]:
        """Every thread of a design with its comments, oldest first (``mlsd.comments`` places them on a revision)."""
        with self.db.transaction(write=False) as tx:
            self._design_row(tx, design_id)
            return self._threads(tx, "t.design_id = ?", design_id)

    def share_threads(self, token: str) -> list[CommentThread]:
        """The threads a share link may show: made on or before its revision; StoreError when the link was made
        without "show comments" (ShareNotFound and its kinds as ``open_share``)."""
        with self.db.transaction(write=False) as tx:
            design_id, pinned, comments, _ = self._share_row(tx, token)
            if not comments:
                raise StoreError("this share link does not show comments")
            threads = self._threads(tx, "t.design_id = ?", design_id)
            if pinned is not None:
                threads = [t for t in threads if t.revision <= pinned]
        return threads

    # -- rows

    def _thread_row(self, tx: Tx, thread_id: str) -> str:
        """The design id of a thread whose design is not in the trash, else NotFound."""
        if not isinstance(thread_id, str) or not ID.match(thread_id):
            raise NotFound(f"no comment thread with id {thread_id!r}")
        row = tx.fetchone("SELECT t.design_id FROM comment_threads t WHERE t.id = ?", (thread_id,))
        if row is None:
            raise NotFound(f"no comment thread with id {thread_id!r}")
        self._live_row(tx, str(row[0]))
        return str(row[0])

    @staticmethod
    def _add_comment(tx: Tx, thread_id: str, body: str, author: str | None, stamp: str) -> Comment:
        comment = Comment(new_id(), thread_id, stamp, author, body)
        tx.execute("INSERT INTO comments (id, thread_id, created_at, author, body) VALUES (?, ?, ?, ?, ?)",
                   (comment.id, thread_id, stamp, author, body))
        return comment

    @staticmethod
    def _threads(tx: Tx, where: str, value: str) -> list[CommentThread]:
        rows = tx.fetchall(f"SELECT {', '.join('t.' + c for c in THREAD_COLUMNS.split(', '))} FROM comment_threads t "
                           f"WHERE {where} ORDER BY t.created_at, t.id", (value,))
        replies: dict[str, list[Comment]] = defaultdict(list)
        for r in tx.fetchall("SELECT c.id, c.thread_id, c.created_at, c.author, c.body FROM comments c JOIN "
                             f"comment_threads t ON t.id = c.thread_id WHERE {where} ORDER BY c.created_at, c.id",
                             (value,)):
            replies[r[1]].append(Comment(*r))
        return [CommentThread(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], tuple(replies[r[0]])) for r in rows]
