"""The example designs shipped in ``designs/``: where they are, their names, and loading one (cached).

The folder is ``designs/`` beside ``app.py`` unless the environment variable ``MLSD_DESIGNS_DIR`` names
another one; this module is the only place that reads it (tests point it at a temporary folder).
Loading is cached by path and modification time, so an edited or new file is picked up on the next rerun.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from components.common.design_view import Figures, figures_of
from components.common.state import Key
from mlsd.io import DesignError, load_file
from mlsd.model import Design

ENV_DESIGNS_DIR = "MLSD_DESIGNS_DIR"
DEFAULT_DESIGNS_DIR = Path(__file__).resolve().parents[2] / "designs"


def designs_dir() -> Path:
    """The folder of example designs: ``$MLSD_DESIGNS_DIR`` when set, else ``designs/``."""
    value = os.environ.get(ENV_DESIGNS_DIR, "").strip()
    return Path(value) if value else DEFAULT_DESIGNS_DIR


@dataclass(frozen=True)
class Example:
    """One example design file: its path, and its design's name (or its file name when it does not load)."""

    path: str
    name: str
    problems: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.name} (cannot be opened)" if self.problems else self.name


def list_examples(folder: Path | None = None) -> list[Example]:
    """The ``*.json`` designs of the folder, sorted by design name; files that do not load are listed too."""
    folder = folder or designs_dir()
    if not folder.is_dir():
        return []
    found = [_example(str(p), p.stat().st_mtime_ns) for p in folder.glob("*.json") if p.is_file()]
    return sorted(found, key=lambda e: (bool(e.problems), e.name.casefold(), e.path))


def _mtime(path: str) -> int:
    try:
        return Path(path).stat().st_mtime_ns
    except OSError as exc:
        raise DesignError([f"cannot read file: {exc.strerror or exc}"], path) from None


def load_example(path: str) -> Design:
    """The design in ``path``; raises ``DesignError`` (with one line per problem) when it is not valid."""
    return _load(path, _mtime(path))


def example_figures(path: str) -> Figures:
    """Checklist and analysis figures of the design in ``path`` (raises ``DesignError`` like ``load_example``)."""
    return _figures(path, _mtime(path))


def pick_example(examples: list[Example]) -> str | None:
    """A selectbox of the examples by design name; returns the chosen file's path (the first by default)."""
    by_path = {e.path: e for e in examples}
    return st.selectbox(
        "Example design",
        list(by_path),
        format_func=lambda p: by_path[p].title if p in by_path else Path(p).name,
        key=Key.EXAMPLE.value,
        help=f"The designs in {designs_dir()}. Each is a JSON file in the mlsd/1 format.",
    )


@st.cache_data(show_spinner=False, max_entries=256)
def _load(path: str, mtime_ns: int) -> Design:
    del mtime_ns  # part of the cache key only: a changed file is read again
    return load_file(path)


@st.cache_data(show_spinner=False, max_entries=64)
def _figures(path: str, mtime_ns: int) -> Figures:
    del mtime_ns
    return figures_of(load_file(path))


@st.cache_data(show_spinner=False, max_entries=256)
def _example(path: str, mtime_ns: int) -> Example:
    del mtime_ns
    try:
        return Example(path, load_file(path).name)
    except DesignError as exc:
        return Example(path, Path(path).name, tuple(exc.problems))
