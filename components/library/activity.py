"""A design's activity (a Streamlit UI piece): its audit log, newest first, on the Board's History panel.

Every change to the design and its share links (and, with workspaces, its memberships) is recorded by the store
(``mlsd.store.audit``) with who and when; this lists them in words. User text (names, messages) goes through
``markup.plain``.
"""

from __future__ import annotations

import streamlit as st

from components.common.markup import plain
from components.common.people import person_markdown, unlinked
from mlsd.store import AuditEntry, LibraryStore, StoreError

SHOWN = 30
ACTION_WORDS = {
    "design.create": "created the design",
    "design.import": "imported the design",
    "design.save": "saved",
    "design.rename": "renamed the design",
    "design.restore_revision": "restored a revision",
    "design.delete": "moved the design to the trash",
    "design.restore": "brought the design back from the trash",
    "design.purge": "deleted the design for good",
    "share.create": "created a share link",
    "share.revoke": "revoked a share link",
    "member.add": "added a member",
    "member.role": "changed a member's role",
    "member.remove": "removed a member",
    "workspace.create": "made the workspace",
    "workspace.rename": "renamed the workspace",
    "workspace.delete": "deleted the workspace",
}


def activity_line(entry: AuditEntry) -> str:
    """'**ana** saved · 2026-12-05 15:30 UTC  \\nrevision 2: tweak' of one entry."""
    who = person_markdown(entry.actor, bold=True)
    what = ACTION_WORDS.get(entry.action, plain(entry.action))
    line = f"{who} {what} · {entry.at[:16].replace('T', ' ')} UTC"
    return line + (f"  \n{unlinked(entry.detail)}" if entry.detail else "")


def show_activity(library: LibraryStore, design_id: str) -> None:
    """The design's last ``SHOWN`` audit entries, newest first."""
    try:
        entries = library.audit(design_id, limit=SHOWN)
    except StoreError as exc:
        st.error(f"The activity cannot be read: {plain(str(exc))}", icon=":material/database:")
        return
    if not entries:
        st.caption("No recorded activity yet.")
        return
    for entry in entries:
        st.markdown(f":small[{activity_line(entry)}]")
    if len(entries) == SHOWN:
        st.caption(f"The last {SHOWN} changes.")
