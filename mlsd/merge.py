"""Three-way merge of designs: two people changed the same base revision; put both together, lose nothing.

Here "component" means a placed block of a design. ``three_way(base, mine, theirs)`` compares each side with the
base leaf by leaf (the same fields ``mlsd.diff`` reports) and takes every change only one side made, or both
made alike; a leaf both sides set differently is a ``Conflict`` for the person to pick, and ``resolve(merge,
picks)`` applies the picks. Nothing is dropped silently: every change of either side is in the result, in a
conflict, or (block positions only) named in ``Merge.overridden``.

The leaves: the design's name, description, tags and notes (text is one leaf: a conflict unless one side left it
alone); each requirement; each block's kind, label, each prop, and its position; each connection's ends (source
and target together, so that two half-changes cannot make a loop), flow, label and fallback mark; each waiver
(rule, blocks and reason together: a waiver never conflicts, two different reasons are two waivers).

The rules beyond "one side changed it":
- Positions never conflict (a moved-only block is not worth a dialog). Moved by one side, it goes there; moved
  by both to different places it stays where theirs, the revision already saved and seen, put it; moved by one
  side and deleted by the other, it is deleted. Both cases are named in ``overridden``.
- A block deleted by one side and changed by the other (kind, label or a prop; a connection to it added or
  changed; a waiver naming it added) is one conflict: keep the block (the keeper's version of it and of its
  connections come back) or delete it (with every connection to it and its mention in waivers, as
  ``mlsd.edit.delete_block`` does). A block or connection deleted by one side and left alone by the other goes.
- Both sides adding one id with different content (position included: two blocks dropped at different places
  are two blocks) is a conflict with a third pick, ``both``: theirs keeps the id, mine gets a fresh one
  (``mlsd.edit.fresh_id``) and mine's connections to it follow.
- A connection deleted by one side and changed by the other is a conflict, unless it went with a block that is
  itself in a conflict: then it follows the block's pick.
Order: theirs' blocks and connections in their order, then mine's new ones in mine's order.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from mlsd.edit import fresh_id
from mlsd.merge_records import (
    CONN_FIELDS,
    FIELDS,
    WHO,
    Change,
    Conflict,
    ConflictKind,
    Dep,
    Draft,
    Merge,
    MergeError,
    Pick,
    flat,
    get,
    set_at,
    show,
    show_block,
    show_conn,
)
from mlsd.model import Design

__all__ = ["Change", "Conflict", "Merge", "MergeError", "Pick", "resolve", "three_way"]

def _leaf(b: Any, m: Any, t: Any) -> tuple[str, Any]:
    """How a leaf merges: ``same`` (nobody changed it), ``both`` (alike), ``mine``/``theirs``, or ``conflict``."""
    if m == t:
        return ("same" if m == b else "both"), m
    if m == b:
        return "theirs", t
    if t == b:
        return "mine", m
    return "conflict", t


def _touches(e: dict[str, Any], block: str) -> bool:
    return block in (e["source"], e["target"])


class _Merger:
    def __init__(self, base: Design, mine: Design, theirs: Design) -> None:
        self.b, self.m, self.t = flat(base), flat(mine), flat(theirs)
        self.out = Draft(dict(self.t.fields), dict(self.t.requirements), {}, {}, {})
        self.changes: list[Change] = []
        self.conflicts: list[Conflict] = []
        self.overridden: list[str] = []
        self.held: dict[str, str] = {}  # block id -> the side that deleted it, for blocks in a conflict

    def side(self, name: str) -> Draft:
        return self.m if name == "mine" else self.t

    def took(self, how: str, anchor: str, text: str) -> None:
        for side in ("mine", "theirs"):
            if how in (side, "both"):
                self.changes.append(Change(side, anchor, text))

    def conflict(self, path: tuple[Any, ...], anchor: str, kind: ConflictKind, detail: str,
                 shown: tuple[str, str, str], values: dict[str, Any], deps: Mapping[str, tuple[Dep, ...]] = {}
                 ) -> None:
        options: tuple[Pick, ...] = ("mine", "theirs", "both") if kind == "added" else ("mine", "theirs")
        self.conflicts.append(Conflict("/".join(str(p) for p in path), anchor, kind, detail, *shown, options, path,
                                       values, deps))

    def value(self, path: tuple[Any, ...], anchor: str, b: Any, m: Any, t: Any) -> None:
        how, value = _leaf(b, m, t)
        if how == "conflict":
            self.conflict(path, anchor, "value", f"You and they set {anchor} to different values.",
                          (show(b), show(m), show(t)), {"mine": m, "theirs": t})
        elif how != "same":
            self.took(how, anchor, f"{anchor}: {show(b, 60)} -> {show(value, 60)}")
        set_at(self.out, path, value)

    # -- the design's fields and requirements

    def fields(self) -> None:
        for name in FIELDS:
            self.value(("fields", name), name, self.b.fields[name], self.m.fields[name], self.t.fields[name])
        for name in self.b.requirements:
            self.value(("requirements", name), f"requirements.{name}", self.b.requirements[name],
                       self.m.requirements[name], self.t.requirements[name])

    # -- blocks

    def blocks(self) -> None:
        b, m, t = self.b.blocks, self.m.blocks, self.t.blocks
        for bid in [*t, *(i for i in m if i not in t), *(i for i in b if i not in t and i not in m)]:
            bb, mb, tb = b.get(bid), m.get(bid), t.get(bid)
            if bb is None:
                self.added("blocks", bid, mb, tb)
            elif mb is not None and tb is not None:
                self.block_fields(bid, bb, mb, tb)
            elif mb is None and tb is None:
                self.took("both", f"block {bid!r}", f"deleted block {bid!r}")
            else:
                self.deleted_block(bid, bb, mb, tb)

    def block_fields(self, bid: str, bb: dict[str, Any], mb: dict[str, Any], tb: dict[str, Any]) -> None:
        self.out.blocks[bid] = copy.deepcopy(tb)
        anchor = f"block {bid!r}"
        for name in ("kind", "label"):
            self.value(("blocks", bid, name), f"{anchor} {name}", bb[name], mb[name], tb[name])
        for p in dict.fromkeys([*tb["props"], *mb["props"], *bb["props"]]):
            self.value(("blocks", bid, "props", p), f"{anchor} props.{p}", bb["props"].get(p),
                       mb["props"].get(p), tb["props"].get(p))
        how, where = _leaf(bb["position"], mb["position"], tb["position"])
        if how == "conflict":
            self.overridden.append(f"you both moved block {bid!r}: it stays where they put it")
            how = "theirs"
        if how != "same":
            self.took(how, anchor, f"moved block {bid!r}")
        self.out.blocks[bid]["position"] = where

    def why_kept(self, bid: str, bb: dict[str, Any], kept: dict[str, Any], keeper: Draft) -> list[str]:
        """What the keeping side did to a block the other side deleted (empty: nothing but maybe a move)."""
        why = [f"changed its {name}" for name in ("kind", "label") if kept[name] != bb[name]]
        why += [f"set props.{p}" for p in dict.fromkeys([*kept["props"], *bb["props"]])
                if kept["props"].get(p) != bb["props"].get(p)]
        for cid, e in keeper.connections.items():
            if _touches(e, bid) and self.b.connections.get(cid) != e:
                why.append(f"{'changed' if cid in self.b.connections else 'added'} connection {cid!r} to it")
        why += [f"waived {k[0]} for it" for k, w in keeper.waivers.items() if bid in k[1] and k not in self.b.waivers]
        return why

    def deleted_block(self, bid: str, bb: dict[str, Any], mb: dict[str, Any] | None, tb: dict[str, Any] | None
                      ) -> None:
        deleter, keeper = ("mine", "theirs") if mb is None else ("theirs", "mine")
        kept = mb or tb
        assert kept is not None
        why = self.why_kept(bid, bb, kept, self.side(keeper))
        if not why:
            self.took(deleter, f"block {bid!r}", f"deleted block {bid!r}")
            if kept["position"] != bb["position"]:
                self.overridden.append(f"{WHO[keeper]} moved block {bid!r}, which {WHO[deleter]} deleted")
            return
        self.held[bid] = deleter
        if tb is not None:
            self.out.blocks[bid] = copy.deepcopy(tb)
        deps = self.deps(bid, self.side(keeper))
        self.conflict(("blocks", bid), f"block {bid!r} ({kept['label'] or kept['kind']})", "deleted",
                      f"{WHO[deleter].capitalize()} deleted this block; {WHO[keeper]} {', '.join(why)}.",
                      (show_block(bb), show_block(mb), show_block(tb)), {deleter: None, keeper: kept},
                      {keeper: deps})

    @staticmethod
    def deps(bid: str, side: Draft) -> tuple[Dep, ...]:
        conns = [("connections", cid, e) for cid, e in side.connections.items() if _touches(e, bid)]
        return (*conns, *(("waivers", k, w) for k, w in side.waivers.items() if bid in k[1]))

    def added(self, kind: str, item: str, mine: dict[str, Any] | None, theirs: dict[str, Any] | None) -> None:
        what = "block" if kind == "blocks" else "connection"
        shown = show_block if kind == "blocks" else show_conn
        if mine is not None and theirs is not None and mine != theirs:
            self.conflict((kind, item), f"{what} {item!r}", "added",
                          f"You and they both added a {what} {item!r}, not the same one.",
                          ("(none)", shown(mine), shown(theirs)), {"mine": mine, "theirs": theirs},
                          {"mine": self.deps(item, self.m) if kind == "blocks" else ()})
            getattr(self.out, kind)[item] = copy.deepcopy(theirs)
            return
        how = "both" if mine == theirs else "mine" if theirs is None else "theirs"
        new = theirs if theirs is not None else mine
        assert new is not None
        getattr(self.out, kind)[item] = copy.deepcopy(new)
        self.took(how, f"{what} {item!r}", f"added {what} {item!r} ({shown(new)})")

    # -- connections and waivers

    def connections(self) -> None:
        b, m, t = self.b.connections, self.m.connections, self.t.connections
        for cid in [*t, *(i for i in m if i not in t), *(i for i in b if i not in t and i not in m)]:
            bc, mc, tc = b.get(cid), m.get(cid), t.get(cid)
            anchor = f"connection {cid!r}"
            if bc is None:
                self.added("connections", cid, mc, tc)
            elif mc is not None and tc is not None:
                self.out.connections[cid] = copy.deepcopy(tc)
                for name in CONN_FIELDS:
                    self.value(("connections", cid, name), f"{anchor} {name}", get(bc, name), get(mc, name),
                               get(tc, name))
            elif mc is None and tc is None:
                self.took("both", anchor, f"deleted {anchor}")
            else:
                deleter, keeper = ("mine", "theirs") if mc is None else ("theirs", "mine")
                kept = mc or tc
                assert kept is not None
                if kept == bc:
                    self.took(deleter, anchor, f"deleted {anchor}")
                elif not any(self.held.get(end) == deleter for end in (kept["source"], kept["target"])):
                    if tc is not None:
                        self.out.connections[cid] = copy.deepcopy(tc)
                    self.conflict(("connections", cid), anchor, "deleted",
                                  f"{WHO[deleter].capitalize()} deleted this connection; {WHO[keeper]} changed it.",
                                  (show_conn(bc), show_conn(mc), show_conn(tc)), {deleter: None, keeper: kept})

    def waivers(self) -> None:
        b, m, t = self.b.waivers, self.m.waivers, self.t.waivers
        for key in [*t, *(k for k in m if k not in t), *(k for k in b if k not in t and k not in m)]:
            anchor, inside = f"waiver {key[0]}", (key in b, key in m, key in t)
            if inside in ((True, True, True), (False, True, True)):
                self.out.waivers[key] = copy.deepcopy(t[key])
                if not inside[0]:
                    self.took("both", anchor, f"waived {key[0]}: {key[2]}")
            elif inside[0]:
                self.took("both" if inside == (True, False, False) else "mine" if not inside[1] else "theirs",
                          anchor, f"withdrew the waiver of {key[0]}")
            else:
                self.out.waivers[key] = copy.deepcopy((m if inside[1] else t)[key])
                self.took("mine" if inside[1] else "theirs", anchor, f"waived {key[0]}: {key[2]}")


def three_way(base: Design, mine: Design, theirs: Design) -> Merge:
    """Merge ``mine`` and ``theirs``, both made from ``base``; see the module docstring for the rules."""
    m = _Merger(base, mine, theirs)
    m.fields()
    m.blocks()
    m.connections()
    m.waivers()
    merge = Merge(None, tuple(c for c in m.changes if c.side == "mine"),
                  tuple(c for c in m.changes if c.side == "theirs"), tuple(m.conflicts), tuple(m.overridden), m.out,
                  m.t)
    if merge.clean:
        object.__setattr__(merge, "design", resolve(merge, {}))
    return merge


def resolve(merge: Merge, picks: Mapping[str, str]) -> Design:
    """The merged design with each conflict settled by ``picks[conflict.key]`` (``mine``, ``theirs`` or, for
    two additions, ``both``). Raises ``MergeError`` naming what is wrong when a conflict has no pick, or when the
    picks would leave a connection without one of its blocks; nothing is changed."""
    problems = [f"{c.anchor}: pick {' or '.join(c.options)}" for c in merge.conflicts if picks.get(c.key)
                not in c.options]
    if problems:
        raise MergeError(problems)
    out = copy.deepcopy(merge.draft)
    picked: set[str] = set()
    gone: list[str] = []
    for c in merge.conflicts:
        pick = picks[c.key]
        if pick == "both":
            _keep_both(out, c, merge.theirs_draft)
            continue
        value = c.values[pick]
        set_at(out, c.path, value)
        if c.path[0] == "connections" and value is not None:
            picked.add(c.path[1])
        if c.kind == "deleted" and c.path[0] == "blocks":
            if value is None:
                gone.append(c.path[1])
            for where, key, item in c.deps.get(pick, ()):
                target = getattr(out, where)
                if key not in target and (where == "waivers" or {item["source"], item["target"]} <= set(out.blocks)):
                    target[key] = copy.deepcopy(item)
    for bid in gone:
        for cid, e in list(out.connections.items()):
            if _touches(e, bid) and cid in picked:
                problems.append(f"connection {cid!r} ({e['source']} -> {e['target']}): the version picked needs "
                                f"block {bid!r}, which the pick for that block deletes; pick the other version "
                                "of one of them")
            elif _touches(e, bid):
                del out.connections[cid]
        for key, w in list(out.waivers.items()):
            if bid in key[1]:
                del out.waivers[key]
                rest = [x for x in w["components"] if x != bid]
                if rest:
                    out.waivers[(key[0], tuple(rest), key[2])] = {**w, "components": rest}
    for cid, e in out.connections.items():
        missing = [e[end] for end in ("source", "target") if e[end] not in out.blocks]
        if missing and not any(p.startswith(f"connection {cid!r} ") for p in problems):
            problems.append(f"connection {cid!r} ({e['source']} -> {e['target']}): block {missing[0]!r} is not in "
                            "the merged design; pick the version that keeps the block, or the other version of the "
                            "connection")
    if problems:
        raise MergeError(problems)
    data = {**out.fields, "requirements": out.requirements, "components": list(out.blocks.values()),
            "connections": list(out.connections.values()), "waivers": list(out.waivers.values())}
    try:
        return Design.model_validate(data)
    except ValidationError as exc:
        raise MergeError([str(e["msg"]).removeprefix("Value error, ") for e in exc.errors()]) from None


def _keep_both(out: Draft, c: Conflict, theirs: Draft) -> None:
    """Theirs keeps the id; mine's addition gets a fresh id, and mine's connections and waivers to it follow."""
    kind, item = c.path
    used = set(out.blocks) | set(out.connections)
    new_id = fresh_id(item, used)
    getattr(out, kind)[item] = copy.deepcopy(c.values["theirs"])
    getattr(out, kind)[new_id] = {**copy.deepcopy(c.values["mine"]), "id": new_id}
    used.add(new_id)
    for where, key, dep in c.deps.get("mine", ()):
        if where == "waivers":
            comps = sorted(new_id if x == item else x for x in dep["components"])
            if key not in theirs.waivers:
                out.waivers.pop(key, None)
            out.waivers[(key[0], tuple(comps), key[2])] = {**dep, "components": comps}
            continue
        moved = {**dep, **{end: new_id for end in ("source", "target") if dep[end] == item}}
        theirs_too = key in theirs.connections and _touches(theirs.connections[key], item)
        current = out.connections.get(key)
        if theirs_too or current is None or get(current, "ends") != get(dep, "ends"):
            moved["id"] = fresh_id(key, used)
            used.add(moved["id"])
        out.connections[moved["id"]] = moved
