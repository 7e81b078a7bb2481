"""Readers of rendered text for the rendering tests (test_render_*.py): a small DOT tokenizer for the
subset to_dot writes (ids, quoted strings, HTML strings, punctuation) and its statements, the text of an HTML-like
label, Mermaid's node and edge lines and its escapes, and the SVG's block groups."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

SVG_NS = "{http://www.w3.org/2000/svg}"
_DOT_TOKEN = re.compile(r'\s*(?:(->)|([A-Za-z_][A-Za-z0-9_.]*|-?[0-9.]+)|(")|(<)|([\[\]{};,=]))')


def dot_tokens(text: str) -> list[tuple[str, str]]:
    """(type, value) tokens: id, str (decoded escString source), html (inner text), op."""
    tokens: list[tuple[str, str]] = []
    i = 0
    while True:
        m = _DOT_TOKEN.match(text, i)
        if m is None:
            assert not text[i:].strip(), f"unexpected DOT text at {i}: {text[i:i + 40]!r}"
            return tokens
        i = m.end()
        if m.group(1) or m.group(5):
            tokens.append(("op", m.group(1) or m.group(5)))
        elif m.group(2):
            tokens.append(("id", m.group(2)))
        elif m.group(3):  # quoted string: only \" and \\ and \n escapes, no raw newline
            j = i
            while text[j] != '"':
                assert text[j] != "\n", "raw newline inside a DOT string"
                if text[j] == "\\":
                    assert text[j + 1] in '"\\n', f"unexpected escape \\{text[j + 1]} in DOT string"
                    j += 2
                else:
                    j += 1
            tokens.append(("str", text[i:j]))
            i = j + 1
        else:  # HTML string: balanced < >
            depth, j = 1, i
            while depth:
                assert text[j] != "\n", "raw newline inside an HTML label"
                depth += {"<": 1, ">": -1}.get(text[j], 0)
                j += 1
            tokens.append(("html", text[i:j - 1]))
            i = j


def dot_unescape(s: str) -> str:  # Graphviz also decodes entities in quoted labels: to_dot writes '&' of one as &amp;
    return re.sub(r'\\(["\\n])', lambda m: "\n" if m.group(1) == "n" else m.group(1), s).replace("&amp;", "&")


def dot_statements(text: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(nodes, edges) of our DOT output, each with its attributes."""
    tokens = dot_tokens(text)
    assert tokens[:3] == [("id", "digraph"), ("id", "mlsd"), ("op", "{")] and tokens[-1] == ("op", "}")
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    body = tokens[3:-1]
    k = 0
    while k < len(body):
        head = [body[k]]
        k += 1
        while body[k] != ("op", "["):
            head.append(body[k])
            k += 1
        k += 1
        attrs: dict[str, tuple[str, str]] = {}
        while body[k] != ("op", "]"):
            name = body[k]
            assert name[0] == "id", name
            assert body[k + 1] == ("op", "="), body[k:k + 3]
            attrs[name[1]] = body[k + 2]
            k += 3
            if body[k] == ("op", ","):
                k += 1
        assert body[k + 1] == ("op", ";")
        k += 2
        if head[0][1] in ("graph", "node", "edge"):
            continue
        if len(head) == 1:
            assert re.fullmatch(r"n\d+", head[0][1]), head
            nodes.append({"node": head[0][1], **attrs})
        else:
            assert len(head) == 3 and head[1] == ("op", "->"), head
            edges.append({"source": head[0][1], "target": head[2][1], **attrs})
    return nodes, edges


def html_label_text(inner: str) -> list[str]:
    """The text lines of an HTML-like label (XML-parsed), with Graphviz's \\\\ read as one backslash."""
    assert not re.search(r"(?<!\\)\\(\\\\)*(?!\\)", inner.replace("\\\\", "")), "a lone backslash"
    root = ET.fromstring(f"<l>{inner.replace('<BR/>', '<br/>')}</l>")
    lines, current = [], root.text or ""
    for child in root:
        if child.tag == "br":
            lines.append(current)
            current = child.tail or ""
        else:
            current += "".join(child.itertext()) + (child.tail or "")
    lines.append(current)
    return [line.replace("\\\\", "\\") for line in lines]


_MERMAID_NODE = re.compile(r'^  (n\d+)(\[\(|\(\[|\[\[|\{\{|\[/|\[\\|\(\(|>|\{|\[)"([^"]*)"(\)\]|\]\)|\]\]|\}\}|/\]|'
                           r'\\\]|\)\)|\]|\})$')
_MERMAID_EDGE = re.compile(r'^  (n\d+) (==>|-\.->|-->)(?:\|"([^"]*)"\|)? (n\d+)$')


def mermaid_decode(text: str) -> str:
    assert not re.search(r'["<>\[\]{}|`\\]', text.replace("<br/>", "")), text
    return re.sub(r"#(quot|lt|gt|amp|\d+);",
                  lambda m: {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}.get(m.group(1))
                  or chr(int(m.group(1))), text).replace("<br/>", "\n")


def svg_blocks(text: str) -> list[ET.Element]:
    return [g for g in ET.fromstring(text).iter(f"{SVG_NS}g") if g.get("class") == "block"]
