"""Export of the board's design (a Streamlit UI piece); import is ``components.board.imports`` (re-exported).

Exports are download buttons whose files are made only when clicked (deferred downloads): JSON, YAML, Mermaid,
draw.io, Excalidraw, DOT, a Markdown review report and an SVG picture (drawn by ``mlsd.formats.svg.to_svg`` from
the saved positions, no system binary needed). ``export_files`` builds the same files as plain text for tests and
scripts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from components.board.imports import MAX_UPLOAD_MB, read_upload, show_import  # re-exported (pages, library)
from mlsd.formats import drawio, excalidraw
from mlsd.formats.dot import to_dot
from mlsd.formats.markdown import to_markdown
from mlsd.formats.mermaid import to_mermaid
from mlsd.formats.svg import to_svg
from mlsd.io import dumps
from mlsd.model import Design
from mlsd.rules import Report

__all__ = ["MAX_UPLOAD_MB", "ExportFile", "export_files", "read_upload", "show_exports", "show_import", "slug"]


@dataclass(frozen=True)
class ExportFile:
    label: str
    suffix: str
    mime: str
    build: Callable[[], str]
    help: str


def slug(name: str) -> str:
    """A file name stem from a design name: letters, digits and dashes only, never empty."""
    text = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:60]
    return text or "design"


def export_files(design: Design, report: Report | None = None) -> dict[str, ExportFile]:
    """The files a design can be downloaded as, built lazily (``build()``) from this very design."""
    findings = report.findings if report is not None else None
    return {
        "json": ExportFile("JSON", "json", "application/json", lambda: dumps(design, "json"),
                           "The design file (format mlsd/1): open it here again or validate it in CI."),
        "yaml": ExportFile("YAML", "yaml", "application/yaml", lambda: dumps(design, "yaml"),
                           "The same design as YAML, for reading and reviewing by hand."),
        "mermaid": ExportFile("Mermaid", "mmd", "text/plain", lambda: to_mermaid(design),
                              "A Mermaid flowchart: paste it into GitHub Markdown or a wiki; it imports back "
                              "with every kind and prop."),
        "drawio": ExportFile("draw.io", "drawio", "application/vnd.jgraph.mxfile", lambda: drawio.dump(design),
                             "Open in draw.io (diagrams.net): each block keeps its kind and props as data "
                             "(Edit > Edit Data); edit it there and import it back."),
        "excalidraw": ExportFile("Excalidraw", "excalidraw", "application/json", lambda: excalidraw.dump(design),
                                 "Open in Excalidraw: boxes with their text, arrows bound to them; imports back."),
        "dot": ExportFile("DOT", "dot", "text/vnd.graphviz", lambda: to_dot(design, findings),
                          "Graphviz source, with findings marked: render with `dot -Tpng`."),
        "markdown": ExportFile("Review report", "md", "text/markdown",
                               lambda: to_markdown(design, report, report.context.analysis if report else None),
                               "Requirements, diagram, findings and numbers as one Markdown document."),
        "svg": ExportFile("SVG picture", "svg", "image/svg+xml", lambda: to_svg(design, findings),
                          "A picture of the diagram as you laid it out (opens in any browser)."),
    }


def show_exports(design: Design, report: Report) -> None:
    """One download button per format; each file is made when its button is clicked."""
    st.caption("Download the design as it is on the board now.")
    files = export_files(design, report)
    cols = st.columns(4)
    stem = slug(design.name)
    for i, (fmt, f) in enumerate(files.items()):
        cols[i % 4].download_button(
            f.label, data=f.build, file_name=f"{stem}.{f.suffix}", mime=f.mime, key=f"board.export.{fmt}",
            help=f.help, icon=":material/download:", on_click="ignore", width="stretch",
        )
