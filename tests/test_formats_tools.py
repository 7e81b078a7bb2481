"""Our exported files read by the diagram tools' own open-source code, and files made by that code imported.

Node runs tests/formats_node/check.mjs (installed by scripts/test.sh with ``npm ci`` and ``npm run build``):
Mermaid's own parser (``mermaid.parse`` and its flowchart database), mxGraph's XML codec (``mxCodec.decode``,
what draw.io is built on) and Excalidraw's ``restore``. Without Node or the installed packages these tests are
skipped on a developer's machine and FAIL when ``CI`` is set. The fixtures in tests/fixtures/formats were made by
the tools' own serialisers (see its README) and are imported here block by block.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mlsd.catalog import KINDS
from mlsd.formats import dump, load
from mlsd.io import load_file
from mlsd.model import Design
from mlsd.text import display_text
from tests.conftest import DESIGNS, FIXTURES
from tests.test_formats import hostile

NODE_DIR = Path(__file__).resolve().parent / "formats_node"
FORMATS_FIXTURES = FIXTURES / "formats"


def tool(command: str, *files: Path) -> list[dict[str, Any]]:
    """What the tool's own code sees in each file (one dict per file)."""
    node = shutil.which("node")
    ready = node and (NODE_DIR / "node_modules" / "mermaid").is_dir() and (NODE_DIR / "build").is_dir()
    if not ready:
        message = "node or tests/formats_node is not installed (npm ci and npm run build in tests/formats_node)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    done = subprocess.run([str(node), str(NODE_DIR / "check.mjs"), command, *map(str, files)], capture_output=True,
                          text=True, timeout=300, check=False, cwd=NODE_DIR)
    assert done.returncode == 0, done.stderr[-2000:]
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def exported(tmp_path: Path, fmt: str, suffix: str) -> tuple[list[Design], list[Path]]:
    designs = [load_file(p) for p in sorted(DESIGNS.glob("*.json"))] + [hostile()]
    paths = []
    for i, d in enumerate(designs):
        path = tmp_path / f"d{i}.{suffix}"
        path.write_text(dump(d, fmt), encoding="utf-8")
        paths.append(path)
    return designs, paths


def mermaid_shown(text: str) -> str:
    """A Mermaid label as Mermaid draws it: entities decoded, ``<br>`` a line break."""
    return html.unescape(text).replace("<br>", "\n").replace("<br/>", "\n")


def test_mermaid_parses_our_exports_node_by_node(tmp_path: Path) -> None:
    designs, paths = exported(tmp_path, "mermaid", "mmd")
    for design, seen in zip(designs, tool("mermaid", *paths), strict=True):
        assert seen["ok"], seen.get("error")
        assert seen["type"] == "flowchart-v2"
        vertices = seen["vertices"]
        assert len(vertices) == len(design.components)
        for c, v in zip(design.components, vertices, strict=True):
            # Mermaid trims the spaces that start a label
            assert mermaid_shown(v["text"]) == f"{display_text(c.title)}\n{KINDS[c.kind].label}".lstrip()
            assert f"kind_{c.kind}" in v["classes"]
        node = {c.id: f"n{i}" for i, c in enumerate(design.components)}
        assert [(e["start"], e["end"]) for e in seen["edges"]] == [(node[e.source], node[e.target])
                                                                   for e in design.connections]
        assert [mermaid_shown(e["text"]) for e in seen["edges"]] == [display_text(e.label or "").strip()
                                                                    for e in design.connections]


