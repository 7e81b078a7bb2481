"""Read-only share links of a design (a Streamlit UI piece): create one to the latest or a pinned revision, valid
for ever or for 1, 7 or 30 days, showing the review comments or not; list the active ones with their address and
expiry; revoke. Creating and revoking are recorded in the design's audit log with the current author.

A link is the app's address with ``?share=TOKEN`` (the token is made by ``mlsd.store`` from ``secrets``, 256
bits). Whoever opens it sees the shared view only; nothing there can change the design.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import streamlit as st

from components.common.store import may_edit, store
from components.library.state import LibKey, failed, flash, state
from mlsd.store import RevisionInfo, Share, StoreError, now

EXPIRY_KEY = "share.expiry"
COMMENTS_KEY = "share.comments"
EXPIRY = {"never": None, "1 day": timedelta(days=1), "7 days": timedelta(days=7), "30 days": timedelta(days=30)}


def share_link(app_url: str | None, page_url_path: str, token: str) -> str:
    """The address to give out: the app's root (``app_url`` is ``st.context.url``, which ends with the current
    page's ``page_url_path``) followed by ``/?share=TOKEN``; a relative ``/?share=TOKEN`` when the address is
    unknown."""
    query = f"?share={quote(token, safe='')}"
    if not app_url:
        return f"/{query}"
    base = app_url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    suffix = "/" + page_url_path.strip("/")
    if page_url_path.strip("/") and base.endswith(suffix):
        base = base[: -len(suffix)]
    return f"{base}/{query}"


LATEST = 0  # the "Link to" choice for the latest revision (not None, which a selectbox shows as clearable)


def _on_create(design_id: str) -> None:
    pin = state(LibKey.SHARE_PIN)
    try:
        share = store().create_share(design_id, revision=pin if isinstance(pin, int) and pin != LATEST else None,
                                     ttl=EXPIRY.get(str(st.session_state.get(EXPIRY_KEY, "never"))),
                                     show_comments=bool(st.session_state.get(COMMENTS_KEY, False)))
    except StoreError as exc:
        failed("No link was created", exc)
        return
    st.session_state[LibKey.SHARE_NEW.value] = (design_id, share.token)
    what = f"revision {share.revision}" if share.revision is not None else "the latest revision"
    until = f", valid until {stamp(share.expires_at)}" if share.expires_at else ""
    flash("success", f"Created a read-only link to {what}{until}.")


def _on_revoke(share_id: str, design_id: str) -> None:
    try:
        store().revoke_share(share_id, design_id=design_id)
    except StoreError as exc:
        failed("Not revoked", exc)
        return
    st.session_state[LibKey.SHARE_NEW.value] = None
    flash("success", "Revoked the link: it no longer opens the design.")


def stamp(iso: str) -> str:
    return iso[:16].replace("T", " ") + " UTC"


def link_caption(link: Share, at: str) -> str:
    """'Latest revision · created ... · expires ... · shows comments' of a link (``at``: the time now)."""
    parts = ["Latest revision" if link.revision is None else f"Revision {link.revision} (pinned)",
             f"created {stamp(link.created_at)}"]
    if link.expires_at is None:
        parts.append("never expires")
    elif link.expired(at):
        parts.append(f"**expired** {stamp(link.expires_at)}")
    else:
        parts.append(f"expires {stamp(link.expires_at)}")
    if link.show_comments:
        parts.append("shows comments")
    return " · ".join(parts)


def _target(pin: int, latest: int, narrow: bool = False) -> str:
    if narrow:
        return f"Latest revision (now {latest})" if pin == LATEST else f"Revision {pin} only"
    return f"Latest revision (now {latest}; follows new saves)" if pin == LATEST else f"Revision {pin} only (pinned)"


def show_share_panel(design_id: str, history: list[RevisionInfo], page_url_path: str, live: bool = True,
                     narrow: bool = False) -> None:
    """Create, list and revoke the design's read-only links (``live`` False: the design is in the trash;
    ``narrow``: laid out one control under the other, for the Board's side panel)."""
    if narrow:
        st.caption("Anyone with a link sees this design read-only and cannot change it. Revoke a link to stop it "
                   "working.")
    else:
        st.markdown("A share link shows this design **read-only** — the picture, findings with accepted risks, "
                    "numbers and notes — to anyone who has it. Nothing they do changes your design. Revoke a link "
                    "to stop it working.")
    editable = may_edit(design_id)
    if not editable:
        st.caption("Only the design's editors and owners can create and revoke links.")
    latest = history[-1].number if history else 1
    options = [LATEST, *(r.number for r in reversed(history))]
    if state(LibKey.SHARE_PIN) not in options:
        st.session_state[LibKey.SHARE_PIN.value] = LATEST
    pick_col, expiry_col, comments_col, button_col = (
        (st.container(), st.container(), st.container(), st.container()) if narrow
        else st.columns([3, 1.6, 1.4, 1.2], vertical_alignment="bottom"))
    pick_col.selectbox("Link to", options, key=LibKey.SHARE_PIN.value, format_func=lambda p: _target(p, latest, narrow),
                       disabled=not live, help="The latest revision follows the design as it is saved again; a "
                                               "pinned revision always shows that revision.")
    expiry_col.selectbox("Expires", list(EXPIRY), key=EXPIRY_KEY, disabled=not live,
                         format_func=lambda e: "Never" if e == "never" else f"After {e}",
                         help="After this the link opens nothing and says it has expired; you can revoke it sooner.")
    comments_col.checkbox("Show comments", key=COMMENTS_KEY, disabled=not live,
                          help="Whoever opens the link also sees the review comments (read-only).")
    button_col.button("Create link", key="share.create", on_click=_on_create, args=(design_id,), type="primary",
                      icon=":material/add_link:", disabled=not live or not editable,
                      width="content" if narrow else "stretch")
    if not live:
        st.caption("The design is in the trash: its links do not open it until you restore it.")
    app_url = st.context.url
    new = state(LibKey.SHARE_NEW)
    if new and new[0] == design_id:
        st.success("New link — copy it with the button at its right and send it:", icon=":material/link:")
        st.code(share_link(app_url, page_url_path, new[1]), language=None, wrap_lines=True)
    try:
        links = store().list_shares(design_id)
    except StoreError as exc:
        st.error(f"The links cannot be listed: {exc}")
        return
    st.markdown(f"**Active links ({len(links)})**")
    current = now()
    if not links:
        st.caption("No active link: nobody can open this design from outside your library.")
    for link in links:
        with st.container(border=True, key=f"share-link-{link.id}"):
            url_col, what_col, revoke_col = ((st.container(), st.container(), st.container()) if narrow else
                                             st.columns([5, 2, 1], vertical_alignment="center"))
            url_col.code(share_link(app_url, page_url_path, link.token), language=None, wrap_lines=True)
            what_col.caption(link_caption(link, current))
            revoke_col.button("Revoke", key=f"share.revoke.{link.id}", on_click=_on_revoke,
                              args=(link.id, design_id), icon=":material/link_off:", disabled=not editable,
                              help="The link stops working at once.")
