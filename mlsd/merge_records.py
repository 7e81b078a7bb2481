"""What a three-way merge of designs returns (``mlsd.merge``), and the plain-data form of a design it works on.

Here "component" means a placed block of a design. A ``Merge`` holds the changes taken from each side, the
conflicts left for the person to pick (``Conflict``: base, mine and theirs values as text, shown side by side
by the Board), and the ``Draft``: the merged design as plain data keyed for merging, conflicts holding theirs'
value until picked.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from mlsd.io import DesignError
from mlsd.model import Design

Side = Literal["mine", "theirs"]
Pick = Literal["mine", "theirs", "both"]
ConflictKind = Literal["value", "deleted", "added"]
FIELDS = ("name", "description", "tags", "notes")
CONN_FIELDS = ("ends", "flow", "label", "fallback")
WaiverKey = tuple[str, tuple[str, ...], str]
Dep = tuple[str, Any, dict[str, Any]]  # ("connections", id, connection) or ("waivers", key, waiver)
WHO = {"mine": "you", "theirs": "they"}


class MergeError(DesignError):
    """The picks cannot make a valid design: a conflict not picked, or picks that leave a connection dangling."""


@dataclass(frozen=True)
class Change:
    """One change a side made from the base that the merge took: where (``anchor``) and what, as a line."""

    side: Side
    anchor: str
    text: str


@dataclass(frozen=True, eq=False)
class Conflict:
    """Both sides changed one thing differently. ``key`` names it for ``resolve``'s picks; ``base``, ``mine`` and
    ``theirs`` are the three values as text; ``options`` the picks allowed (``both`` for two additions)."""

    key: str
    anchor: str
    kind: ConflictKind
    detail: str
    base: str
    mine: str
    theirs: str
    options: tuple[Pick, ...]
    path: tuple[Any, ...] = field(repr=False)
    values: Mapping[str, Any] = field(repr=False)  # pick -> what it writes at ``path`` (None: absent)
    deps: Mapping[str, tuple[Dep, ...]] = field(default_factory=dict, repr=False)  # what follows a kept block


@dataclass
class Draft:
    """A design as plain data keyed for merging (waivers keyed by rule, sorted blocks and reason)."""

    fields: dict[str, Any]
    requirements: dict[str, Any]
    blocks: dict[str, dict[str, Any]]
    connections: dict[str, dict[str, Any]]
    waivers: dict[WaiverKey, dict[str, Any]]


@dataclass(frozen=True, eq=False)
class Merge:
    """The result of ``three_way``: the merged ``design`` when ``clean``, else the ``conflicts`` to pick."""

    design: Design | None
    from_mine: tuple[Change, ...]
    from_theirs: tuple[Change, ...]
    conflicts: tuple[Conflict, ...]
    overridden: tuple[str, ...]
    draft: Draft = field(repr=False)
    theirs_draft: Draft = field(repr=False)

    @property
    def clean(self) -> bool:
        return not self.conflicts

    def summary(self, revision: int, author: str | None = None) -> str:
        """One line for a revision message or a toast: what came from where."""
        by = f" by {author}" if author else ""
        text = (f"merged {plural(len(self.from_theirs), 'change')} from revision {revision}{by} with "
                f"{plural(len(self.from_mine), 'change')} of yours")
        return text + (f"; {'; '.join(self.overridden)}" if self.overridden else "")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def show(value: Any, limit: int = 300) -> str:
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def show_block(b: dict[str, Any] | None) -> str:
    if b is None:
        return "(deleted)"
    props = ", ".join(f"{k}={show(v, 40)}" for k, v in b["props"].items())
    at = f" at ({b['position']['x']:g}, {b['position']['y']:g})"
    return f"{b['label'] or b['kind']} ({b['kind']}){at}{': ' + props if props else ''}"


def show_conn(e: dict[str, Any] | None) -> str:
    if e is None:
        return "(deleted)"
    extra = "".join([f" {e['label']!r}" if e["label"] else "", " (fallback)" if e["fallback"] else ""])
    return f"{e['source']} -> {e['target']}, {e['flow']}{extra}"


def wkey(w: dict[str, Any]) -> WaiverKey:
    return (w["rule"], tuple(sorted(w["components"])), w["reason"])


def flat(d: Design) -> Draft:
    data = d.model_dump(mode="json")
    return Draft(
        fields={k: data[k] for k in FIELDS}, requirements=data["requirements"],
        blocks={c["id"]: c for c in data["components"]}, connections={e["id"]: e for e in data["connections"]},
        waivers={wkey(w): {**w, "components": sorted(w["components"])} for w in data["waivers"]},
    )


def get(e: dict[str, Any] | None, name: str) -> Any:
    if e is None:
        return None
    return [e["source"], e["target"]] if name == "ends" else e.get(name)


def set_at(d: Draft, path: tuple[Any, ...], value: Any) -> None:
    """Write ``value`` at ``path`` (None removes a block, connection or prop)."""
    head, *rest = path
    if head in ("fields", "requirements"):
        getattr(d, head)[rest[0]] = value
        return
    items: dict[Any, Any] = getattr(d, head)
    if len(rest) == 1:
        if value is None:
            items.pop(rest[0], None)
        else:
            items[rest[0]] = copy.deepcopy(value)
        return
    item = items.get(rest[0])
    if item is None:
        return
    if rest[1] == "props":
        item["props"].pop(rest[2], None) if value is None else item["props"].__setitem__(rest[2], value)
    elif rest[1] == "ends":
        item["source"], item["target"] = value
    else:
        item[rest[1]] = value
