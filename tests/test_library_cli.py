"""python -m mlsd library: import, list, history, save (conflict exit 3), export, trash, diff."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlsd.cli import main
from mlsd.cli.library import export_filename
from mlsd.io import load_file
from tests.conftest import ROOT


def design_data(name: str, p99: float = 40, label: str = "Ranker") -> dict:
    return {
        "name": name,
        "tags": ["recsys"],
        "notes": "Notes for " + name,
        "components": [
            {"id": "gw", "kind": "api_gateway", "label": "Gateway"},
            {"id": "inf", "kind": "online_inference", "label": label, "props": {"p99_ms": p99}},
        ],
        "connections": [{"id": "c1", "source": "gw", "target": "inf", "flow": "request"}],
        "requirements": {"sla_p99_ms": 200},
    }


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(*argv: str | Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["library", *map(str, argv)], out=out)
    return code, out.getvalue()


def run_json(*argv: str | Path) -> list | dict:
    code, text = run(*argv, "--format", "json")
    assert code == 0, text
    return json.loads(text)


def test_import_list_and_history(tmp_db: Path, tmp_path: Path) -> None:
    odd = write(tmp_path / "we ird" / "..name with spaces & 'quotes'.json", design_data("Video recs"))
    other = write(tmp_path / "b.json", design_data("Fraud"))
    rows = run_json("import", odd, other, "--db", tmp_db)
    assert [r["name"] for r in rows] == ["Video recs", "Fraud"]  # names come from the content, not the path
    listed = run_json("list", "--db", tmp_db)
    assert {d["name"] for d in listed} == {"Video recs", "Fraud"}
    assert all({"id", "name", "revisions", "errors", "warnings", "score", "tags"} <= d.keys() for d in listed)
    assert all(d["revisions"] == 1 for d in listed)
    history = run_json("history", rows[0]["id"], "--db", tmp_db)
    assert [h["number"] for h in history] == [1] and history[0]["message"] == "imported"
    code, text = run("list", "--db", tmp_db)
    assert code == 0 and "Video recs" in text and "2 of 2" in text
    assert run_json("list", "--search", "fraud", "--db", tmp_db)[0]["name"] == "Fraud"


def test_save_and_conflict_exit_3(tmp_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design_id = run_json("import", write(tmp_path / "a.json", design_data("A")), "--db", tmp_db)[0]["id"]
    mine = write(tmp_path / "mine.json", design_data("A", p99=10))
    theirs = write(tmp_path / "theirs.json", design_data("A", p99=90))
    code, text = run("save", mine, "--design", design_id, "--base-revision", "1", "--message", "faster",
                     "--db", tmp_db)
    assert code == 0 and "revision 2" in text
    capsys.readouterr()
    code, _ = run("save", theirs, "--design", design_id, "--base-revision", "1", "--db", tmp_db)
    err = capsys.readouterr().err
    assert code == 3
    assert err.count("\n") == 1 and "conflict" in err and "revision 2" in err and "nothing was saved" in err
    assert [h["number"] for h in run_json("history", design_id, "--db", tmp_db)] == [1, 2]
    code, text = run("show", design_id, "--db", tmp_db)
    assert code == 0 and json.loads(text)["components"][1]["props"]["p99_ms"] == 10


def test_export_then_import_gives_the_same_designs(tmp_db: Path, tmp_path: Path) -> None:
    names = ["Video recs", "../../etc/passwd", ".hidden", "a/b\\c", "Ünïcode ✓", "   spaced   "]
    files = [write(tmp_path / "in" / f"{i}.json", design_data(n, p99=10 + i)) for i, n in enumerate(names)]
    run_json("import", *files, "--db", tmp_db)
    out = tmp_path / "out"
    code, text = run("export", "--out", out, "--db", tmp_db)
    assert code == 0 and "exported 6" in text
    exported = sorted(out.iterdir())
    assert len(exported) == 6
    for path in exported:
        assert path.parent == out and not path.name.startswith(".") and path.suffix == ".json"
        assert "/" not in path.name and "\\" not in path.name
    originals = {load_file(f).name: load_file(f).model_dump() for f in files}
    assert {load_file(p).name: load_file(p).model_dump() for p in exported} == originals
    second_db = tmp_path / "second.db"
    run_json("import", *exported, "--db", second_db)
    again = tmp_path / "again"
    assert run("export", "--out", again, "--db", second_db)[0] == 0
    assert {load_file(p).name: load_file(p).model_dump() for p in again.iterdir()} == originals


def test_export_filename_is_safe() -> None:
    assert export_filename("../../etc/passwd", "abc123") == "etc-passwd-abc123.json"
    assert export_filename("...", "abc") == "design-abc.json"
    assert export_filename("Video Recs", "../x") == "video-recs-x.json"


def test_corrupt_database_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 500)
    code, _ = run("list", "--db", bad)
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "not a valid SQLite database" in err and str(bad) in err and "Traceback" not in err


def test_bad_input_exits_2_and_imports_nothing(tmp_db: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "good.json", design_data("Good"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x", "components": [{"id": "a", "kind": "nope"}]}')
    code, _ = run("import", good, broken, "--db", tmp_db)
    err = capsys.readouterr().err
    assert code == 2 and "broken.json" in err and "nothing was imported" in err
    assert run_json("list", "--db", tmp_db) == []
    assert run("history", "no-such-id", "--db", tmp_db)[0] == 2
    assert "no design" in capsys.readouterr().err


def test_trash_restore_and_purge(tmp_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design_id = run_json("import", write(tmp_path / "a.json", design_data("A")), "--db", tmp_db)[0]["id"]
    assert run("delete", design_id, "--db", tmp_db)[0] == 0
    assert run_json("list", "--db", tmp_db) == []
    assert [d["id"] for d in run_json("list", "--trash", "--db", tmp_db)] == [design_id]
    assert run("restore", design_id, "--db", tmp_db)[0] == 0
    assert len(run_json("list", "--db", tmp_db)) == 1
    run("delete", design_id, "--db", tmp_db)
    capsys.readouterr()
    assert run("purge", design_id, "--db", tmp_db)[0] == 2
    assert "--yes" in capsys.readouterr().err
    assert run("purge", design_id, "--yes", "--db", tmp_db)[0] == 0
    assert run_json("list", "--trash", "--db", tmp_db) == []


def test_diff_between_revisions(tmp_db: Path, tmp_path: Path) -> None:
    design_id = run_json("import", write(tmp_path / "a.json", design_data("A", p99=40)), "--db", tmp_db)[0]["id"]
    run("save", write(tmp_path / "b.json", design_data("A", p99=90, label="Slow ranker")), "--design", design_id,
        "--base-revision", "1", "--db", tmp_db)
    code, text = run("diff", design_id, "--from", "1", "--db", tmp_db)
    assert code == 0 and "revision 1 -> 2" in text and "props.p99_ms: 40 -> 90" in text
    data = run_json("diff", design_id, "--from", "1", "--to", "2", "--db", tmp_db)
    changes = {c["field"]: (c["old"], c["new"]) for c in data["blocks"]["changed"][0]["changes"]}
    assert changes == {"label": ("Ranker", "Slow ranker"), "props.p99_ms": (40, 90)}


def test_the_real_entry_point_and_mlsd_db(tmp_path: Path) -> None:
    src = write(tmp_path / "a.json", design_data("Entry point"))
    env = {"MLSD_DB": str(tmp_path / "env.db"), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "mlsd", "library", "import", str(src)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    listed = subprocess.run([sys.executable, "-m", "mlsd", "library", "list", "--format", "json"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert [d["name"] for d in json.loads(listed.stdout)] == ["Entry point"]
    assert (tmp_path / "env.db").exists()
