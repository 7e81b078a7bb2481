"""mlsd.formats interchange: each design exported to draw.io, Excalidraw and Mermaid comes back equal; diagrams
drawn by people come in by shape and text, with kinds from our data, classes or keywords, and nothing dropped
silently."""

from __future__ import annotations

import json

import pytest

from mlsd.catalog import KINDS
from mlsd.formats import READABLE, REGISTRY, dump, format_of, load
from mlsd.formats.draft import GENERIC
from mlsd.formats.keywords import KEYWORDS, guess_kind
from mlsd.io import DesignError, load_file
from mlsd.model import Design
from tests.conftest import DESIGNS, design_of

INTERCHANGE = ("json", "yaml", "mermaid", "drawio", "excalidraw")
HOSTILE = ['<script>alert(1)</script>', '"quotes" & \'single\'', "a\nnewline", "cr\r\nlf\rend", "--> x",
           "#quot; &amp; %% x", "`tick` |pipe|", "\u202eright-to-left", "  spaces  ", "end", "]]> <![CDATA[",
           "émoji 🚀 中文"]


def hostile() -> Design:
    kinds = ["client", "api_gateway", "online_inference", "cache", "kv_store", "message_queue"]
    comps = [{"id": f"b-{i}.x", "kind": kinds[i % len(kinds)], "label": label,
              "position": {"x": i * 200.5, "y": -i * 10.0}} for i, label in enumerate(HOSTILE)]
    comps.append({"id": "plain", "kind": "gbdt", "props": {"replicas": 3, "p99_ms": 12.5, "gpu": False,
                                                           "regions": ["eu", "us"]}})
    flows = ["request", "stream", "batch", "feedback"]
    conns = [{"id": f"c{i}", "source": f"b-{i}.x", "target": f"b-{i + 1}.x", "flow": flows[i % 4],
              "label": HOSTILE[-1 - i], "fallback": i == 2} for i in range(len(HOSTILE) - 1)]
    return design_of(comps, conns, name='Evil "name" <b>x</b>', description="desc | pipe\nline",
                     notes="# Notes\n<script>x</script>", requirements={"peak_qps": 1000, "sla_p99_ms": 200},
                     waivers=[{"rule": "REL-1", "components": ["plain"], "reason": "because"}])


def designs() -> list[Design]:
    return [load_file(p) for p in sorted(DESIGNS.glob("*.json"))] + [hostile()]


@pytest.mark.parametrize("fmt", INTERCHANGE)
def test_every_design_comes_back_equal(fmt: str) -> None:
    for design in designs():
        draft = load(dump(design, fmt), fmt, f"x.{fmt}")
        assert draft.skipped == [] and draft.unresolved() == []
        assert draft.build() == design, design.name


def test_registry_extensions_and_readers() -> None:
    assert format_of("a.DRAWIO") == "drawio" and format_of("x.excalidraw") == "excalidraw"
    assert format_of("d.mmd") == "mermaid" and format_of("d.yml") == "yaml" and format_of("d.txt") is None
    assert set(READABLE) == set(INTERCHANGE)
    with pytest.raises(DesignError, match="cannot be imported"):
        load("digraph {}", "dot")
    assert set(REGISTRY) >= {"dot", "svg", "markdown"}


def test_drawio_vertices_carry_kind_props_and_category_style() -> None:
    design = hostile()
    text = dump(design, "drawio")
    assert "<!DOCTYPE" not in text and "html=1" not in text  # labels are plain text in draw.io
    assert 'mlsd_kind="gbdt"' in text and 'replicas="3"' in text
    assert 'regions="[&quot;eu&quot;, &quot;us&quot;]"' in text
    assert "fillColor=#fce4ec" in text  # models' colour
    assert "dashPattern=2 4" in text and "strokeWidth=2" in text  # batch dotted, request bold


def test_excalidraw_arrows_are_bound_at_both_ends() -> None:
    scene = json.loads(dump(hostile(), "excalidraw"))
    by_id = {e["id"]: e for e in scene["elements"]}
    arrows = [e for e in scene["elements"] if e["type"] == "arrow"]
    assert len(arrows) == len(HOSTILE) - 1
    for a in arrows:
        for end in ("startBinding", "endBinding"):
            shape = by_id[a[end]["elementId"]]
            assert {"id": a["id"], "type": "arrow"} in shape["boundElements"]
    texts = [e for e in scene["elements"] if e["type"] == "text" and e["containerId"].startswith("block-")]
    assert all({"id": t["id"], "type": "text"} in by_id[t["containerId"]]["boundElements"] for t in texts)


def test_mermaid_carries_kinds_as_classes_even_without_data_comments() -> None:
    design = design_of([{"id": "a", "kind": "client", "label": "Phone"}, {"id": "b", "kind": "cache",
                                                                          "label": "Hot stuff"}],
                       [{"id": "e", "source": "a", "target": "b"}])
    text = dump(design, "mermaid")
    assert "class n1 kind_cache" in text
    stripped = "\n".join(line for line in text.splitlines() if "%% mlsd" not in line)
    draft = load(stripped, "mermaid")
    assert [(b.label, b.kind, b.how) for b in draft.blocks] == [("Phone", "client", "class"),
                                                                 ("Hot stuff", "cache", "class")]


