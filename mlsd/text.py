"""What any format may show of user text: ``display_text``, ``one_line``, ``truncate``; and ``counted``, the one
phrasing of a capped list ("'A', 'B' and 3 more sinks") that keeps findings readable at any design size.

A leaf module (only ``re``), so that the reports can clean text without importing the renderers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NEEDS_CLEANING = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff" + _BIDI + "]"
)


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    code = ord(ch)
    if ch in "\r\u2028\u2029\x85":
        return "\n"
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␛ for ESC
    if code == 0x7F:
        return "\u2421"  # ␡
    if ch in _BIDI:
        return f"[U+{code:04X}]"
    return "\ufffd"  # C1 controls, lone surrogates, non-characters


def display_text(text: str) -> str:
    """``text`` as every format shows it: printable, with line breaks as ``\\n`` and tabs as spaces.

    Control characters become Control Pictures (``␛``), C1 controls, lone surrogates and non-characters
    become ``�``, and bidirectional embeddings, overrides and isolates become a visible ``[U+202E]`` so that a
    label cannot reorder the text around it ("Trojan Source"). ``\\r\\n`` and ``\\r`` become ``\\n``.
    """
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    if "\t" in text:
        text = text.replace("\t", " ")
    if _NEEDS_CLEANING.search(text) is None:
        return text
    return _NEEDS_CLEANING.sub(_visible, text)


def one_line(text: str) -> str:
    """``display_text`` with line breaks as spaces."""
    return display_text(text).replace("\n", " ")


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, ending with … when cut."""
    return text if len(text) <= limit else text[: max(limit - 1, 0)].rstrip() + "…"


def and_join(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c' ('' for no items)."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def counted(shown: Sequence[str], total: int, noun: str = "", *, sep: str = ", ", plural: str = "") -> str:
    """A list capped for a message: the first items of ``total`` (``shown``, most telling first, already
    formatted), the rest counted: ``'A', 'B' and 3 more sinks``.

    With the default comma ``sep`` the last two items are joined by 'and' ('A, B and C'); with another ``sep``
    (``'; '`` for items that hold commas) the items are joined by it and the count follows it ('A; B; and 3
    more routes'). ``noun`` names what is counted ('' for a bare 'and 3 more'); its plural is ``plural``, else
    ``noun`` + 's'. Callers format only what they show, so a list of thousands costs no more than its first
    few items.
    """
    if len(shown) >= total:
        return and_join(shown) if sep == ", " else sep.join(shown)
    rest = total - len(shown)
    what = (noun if rest == 1 else plural or f"{noun}s") if noun else ""
    tail = f"and {rest} more{' ' + what if what else ''}"
    if not shown:
        return tail[4:]  # '3 more sinks'
    return f"{', '.join(shown)} {tail}" if sep == ", " else f"{sep.join(shown)}{sep}{tail}"
