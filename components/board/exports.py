"""Import and export of the board's design (a Streamlit UI piece).

Exports are download buttons whose files are made only when clicked (deferred downloads): JSON, YAML, Mermaid,
DOT, a Markdown review report and an SVG picture (drawn by ``mlsd.formats.svg.to_svg`` from the saved positions,
no system binary needed). ``export_files`` builds the same files as plain text for tests and scripts.

Import takes a .json/.yaml/.yml file: files over the loader's size limit are refused before parsing, problems
are listed one per line, and the design on the board is untouched unless the file is a valid design.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from components.board import state as bs
from components.common.markup import plain
from mlsd.edit import has_layout, move_blocks
from mlsd.formats.dot import to_dot
from mlsd.formats.layout import auto_layout
from mlsd.formats.markdown import to_markdown
from mlsd.formats.mermaid import to_mermaid
from mlsd.formats.svg import to_svg
from mlsd.io import MAX_FILE_BYTES, DesignError, TextFormat, dumps, loads
from mlsd.model import Design
from mlsd.rules import Report

UPLOAD_KEY = "board.import.file"
IMPORT_ERRORS = "board.import.errors"
MAX_UPLOAD_MB = MAX_FILE_BYTES // 2**20


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
                              "A Mermaid flowchart: paste it into GitHub Markdown or a wiki."),
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
    cols = st.columns(3)
    stem = slug(design.name)
    for i, (fmt, f) in enumerate(files.items()):
        cols[i % 3].download_button(
            f.label, data=f.build, file_name=f"{stem}.{f.suffix}", mime=f.mime, key=f"board.export.{fmt}",
            help=f.help, icon=":material/download:", on_click="ignore", width="stretch",
        )


# -- import -------------------------------------------------------------------------------------------------


def read_upload(name: str, data: bytes) -> Design:
    """An uploaded file as a Design (laid out when it has no positions); DesignError lists the problems."""
    if len(data) > MAX_FILE_BYTES:
        raise DesignError([f"file is {len(data) / 1e6:.1f} MB; designs are limited to {MAX_UPLOAD_MB} MB"], name)
    lower = name.lower()
    fmt: TextFormat | None = "yaml" if lower.endswith((".yaml", ".yml")) else "json" if lower.endswith(".json") \
        else None
    design = loads(data, fmt, name)
    if not has_layout(design):
        design = move_blocks(design, auto_layout(design))
    return design


def _on_upload() -> None:
    uploaded = st.session_state.get(UPLOAD_KEY)
    st.session_state[IMPORT_ERRORS] = None
    if uploaded is None:
        return
    size = getattr(uploaded, "size", None)
    if isinstance(size, int) and size > MAX_FILE_BYTES:  # refuse before reading it into memory
        st.session_state[IMPORT_ERRORS] = (uploaded.name, [
            f"file is {size / 1e6:.1f} MB; designs are limited to {MAX_UPLOAD_MB} MB"])
        return
    try:
        design = read_upload(uploaded.name, uploaded.getvalue())
    except DesignError as exc:
        st.session_state[IMPORT_ERRORS] = (uploaded.name, exc.problems)
        return
    if bs.request_replace(bs.Pending(design, f"the file {uploaded.name!r}")):
        bs.flash("success", f"Imported {uploaded.name!r}: {len(design.components)} blocks, "
                            f"{len(design.connections)} connections.")


def show_import() -> None:
    """The uploader, and the problems of the last file that was not a valid design."""
    st.file_uploader(
        "Import a design (.json, .yaml, .yml)", type=["json", "yaml", "yml"], key=UPLOAD_KEY,
        on_change=_on_upload, max_upload_size=MAX_UPLOAD_MB,
        help=f"A design file in the mlsd/1 format, at most {MAX_UPLOAD_MB} MB. It replaces the design on the "
             "board (you are asked first when there are unsaved changes); a file with problems changes nothing.",
    )
    failed = st.session_state.get(IMPORT_ERRORS)
    if failed:
        name, problems = failed
        lines = "\n".join(f"- {plain(p)}" for p in problems[:50])
        more = f"\n- … and {len(problems) - 50} more" if len(problems) > 50 else ""
        st.error(f"{plain(name)} is not a valid design; the board is unchanged.\n\n{lines}{more}",
                 icon=":material/error:")
