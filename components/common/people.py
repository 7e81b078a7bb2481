"""How the app shows a person (a Streamlit UI piece's helper): the one place that turns what the store records as
an author, an actor or a member into text for a page.

The store records people as ``mlsd.store.access.Actor.author`` makes them: "Name <e-mail>" for a signed-in
person with a name, the bare e-mail otherwise, "local" for the one user of an app without sign-in; members are
their e-mail. That stays as it is. Streamlit's Markdown (``st.markdown``, captions, toasts, badges) turns any
e-mail address into a mailto link, escaped or not (GitHub-flavoured autolinks), and "<e-mail>" into an HTML-ish
tag, so every author shown goes through here: the name in bold where asked, then the e-mail as plain text, kept
from autolinking by an invisible word joiner (U+2060) before its "@" (it reads and wraps as typed). Everything
else is ``markup.plain``.
"""

from __future__ import annotations

import re

from components.common.markup import plain

_AUTHOR = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>\s@]+@[^<>\s]+)>$")
WORD_JOINER = "\u2060"


def split_author(author: str | None) -> tuple[str, str]:
    """(name, e-mail) of a recorded author: "Ana Lopez <ana@x.org>" -> ("Ana Lopez", "ana@x.org"),
    "ana@x.org" -> ("", "ana@x.org"), "local" -> ("local", ""), None or blank -> ("", "")."""
    text = " ".join(str(author or "").split())
    match = _AUTHOR.match(text)
    if match:
        name, email = match.group("name").strip(), match.group("email").strip()
        return ("" if name == email else name, email)
    if "@" in text and " " not in text:
        return "", text
    return text, ""


def person_name(author: str | None, fallback: str = "someone") -> str:
    """How to name the person in plain text (a toast, a label): their name, else their e-mail, else ``fallback``."""
    name, email = split_author(author)
    return name or email or fallback


def person_text(author: str | None, fallback: str = "someone") -> str:
    """Plain text (``st.text``, a terminal): "Ana Lopez (ana@x.org)", "ana@x.org", "local"."""
    name, email = split_author(author)
    if name and email:
        return f"{name} ({email})"
    return name or email or fallback


def unlinked(text: str) -> str:
    """``markup.plain(text)`` with every "@" kept from making an e-mail link (a member's address in a message)."""
    return plain(text).replace("\\@", WORD_JOINER + "\\@")


def person_markdown(author: str | None, *, bold: bool = False, fallback: str = "someone") -> str:
    """Markdown for a recorded author: "**Ana Lopez** · ana@x.org" (the name bold when ``bold``; the e-mail
    plain text, never a link), "ana@x.org", "local"; ``fallback`` when nobody is recorded."""
    name, email = split_author(author)
    if not name and not email:
        return fallback
    shown = ""
    if name:
        shown = f"**{unlinked(name)}**" if bold else unlinked(name)
    if email:
        mail = unlinked(email)
        if not name:
            return f"**{mail}**" if bold else mail
        shown += f" · {mail}"
    return shown
