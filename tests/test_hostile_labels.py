"""Hostile input: labels. Text in every output format (dot, Mermaid, SVG, Markdown, SARIF, text and
JSON reports), never markup or syntax; null bytes are refused in every text field."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from mlsd.catalog import KINDS
from mlsd.text import display_text, one_line, truncate
from tests.hostile_input import RAW_CONTROL, block, cli, design_dict, mlsd

SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE_LABELS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"double\" and 'single' quotes",
    "{braces} [brackets] (parens) <angles>",
    "two\nlines",
    "cr\r\nlf\rend",
    "tab\there",
    "\u202eright-to-left override",
    "\u2067isolate\u2069 \u202aembed\u202c",
    "esc \x1b[31mred\x1b[0m \x07bell",
    "c1 \x85 next line \x9b csi",
    "back\\slash \\N \\G \\l",
    "]]> <![CDATA[ x ]]> &amp; &#x41; &lt;",
    "&#x202E;entity override &#8238; &#60;b&#62; &nbsp;",
    '"]; n0 -> n1 [label="pwned',
    "%% comment ::: click n0 call alert()",
    "`code` *bold* _it_ | pipe | ~~s~~ [link](javascript:alert(1))",
    "# heading\n- item\n1. item",
    "line\u2028separator\u2029paragraph",
    "עברית العربية mixed ltr",
]
LABEL_IDS = [f"label{i}" for i in range(len(HOSTILE_LABELS))]


def hostile_file(folder: Path, label: str) -> Path:
    """A design whose name, block label, connection label, description and notes are all ``label``."""
    data = design_dict(
        name=label,
        description=label,
        notes=label,
        components=[block("inf", "online_inference", label=label),
                    block("kv", "kv_store", label="plain")],
        connections=[{"id": "c1", "source": "inf", "target": "kv", "flow": "request", "label": label}],
        waivers=[{"rule": "SRV-2", "components": ["inf"], "reason": label}],
        requirements={"sla_p99_ms": 0.001, "peak_qps": 1000},
    )
    path = folder / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def render_cli(path: Path, fmt: str) -> str:
    code, out, err = cli("render", path, "--format", fmt)
    assert code == 0 and err == "", err
    assert not RAW_CONTROL.search(out), repr(RAW_CONTROL.search(out))
    return out


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_dot_draws_hostile_labels_as_text(tmp_path: Path, label: str) -> None:
    dot = render_cli(hostile_file(tmp_path, label), "dot")
    done = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    svg = ET.fromstring(done.stdout)
    classes = [g.get("class") for g in svg.iter(f"{SVG_NS}g")]
    assert classes.count("node") == 2 and classes.count("edge") == 1  # nothing injected a node or an edge
    graph = next(g for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "graph")
    node = next(g for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "node")
    edge = next(g for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "edge")
    drawn = {  # the design name (a quoted string), the block (an HTML-like label), the connection (a quoted string)
        "name": [" ".join((t.text or "").split()) for t in graph.findall(f"{SVG_NS}text")],
        "block": [" ".join((t.text or "").split()) for t in node.iter(f"{SVG_NS}text")],
        "connection": [" ".join((t.text or "").split()) for t in edge.iter(f"{SVG_NS}text")],
    }
    for where, texts in drawn.items():
        for line in display_text(label).split("\n"):  # each line drawn literally: no \N, no markup, no entity
            if line.strip():
                assert " ".join(line.split()) in texts, (where, line, texts)


def mermaid_decode(text: str) -> str:
    assert not re.search(r'["<>\[\]{}|`\\%]', text.replace("<br/>", "")), text
    names = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
    decoded = re.sub(r"#(quot|lt|gt|amp|\d+);", lambda m: names.get(m.group(1)) or chr(int(m.group(1))), text)
    return decoded.replace("<br/>", "\n")


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_mermaid_keeps_hostile_labels_inside_their_quotes(tmp_path: Path, label: str) -> None:
    every = render_cli(hostile_file(tmp_path, label), "mermaid").splitlines()
    data = [line for line in every if line.startswith("  %% mlsd ")]  # the design's data, in comments
    assert data and all(re.fullmatch(r"  %% mlsd \{[\x20-\x7e]*\}", line) and "<" not in line for line in data)
    lines = [line for line in every if line not in data]
    assert lines[0] == "flowchart LR"
    node = re.fullmatch(r'  n0([\[({>/\\]+)"([^"]*)"([\])}/\\]+)', lines[1])
    assert node, lines[1]
    assert mermaid_decode(node.group(2)) == display_text(label) + "\n" + KINDS["online_inference"].label
    edge = re.fullmatch(r'  n0 ==>\|"([^"]*)"\| n1', lines[3])
    assert edge, lines[3]
    assert mermaid_decode(edge.group(1)) == display_text(label)
    rest = lines[4:]
    assert all(re.fullmatch(r"  (classDef|class|linkStyle) [\w#:,. -]+", line) for line in rest), rest


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_svg_text_nodes_equal_hostile_labels_as_displayed(tmp_path: Path, label: str) -> None:
    root = ET.fromstring(render_cli(hostile_file(tmp_path, label), "svg"))
    for element in root.iter():
        assert element.tag.split("}")[-1] not in ("script", "foreignObject", "a", "image", "iframe")
        assert not [name for name in element.attrib if name.lower().startswith("on")]
    assert root.findtext(f"{SVG_NS}title") == display_text(label)
    assert root.findtext(f"{SVG_NS}text") == truncate(one_line(label), 90)
    blocks = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "block"]
    assert [g.get("data-id") for g in blocks] == ["inf", "kv"]
    assert blocks[0].findtext(f"{SVG_NS}title") == display_text(label)
    texts = {t.get("class"): t.text for t in blocks[0].iter(f"{SVG_NS}text")}
    assert texts["block-title"] == truncate(one_line(label), 24)
    edge = next(g for g in root.iter(f"{SVG_NS}g") if (g.get("class") or "").startswith("connection "))
    assert edge.findtext(f"{SVG_NS}title") == display_text(label) + " (request)"


def unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_markdown_shows_hostile_labels_without_raw_html_or_broken_tables(tmp_path: Path, label: str) -> None:
    text = render_cli(hostile_file(tmp_path, label), "markdown")
    assert "<script" not in text.lower() and "<img" not in text.lower()
    entities = re.findall(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);", text)
    assert set(entities) <= {"amp", "lt", "gt"}, entities  # only the escapes we wrote: no user entity decodes
    assert not re.search(r"<(?!br/?>)", text), re.search(r".{20}<(?!br/?>).{20}", text)
    lines = text.splitlines()
    assert lines[0].startswith("# ") and "\n" not in lines[0]
    blocks = lines[lines.index("## Blocks") + 2:]
    table = blocks[: next(i for i, line in enumerate(blocks) if not line.startswith("|"))]
    assert len(table) == 4  # header, rule and one row per block: a hostile label adds no row
    assert all(unescaped_pipes(row) == 7 for row in table), table  # ... and no column
    conns = lines[lines.index("### Connections") + 2:]
    assert [unescaped_pipes(row) for row in conns[:3]] == [5, 5, 5] and conns[3] == ""


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_sarif_is_valid_json_with_hostile_labels_shown_safely(tmp_path: Path, label: str) -> None:
    code, out, err = cli("validate", hostile_file(tmp_path, label), "--format", "sarif", "--fail-on", "never")
    assert code == 0 and err == ""
    log = json.loads(out)
    results = log["runs"][0]["results"]
    assert results
    strings: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(log)
    assert not [s for s in strings if RAW_CONTROL.search(s)]  # no bidi override or control reaches a viewer
    quoting = [r["message"]["text"] for r in results if "inf" in [loc["name"] for location in r["locations"]
                                                                   for loc in location.get("logicalLocations", [])]]
    assert any(display_text(label) in m for m in quoting), quoting
    assert {a["properties"]["design"] for a in log["runs"][0]["artifacts"]} == {display_text(label)}
    assert [s["justification"] for r in results for s in r.get("suppressions", [])] == [display_text(label)]


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_text_and_json_reports_with_hostile_labels(tmp_path: Path, label: str) -> None:
    path = hostile_file(tmp_path, label)
    code, out, _ = cli("validate", path, "--fail-on", "never")
    assert code == 0 and not RAW_CONTROL.search(out)
    assert out.splitlines()[0] == f"{path}: {one_line(label)}"
    code, out, _ = cli("validate", path, "--format", "json", "--fail-on", "never")
    assert code == 0 and json.loads(out)["design"] == label  # JSON is data: the exact text, JSON-escaped


def test_the_real_command_line_renders_hostile_labels(tmp_path: Path) -> None:
    path = hostile_file(tmp_path, "".join(HOSTILE_LABELS)[:200])  # 200 characters: the model's limit
    for fmt in ("svg", "markdown"):
        done = mlsd("render", path, "--format", fmt)
        assert done.returncode == 0 and done.stderr == "" and not RAW_CONTROL.search(done.stdout)
    done = mlsd("validate", path, "--format", "sarif", "--fail-on", "never")
    assert done.returncode == 0 and json.loads(done.stdout)["runs"][0]["results"]


def test_null_bytes_are_refused_by_the_model_in_every_text_field(tmp_path: Path) -> None:
    cases = {
        "name": design_dict(name="a\x00b"),
        "description": design_dict(description="a\x00b"),
        "notes": design_dict(notes="a\x00b"),
        "block label": design_dict(components=[block("gw", "api_gateway", label="a\x00b")], connections=[],
                                   waivers=[]),
        "connection label": design_dict(connections=[{"id": "c1", "source": "gw", "target": "inf",
                                                      "label": "a\x00b"}]),
        "waiver reason": design_dict(waivers=[{"rule": "REL-1", "components": ["gw"], "reason": "a\x00b"}]),
    }
    for what, data in cases.items():
        path = tmp_path / "nul.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        for argv in (("validate", path), ("render", path, "--format", "svg")):
            code, out, err = cli(*argv)
            assert code == 2 and out == "" and "null bytes" in err and "\x00" not in err, (what, err)