FOREIGN_MERMAID = """---
title: Fraud checks
---
graph TD
  U((Users)) --> GW[API Gateway]
  GW -->|features| FS[(Feature Store)]
  GW -- score --> M{{XGBoost model}}:::hot
  M -.-> K>Kafka] & W[Wibble]
  subgraph infra
    W --> X["Thing #quot;x#quot;<br/><b>two</b>"]
  end
  X -- nightly batch --> W
  click X "javascript:alert(1)"
"""


def test_foreign_mermaid_by_keywords_and_a_mapping() -> None:
    draft = load(FOREIGN_MERMAID, "mermaid")
    got = {b.id: (b.label, b.kind, b.how) for b in draft.blocks}
    assert got["U"] == ("Users", "client", "keyword") and got["M"] == ("XGBoost model", "gbdt", "keyword")
    assert got["FS"][1] == "online_feature_store" and got["K"][1] == "message_queue"
    assert got["X"] == ('Thing "x"\ntwo', None, "")
    assert [b.id for b in draft.unresolved()] == ["W", "X"]
    flows = [(e.source, e.target, e.flow, e.label) for e in draft.edges]
    assert ("M", "K", "stream", None) in flows and ("X", "W", "batch", "nightly batch") in flows
    assert any("subgraph" in s for s in draft.skipped) and any("click" in s for s in draft.skipped)
    design = draft.build({"W": "cache"})
    kinds = {c.id: c.kind for c in design.components}
    assert kinds["W"] == "cache" and kinds["X"] == GENERIC and design.name == "Fraud checks"
    assert len({(c.position.x, c.position.y) for c in design.components}) == len(design.components)  # laid out
    with pytest.raises(DesignError, match="unknown kind"):
        draft.build({"W": "nonsense"})


FOREIGN_DRAWIO = """<mxfile host="app.diagrams.net"><diagram id="p1" name="Architecture"><mxGraphModel><root>
<mxCell id="0"/><mxCell id="1" parent="0"/>
<mxCell id="a" value="Kafka &lt;b&gt;events&lt;/b&gt;" style="rounded=1;html=1;" vertex="1" parent="1">
  <mxGeometry x="10" y="20" width="120" height="60" as="geometry"/></mxCell>
<mxCell id="g" value="Cluster" style="swimlane;" vertex="1" parent="1">
  <mxGeometry x="300" y="100" width="300" height="200" as="geometry"/></mxCell>
<mxCell id="b" value="Flux capacitor" style="rounded=0;" vertex="1" parent="g">
  <mxGeometry x="20" y="40" width="120" height="60" as="geometry"/></mxCell>
<UserObject label="Redis" owner="team-a" id="c"><mxCell style="shape=cylinder3;" vertex="1" parent="1">
  <mxGeometry x="700" y="20" width="80" height="80" as="geometry"/></mxCell></UserObject>
<mxCell id="t" value="a note" style="text;html=1;" vertex="1" parent="1">
  <mxGeometry x="0" y="400" width="80" height="20" as="geometry"/></mxCell>
<mxCell id="i" value="" style="shape=image;image=https://example.com/x.png;" vertex="1" parent="1">
  <mxGeometry x="0" y="500" width="80" height="80" as="geometry"/></mxCell>
<mxCell id="e1" value="" style="dashed=1;" edge="1" parent="1" source="a" target="b">
  <mxGeometry relative="1" as="geometry"/></mxCell>
<mxCell id="e1l" value="stream of clicks" style="edgeLabel;" vertex="1" connectable="0" parent="e1">
  <mxGeometry relative="1" as="geometry"/></mxCell>
<mxCell id="e2" value="lookup" edge="1" parent="1" source="b" target="c">
  <mxGeometry relative="1" as="geometry"/></mxCell>
<mxCell id="e3" value="dangling" edge="1" parent="1" source="b"><mxGeometry relative="1" as="geometry"/></mxCell>
</root></mxGraphModel></diagram><diagram id="p2" name="Second page"><mxGraphModel><root/></mxGraphModel></diagram>
</mxfile>"""


def test_foreign_drawio_by_shape_text_and_container_offsets() -> None:
    draft = load(FOREIGN_DRAWIO, "drawio")
    got = {b.id: (b.label, b.kind, b.x, b.y) for b in draft.blocks}
    assert got == {"a": ("Kafka events", "message_queue", 10.0, 20.0),
                   "b": ("Flux capacitor", None, 320.0, 140.0), "c": ("Redis", "cache", 700.0, 20.0)}
    assert [(e.source, e.target, e.flow, e.label) for e in draft.edges] == [
        ("a", "b", "stream", "stream of clicks"), ("b", "c", "request", "lookup")]
    skipped = "\n".join(draft.skipped)
    for expected in ("group 'Cluster'", "free text 'a note'", "image", "'dangling'", "Second page",
                     "data 'owner'"):
        assert expected in skipped
    assert draft.name == "Architecture" and draft.build().components[1].kind == GENERIC


