"""Compare two revisions of a design (a Streamlit UI piece): both diagrams side by side with the changes coloured,
then the changes listed — blocks, connections and props added, removed or changed, requirements, waivers, and the
findings introduced or resolved.

Revisions never change once saved, so a comparison is computed once per (library, design, revision pair) and
kept (``st.cache_resource``; the result is read-only). Diagrams come from ``mlsd.formats.diff_dot``; user text in the
lists goes through ``markup.plain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from components.common.markup import plain, plural
from components.common.people import unlinked
from components.common.store import store
from components.library.state import LibKey, state
from mlsd.diff import DesignDiff, ValueChange, diff_designs
from mlsd.formats.diff_dot import diff_dots
from mlsd.formats.style import kind_label
from mlsd.model import Design
from mlsd.rules import Finding
from mlsd.store import RevisionInfo, default_path

SEVERITY_ICON = {"error": "⛔", "warning": "⚠️", "info": "ℹ️"}
LEGEND = ("**Colours:** :green-background[green: added] · :red-background[red, dashed: removed] · "
          ":orange-background[amber: changed] · grey: unchanged. The older revision is on the left.")


@dataclass(frozen=True)
class Comparison:
    """Two revisions of a design, what changed between them, and both diagrams with the changes coloured."""

    old: RevisionInfo
    new: RevisionInfo
    old_design: Design
    new_design: Design
    diff: DesignDiff
    dot_old: str
    dot_new: str


def revision_label(info: RevisionInfo) -> str:
    text = f"Revision {info.number} · {info.created_at[:16].replace('T', ' ')}"
    return text + (f" · {info.message}" if info.message else "")


@st.cache_resource(max_entries=32, show_spinner="Comparing the revisions…")
def compare(db: str, design_id: str, old: int, new: int, focus: bool) -> Comparison:
    """The comparison of revisions ``old`` and ``new`` of a design (``db`` keys the cache by library file);
    ``focus``: the diagrams show only the blocks that changed and their neighbours."""
    library = store()
    a, b = library.open(design_id, old), library.open(design_id, new)
    diff = diff_designs(a.design, b.design)
    dot_old, dot_new = diff_dots(a.design, b.design, diff, title_a=f"Revision {old}", title_b=f"Revision {new}",
                                rankdir="TB", focus=focus)
    return Comparison(a, b, a.design, b.design, diff, dot_old, dot_new)


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return plain(text if len(text) <= 60 else text[:59] + "…")


def _change(c: ValueChange) -> str:
    field = c.field.replace("`", "'")
    return f"`{field}` {_value(c.old)} → {_value(c.new)}"


def _finding(f: Finding, titles: dict[str, str]) -> str:
    on = ", ".join(plain(titles.get(b, b)) for b in f.components[:3])
    return f"{SEVERITY_ICON[f.severity]} `{f.rule}` **{plain(f.title)}**: {plain(f.message)}" + (
        f" *(on {on})*" if on else "")


def summary_badges(diff: DesignDiff) -> list[tuple[str, str]]:
    """(text, colour) of each non-zero count of changes, in reading order."""
    counts = [
        (len(diff.blocks_added), "block added", "blocks added", "green"),
        (len(diff.blocks_removed), "block removed", "blocks removed", "red"),
        (len(diff.blocks_changed), "block changed", "blocks changed", "orange"),
        (len(diff.connections_added), "connection added", "connections added", "green"),
        (len(diff.connections_removed), "connection removed", "connections removed", "red"),
        (len(diff.connections_changed), "connection changed", "connections changed", "orange"),
        (len(diff.fields) + len(diff.requirements), "design field changed", "design fields changed", "orange"),
        (len(diff.waivers_added) + len(diff.waivers_removed), "waiver changed", "waivers changed", "violet"),
        (len(diff.findings_introduced), "finding introduced", "findings introduced", "red"),
        (len(diff.findings_resolved), "finding resolved", "findings resolved", "green"),
        (len(diff.blocks_moved), "block moved", "blocks moved", "gray"),
    ]
    return [(f"{n} {one if n == 1 else many}", color) for n, one, many, color in counts if n]


def diff_sections(diff: DesignDiff, old: Design, new: Design) -> list[tuple[str, list[str]]]:
    """The changes as Markdown lines under headings (only the headings with something under them)."""
    old_titles = {c.id: c.title for c in old.components}
    new_titles = {c.id: c.title for c in new.components}
    titles = {**old_titles, **new_titles}

    def ends(source: str, target: str) -> str:
        return f"{plain(titles.get(source, source))} → {plain(titles.get(target, target))}"

    blocks = [f"➕ **{plain(c.title)}** ({plain(kind_label(c))}) added" for c in diff.blocks_added]
    blocks += [f"➖ **{plain(c.title)}** ({plain(kind_label(c))}) removed" for c in diff.blocks_removed]
    blocks += [f"✏️ **{plain(item.title)}**: " + "; ".join(_change(c) for c in item.changes)
               for item in diff.blocks_changed]
    if diff.blocks_moved:
        blocks.append(f"↔️ {plural(len(diff.blocks_moved), 'block')} moved on the canvas: "
                      + ", ".join(plain(titles.get(b, b)) for b in diff.blocks_moved[:10])
                      + (" …" if len(diff.blocks_moved) > 10 else ""))
    connections = [f"➕ {ends(e.source, e.target)} ({e.flow}) added" for e in diff.connections_added]
    connections += [f"➖ {ends(e.source, e.target)} ({e.flow}) removed" for e in diff.connections_removed]
    edges = {e.id: e for e in (*new.connections, *old.connections)}
    connections += [
        f"✏️ {ends(edges[item.id].source, edges[item.id].target)}: " + "; ".join(_change(c) for c in item.changes)
        for item in diff.connections_changed if item.id in edges
    ]
    design = [f"✏️ {_change(c)}" for c in diff.fields]
    design += [f"✏️ requirements {_change(c)}" for c in diff.requirements]
    waivers = [f"➕ `{w.rule}` accepted: {plain(w.reason)}" for w in diff.waivers_added]
    waivers += [f"➖ `{w.rule}` no longer accepted (was: {plain(w.reason)})" for w in diff.waivers_removed]
    findings = [f"🆕 {_finding(f, new_titles)}" for f in diff.findings_introduced]
    findings += [f"✅ resolved: {_finding(f, old_titles)}" for f in diff.findings_resolved]
    sections = [("Blocks", blocks), ("Connections", connections), ("Design and requirements", design),
                ("Accepted risks (waivers)", waivers), ("Findings", findings)]
    return [(title, lines) for title, lines in sections if lines]


def _pick(history: list[RevisionInfo]) -> tuple[int, int]:
    numbers = [r.number for r in history]
    if state(LibKey.DIFF_NEW) not in numbers:
        st.session_state[LibKey.DIFF_NEW.value] = numbers[-1]
    if state(LibKey.DIFF_OLD) not in numbers:
        st.session_state[LibKey.DIFF_OLD.value] = numbers[-2]
    labels = {r.number: revision_label(r) for r in history}
    old_col, new_col = st.columns(2)
    old = old_col.selectbox("Older revision (left)", numbers[::-1], key=LibKey.DIFF_OLD.value,
                            format_func=lambda n: labels[n])
    new = new_col.selectbox("Newer revision (right)", numbers[::-1], key=LibKey.DIFF_NEW.value,
                            format_func=lambda n: labels[n])
    return int(old), int(new)


def show_compare(design_id: str, history: list[RevisionInfo]) -> None:
    """Pick two revisions; see both diagrams with the changes coloured, and the list of changes."""
    if len(history) < 2:
        st.info("This design has one revision so far. Change it on the Board and save: the next revision can be "
                "compared with this one.", icon=":material/compare:")
        return
    old, new = _pick(history)
    if old == new:
        st.info("Pick two different revisions to compare.")
        return
    focus = st.toggle("Only the changes and their neighbours", key=LibKey.DIFF_FOCUS.value, value=True,
                      help="Draw only the blocks that were added, removed or changed, and the blocks connected to "
                           "them: the diagrams stay readable on large designs. Off: the whole designs.")
    show_pair(design_id, old, new, bool(focus))


def show_pair(design_id: str, old: int, new: int, focus: bool = True) -> None:
    """Revisions ``old`` and ``new`` side by side with the changes coloured, then the list of changes."""
    result = compare(str(default_path()), design_id, old, new, focus)
    diff = result.diff
    if diff.empty:
        st.success("These two revisions are identical.")
        return
    st.markdown(" ".join(f":{color}-badge[{text}]" for text, color in summary_badges(diff)))
    left, right = st.columns(2, border=True)
    with left:
        st.markdown(f"**{unlinked(revision_label(result.old))}**")
        st.graphviz_chart(result.dot_old, width="stretch")
    with right:
        st.markdown(f"**{unlinked(revision_label(result.new))}**")
        st.graphviz_chart(result.dot_new, width="stretch")
    st.caption(LEGEND)
    sections = diff_sections(diff, result.old_design, result.new_design)
    cols = st.columns(2, gap="large")
    for i, (title, lines) in enumerate(sections):
        with cols[i % 2]:
            st.markdown(f"**{title}**")
            st.markdown("\n".join(f"- {line}" for line in lines))
