"""Import onto the board (a Streamlit UI piece): a file upload (our JSON/YAML, Mermaid, draw.io, Excalidraw) or
pasted Mermaid, then, for a diagram drawn elsewhere, a mapping table where the person picks kinds first.

A file is read by ``mlsd.formats.load`` into a Draft. Our own files (every kind known from our data, nothing
skipped) replace the design at once (after asking, when there are unsaved changes). Otherwise the Draft waits in
the session: the table lists every block with the kind found (from a class, the label's last line or a keyword;
``mlsd.formats.keywords``) or "Generic box" when none was, each editable; the elements not imported are listed;
"Create design" builds it. Files over the size limit are refused before parsing; a file with problems lists
them one per line and changes nothing.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.board import state as bs
from components.common.markup import plain, plural
from mlsd.catalog import KINDS
from mlsd.edit import has_layout, move_blocks
from mlsd.formats import REGISTRY, load
from mlsd.formats.draft import GENERIC, Draft
from mlsd.formats.layout import auto_layout
from mlsd.io import MAX_FILE_BYTES, DesignError
from mlsd.model import Design

UPLOAD_KEY = "board.import.file"
PASTE_KEY = "board.import.paste"
IMPORT_ERRORS = "board.import.errors"
DRAFT_KEY = "board.import.draft"
MAPPING_KEY = "board.import.mapping"
MAX_UPLOAD_MB = MAX_FILE_BYTES // 2**20
READ_SUFFIXES = [ext.lstrip(".") for f in REGISTRY.values() if f.reads for ext in f.extensions]
FOUND_BY = {"data": "saved kind", "class": "Mermaid class", "label": "label names it", "keyword": "keyword",
            "": "not found"}


def format_for(name: str, data: bytes) -> str:
    """The format of an uploaded file from its extension (JSON or YAML guessed from the content otherwise)."""
    lower = name.lower()
    for fmt, spec in REGISTRY.items():
        if spec.reads and lower.endswith(spec.extensions):
            if fmt == "json" and b'"excalidraw' in data[:200]:
                return "excalidraw"  # an Excalidraw scene saved as .json
            return fmt
    return "json" if data.lstrip()[:1] in (b"{", b"[") else "yaml"


def read_draft(name: str, data: bytes) -> Draft:
    """An uploaded file as a Draft; DesignError lists the problems."""
    if len(data) > MAX_FILE_BYTES:
        raise DesignError([f"file is {len(data) / 1e6:.1f} MB; designs are limited to {MAX_UPLOAD_MB} MB"], name)
    return load(data, format_for(name, data), name)


def needs_review(draft: Draft) -> bool:
    """Whether the person should see the mapping table: a kind was guessed or not found, or something skipped."""
    return draft.complete is None and (bool(draft.skipped) or any(b.how not in ("data",) for b in draft.blocks))


def laid_out(design: Design) -> Design:
    return design if has_layout(design) else move_blocks(design, auto_layout(design))


def read_upload(name: str, data: bytes) -> Design:
    """An uploaded file as a Design (unresolved kinds generic; laid out when it has no positions)."""
    return laid_out(read_draft(name, data).build(source=name))


def _take(name: str, draft: Draft) -> None:
    st.session_state[IMPORT_ERRORS] = None
    if needs_review(draft):
        st.session_state[DRAFT_KEY] = (name, draft)
        st.session_state.pop(MAPPING_KEY, None)
        return
    try:
        design = laid_out(draft.build(source=name))
    except DesignError as exc:
        st.session_state[IMPORT_ERRORS] = (name, exc.problems)
        return
    _replace(name, design)


def _replace(name: str, design: Design) -> None:
    if bs.request_replace(bs.Pending(design, f"the file {name!r}")):
        bs.flash("success", f"Imported {name!r}: {len(design.components)} blocks, "
                            f"{len(design.connections)} connections.")


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
        draft = read_draft(uploaded.name, uploaded.getvalue())
    except DesignError as exc:
        st.session_state[IMPORT_ERRORS] = (uploaded.name, exc.problems)
        return
    _take(uploaded.name, draft)


def _on_paste() -> None:
    text = str(st.session_state.get(PASTE_KEY) or "")
    try:
        draft = load(text.encode("utf-8"), "mermaid", "pasted Mermaid")
    except DesignError as exc:
        st.session_state[IMPORT_ERRORS] = ("The pasted Mermaid", exc.problems)
        return
    _take("pasted Mermaid", draft)


def _kind_name(kind: Any) -> str:
    entry = KINDS.get(str(kind))
    return f"{entry.label} ({entry.kind})" if entry else str(kind)


def mapping_rows(draft: Draft) -> list[dict[str, str]]:
    return [{"block": b.id, "text": b.label, "kind": b.kind or GENERIC, "found": FOUND_BY.get(b.how, b.how)}
            for b in draft.blocks]


def chosen_kinds(draft: Draft, edited: Any) -> dict[str, str]:
    """The kinds picked in the table (rows in the draft's block order); a cleared cell means generic."""
    rows = edited.to_dict("records") if hasattr(edited, "to_dict") else list(edited)
    picked = {b.id: row.get("kind") for b, row in zip(draft.blocks, rows, strict=False)}
    return {block: kind if isinstance(kind, str) and kind else GENERIC for block, kind in picked.items()}


def _create(name: str, draft: Draft, kinds: dict[str, str]) -> None:
    try:
        design = laid_out(draft.build(kinds, name))
    except DesignError as exc:
        st.session_state[IMPORT_ERRORS] = (name, exc.problems)
        return
    st.session_state[DRAFT_KEY] = None
    _replace(name, design)


def _cancel() -> None:
    st.session_state[DRAFT_KEY] = None


def show_mapping(name: str, draft: Draft) -> None:
    """The mapping table of a parked import, what was not imported, and Create / Cancel."""
    import pandas as pd

    unresolved = len(draft.unresolved())
    st.markdown(f"**{plain(name)}**: {len(draft.blocks)} blocks, {len(draft.edges)} connections. "
                + (f"{plural(unresolved, 'block')} {'has' if unresolved == 1 else 'have'} no known kind yet: pick "
                   "one in the Kind column, or keep *Generic box*. " if unresolved
                   else "Check the kinds found, then create the design. "))
    edited = st.data_editor(
        pd.DataFrame(mapping_rows(draft), columns=["block", "text", "kind", "found"]), key=MAPPING_KEY,
        hide_index=True, disabled=["block", "text", "found"], width="stretch", num_rows="fixed",
        column_config={
            "block": st.column_config.TextColumn("Block id", width="small"),
            "text": st.column_config.TextColumn("Text in the file"),
            "kind": st.column_config.SelectboxColumn("Kind", options=list(KINDS), format_func=_kind_name,
                                                     required=True, width="medium"),
            "found": st.column_config.TextColumn("Kind from", width="small"),
        })
    kinds = chosen_kinds(draft, edited)
    generic = sum(kind == GENERIC for kind in kinds.values())
    st.caption(f"{plural(generic, 'block')} will be {'a Generic box' if generic == 1 else 'Generic boxes'}."
               if generic else "Every block has a kind.")
    if draft.skipped:
        lines = "\n".join(f"- {plain(s)}" for s in draft.skipped[:30])
        more = f"\n- … and {len(draft.skipped) - 30} more" if len(draft.skipped) > 30 else ""
        st.warning(f"Not imported ({len(draft.skipped)}):\n\n{lines}{more}", icon=":material/info:")
    left, right = st.columns(2)
    left.button("Create design", key="board.import.create", type="primary", icon=":material/check:",
                on_click=_create, args=(name, draft, kinds), width="stretch")
    right.button("Cancel", key="board.import.cancel", on_click=_cancel, width="stretch")


def show_import() -> None:
    """The uploader, a paste box for Mermaid, the mapping table of a file drawn elsewhere, and the problems of
    the last file that could not be read."""
    parked = st.session_state.get(DRAFT_KEY)
    if parked:
        show_mapping(*parked)
        return
    st.file_uploader(
        "Import a design or a diagram", type=READ_SUFFIXES, key=UPLOAD_KEY, on_change=_on_upload,
        max_upload_size=MAX_UPLOAD_MB,
        help=f"A design file (.json, .yaml), or a diagram from Mermaid (.mmd), draw.io (.drawio) or Excalidraw "
             f"(.excalidraw), at most {MAX_UPLOAD_MB} MB. It replaces the design on the board (you are asked "
             "first when there are unsaved changes); a file with problems changes nothing.",
    )
    with st.expander("Paste Mermaid", icon=":material/content_paste:"):
        st.text_area("Mermaid flowchart", key=PASTE_KEY, height=140, placeholder="flowchart LR\n  A[Users] --> B",
                     help="A Mermaid flowchart (as in a GitHub README); node text names the kinds.")
        st.button("Import Mermaid", key="board.import.paste_go", on_click=_on_paste, icon=":material/upload:")
    failed = st.session_state.get(IMPORT_ERRORS)
    if failed:
        name, problems = failed
        lines = "\n".join(f"- {plain(p)}" for p in problems[:50])
        more = f"\n- … and {len(problems) - 50} more" if len(problems) > 50 else ""
        st.error(f"{plain(name)} is not a valid design; the board is unchanged.\n\n{lines}{more}",
                 icon=":material/error:")
