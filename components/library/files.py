"""Import many design files into the library and export the whole library as a zip (a Streamlit UI piece).

Import: each uploaded file (a design as .json/.yaml, or a Mermaid, draw.io or Excalidraw diagram) is checked on
its own (size before parsing, then its reader, ``mlsd.formats``); the valid ones are imported together, the others
are listed with their problems. A diagram drawn elsewhere takes the kinds its data, classes or keywords give; the
blocks none resolved become generic boxes and are listed, with the elements not imported, after the import.
A file's name is only shown, never used as a path or a design name: names come from the files' content.
Export: one JSON file per design (the latest revision), named ``<slug>-<id>.json`` as ``python -m mlsd library
export`` names them; the zip is built only when the button is clicked.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import streamlit as st

from components.board.imports import MAX_UPLOAD_MB, READ_SUFFIXES, laid_out, read_draft
from components.common.markup import plain, plural
from components.common.store import store
from components.library.pager import first_page
from components.library.state import LibKey, failed, flash, state
from mlsd.cli.library import export_filename
from mlsd.io import MAX_FILE_BYTES, DesignError, dumps
from mlsd.model import Design
from mlsd.store import Store, StoreError

MAX_FILES = 500
IMPORT_POP = "lib.import_pop"
SHOWN_PROBLEMS = 5


class Upload(Protocol):
    """What the app needs of an uploaded file (Streamlit's UploadedFile has it)."""

    name: str
    size: int

    def getvalue(self) -> bytes: ...


@dataclass(frozen=True)
class ParsedUploads:
    """Valid designs (with the file each came from), the files that are not valid designs, and notes on the
    diagrams imported (blocks made generic, elements not imported)."""

    designs: tuple[tuple[str, Design], ...]
    problems: tuple[tuple[str, tuple[str, ...]], ...]
    notes: tuple[tuple[str, tuple[str, ...]], ...] = ()


def parse_uploads(files: Iterable[Upload]) -> ParsedUploads:
    """Check every file on its own: too big (refused before reading), not a design, or a design."""
    good: list[tuple[str, Design]] = []
    bad: list[tuple[str, tuple[str, ...]]] = []
    notes: list[tuple[str, tuple[str, ...]]] = []
    for i, upload in enumerate(files):
        name = str(upload.name)
        if i >= MAX_FILES:
            bad.append((name, (f"not read: at most {MAX_FILES} files are imported at once",)))
            continue
        if upload.size > MAX_FILE_BYTES:
            bad.append((name, (f"file is {upload.size / 1e6:.1f} MB; designs are limited to {MAX_UPLOAD_MB} MB",)))
            continue
        try:
            draft = read_draft(name, upload.getvalue())
            good.append((name, laid_out(draft.build(source=name))))
        except DesignError as exc:
            bad.append((name, tuple(exc.problems)))
            continue
        lines = [f"{b.element} {b.label[:40]!r} made a generic box" for b in draft.unresolved()]
        lines += [f"not imported: {s}" for s in draft.skipped]
        if lines:
            notes.append((name, tuple(lines)))
    return ParsedUploads(tuple(good), tuple(bad), tuple(notes))


def export_zip(library: Store) -> bytes:
    """Every design outside the trash (latest revision) as one JSON file each, zipped."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for summary, design in library.export_designs():
            archive.writestr(export_filename(summary.name, summary.id), dumps(design, "json"))
    return buffer.getvalue()


def uploader_key() -> str:
    return f"lib.upload.{state(LibKey.UPLOAD_GEN, 0)}"


def _on_upload(key: str) -> None:
    files = st.session_state.get(key) or []
    if not files:
        return
    parsed = parse_uploads(files)
    names: list[str] = []
    if parsed.designs:
        try:
            store().import_designs([d for _, d in parsed.designs], message="imported in the library page")
        except StoreError as exc:
            failed("Nothing was imported", exc)
            return
        names = [d.name for _, d in parsed.designs]
        flash("success", f"Imported {plural(len(names), 'design')}.")
    st.session_state[LibKey.IMPORTED.value] = (names, list(parsed.problems), list(parsed.notes))
    st.session_state[LibKey.UPLOAD_GEN.value] = int(state(LibKey.UPLOAD_GEN, 0)) + 1  # an empty uploader
    first_page()


def _dismiss() -> None:
    st.session_state[LibKey.IMPORTED.value] = None


def show_import() -> None:
    """The "Import" button: a popover with a multi-file uploader."""
    box = st.popover("Import", icon=":material/upload_file:", key=IMPORT_POP, on_change="rerun",
                     help="Add design files (.json, .yaml) or diagrams (Mermaid .mmd, draw.io .drawio, Excalidraw "
                          ".excalidraw) to the library; each becomes a new design.")
    if not box.open:
        return
    with box:
        key = uploader_key()
        st.file_uploader(
            "Design files or diagrams", type=READ_SUFFIXES, accept_multiple_files=True,
            key=key, on_change=_on_upload, args=(key,), max_upload_size=MAX_UPLOAD_MB,
            help=f"Up to {MAX_FILES} files of at most {MAX_UPLOAD_MB} MB each: designs in the mlsd/1 format "
                 "(`python -m mlsd schema`), Mermaid flowcharts, draw.io or Excalidraw files. Valid files are "
                 "imported (boxes of no known kind as generic boxes); files with problems are listed.",
        )


def show_import_result() -> None:
    """What the last import did: the files that were not imported, and why."""
    outcome = state(LibKey.IMPORTED)
    if not outcome:
        return
    names, problems, *rest = outcome
    notes = rest[0] if rest else []
    if notes:
        lines = []
        for file_name, found in notes:
            more = f" (and {len(found) - SHOWN_PROBLEMS} more)" if len(found) > SHOWN_PROBLEMS else ""
            lines.append(f"- **{plain(file_name)}**: " + "; ".join(plain(p) for p in found[:SHOWN_PROBLEMS]) + more)
        st.info("Imported from diagrams drawn elsewhere; open them on the Board to pick kinds:\n\n"
                + "\n".join(lines), icon=":material/info:")
    if not problems:
        if notes:
            st.button("Dismiss", key="lib.import_dismiss_notes", on_click=_dismiss, type="tertiary")
        return
    lines = []
    for file_name, found in problems:
        more = f" (and {len(found) - SHOWN_PROBLEMS} more problems)" if len(found) > SHOWN_PROBLEMS else ""
        lines.append(f"- **{plain(file_name)}**: " + "; ".join(plain(p) for p in found[:SHOWN_PROBLEMS]) + more)
    head = f"Imported {plural(len(names), 'design')}; " if names else "Nothing was imported: "
    st.error(head + ("1 file is not a valid design and was skipped:\n\n" if len(problems) == 1 else
                    f"{len(problems)} files are not valid designs and were skipped:\n\n") + "\n".join(lines),
             icon=":material/error:")
    st.button("Dismiss", key="lib.import_dismiss", on_click=_dismiss, type="tertiary")


def _zip_name() -> str:
    return f"mlsd-library-{datetime.now(UTC):%Y%m%d-%H%M}.zip"


def show_export(count: int) -> None:
    """The "Export all" button: a zip made when clicked."""
    st.download_button(
        "Export all", data=lambda: export_zip(store()), file_name=_zip_name(), mime="application/zip",
        key="lib.export", icon=":material/download:", on_click="ignore", disabled=count == 0,
        help="Download every design in the library (not the trash) as a zip of JSON files, one per design, "
             "latest revision. Importing them gives the same designs back.",
    )
