"""The app and its home page, driven by Streamlit's AppTest (no browser): it runs, shows the catalog,
draws the example design picked, and shows hostile user text as text."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.common.examples import ENV_DESIGNS_DIR
from components.common.state import Key
from mlsd.catalog import CATEGORIES, kinds_in
from mlsd.io import load_file
from mlsd.model import Design

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "designs"
HOSTILE = "<script>alert(1)</script>"


def run_app(monkeypatch: pytest.MonkeyPatch, designs_dir: Path | None = None) -> AppTest:
    if designs_dir is None:
        monkeypatch.delenv(ENV_DESIGNS_DIR, raising=False)
    else:
        monkeypatch.setenv(ENV_DESIGNS_DIR, str(designs_dir))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def canvas_of(at: AppTest) -> dict[str, Any]:
    """What Python sent the one (read-only) whiteboard canvas on the page."""
    [element] = at.get("component_instance")
    args: dict[str, Any] = json.loads(element.proto.json_args)
    assert args["read_only"] is True
    return args


def canvas_labels(at: AppTest) -> list[str]:
    return [n["label"] for n in canvas_of(at)["graph"]["nodes"]]


def write_design(folder: Path, data: dict[str, object], name: str = "design.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_app_runs_and_shows_every_catalog_category(monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(monkeypatch)
    assert at.title[0].value == "MLSD Whiteboard"
    pills = at.button_group(key="home.catalog")
    for category in CATEGORIES.values():
        kinds = kinds_in(category.id)
        pills.set_value(f"{category.icon} {category.label} ({len(kinds)})").run()
        [table] = [t.value for t in at.table]
        assert list(table["Kind id"]) == [k.kind for k in kinds]
        assert list(table["What it is for"]) == [k.purpose for k in kinds]


def example_paths() -> list[Path]:
    return sorted(DESIGNS.glob("*.json"))


def test_the_repository_ships_example_designs() -> None:
    assert example_paths(), f"no example designs in {DESIGNS}"


@pytest.mark.parametrize("path", example_paths(), ids=lambda p: p.stem)
def test_selecting_an_example_draws_its_blocks(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    design = load_file(path)
    at = run_app(monkeypatch)
    at.selectbox(key=Key.EXAMPLE.value).set_value(str(path)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert re.sub(r"\\(.)", r"\1", at.subheader[0].value) == " ".join(design.name.split())
    assert canvas_labels(at) == [c.title for c in design.components]
    assert not at.get("graphviz_chart")  # the Board's own canvas, read-only: one picture everywhere
    blocks = next(m for m in at.metric if m.label == "Blocks")
    assert blocks.value == str(len(design.components))


def test_the_selectbox_lists_every_example_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(monkeypatch)
    names = {load_file(p).name for p in example_paths()}
    assert set(at.selectbox(key=Key.EXAMPLE.value).options) == names


def test_an_empty_designs_folder_says_what_to_do(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = run_app(monkeypatch, tmp_path)
    assert len(at.selectbox) == 0
    assert any("No example designs yet" in i.value for i in at.info)
    assert len(at.get("component_instance")) == 0
    assert at.button_group(key="home.catalog").value  # the catalog is still there


def test_an_invalid_design_file_is_an_error_on_the_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_design(tmp_path, {"name": "Broken", "components": [{"id": "x", "kind": "no_such_kind"}]}, "broken.json")
    at = run_app(monkeypatch, tmp_path)
    assert at.selectbox(key=Key.EXAMPLE.value).options == ["broken.json (cannot be opened)"]
    assert len(at.error) == 1
    assert "no\\_such\\_kind" in at.error[0].value  # the loader's problem line, shown (escaped) to the person
    assert len(at.get("component_instance")) == 0


def test_hostile_text_is_shown_as_text(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    write_design(tmp_path, {
        "name": f"Evil {HOSTILE} ![x](https://example.invalid/t.png)",
        "description": HOSTILE,
        "components": [{"id": "evil", "kind": "online_inference", "label": HOSTILE}],
        "notes": f"Notes with {HOSTILE} and <img src=x onerror=alert(2)>",
    })
    at = run_app(monkeypatch, tmp_path)
    assert all(not el.proto.allow_html for el in [*at.markdown, *at.caption])  # never unsafe_allow_html
    # the name and description are escaped for Markdown: no link, image or tag is formed
    heading = at.subheader[0].value
    assert "\\<script\\>" in heading and "!\\[x\\]\\(https" in heading
    notes = f"Notes with {HOSTILE} and <img src=x onerror=alert(2)>"
    texts = [el.value for el in [*at.markdown, *at.caption, *at.subheader, *at.title, *at.header, *at.error]]
    assert [t for t in texts if "<script>" in t] == [notes]
    # the notes are the author's Markdown, passed as is (the browser journey checks that they show as text)
    # the canvas gets the label as data (JSON), and its React code draws it as text
    assert canvas_labels(at) == [HOSTILE]
    # the blocks table holds the label as data
    blocks = [df.value for df in at.dataframe if "Label" in df.value.columns]
    assert len(blocks) == 1 and list(blocks[0]["Label"]) == [HOSTILE]


def test_examples_are_read_from_the_folder_the_environment_names(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    design = Design.model_validate({"name": "Only here", "components": [{"id": "a", "kind": "client"}]})
    write_design(tmp_path, design.model_dump(mode="json"))
    at = run_app(monkeypatch, tmp_path)
    assert at.selectbox(key=Key.EXAMPLE.value).options == ["Only here"]


def test_open_on_the_board_starts_the_board_from_that_example(monkeypatch: pytest.MonkeyPatch) -> None:
    path = example_paths()[-1]
    design = load_file(path)
    at = run_app(monkeypatch)
    at.selectbox(key=Key.EXAMPLE.value).set_value(str(path)).run()
    next(b for b in at.button if b.label == "Open on the board").click().run()
    assert not at.exception, [e.value for e in at.exception]
    board = at.session_state["board.design"]
    assert board.name == design.name
    assert [c.id for c in board.components] == [c.id for c in design.components]


def test_notes_headings_do_not_outrank_the_page(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    notes = "# Big title\n\nText with a # sign.\n\n```\n# a comment in code\n```\n"
    write_design(tmp_path, {"name": "With notes", "components": [{"id": "a", "kind": "client"}], "notes": notes})
    at = run_app(monkeypatch, tmp_path)
    shown = [m.value.strip() for m in at.markdown if "Big title" in m.value]
    assert shown == ["### Big title\n\nText with a # sign.\n\n```\n# a comment in code\n```"]


def test_new_blank_design_opens_an_empty_board(monkeypatch: pytest.MonkeyPatch) -> None:
    at = run_app(monkeypatch)
    assert at.button(key="home.new").proto.type == "primary"
    at.button(key="home.new").click().run()
    assert not at.exception, [e.value for e in at.exception]
    [canvas] = [json.loads(c.proto.json_args) for c in at.get("component_instance")]
    assert canvas["graph"]["nodes"] == [] and canvas["read_only"] is False  # the Board, with an empty design


def test_the_landing_page_speaks_no_command_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for folder in (None, tmp_path):  # with the examples, and with none (the empty state)
        at = run_app(monkeypatch, folder)
        words = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.title, *at.header)]
        assert [w for w in words if "python -m" in w or "mlsd/1" in w] == []
