"""Rendering Mermaid (mlsd.formats.mermaid): labels escaped inside their quotes, the structure as
designed, and a class per category used."""

from __future__ import annotations

import json
import re

from mlsd.catalog import KINDS, color_of
from mlsd.formats.mermaid import to_mermaid
from mlsd.text import display_text
from tests.render_parsers import (
    _MERMAID_EDGE,
    _MERMAID_NODE,
    mermaid_decode,
)
from tests.render_samples import hostile_design


def test_mermaid_labels_are_escaped_and_structure_matches():
    design = hostile_design()
    lines = to_mermaid(design).splitlines()
    assert lines[0] == "flowchart LR"
    nodes = [m for m in map(_MERMAID_NODE.match, lines) if m]
    edges = [m for m in map(_MERMAID_EDGE.match, lines) if m]
    assert len(nodes) == len(design.components) and len(edges) == len(design.connections)
    for m, c in zip(nodes, design.components, strict=True):
        assert mermaid_decode(m.group(3)) == display_text(c.label) + "\n" + KINDS[c.kind].label
    arrows = {"request": "==>", "stream": "-.->", "batch": "-->", "feedback": "-.->"}
    for m, e in zip(edges, design.connections, strict=True):
        assert m.group(2) == arrows[e.flow]
        assert mermaid_decode(m.group(3)) == display_text(e.label or "")
    other = [line for line in lines[1:] if not _MERMAID_NODE.match(line) and not _MERMAID_EDGE.match(line)]
    data = [line for line in other if line.startswith("  %% mlsd {")]
    assert all(re.fullmatch(r"  %% mlsd \{[\x20-\x7e]*\}", line) and json.loads(line[len("  %% mlsd "):])
               for line in data), data  # ASCII JSON in a comment: nothing Mermaid reads
    rest = [line for line in other if line not in data]
    assert all(re.match(r"^  (classDef|class|linkStyle) [\w#:,. -]+$", line) for line in rest), rest


def test_mermaid_has_a_class_per_category_used(small_design):
    text = to_mermaid(small_design)
    assert "classDef cat_serving fill:" + color_of("api_gateway") in text
    assert re.search(r"class n1,n2 cat_serving", text)
    assert "classDef cat_clients" in text and "cat_storage" not in text
