"""User text placed inside Streamlit Markdown (headings, captions) shown as text, never as markup.

Streamlit's Markdown does not render raw HTML unless ``unsafe_allow_html=True`` (which we never pass with user
text), but it does render links, images, ``$math$`` and ``:color[...]`` directives. ``plain`` escapes every
ASCII punctuation character with a backslash (CommonMark shows an escaped character literally), so a design
named ``![x](https://tracker/x.png)`` or ``<script>`` reads exactly as typed.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: str) -> str:
    """``text`` escaped for Markdown, on one line."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^( {0,3})(#{1,6})(?=\s|$)")


def demote_headings(markdown: str, levels: int = 2) -> str:
    """The author's Markdown with every ATX heading ``levels`` smaller (``#`` becomes ``###``, at most ``######``),
    so that notes shown inside a page do not outrank the page's own headings. Fenced code is left as it is."""
    out = []
    fence = ""
    for line in markdown.split("\n"):
        match = _FENCE.match(line)
        if match and (not fence or (match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence))):
            fence = "" if fence else match.group(1)
        elif not fence:
            line = _HEADING.sub(lambda m: m.group(1) + "#" * min(len(m.group(2)) + levels, 6), line)
        out.append(line)
    return "\n".join(out)


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 error', '2 errors', '0 errors' (``many``: an irregular plural, e.g. 'were' for 'was')."""
    return f"{n} {word}" if n == 1 else f"{n} {many or word + 's'}"


def small(markdown: str) -> str:
    """Markdown shown in small type at the page's full text contrast (``st.caption`` greys its text to about
    3.8:1 on white with the default theme, below the 4.5:1 we keep)."""
    return ":small[" + markdown.replace("]", "\\]") + "]"
