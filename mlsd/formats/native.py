"""Our own design files (format ``mlsd/1``) as JSON or YAML: ``dump_json``, ``dump_yaml`` and ``load``.

The loader and its limits are ``mlsd.io``'s (one actionable line per problem); this module gives them the
``dump``/``load`` shape every format module has.
"""

from __future__ import annotations

from mlsd.formats.draft import Draft
from mlsd.io import TextFormat, dumps, loads
from mlsd.model import Design


def dump_json(design: Design) -> str:
    return dumps(design, "json")


def dump_yaml(design: Design) -> str:
    return dumps(design, "yaml")


def load(text: str | bytes, fmt: TextFormat | None = None, source: str = "") -> Draft:
    """A design file as a Draft that is already complete: every kind is known, nothing was skipped."""
    return Draft.of(loads(text, fmt, source))
