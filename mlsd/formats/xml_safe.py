"""A hardened XML reader for imported files (draw.io): no DTD, so no entity expansion and no external entity.

Built on the standard library's expat with the care ``defusedxml`` takes: a document type declaration
(``<!DOCTYPE``), and so any entity declaration, is refused outright ("billion laughs" and XXE need one);
parameter entities are never parsed; external entity references are refused; depth and element count are
bounded. The result is a small tree of ``Node`` (tag, attributes, text, children, line) - nothing is fetched,
nothing executed. Every problem is a ``DesignError`` naming the line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn
from xml.parsers import expat

from mlsd.io import DesignError

MAX_DEPTH = 200
MAX_ELEMENTS = 500_000


@dataclass
class Node:
    tag: str
    attrib: dict[str, str]
    line: int
    children: list[Node] = field(default_factory=list)
    text: str = ""

    def find(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def iter(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]


class _Refused(Exception):
    pass


def parse_xml(data: str | bytes, source: str = "", what: str = "XML") -> Node:
    """The root element of ``data``; DesignError for malformed XML, a DTD or entity, or too deep or big a tree."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Node] = []
    root: list[Node] = []
    count = [0]

    def refuse(message: str) -> NoReturn:
        raise _Refused(f"line {parser.CurrentLineNumber}: {message}")

    def start(tag: str, attrs: dict[str, str]) -> None:
        count[0] += 1
        if count[0] > MAX_ELEMENTS:
            refuse(f"more than {MAX_ELEMENTS:,} elements; this file is too large to import")
        if len(stack) >= MAX_DEPTH:
            refuse(f"elements nest deeper than {MAX_DEPTH} levels")
        node = Node(tag, attrs, parser.CurrentLineNumber)
        (stack[-1].children if stack else root).append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].text += data

    parser.StartDoctypeDeclHandler = lambda *a: refuse(
        "a document type declaration (<!DOCTYPE>) is not allowed: entities could expand or read files")
    parser.EntityDeclHandler = lambda *a: refuse("entity declarations are not allowed")
    parser.ExternalEntityRefHandler = lambda *a: refuse("external entities are not allowed")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        raise DesignError([f"{what} refused at {exc}"], source) from None
    except expat.ExpatError as exc:
        message = expat.errors.messages.get(exc.code, str(exc))
        raise DesignError([f"malformed {what} at line {exc.lineno}, column {exc.offset + 1}: {message}"],
                          source) from None
    except RecursionError:
        raise DesignError([f"{what}: elements nest too deeply"], source) from None
    if not root:
        raise DesignError([f"{what}: the file holds no element"], source)
    return root[0]