def test_compressed_drawio_page_is_inflated() -> None:
    import base64
    import urllib.parse
    import zlib

    inner = FOREIGN_DRAWIO.split("<mxGraphModel>", 1)[1].split("</mxGraphModel>", 1)[0]
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    raw = packer.compress(urllib.parse.quote(f"<mxGraphModel>{inner}</mxGraphModel>").encode()) + packer.flush()
    text = f'<mxfile><diagram name="Packed">{base64.b64encode(raw).decode()}</diagram></mxfile>'
    draft = load(text, "drawio")
    assert [b.id for b in draft.blocks] == ["a", "b", "c"] and draft.name == "Packed"


FOREIGN_EXCALIDRAW = {
    "type": "excalidraw", "version": 2, "source": "https://excalidraw.com", "elements": [
        {"id": "r1", "type": "rectangle", "x": 0, "y": 0, "width": 100, "height": 50, "groupIds": ["g1"],
         "boundElements": [{"id": "t1", "type": "text"}]},
        {"id": "t1", "type": "text", "x": 5, "y": 5, "text": "Feature\nstore", "originalText": "Feature store",
         "containerId": "r1"},
        {"id": "r2", "type": "ellipse", "x": 300, "y": 10, "width": 100, "height": 50, "groupIds": ["g1"]},
        {"id": "a1", "type": "arrow", "x": 100, "y": 25, "points": [[0, 0], [200, 0]],
         "startBinding": {"elementId": "r1"}, "endBinding": {"elementId": "r2"}},
        {"id": "a2", "type": "arrow", "x": 100, "y": 25, "points": [[0, 0], [50, 50]],
         "startBinding": {"elementId": "r1"}, "endBinding": None},
        {"id": "t2", "type": "text", "x": 0, "y": 300, "text": "just words", "containerId": None},
        {"id": "im", "type": "image", "x": 0, "y": 400, "fileId": "f"},
        {"id": "gone", "type": "rectangle", "x": 0, "y": 0, "isDeleted": True},
    ], "appState": {}, "files": {}}


def test_foreign_excalidraw_by_shape_and_bound_text() -> None:
    draft = load(json.dumps(FOREIGN_EXCALIDRAW), "excalidraw")
    assert [(b.id, b.label, b.kind) for b in draft.blocks] == [("r1", "Feature store", "online_feature_store"),
                                                             ("r2", "", None)]
    assert [(e.source, e.target, e.flow) for e in draft.edges] == [("r1", "r2", "request")]
    skipped = "\n".join(draft.skipped)
    for expected in ("'a2'", "free text 'just words'", "image 'im'", "group 'g1' of 2 elements"):
        assert expected in skipped
    assert "gone" not in skipped and draft.build().components[1].kind == GENERIC


def test_keyword_table_names_real_kinds_and_documented_examples() -> None:
    assert all(kind in KINDS for _, kind in KEYWORDS)
    examples = {"Feature store": "online_feature_store", "Kafka topic": "message_queue", "XGBoost": "gbdt",
                "S3": "object_storage", "Postgres DB": "relational_db", "Online inference": "online_inference",
                "Load balancer": "load_balancer", "Users": "client", "Spark job": "batch_etl"}
    assert {label: guess_kind(label) for label in examples} == examples
    assert guess_kind("Wibble") is None and guess_kind("") is None
    assert guess_kind("obs3rver") is None  # short keywords match whole words only


def test_generic_kind_adds_no_finding_of_its_own_role() -> None:
    from mlsd.rules import check

    base = design_of([{"id": "c", "kind": "client"}, {"id": "m", "kind": "online_inference"}],
                     [{"id": "e", "source": "c", "target": "m"}])
    with_box = design_of([{"id": "c", "kind": "client"}, {"id": "m", "kind": "online_inference"},
                          {"id": "g", "kind": "generic", "label": "Thing"}],
                         [{"id": "e", "source": "c", "target": "m"}, {"id": "f", "source": "m", "target": "g",
                                                                     "flow": "stream"}])
    before = {f.rule for f in check(base).active}
    new = {(f.rule, f.components) for f in check(with_box).active if f.rule not in before}
    assert new == set(), new



def test_docs_formats_md_holds_the_current_keyword_table() -> None:
    from mlsd.formats.keywords import keywords_markdown
    from tests.conftest import ROOT

    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    table = text.split("<!-- keywords:start -->\n", 1)[1].split("<!-- keywords:end -->", 1)[0]
    assert table == keywords_markdown(), "regenerate: python -m mlsd.formats.keywords (docs/formats.md)"
