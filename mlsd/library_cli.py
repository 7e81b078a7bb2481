"""``python -m mlsd library ...``: the same SQLite store the app uses (being written)."""

from __future__ import annotations

import argparse
from typing import Any


def add_library_parser(sub: Any) -> None:
    p: argparse.ArgumentParser = sub.add_parser("library", help="the design library (SQLite)")
    p.set_defaults(func=lambda args, out: 2)
