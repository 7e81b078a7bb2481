"""Every way a design leaves or enters: one module per format, each with ``dump`` and, where it reads, ``load``.

Pictures and reports (written only): ``dot`` (Graphviz), ``svg``, ``markdown`` (a review report). Interchange
(written and read): ``json``/``yaml`` (our own ``mlsd/1`` files, ``native``), ``mermaid``, ``drawio`` and
``excalidraw``. A reader returns a ``Draft`` (``mlsd.formats.draft``): the blocks found, each with its kind when
one was resolved, and the elements that could not be taken (listed, never dropped silently); ``Draft.build``
makes the design once the user has picked kinds for the rest (``generic`` otherwise).

``REGISTRY`` names each format with its file extensions; ``dump``/``load`` dispatch by name and import a format's
module only when it is used, so that the command line stays fast (importing this package imports no model).
``render`` is the ``render`` command's entry (DOT, SVG and Markdown run the checklists to mark findings).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import PurePath
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing this package stays light: the command line builds its parser from REGISTRY
    from mlsd.formats.draft import Draft
    from mlsd.model import Design


@dataclass(frozen=True)
class Format:
    """One file format: its name, label, file extensions, MIME type, and where its functions live."""

    name: str
    label: str
    extensions: tuple[str, ...]
    mime: str
    module: str  # a module of mlsd.formats
    dumper: str  # the module's function Design -> str
    reads: bool  # whether the module has ``load``


REGISTRY: dict[str, Format] = {f.name: f for f in (
    Format("json", "JSON (mlsd/1)", (".json",), "application/json", "native", "dump_json", True),
    Format("yaml", "YAML (mlsd/1)", (".yaml", ".yml"), "application/yaml", "native", "dump_yaml", True),
    Format("mermaid", "Mermaid", (".mmd", ".mermaid"), "text/plain", "mermaid", "dump", True),
    Format("drawio", "draw.io", (".drawio", ".dio"), "application/vnd.jgraph.mxfile", "drawio", "dump", True),
    Format("excalidraw", "Excalidraw", (".excalidraw",), "application/json", "excalidraw", "dump", True),
    Format("dot", "Graphviz DOT", (".dot", ".gv"), "text/vnd.graphviz", "dot", "dump", False),
    Format("svg", "SVG picture", (".svg",), "image/svg+xml", "svg", "dump", False),
    Format("markdown", "Markdown report", (".md",), "text/markdown", "markdown", "dump", False),
)}
READABLE = tuple(name for name, f in REGISTRY.items() if f.reads)
FORMATS = ("dot", "svg", "mermaid", "markdown")  # what ``render`` draws (the ``render`` command's choices)


def format_of(path: str | PurePath) -> str | None:
    """The format a file name's extension says (``a.drawio`` -> ``drawio``), or None."""
    suffix = PurePath(path).suffix.lower()
    for name, f in REGISTRY.items():
        if suffix in f.extensions:
            return name
    return None


def _module(fmt: str) -> ModuleType:
    try:
        spec = REGISTRY[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(REGISTRY)}") from None
    return importlib.import_module(f"mlsd.formats.{spec.module}")


def dump(design: Design, fmt: str) -> str:
    """The design written in ``fmt`` (a name of ``REGISTRY``)."""
    module = _module(fmt)
    text: str = getattr(module, REGISTRY[fmt].dumper)(design)
    return text


def load(data: str | bytes, fmt: str, source: str = "") -> Draft:
    """A file's content read in ``fmt`` as a Draft; DesignError (one line per problem) when it cannot be read."""
    from mlsd.io import DesignError

    module = _module(fmt)
    if not REGISTRY[fmt].reads:
        raise DesignError([f"{REGISTRY[fmt].label} files cannot be imported; import one of: "
                           f"{', '.join(READABLE)}"], source)
    if fmt in ("json", "yaml"):
        draft: Draft = module.load(data, fmt, source)
    else:
        draft = module.load(data, source)
    return draft


def render(design: Design, fmt: str) -> str:
    """The design in ``fmt`` (dot, svg, mermaid or markdown); DOT, SVG and Markdown run the checklists."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return dump(design, fmt)


__all__ = ["FORMATS", "READABLE", "REGISTRY", "Format", "dump", "format_of", "load", "render"]
