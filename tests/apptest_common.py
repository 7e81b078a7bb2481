"""What every page's AppTest needs: the run raised nothing (``ok``), Markdown's escapes taken off a shown text
(``unescape``), and the one container with a given key (``block``). Used by the page helpers (board_apptest.py,
library_apptest.py) and the page tests."""

from __future__ import annotations

import re
from typing import Any

from streamlit.testing.v1 import AppTest


def ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def block(at: AppTest, key: str) -> Any:
    found = [b for b in at.container if getattr(b, "key", None) == key]
    assert len(found) == 1, f"no single container {key!r}"
    return found[0]
