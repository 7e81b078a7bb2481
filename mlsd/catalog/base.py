"""The catalog's record types: a category and a kind (metadata only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from mlsd.catalog.props import PropValue

Tier = Literal["online", "batch"]


@dataclass(frozen=True)
class Category:
    """A group of kinds, in the palette and in diagrams."""

    id: str
    label: str
    color: str  # fill colour of its blocks in diagrams (hex)
    icon: str  # an emoji shown in the palette


@dataclass(frozen=True)
class Kind:
    """One building block the catalog offers."""

    kind: str
    label: str
    purpose: str
    category: str
    tier: Tier
    shape: str  # Graphviz node shape
    props: dict[str, PropValue] = field(default_factory=dict)
    source: str = ""  # where the default numbers come from
