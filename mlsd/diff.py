"""What changed between two designs (here "component" means a placed block of a design).

``diff_designs(a, b)`` compares the old design ``a`` with the new design ``b``: the design's own fields,
requirements, blocks (added, removed, changed kind, label or props with old and new values, or only moved on the
canvas), connections, waivers, and the checklist findings introduced or resolved. Blocks and connections are
matched by id; findings by (rule, blocks, connections), so a finding whose message wording changes is the same.
A ``None`` old value means the value was added, a ``None`` new value that it was removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mlsd.model import Component, Connection, Design, Waiver

if TYPE_CHECKING:
    from mlsd.rules.engine import Finding, Report

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class ValueChange:
    """One field whose value differs: ``field`` is e.g. ``label``, ``props.p99_ms``, ``sla_p99_ms``, ``tags``."""

    field: str
    old: Any
    new: Any

    @property
    def change(self) -> ChangeKind:
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "change": self.change, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class ItemChange:
    """A block or connection present in both designs whose fields differ."""

    id: str
    title: str
    changes: tuple[ValueChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "changes": [c.to_dict() for c in self.changes]}


@dataclass(frozen=True)
class DesignDiff:
    """Everything that changed from design ``a`` (old) to design ``b`` (new)."""

    fields: tuple[ValueChange, ...]
    requirements: tuple[ValueChange, ...]
    blocks_added: tuple[Component, ...]
    blocks_removed: tuple[Component, ...]
    blocks_changed: tuple[ItemChange, ...]
    blocks_moved: tuple[str, ...]
    connections_added: tuple[Connection, ...]
    connections_removed: tuple[Connection, ...]
    connections_changed: tuple[ItemChange, ...]
    waivers_added: tuple[Waiver, ...]
    waivers_removed: tuple[Waiver, ...]
    findings_introduced: tuple[Finding, ...]
    findings_resolved: tuple[Finding, ...]

    @property
    def empty(self) -> bool:
        """True when the designs are the same (block positions included)."""
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def to_dict(self) -> dict[str, Any]:
        return {
            "fields": [c.to_dict() for c in self.fields],
            "requirements": [c.to_dict() for c in self.requirements],
            "blocks": {
                "added": [c.model_dump(mode="json") for c in self.blocks_added],
                "removed": [c.model_dump(mode="json") for c in self.blocks_removed],
                "changed": [c.to_dict() for c in self.blocks_changed],
                "moved": list(self.blocks_moved),
            },
            "connections": {
                "added": [e.model_dump(mode="json") for e in self.connections_added],
                "removed": [e.model_dump(mode="json") for e in self.connections_removed],
                "changed": [c.to_dict() for c in self.connections_changed],
            },
            "waivers": {
                "added": [w.model_dump(mode="json") for w in self.waivers_added],
                "removed": [w.model_dump(mode="json") for w in self.waivers_removed],
            },
            "findings": {
                "introduced": [f.to_dict() for f in self.findings_introduced],
                "resolved": [f.to_dict() for f in self.findings_resolved],
            },
        }

    def lines(self) -> list[str]:
        """The diff as short lines of text (``+`` added, ``-`` removed, ``~`` changed)."""
        out = [f"~ {c.field}: {_show(c.old)} -> {_show(c.new)}" for c in self.fields]
        out += [f"~ requirements.{c.field}: {_show(c.old)} -> {_show(c.new)}" for c in self.requirements]
        out += [f"+ block {c.id} ({c.title}, {c.kind})" for c in self.blocks_added]
        out += [f"- block {c.id} ({c.title}, {c.kind})" for c in self.blocks_removed]
        for item in self.blocks_changed:
            out += [f"~ block {item.id} {c.field}: {_show(c.old)} -> {_show(c.new)}" for c in item.changes]
        if self.blocks_moved:
            out.append(f"~ moved {len(self.blocks_moved)} block(s): {', '.join(self.blocks_moved)}")
        out += [f"+ connection {e.id} ({e.source} -> {e.target}, {e.flow})" for e in self.connections_added]
        out += [f"- connection {e.id} ({e.source} -> {e.target}, {e.flow})" for e in self.connections_removed]
        for item in self.connections_changed:
            out += [f"~ connection {item.id} {c.field}: {_show(c.old)} -> {_show(c.new)}" for c in item.changes]
        out += [f"+ waiver {w.rule}: {w.reason}" for w in self.waivers_added]
        out += [f"- waiver {w.rule}: {w.reason}" for w in self.waivers_removed]
        out += [f"+ finding {f.rule} ({f.severity}): {f.message}" for f in self.findings_introduced]
        out += [f"- finding {f.rule} ({f.severity}): {f.message} (resolved)" for f in self.findings_resolved]
        return out


def _show(value: Any) -> str:
    text = "(none)" if value is None else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _changes(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[ValueChange]:
    """Field by field, in a stable order: old's keys first, then keys only in new."""
    keys = list(old) + [k for k in new if k not in old]
    return [ValueChange(prefix + k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _block_changes(a: Component, b: Component) -> list[ValueChange]:
    out = _changes({"kind": a.kind, "label": a.label or None}, {"kind": b.kind, "label": b.label or None})
    return out + _changes(dict(a.props), dict(b.props), "props.")


def _connection_changes(a: Connection, b: Connection) -> list[ValueChange]:
    keys = ("source", "target", "flow", "label", "fallback")
    return _changes({k: getattr(a, k) for k in keys}, {k: getattr(b, k) for k in keys})


def _finding_key(f: Finding) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    return (f.rule, tuple(f.components), tuple(f.connections))


def _waiver_key(w: Waiver) -> tuple[str, tuple[str, ...], str]:
    return (w.rule, tuple(w.components), w.reason)


def diff_designs(a: Design, b: Design, *, report_a: Report | None = None, report_b: Report | None = None
                 ) -> DesignDiff:
    """Compare design ``a`` (old) with ``b`` (new). Pass reports already computed to avoid checking again."""
    from mlsd.rules import check

    fields = _changes(
        {"name": a.name, "description": a.description or None, "tags": a.tags or None, "notes": a.notes or None},
        {"name": b.name, "description": b.description or None, "tags": b.tags or None, "notes": b.notes or None},
    )
    requirements = _changes(a.requirements.model_dump(), b.requirements.model_dump())

    old_blocks, new_blocks = a.by_id(), b.by_id()
    changed: list[ItemChange] = []
    moved: list[str] = []
    for block in b.components:
        before = old_blocks.get(block.id)
        if before is None:
            continue
        diffs = _block_changes(before, block)
        if diffs:
            changed.append(ItemChange(block.id, block.title, tuple(diffs)))
        elif before.position != block.position:
            moved.append(block.id)

    old_edges = {e.id: e for e in a.connections}
    new_edges = {e.id: e for e in b.connections}
    edges_changed = [
        ItemChange(e.id, f"{e.source} -> {e.target}", tuple(d))
        for e in b.connections
        if e.id in old_edges and (d := _connection_changes(old_edges[e.id], e))
    ]

    old_waivers = {_waiver_key(w) for w in a.waivers}
    new_waivers = {_waiver_key(w) for w in b.waivers}

    found_a = (report_a or check(a)).findings
    found_b = (report_b or check(b)).findings
    keys_a = {_finding_key(f) for f in found_a}
    keys_b = {_finding_key(f) for f in found_b}

    return DesignDiff(
        fields=tuple(fields),
        requirements=tuple(requirements),
        blocks_added=tuple(c for c in b.components if c.id not in old_blocks),
        blocks_removed=tuple(c for c in a.components if c.id not in new_blocks),
        blocks_changed=tuple(changed),
        blocks_moved=tuple(moved),
        connections_added=tuple(e for e in b.connections if e.id not in old_edges),
        connections_removed=tuple(e for e in a.connections if e.id not in new_edges),
        connections_changed=tuple(edges_changed),
        waivers_added=tuple(w for w in b.waivers if _waiver_key(w) not in old_waivers),
        waivers_removed=tuple(w for w in a.waivers if _waiver_key(w) not in new_waivers),
        findings_introduced=tuple(f for f in found_b if _finding_key(f) not in keys_a),
        findings_resolved=tuple(f for f in found_a if _finding_key(f) not in keys_b),
    )
