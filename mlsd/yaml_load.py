"""Safe and fast YAML for designs: one pass over the events decides whether the text may be built at all, and
builds it.

PyYAML's pure-Python loader takes tens of seconds on a large file, and its C loader (libyaml) builds nested
collections by recursion in C, so a few hundred thousand ``[`` crash the interpreter. ``load_yaml`` therefore
walks the event stream (the libyaml parser is a state machine, not a recursion) and refuses, before anything
deep is built: aliases (``*name``, which allow "billion laughs" expansion), nesting deeper than the limit, more
values than any design needs, and more blocks under ``components`` than a design may hold. In the same pass it
builds the data from the events, with PyYAML's own resolver (which implicit type a plain scalar has) and
SafeConstructor (its value), as ``yaml.safe_load`` would; about twice as fast as walking the events and then
loading the text again. Anything outside what a design file holds (an explicit tag other than the core scalar
types, a merge key, a collection as a mapping key, several documents) takes the old road: the walk, then the C
loader (the Python one where libyaml is missing). Both give what ``yaml.safe_load`` gives (tests compare them).
"""

from __future__ import annotations

from typing import Any

import yaml

from mlsd.model import MAX_COMPONENTS

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 3_000_000  # a design of 20,000 blocks and 40,000 connections is about 1 million

_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
_CORE = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ = _CORE + "str", _CORE + "map", _CORE + "seq"
_SCALARS = frozenset(_CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp"))


class YAMLRefused(ValueError):
    """The YAML text is well formed so far but is not loaded; the message says why, as one line."""


class _Unusual(Exception):
    """The text holds something the one-pass build leaves to PyYAML's loader."""


def _where(event: yaml.Event) -> str:
    mark = event.start_mark
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""


class _Checks:
    """The refusals, event by event (see the module docstring)."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.depth = 0
        self.nodes = 0
        self.key_next = True  # in the top-level mapping: is the next value a key?
        self.components_key = False  # the last top-level key was "components"
        self.counting = False  # inside the top-level components sequence
        self.blocks = 0

    def see(self, event: yaml.Event) -> None:
        kind = type(event)
        if kind is yaml.AliasEvent:
            raise YAMLRefused(f"YAML aliases (*name) are not allowed in designs{_where(event)}")
        if kind is yaml.ScalarEvent or kind in _STARTS:
            self.nodes += 1
            if self.nodes > MAX_NODES:
                raise YAMLRefused(f"the YAML holds more than {MAX_NODES:,} values; no design needs so many")
            if self.depth == 2 and self.counting:
                self.blocks += 1
                if self.blocks > MAX_COMPONENTS:
                    raise YAMLRefused(f"components: a design holds at most {MAX_COMPONENTS} blocks, "
                                      f"got more than {MAX_COMPONENTS}")
            if self.depth == 1:
                if self.key_next:
                    self.components_key = isinstance(event, yaml.ScalarEvent) and event.value == "components"
                else:
                    self.counting = self.components_key and kind is yaml.SequenceStartEvent
                if kind is yaml.ScalarEvent:
                    self.key_next = not self.key_next
            if kind in _STARTS:
                self.depth += 1
                if self.depth > self.max_depth:
                    raise YAMLRefused(f"nesting is deeper than {self.max_depth} levels{_where(event)}")
        elif kind in _ENDS:
            self.depth -= 1
            if self.depth == 1:  # a collection inside the top-level mapping is over: it was a key or a value
                self.key_next = not self.key_next
                self.counting = False


def scan(text: str, max_depth: int) -> None:
    """Walk the events of ``text``; raise ``YAMLRefused`` (or ``yaml.YAMLError`` for malformed text)."""
    checks = _Checks(max_depth)
    for event in yaml.parse(text, Loader=Loader):
        checks.see(event)


def _build(text: str, max_depth: int) -> Any:
    """The checks and the data in one pass over the events; ``_Unusual`` for what ``load_yaml`` leaves to PyYAML."""
    checks = _Checks(max_depth)
    resolver = yaml.resolver.Resolver()
    constructor = yaml.constructor.SafeConstructor()
    # each open collection: [container, pending key (mappings), has a key]
    stack: list[list[Any]] = []
    result: Any = None
    documents = 0

    def put(value: Any, is_collection: bool) -> None:
        nonlocal result
        if not stack:
            result = value
            return
        top = stack[-1]
        if isinstance(top[0], list):
            top[0].append(value)
        elif not top[2]:
            if is_collection:
                raise _Unusual  # a collection as a mapping key (PyYAML refuses unhashable keys)
            top[1], top[2] = value, True
        else:
            top[0][top[1]] = value
            top[2] = False

    for event in yaml.parse(text, Loader=Loader):
        checks.see(event)
        kind = type(event)
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = resolver.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
            if tag == _STR:
                put(event.value, False)
            elif tag in _SCALARS:
                put(constructor.construct_object(yaml.ScalarNode(tag, event.value, style=event.style)), False)
            else:
                raise _Unusual  # a merge key, binary, a custom tag...
        elif isinstance(event, yaml.CollectionStartEvent):
            tag = event.tag
            if tag not in (None, "!", _MAP if kind is yaml.MappingStartEvent else _SEQ):
                raise _Unusual
            container: Any = {} if kind is yaml.MappingStartEvent else []
            put(container, True)
            stack.append([container, None, False])
        elif kind in _ENDS:
            stack.pop()
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual  # safe_load's own error: expected a single document
    return result


def load_yaml(text: str, max_depth: int) -> Any:
    """``yaml.safe_load(text)``, refusing aliases, deep nesting and oversized content first (see the module
    docstring)."""
    try:
        return _build(text, max_depth)
    except _Unusual:
        scan(text, max_depth)
        return yaml.load(text, Loader=Loader)  # a safe loader: CSafeLoader or SafeLoader
