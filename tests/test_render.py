"""Rendering: DOT, Mermaid, SVG and the Markdown report are pure text, and hostile labels stay text in each."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd.catalog import KINDS, color_of
from mlsd.formats import FORMATS, render
from mlsd.formats.dot import to_dot
from mlsd.formats.layout import auto_layout
from mlsd.formats.markdown import to_markdown
from mlsd.formats.mermaid import to_mermaid
from mlsd.formats.style import ERROR_COLOR, WARNING_COLOR
from mlsd.formats.svg import to_svg
from mlsd.model import Design
from mlsd.rules import Finding, check
from mlsd.text import display_text, one_line, truncate
from tests.conftest import design_of

SVG_NS = "{http://www.w3.org/2000/svg}"

HOSTILE = [
    "<script>alert(1)</script>",
    '"quotes"',
    "{braces}",
    "a\nnewline",
    "back\\slash\\",
    "\\N \\G \\l",
    '"]; evil [',
    "--> x",
    "\u202eevil right-to-left",
    "cr\r\nlf\rend",
    "esc\x1b[31m red",
    "#quot; &amp; %% x",
    "`tick` |pipe| *b*",
    'n1 [label="pwned"]',
    "end",
    "a\u2028b",
]
KIND_CYCLE = ["client", "api_gateway", "online_inference", "cache", "kv_store", "message_queue",
              "stream_processor", "batch_etl", "drift_detector", "labeling", "gbdt", "reranker", "anonymizer",
              "data_lake", "hdfs", "cdn"]
FLOWS = ["request", "stream", "batch", "feedback"]


def hostile_design() -> Design:
    comps = [{"id": f"b{i}", "kind": KIND_CYCLE[i % len(KIND_CYCLE)], "label": label}
             for i, label in enumerate(HOSTILE)]
    conns = [{"id": f"c{i}", "source": f"b{i}", "target": f"b{i + 1}", "flow": FLOWS[i % 4],
              "label": HOSTILE[-1 - i]} for i in range(len(HOSTILE) - 1)]
    return design_of(comps, conns, name='Evil "name" \\N <b>x</b>', description="desc <i>x</i> | pipe\nline",
                     notes="# Notes\n<script>alert(1)</script>\n**bold**",
                     waivers=[{"rule": "X-1", "components": ["b0"], "reason": "because <b>|</b>"}])


def chain(n: int, flow: str = "request") -> Design:
    comps = [{"id": f"s{i}", "kind": "online_inference", "label": f"step {i}"} for i in range(n)]
    conns = [{"id": f"e{i}", "source": f"s{i}", "target": f"s{i + 1}", "flow": flow} for i in range(n - 1)]
    return design_of(comps, conns)


def big_design(n: int) -> Design:
    """n blocks in 10 rows of layers, each block feeding two blocks of the next layer (a DAG)."""
    kinds = list(KINDS)
    comps = [{"id": f"k{i}", "kind": kinds[i % len(kinds)], "label": f"block {i}"} for i in range(n)]
    conns = []
    width = 10
    for i in range(n - width):
        for j in (i + width, i + width + (1 if (i + 1) % width else -1)):
            if j < n:
                conns.append({"id": f"e{len(conns)}", "source": f"k{i}", "target": f"k{j}",
                              "flow": FLOWS[len(conns) % 3]})
    return design_of(comps, conns)


# ---------------------------------------------------------------------------------------------------------------
# DOT: a small tokenizer for the subset we write (ids, quoted strings, HTML strings, punctuation)
# ---------------------------------------------------------------------------------------------------------------

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


def test_dot_has_one_statement_per_block_and_connection_with_hostile_labels():
    design = hostile_design()
    nodes, edges = dot_statements(to_dot(design))
    assert len(nodes) == len(design.components) and len(edges) == len(design.connections)
    for node, c in zip(nodes, design.components, strict=True):
        kind, inner = node["label"]
        assert kind == "html"
        *title, kind_text = html_label_text(inner)
        assert "\n".join(title) == display_text(c.label)
        assert kind_text == KINDS[c.kind].label
        assert node["fillcolor"] == ("str", color_of(c.kind))
        assert node["shape"] == ("str", KINDS[c.kind].shape)
    ids = [n["node"] for n in nodes]
    for edge, e in zip(edges, design.connections, strict=True):
        assert (edge["source"], edge["target"]) == (ids[int(e.source[1:])], ids[int(e.target[1:])])
        assert dot_unescape(edge["label"][1]) == display_text(e.label or "")


def test_dot_styles_edges_by_flow_and_is_left_to_right():
    design = hostile_design()
    text = to_dot(design)
    assert "rankdir=LR" in text
    _, edges = dot_statements(text)
    styles = {e.flow: edge["style"][1] for edge, e in zip(edges, design.connections, strict=True)}
    assert styles == {"request": "bold", "stream": "dashed", "batch": "dotted", "feedback": "dashed"}
    feedback = next(edge for edge, e in zip(edges, design.connections, strict=True) if e.flow == "feedback")
    assert feedback["constraint"] == ("id", "false")


def test_dot_borders_blocks_by_unwaived_findings(small_design):
    def finding(severity, blocks, waived=False):
        return Finding("T-1", "sla", severity, "t", "m", "f", components=tuple(blocks), waived=waived)

    findings = [finding("error", ["gw"]), finding("warning", ["inf", "gw"]), finding("error", ["client"], True),
                finding("info", ["client"])]
    nodes, _ = dot_statements(to_dot(small_design, findings))
    by_block = {dot_unescape(n["id"][1]).removeprefix("block-"): n for n in nodes}
    assert by_block["gw"]["color"] == ("str", ERROR_COLOR)
    assert by_block["inf"]["color"] == ("str", WARNING_COLOR)
    assert "color" not in by_block["client"]  # waived error and info leave the default border
    plain, _ = dot_statements(to_dot(small_design))
    assert all("color" not in n for n in plain)


@pytest.mark.skipif(shutil.which("dot") is None, reason="the Graphviz dot binary is not installed")
def test_graphviz_reads_hostile_dot_and_draws_each_label_as_text():
    design = hostile_design()
    done = subprocess.run(["dot", "-Tsvg"], input=to_dot(design), capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.returncode == 0, done.stderr
    svg = ET.fromstring(done.stdout)
    groups = [g for g in svg.iter(f"{SVG_NS}g") if g.get("class") in ("node", "edge")]
    assert sum(g.get("class") == "node" for g in groups) == len(design.components)
    assert sum(g.get("class") == "edge" for g in groups) == len(design.connections)
    texts = [t.text or "" for t in svg.iter(f"{SVG_NS}text")]
    for c in design.components:  # each line of each label is drawn literally (no \N expansion, no markup)
        for line in display_text(c.label).split("\n"):
            assert line.strip() in [t.strip() for t in texts], line


# ---------------------------------------------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------------------------------------------

_MERMAID_NODE = re.compile(r'^  (n\d+)(\[\(|\(\[|\[\[|\{\{|\[/|\[\\|\(\(|>|\{|\[)"([^"]*)"(\)\]|\]\)|\]\]|\}\}|/\]|'
                           r'\\\]|\)\)|\]|\})$')
_MERMAID_EDGE = re.compile(r'^  (n\d+) (==>|-\.->|-->)(?:\|"([^"]*)"\|)? (n\d+)$')


def mermaid_decode(text: str) -> str:
    assert not re.search(r'["<>\[\]{}|`\\]', text.replace("<br/>", "")), text
    return re.sub(r"#(quot|lt|gt|amp|\d+);",
                  lambda m: {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}.get(m.group(1))
                  or chr(int(m.group(1))), text).replace("<br/>", "\n")


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


# ---------------------------------------------------------------------------------------------------------------
# SVG
# ---------------------------------------------------------------------------------------------------------------


def svg_blocks(text: str) -> list[ET.Element]:
    return [g for g in ET.fromstring(text).iter(f"{SVG_NS}g") if g.get("class") == "block"]


def test_svg_parses_and_text_nodes_equal_the_labels():
    design = hostile_design()
    text = to_svg(design)
    root = ET.fromstring(text)
    assert not list(root.iter(f"{SVG_NS}script")) and not list(root.iter(f"{SVG_NS}foreignObject"))
    blocks = svg_blocks(text)
    assert len(blocks) == len(design.components)
    for g, c in zip(blocks, design.components, strict=True):
        assert g.findtext(f"{SVG_NS}title") == display_text(c.label)
        texts = {t.get("class"): t.text for t in g.iter(f"{SVG_NS}text")}
        assert texts["block-title"] == truncate(one_line(c.label), 24)
        assert texts["block-kind"] == KINDS[c.kind].label
        assert g.find(f"{SVG_NS}rect").get("fill") == color_of(c.kind)
    conns = [g for g in root.iter(f"{SVG_NS}g") if (g.get("class") or "").startswith("connection ")]
    assert len(conns) == len(design.connections)
    for g, e in zip(conns, design.connections, strict=True):
        assert f"flow-{e.flow}" in g.get("class", "")
        assert g.find(f"{SVG_NS}line").get("marker-end") == f"url(#mlsd-arrow-{e.flow})"


def test_svg_short_labels_are_exact_and_long_ones_cut_with_ellipsis():
    long = "A very long block label that cannot fit in one block"
    design = design_of([{"id": "a", "kind": "cache", "label": "<b>&amp;</b>"},
                        {"id": "b", "kind": "cache", "label": long, "position": {"x": 300, "y": 0}}])
    titles = [next(t for t in g.iter(f"{SVG_NS}text") if t.get("class") == "block-title").text
              for g in svg_blocks(to_svg(design))]
    assert titles[0] == "<b>&amp;</b>"
    assert titles[1].endswith("…") and len(titles[1]) <= 24 and long.startswith(titles[1][:-1])


def test_svg_uses_saved_positions_and_a_viewbox_that_contains_them():
    design = design_of([{"id": "a", "kind": "cache", "position": {"x": -500, "y": 40}},
                        {"id": "b", "kind": "kv_store", "position": {"x": 900, "y": 700}}],
                       [{"id": "e", "source": "a", "target": "b", "flow": "batch"}])
    root = ET.fromstring(to_svg(design))
    rects = [g.find(f"{SVG_NS}rect") for g in svg_blocks(to_svg(design))]
    assert [(float(r.get("x")), float(r.get("y"))) for r in rects] == [(-500, 40), (900, 700)]
    vx, vy, vw, vh = map(float, root.get("viewBox").split())
    for r in rects:
        x, y, w, h = (float(r.get(k)) for k in ("x", "y", "width", "height"))
        assert vx <= x and x + w <= vx + vw and vy <= y and y + h <= vy + vh


def test_svg_lays_out_blocks_without_positions(small_design):
    rects = [g.find(f"{SVG_NS}rect") for g in svg_blocks(to_svg(small_design))]
    xs = [float(r.get("x")) for r in rects]
    assert xs[0] < xs[1] < xs[2]  # client -> gateway -> inference, left to right
    expected = auto_layout(small_design)
    assert [(float(r.get("x")), float(r.get("y"))) for r in rects] == [
        pytest.approx(expected[c.id]) for c in small_design.components
    ]


def test_svg_legend_names_categories_and_flows(small_design):
    root = ET.fromstring(to_svg(small_design, findings=[]))
    legend = next(g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "legend")
    words = " ".join(t.text or "" for t in legend.iter(f"{SVG_NS}text"))
    for expected in ("Clients", "Serving", "request", "stream", "batch", "feedback", "error finding"):
        assert expected in words
    assert "Storage" not in words


def test_svg_borders_flagged_blocks(small_design):
    findings = [Finding("T-1", "sla", "error", "t", "m", "f", components=("inf",))]
    strokes = {g.get("data-id"): g.find(f"{SVG_NS}rect").get("stroke")
               for g in svg_blocks(to_svg(small_design, findings))}
    assert strokes["inf"] == ERROR_COLOR and strokes["gw"] != ERROR_COLOR


# ---------------------------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------------------------


def table_cells(line: str) -> list[str]:
    """Cells of a GFM table row: split on pipes not escaped by a backslash."""
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def test_markdown_report_sections_and_escaped_user_text():
    design = hostile_design()
    report = check(design)
    text = to_markdown(design, report, report.context.analysis)
    for heading in ("# Evil", "## Requirements", "## Diagram", "## Blocks", "## Findings", "## Waivers",
                    "## Numbers", "### Request paths", "### Capacity", "### Monthly cost", "## Checks passed",
                    "## Notes"):
        assert re.search(rf"^{re.escape(heading)}", text, re.M), heading
    assert "<script" not in text and "<b>" not in text and "<i>" not in text
    assert "&lt;script&gt;" in text or "&lt;script>" in text
    block_rows = text.split("## Blocks", 1)[1].split("\n\n", 2)[1].splitlines()
    assert len(block_rows) == len(design.components) + 2
    assert {len(table_cells(row)) for row in block_rows} == {6}
    mermaid = text.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert mermaid == to_mermaid(design)
    assert "**bold**" in text  # notes stay Markdown


def test_markdown_numbers_findings_and_waivers_from_report(small_design):
    design = design_of(
        [c.model_dump() for c in small_design.components],
        [e.model_dump() for e in small_design.connections],
        requirements={"sla_p99_ms": 1, "peak_qps": 500},
        waivers=[{"rule": "NOPE-9", "reason": "kept on purpose"}],
    )
    report = check(design)
    analysis = report.context.analysis
    text = to_markdown(design, report)
    path = analysis.paths[0]
    section = text.split("### Request paths", 1)[1].split("###", 1)[0]
    row = table_cells(next(line for line in section.splitlines() if line.startswith("| Mobile app")))
    assert row[2] == "500 req/s"
    assert float(row[3].removesuffix(" ms").replace(",", "")) == pytest.approx(path.p99_sum_ms, abs=0.05)
    assert float(row[4].removesuffix(" ms").replace(",", "")) == pytest.approx(path.light_p99_ms, abs=0.05)
    assert path.p99_ms is not None
    assert float(row[5].removesuffix(" ms").replace(",", "")) == pytest.approx(path.p99_ms, abs=0.05)
    assert row[6] == "1 ms" and row[7] == "**over SLA**"
    assert f"${analysis.cost_per_month:,.0f}" in text
    assert "kept on purpose" in text  # a waiver that matches nothing is still shown
    for f in report.active:
        assert f"`{f.rule}`" in text
    overall = report.score()["overall"]
    assert f"**{overall if overall is not None else 'n/a'}**" in text
    design.requirements.peak_qps = 1000  # 3 × 300 req/s of the ranker: saturated, shown as such
    saturated = to_markdown(design, check(design)).split("### Request paths", 1)[1].split("###", 1)[0]
    row = table_cells(next(line for line in saturated.splitlines() if line.startswith("| Mobile app")))
    assert row[5] == "saturated" and row[7] == "**over SLA**"


def test_markdown_without_report_leaves_findings_out(small_design):
    text = to_markdown(small_design)
    assert "## Findings" not in text and "## Numbers" not in text and "## Blocks" in text


# ---------------------------------------------------------------------------------------------------------------
# Dispatcher, size, layout
# ---------------------------------------------------------------------------------------------------------------


def test_render_dispatches_every_format(small_design):
    assert render(small_design, "mermaid") == to_mermaid(small_design)
    assert render(small_design, "dot").startswith("digraph mlsd {")
    assert ET.fromstring(render(small_design, "svg")).tag == f"{SVG_NS}svg"
    assert render(small_design, "markdown").startswith("# test design")
    assert set(FORMATS) == {"dot", "svg", "mermaid", "markdown"}
    with pytest.raises(ValueError, match="unknown format 'png'"):
        render(small_design, "png")


def test_thousand_blocks_render_quickly():
    design = big_design(1_000)
    for func in (to_dot, to_mermaid, to_svg):
        start = time.perf_counter()
        text = func(design)
        assert time.perf_counter() - start < 2.0, func.__name__
        assert len(text) > 1_000 * 50
    nodes, edges = dot_statements(to_dot(design))
    assert len(nodes) == 1_000 and len(edges) == len(design.connections)


def _x_increases(design: Design) -> None:
    pos = auto_layout(design)
    assert set(pos) == {c.id for c in design.components}
    for e in design.connections:
        assert pos[e.target][0] > pos[e.source][0], e


def test_auto_layout_layers_increase_along_edges_of_a_dag():
    _x_increases(big_design(200))
    _x_increases(chain(50))
    pos = auto_layout(big_design(200))
    assert len(set(pos.values())) == 200  # no two blocks on the same spot


def test_auto_layout_uses_the_longest_path():
    design = design_of([{"id": i, "kind": "cache"} for i in "abcd"],
                       [{"id": "1", "source": "a", "target": "b"}, {"id": "2", "source": "b", "target": "c"},
                        {"id": "3", "source": "a", "target": "c"}, {"id": "4", "source": "d", "target": "c"}])
    pos = auto_layout(design)
    assert pos["a"][0] == pos["d"][0] < pos["b"][0] < pos["c"][0]


def test_auto_layout_orders_a_layer_by_its_predecessors():
    # b2 is listed before b1, but a1 -> b1 and a2 -> b2: the barycentre keeps the edges parallel
    design = design_of([{"id": i, "kind": "cache"} for i in ("a1", "a2", "b2", "b1")],
                       [{"id": "1", "source": "a1", "target": "b1"}, {"id": "2", "source": "a2", "target": "b2"}])
    pos = auto_layout(design)
    assert (pos["a1"][1] < pos["a2"][1]) == (pos["b1"][1] < pos["b2"][1])


def test_auto_layout_breaks_cycles_and_ignores_feedback():
    design = design_of([{"id": i, "kind": "cache"} for i in "abc"],
                       [{"id": "1", "source": "a", "target": "b"}, {"id": "2", "source": "b", "target": "c"},
                        {"id": "3", "source": "c", "target": "a"}])
    pos = auto_layout(design)
    assert pos["a"][0] < pos["b"][0] < pos["c"][0]
    looped = design_of([{"id": i, "kind": "cache"} for i in "ab"],
                       [{"id": "1", "source": "a", "target": "b"},
                        {"id": "2", "source": "b", "target": "a", "flow": "feedback"}])
    pos = auto_layout(looped)
    assert pos["a"][0] < pos["b"][0]
    assert auto_layout(design_of([])) == {}


def test_auto_layout_of_ten_thousand_blocks_is_fast():
    design = big_design(10_000)
    start = time.perf_counter()
    pos = auto_layout(design)
    assert time.perf_counter() - start < 3.0
    assert len(pos) == 10_000
    deep = chain(10_000, "batch")  # 10,000 layers: no recursion limit
    assert auto_layout(deep)["s9999"][0] > auto_layout(deep)["s9998"][0]


def test_display_text_makes_controls_and_bidi_visible():
    assert display_text("a\x1b[0m\r\nb\u202ec\x85d") == "a␛[0m\nb[U+202E]c\nd"
    assert display_text("plain ok") == "plain ok"
    assert html.escape(display_text("\ud800")) == "\ufffd"


@settings(max_examples=150, deadline=None)
@given(label=st.text(st.characters(exclude_characters="\x00"), max_size=60),
       edge=st.text(st.characters(exclude_characters="\x00"), min_size=1, max_size=30))
def test_any_label_stays_literal_text_in_dot_mermaid_and_svg(label, edge):
    design = design_of([{"id": "a", "kind": "cache", "label": label}, {"id": "b", "kind": "kv_store"}],
                       [{"id": "e", "source": "a", "target": "b", "flow": "stream", "label": edge}])
    nodes, edges = dot_statements(to_dot(design))
    assert len(nodes) == 2 and len(edges) == 1
    assert "\n".join(html_label_text(nodes[0]["label"][1])[:-1]) == display_text(design.components[0].title)
    assert dot_unescape(edges[0]["label"][1]) == display_text(edge)
    lines = [line for line in to_mermaid(design).splitlines() if not line.startswith("  %% mlsd ")]
    node = _MERMAID_NODE.match(lines[1])
    assert node and mermaid_decode(node.group(3)) == display_text(design.components[0].title) + "\nCache"
    arrow = _MERMAID_EDGE.match(lines[3])
    assert arrow and mermaid_decode(arrow.group(3)) == display_text(edge)
    block = svg_blocks(to_svg(design))[0]
    assert block.findtext(f"{SVG_NS}title") == display_text(design.components[0].title)
