"""The building-block catalog: every kind of block a design can place, with its metadata.

A *kind* (``online_inference``, ``feature_store``...) is catalog metadata only: label, one-line purpose,
category, online or batch tier, how diagrams draw it, and default props with the source of their numbers.
One module per category holds its kinds; this package gathers them and refuses duplicates.
"""

from __future__ import annotations

from types import MappingProxyType

from mlsd.catalog import (
    clients,
    data_sources,
    features,
    models,
    monitoring,
    other,
    privacy,
    processing,
    serving,
    storage,
    training,
)
from mlsd.catalog.base import Category, Kind, Tier
from mlsd.catalog.props import PROP_SPECS, PropSpec, PropValue

CATEGORIES: dict[str, Category] = {
    c.id: c
    for c in (
        Category("clients", "Clients", "#e8eaf6", "📱"),
        Category("data_sources", "Data sources", "#e3f2fd", "📥"),
        Category("storage", "Storage", "#eceff1", "🗄️"),
        Category("processing", "Processing", "#e0f7fa", "⚙️"),
        Category("features", "Features", "#e8f5e9", "🧮"),
        Category("training", "Training", "#fff8e1", "🏋️"),
        Category("models", "Models", "#fce4ec", "🧠"),
        Category("serving", "Serving", "#f3e5f5", "🚀"),
        Category("monitoring", "Monitoring", "#fff3e0", "📈"),
        Category("privacy", "Privacy & security", "#ffebee", "🔒"),
        Category("other", "Other", "#f5f5f5", "⬜"),
    )
}

_MODULES = (clients, data_sources, storage, processing, features, training, models, serving, monitoring, privacy, other)


def _build() -> dict[str, Kind]:
    kinds: dict[str, Kind] = {}
    for module in _MODULES:
        for entry in module.KINDS:
            if entry.kind in kinds:
                raise ValueError(f"kind {entry.kind!r} is defined twice in the catalog")
            if entry.category not in CATEGORIES:
                raise ValueError(f"kind {entry.kind!r} has unknown category {entry.category!r}")
            for name, value in entry.props.items():
                spec = PROP_SPECS.get(name)
                if spec is None:
                    raise ValueError(f"kind {entry.kind!r} has default prop {name!r} that is not specified")
                problem = spec.check(value)
                if problem:
                    raise ValueError(f"kind {entry.kind!r} default {name}: {problem}")
            kinds[entry.kind] = entry
    return kinds


KINDS: MappingProxyType[str, Kind] = MappingProxyType(_build())


def get_kind(kind: str) -> Kind:
    """The catalog entry of ``kind``; KeyError names the kind when it is unknown."""
    try:
        return KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown kind {kind!r}") from None


def color_of(kind: str) -> str:
    """Fill colour of blocks of ``kind`` (its category's colour; grey when unknown)."""
    entry = KINDS.get(kind)
    return CATEGORIES[entry.category].color if entry else "#eeeeee"


def kinds_in(category: str) -> list[Kind]:
    """The kinds of one category, in catalog order."""
    return [k for k in KINDS.values() if k.category == category]


__all__ = [
    "CATEGORIES",
    "KINDS",
    "PROP_SPECS",
    "Category",
    "Kind",
    "PropSpec",
    "PropValue",
    "Tier",
    "color_of",
    "get_kind",
    "kinds_in",
]
