"""Hostile and broken files for every importer: a clear message naming the line or element, nothing created.

XML with a DTD (entity expansion, external entities), malformed XML, compressed pages that are not, or inflate
too far, other Excalidraw versions, NaN, Mermaid with syntax errors or another diagram type, 50k shapes,
deep nesting, files over the size limit, and HTML in labels (kept as text, never read as markup).
"""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from mlsd.formats import dump, load
from mlsd.io import MAX_FILE_BYTES, DesignError
from tests.conftest import design_of


def problems(data: str | bytes, fmt: str) -> str:
    with pytest.raises(DesignError) as info:
        load(data, fmt, "in").build()
    return "\n".join(info.value.problems)


@pytest.mark.parametrize("text", [
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    "<mxfile>&lol2;</mxfile>",
    '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><mxfile><diagram>&xxe;</diagram></mxfile>',
    '<!DOCTYPE x SYSTEM "http://example.com/evil.dtd"><mxfile/>',
])
def test_drawio_refuses_any_dtd(text: str) -> None:
    assert "document type declaration" in problems(text, "drawio")


@pytest.mark.parametrize(("text", "expected"), [
    ("<mxfile><diagram><mxGraphModel><root></mxGraphModel></diagram></mxfile>", "malformed draw.io XML at line 1"),
    ("<mxfile>\n<diagram>\n<a>\n</b>", "line 4"),
    ("<svg xmlns='http://www.w3.org/2000/svg'/>", "not a draw.io file"),
    ("<mxfile></mxfile>", "no page"),
    ("<mxfile><diagram name='P'>!!!not base64!!!</diagram></mxfile>", "page 'P'"),
    ("<mxfile><diagram><mxGraphModel><root><mxCell id='a' vertex='1' parent='1'><mxGeometry x='NaN' y='0'/>"
     "</mxCell></root></mxGraphModel></diagram></mxfile>", "cell 'a'"),
    ("<mxfile><diagram><mxGraphModel/></diagram></mxfile>", "no <root>"),
])
def test_drawio_broken_files_name_the_place(text: str, expected: str) -> None:
    assert expected in problems(text, "drawio")


def test_drawio_compressed_bomb_is_bounded() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = packer.compress(b"<mxGraphModel>" + b" " * (MAX_FILE_BYTES + 10)) + packer.flush()
    text = f"<mxfile><diagram name='bomb'>{base64.b64encode(raw).decode()}</diagram></mxfile>"
    assert "inflates beyond" in problems(text, "drawio")


def test_deep_xml_nesting_is_refused() -> None:
    text = "<mxfile>" + "<a>" * 5000 + "</a>" * 5000 + "</mxfile>"
    assert "nest deeper" in problems(text, "drawio")


@pytest.mark.parametrize(("scene", "expected"), [
    ({"type": "excalidraw", "version": 3, "elements": []}, "version 3"),
    ({"type": "something", "elements": []}, "not an Excalidraw file"),
    ({"type": "excalidraw", "version": 2}, 'no "elements"'),
    ({"type": "excalidraw", "version": 2, "elements": [42]}, "elements[0]"),
])
def test_excalidraw_broken_scenes(scene: dict[str, object], expected: str) -> None:
    assert expected in problems(json.dumps(scene), "excalidraw")


def test_excalidraw_nan_and_malformed_json_name_the_line() -> None:
    assert "NaN is not allowed" in problems('{"type": "excalidraw", "elements": [{"id": "a", "type": '
                                            '"rectangle", "x": NaN}]}', "excalidraw")
    assert "line 2" in problems('{"type": "excalidraw",\n "elements": [}', "excalidraw")
    deep = '{"type": "excalidraw", "elements": [], "x": ' + "[" * 200 + "]" * 200 + "}"
    assert "nesting is deeper" in problems(deep, "excalidraw")


@pytest.mark.parametrize(("text", "expected"), [
    ("sequenceDiagram\n  A->>B: hi", "only Mermaid flowcharts"),
    ("flowchart LR\n  A --> B\n  C[never closed", "line 3"),
    ("flowchart LR\n  A --> ", "line 2"),
    ("flowchart LR\n  A ~~> B", "line 2"),
    ("just words", "only Mermaid flowcharts"),
    ("", "holds no Mermaid flowchart"),
    ("flowchart LR\n  %% mlsd {not json", "line 2"),
])
def test_mermaid_syntax_errors_name_the_line(text: str, expected: str) -> None:
    assert expected in problems(text, "mermaid")


def test_too_many_shapes_are_refused_before_a_design_is_made() -> None:
    text = "flowchart LR\n" + "\n".join(f"  n{i} --> n{i + 1}" for i in range(50_000))
    assert "at most 20000" in problems(text, "mermaid")


@pytest.mark.parametrize("fmt", ["mermaid", "drawio", "excalidraw"])
def test_files_over_the_limit_are_refused_unread(fmt: str) -> None:
    assert "limited to" in problems(b" " * (MAX_FILE_BYTES + 1), fmt) or "larger" in problems(
        b" " * (MAX_FILE_BYTES + 1), fmt)


@pytest.mark.parametrize("fmt", ["mermaid", "drawio", "excalidraw"])
def test_html_in_labels_stays_text(fmt: str) -> None:
    label = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    design = design_of([{"id": "a", "kind": "cache", "label": label}])
    text = dump(design, fmt)
    if fmt == "excalidraw":  # a JSON string that Excalidraw draws on its canvas as text
        assert [e["text"] for e in json.loads(text)["elements"] if e["type"] == "text"] == [label]
    else:
        assert "<script>" not in text and "<img" not in text
    assert load(text, fmt).build().components[0].label == label


def test_bad_props_in_our_own_data_name_the_block() -> None:
    text = dump(design_of([{"id": "gw", "kind": "api_gateway", "props": {"replicas": 2}}]), "drawio")
    assert "block 'gw'" in problems(text.replace('replicas="2"', 'replicas="lots"'), "drawio")


@pytest.mark.parametrize(("text", "fmt", "expected"), [
    ("flowchart LR\n  %% mlsd " + "[" * 100_000 + "]" * 100_000, "mermaid", "nesting is deeper"),
    ('flowchart LR\n  %% mlsd {"block":{"node":"a","id":"a","kind":"cache","x":NaN}}\n  a[x]', "mermaid",
     "NaN is not allowed"),
    ('<mxfile><diagram><mxGraphModel><root><object id="0" mlsd_design="' + "[" * 100_000
     + '"><mxCell/></object></root></mxGraphModel></diagram></mxfile>', "drawio", "nesting is deeper"),
])
def test_json_kept_inside_other_files_has_the_loaders_limits(text: str, fmt: str, expected: str) -> None:
    assert expected in problems(text, fmt)