def test_mermaid_refuses_what_our_import_refuses(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mmd"
    bad.write_text("flowchart LR\n  A --> B[never closed\n", encoding="utf-8")
    [seen] = tool("mermaid", bad)
    assert not seen["ok"] and "Parse error" in seen["error"]


def test_our_mermaid_import_finds_what_mermaid_finds_in_a_hand_written_file() -> None:
    path = FORMATS_FIXTURES / "people.mmd"
    [seen] = tool("mermaid", path)
    assert seen["ok"], seen.get("error")
    draft = load(path.read_bytes(), "mermaid")
    assert [(b.id, b.label) for b in draft.blocks] == [(v["id"], mermaid_shown(v["text"]))
                                                      for v in seen["vertices"]]
    assert [(e.source, e.target, e.label or "") for e in draft.edges] == [
        (e["start"], e["end"], mermaid_shown(e["text"])) for e in seen["edges"]]
    kinds = {b.id: b.kind for b in draft.blocks}
    assert kinds == {"shopper": "client", "web": "client", "gw": "api_gateway", "recs": None, "cache": "cache",
                     "fs": "online_feature_store", "kafka": "message_queue", "spark": "batch_etl",
                     "train": "training_pipeline", "reg": "model_registry", "oracle": None}
    assert any("subgraph" in s for s in draft.skipped) and any("click" in s for s in draft.skipped)


def test_mxgraph_decodes_our_drawio_exports_cell_by_cell(tmp_path: Path) -> None:
    designs, paths = exported(tmp_path, "drawio", "drawio")
    for design, seen in zip(designs, tool("drawio", *paths), strict=True):
        assert seen["ok"], seen.get("error")
        cells = {c["id"]: c for c in seen["cells"]}
        assert cells["0"]["value"]["mlsd_design"]  # the design's fields ride on the root cell
        for c in design.components:
            cell = cells[f"block-{c.id}"]
            assert cell["vertex"] and cell["parent"] == "1"
            assert cell["value"]["mlsd_kind"] == c.kind and cell["value"]["mlsd_id"] == c.id
            assert cell["geometry"]["x"] == c.position.x and cell["geometry"]["y"] == c.position.y
            assert f"fillColor={'#'}" in cell["style"] and "html=1" not in cell["style"]
        for e in design.connections:
            cell = cells[f"conn-{e.id}"]
            assert cell["edge"] and (cell["source"], cell["target"]) == (f"block-{e.source}", f"block-{e.target}")
            assert cell["value"]["mlsd_flow"] == e.flow
        assert len(cells) == 2 + len(design.components) + len(design.connections)


def test_excalidraw_restores_our_scenes_with_their_bindings(tmp_path: Path) -> None:
    designs, paths = exported(tmp_path, "excalidraw", "excalidraw")
    for design, seen in zip(designs, tool("excalidraw", *paths), strict=True):
        assert seen["ok"], seen.get("error")
        elements = {e["id"]: e for e in seen["elements"] if not e["isDeleted"]}
        for c in design.components:
            shape = elements[f"block-{c.id}"]
            assert shape["customData"]["mlsd"]["kind"] == c.kind and (shape["x"], shape["y"]) == (
                c.position.x, c.position.y)
            text = elements[f"text-{c.id}"]
            assert text["containerId"] == shape["id"] and text["originalText"] == c.title
        for e in design.connections:
            arrow = elements[f"conn-{e.id}"]
            assert (arrow["start"], arrow["end"]) == (f"block-{e.source}", f"block-{e.target}")
            assert {"id": arrow["id"], "type": "arrow"} in elements[f"block-{e.source}"]["boundElements"]


def test_a_diagram_built_with_mxgraph_imports_block_by_block() -> None:
    path = FORMATS_FIXTURES / "mxgraph-built.drawio"
    [seen] = tool("drawio", path)
    assert seen["ok"]
    draft = load(path.read_bytes(), "drawio", path.name)
    assert [(b.id, b.label, b.kind, b.x, b.y) for b in draft.blocks] == [
        ("users", "Mobile users", "client", 0.0, 0.0), ("kafka", "Kafka\nevents", "message_queue", 200.0, 0.0),
        ("server", "Model server", "online_inference", 400.0, 0.0), ("mystery", "Flux capacitor", None, 400.0, 150.0)]
    vertices = [c["id"] for c in seen["cells"] if c["vertex"] and c["id"] != "note"]
    assert [b.id for b in draft.blocks] == vertices  # what mxGraph sees, less the free text
    assert [(e.source, e.target, e.flow, e.label) for e in draft.edges] == [
        ("users", "kafka", "request", "clicks"), ("kafka", "server", "stream", None),
        ("server", "mystery", "batch", "nightly batch")]
    assert any("free text 'remember the SLA'" in s for s in draft.skipped)
    assert any("data 'owner'" in s for s in draft.skipped)


def test_an_excalidraw_skeleton_scene_imports_block_by_block() -> None:
    path = FORMATS_FIXTURES / "excalidraw-skeleton.excalidraw"
    [seen] = tool("excalidraw", path)
    assert seen["ok"]
    draft = load(path.read_bytes(), "excalidraw", path.name)
    assert [(b.id, b.label, b.kind, b.x, b.y) for b in draft.blocks] == [
        ("fs", "Feature store", "online_feature_store", 0.0, 0.0), ("xgb", "XGBoost", "gbdt", 300.0, 0.0),
        ("odd", "Wibble", None, 300.0, 200.0)]
    arrows = [(e["start"], e["end"]) for e in seen["elements"] if e["type"] == "arrow"]
    assert [(e.source, e.target) for e in draft.edges] == arrows
    assert [(e.flow, e.label) for e in draft.edges] == [("request", "features"), ("stream", None)]
    assert any("free text 'a free note'" in s for s in draft.skipped)
