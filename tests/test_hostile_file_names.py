"""Hostile input: file names. Import reads odd file names by their content; export writes only safe names,
directly inside the out folder."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from mlsd.io import load_file
from tests.hostile_input import RAW_CONTROL, cli, design_dict


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


ODD_FILES = ["in/x/y/../../../etc/passwd.json", "a/b.json", ".hidden.json", "name with spaces.json",
             "ünïcødé ✓ 🎬.json", "new\nline.json", "./-dash.json", "semi;colon$(touch pwned).json",
             "back\\slash.json", "no-extension", "design.YAML"]


def test_import_reads_odd_file_names_by_their_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for k, name in enumerate(ODD_FILES):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(design_dict(name=f"Design {k}"))
        path.write_text(yaml.safe_dump(json.loads(text)) if name.endswith(".YAML") else text, encoding="utf-8")
    before = files_under(tmp_path)
    db = tmp_path / "db" / "library.db"
    code, out, err = cli("library", "import", *ODD_FILES, "--format", "json", "--db", db)
    assert code == 0, err
    rows = json.loads(out)
    assert [r["name"] for r in rows] == [f"Design {k}" for k in range(len(ODD_FILES))]
    assert [r["file"] for r in rows] == ODD_FILES
    assert files_under(tmp_path) - before <= {db}  # nothing written but the library (its WAL is gone on close)
    assert not (tmp_path / "pwned").exists()
    code, out, _ = cli("library", "import", "a/b.json", "new\nline.json", "--db", db)
    assert code == 0 and len(out.splitlines()) == 2 and not RAW_CONTROL.search(out)


EXPORT_NAMES = ["../../etc/passwd", "/etc/passwd", "a/b\\c", ".hidden", "..", ".", "CON", "nul.json",
                "\u202eevil.exe", "name\nwith newline", "x" * 200, "🎬 only emoji", "日本語", "~/home", "$(reboot)",
                "a" + "\x1b[2J" + "b", "same", "same"]


def test_export_writes_only_safe_names_directly_inside_the_out_folder(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for k, name in enumerate(EXPORT_NAMES):
        (src / f"{k}.json").write_text(json.dumps(design_dict(name=name)), encoding="utf-8")
    db = tmp_path / "library.db"
    files = [src / f"{k}.json" for k in range(len(EXPORT_NAMES))]
    assert cli("library", "import", *files, "--db", db)[0] == 0
    out_dir = tmp_path / "exports" / "today"
    before = files_under(tmp_path)
    code, out, err = cli("library", "export", "--out", out_dir, "--db", db)
    assert code == 0 and err == "" and not RAW_CONTROL.search(out)
    written = files_under(tmp_path) - before
    assert len(written) == len(EXPORT_NAMES)
    for path in written:
        assert path.parent == out_dir, path
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*-[0-9a-f]{16}\.json", path.name), path.name
    assert sorted(load_file(p).name for p in written) == sorted(EXPORT_NAMES)
    assert len(out.splitlines()) == len(EXPORT_NAMES) + 1
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    code, _, err = cli("library", "export", "--out", blocker / "sub", "--db", db)
    assert code == 2 and "cannot create folder" in err and err.count("\n") == 1
