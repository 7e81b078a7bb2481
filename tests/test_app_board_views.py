"""What the board shows besides the canvas (AppTest through app.py): the Graphviz and numbers views, and
hostile labels shown as text everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlsd.rules import check
from tests.board_apptest import (
    HOSTILE,
    bottom,
    edges,
    name_key,
    nodes,
    open_board,
    open_rules,
    select,
    shown_texts,
    start_from,
)


def test_graphviz_and_numbers_views(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    d = start_from(at, "video_recommendations")
    charts = at.get("plotly_chart")
    paths = check(d).context.analysis.paths
    assert len(charts) >= min(3, len(paths)) + 1
    waterfall = json.loads(charts[0].proto.spec)
    assert waterfall["data"][0]["type"] == "waterfall"
    bottom(at, "Graphviz view")
    spec = at.get("graphviz_chart")[0].proto.spec
    assert all(c.id in spec for c in d.components)


def test_hostile_labels_show_as_text_everywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "designs"
    folder.mkdir()
    evil = {"name": f"Evil {HOSTILE}", "components": [
        {"id": "evil", "kind": "online_inference", "label": HOSTILE, "position": {"x": 0, "y": 0}},
        {"id": "gw", "kind": "api_gateway", "label": "{{7*7}} ' \" `x`", "position": {"x": 300, "y": 0}}],
        "connections": [{"id": "c1", "source": "gw", "target": "evil", "label": HOSTILE}],
        "notes": HOSTILE}
    (folder / "evil.json").write_text(json.dumps(evil), encoding="utf-8")
    at = open_board(monkeypatch, tmp_path, folder)
    start_from(at, "evil")
    labels = {n["id"]: n["label"] for n in nodes(at)}
    assert labels == {"evil": HOSTILE, "gw": "{{7*7}} ' \" `x`"}  # the canvas draws them as text (React)
    assert edges(at)[0]["label"] == HOSTILE
    select(at, "evil")
    open_rules(at)
    texts = shown_texts(at)
    assert [t for t in texts if "<script>" in t] == []  # every Markdown text escapes it
    assert all(not el.proto.allow_html for el in [*at.markdown, *at.caption])
    assert at.text_input(key=name_key(at)).value == f"Evil {HOSTILE}"  # inputs hold it verbatim
    bottom(at, "Graphviz view")
    assert "<script>" not in re.sub(r'"(?:[^"\\]|\\.)*"', '""', at.get("graphviz_chart")[0].proto.spec)
    bottom(at, "Notes")
    assert at.text_area[0].value == HOSTILE
