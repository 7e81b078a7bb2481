"""Safe and fast YAML for designs: one pass over the events decides whether the text may be built at all.

PyYAML's pure-Python loader takes tens of seconds on a large file, and its C loader (libyaml) builds nested
collections by recursion in C, so a few hundred thousand ``[`` crash the interpreter. ``load_yaml`` therefore
first walks the event stream (the libyaml parser is a state machine, not a recursion) and refuses, before
building anything: aliases (``*name``, which allow "billion laughs" expansion), nesting deeper than the
limit, more values than any design needs, and more blocks under ``components`` than a design may hold. Only
then does it build the data with the C loader (the Python one where libyaml is missing): same results as
``yaml.safe_load``.
"""

from __future__ import annotations

from typing import Any

import yaml

from mlsd.model import MAX_COMPONENTS

Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 3_000_000  # a design of 20,000 blocks and 40,000 connections is about 1 million

_STARTS = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_ENDS = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


class YAMLRefused(ValueError):
    """The YAML text is well formed so far but is not loaded; the message says why, as one line."""


def _where(event: yaml.Event) -> str:
    mark = event.start_mark
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""


def scan(text: str, max_depth: int) -> None:
    """Walk the events of ``text``; raise ``YAMLRefused`` (or ``yaml.YAMLError`` for malformed text)."""
    depth = 0
    nodes = 0
    key_next = True  # in the top-level mapping: is the next value a key?
    components_key = False  # the last top-level key was "components"
    counting = False  # inside the top-level components sequence
    blocks = 0
    for event in yaml.parse(text, Loader=Loader):
        kind = type(event)
        if kind is yaml.AliasEvent:
            raise YAMLRefused(f"YAML aliases (*name) are not allowed in designs{_where(event)}")
        if kind is yaml.ScalarEvent or kind in _STARTS:
            nodes += 1
            if nodes > MAX_NODES:
                raise YAMLRefused(f"the YAML holds more than {MAX_NODES:,} values; no design needs so many")
            if depth == 2 and counting:
                blocks += 1
                if blocks > MAX_COMPONENTS:
                    raise YAMLRefused(f"components: a design holds at most {MAX_COMPONENTS} blocks, "
                                      f"got more than {MAX_COMPONENTS}")
            if depth == 1:
                if key_next:
                    components_key = isinstance(event, yaml.ScalarEvent) and event.value == "components"
                else:
                    counting = components_key and kind is yaml.SequenceStartEvent
                if kind is yaml.ScalarEvent:
                    key_next = not key_next
            if kind in _STARTS:
                depth += 1
                if depth > max_depth:
                    raise YAMLRefused(f"nesting is deeper than {max_depth} levels{_where(event)}")
        elif kind in _ENDS:
            depth -= 1
            if depth == 1:  # a collection inside the top-level mapping is over: it was a key or a value
                key_next = not key_next
                counting = False


def load_yaml(text: str, max_depth: int) -> Any:
    """``yaml.safe_load(text)``, refusing aliases, deep nesting and oversized content first (``scan``)."""
    scan(text, max_depth)
    return yaml.load(text, Loader=Loader)  # a safe loader: CSafeLoader or SafeLoader
