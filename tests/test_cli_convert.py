"""``python -m mlsd convert IN OUT``: formats from extensions (``--to``/``--from`` override), generic boxes and
skipped elements named on stderr, exit 2 and nothing written on unreadable input."""

from __future__ import annotations

from pathlib import Path

from mlsd.cli import main
from mlsd.io import load_file
from tests.conftest import DESIGNS
from tests.test_cli import mlsd

SOURCE = DESIGNS / "news_feed_ranking.json"


def test_a_design_goes_round_every_format_and_comes_back_equal(tmp_path: Path) -> None:
    path = str(SOURCE)
    for suffix in ("drawio", "excalidraw", "mmd", "yaml", "json"):
        target = str(tmp_path / f"d.{suffix}")
        assert main(["convert", path, target]) == 0
        path = target
    assert load_file(path) == load_file(SOURCE)


def test_to_overrides_the_extension_and_dash_is_stdout(capsys) -> None:
    assert main(["convert", str(SOURCE), "-", "--to", "mermaid"]) == 0
    assert capsys.readouterr().out.startswith("flowchart LR\n")
    assert main(["convert", str(SOURCE), "-", "--to", "svg"]) == 0
    assert capsys.readouterr().out.startswith("<svg")


def test_unresolved_blocks_become_generic_unless_picked(tmp_path: Path, capsys) -> None:
    src = tmp_path / "d.mmd"
    src.write_text("flowchart LR\n  A[Kafka] --> B[Wibble]\n  T[Wobble]\n  click A call x()\n", encoding="utf-8")
    assert main(["convert", str(src), str(tmp_path / "d.json")]) == 0
    err = capsys.readouterr().err
    assert "node 'B' 'Wibble': no kind found; made generic (pick one with --kind B=KIND)" in err
    assert "not imported: line 4: click action" in err
    kinds = {c.id: c.kind for c in load_file(tmp_path / "d.json").components}
    assert kinds == {"A": "message_queue", "B": "generic", "T": "generic"}
    assert main(["convert", str(src), str(tmp_path / "e.json"), "--kind", "B=cache", "--kind", "T=gbdt"]) == 0
    assert {c.id: c.kind for c in load_file(tmp_path / "e.json").components}["B"] == "cache"


def test_unreadable_input_is_exit_2_with_a_message_and_nothing_written(tmp_path: Path) -> None:
    bad = tmp_path / "bad.drawio"
    bad.write_text('<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><mxfile>&e;</mxfile>', encoding="utf-8")
    out = tmp_path / "out.json"
    done = mlsd("convert", str(bad), str(out))
    assert done.returncode == 2 and "document type declaration" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    for args, expected in (((str(tmp_path / "missing.mmd"), str(out)), "cannot read file"),
                           ((str(SOURCE), str(tmp_path / "x.unknown")), "use --to"),
                           ((str(tmp_path / "x.txt"), str(out)), "use --from"),
                           ((str(SOURCE), str(out), "--kind", "nonsense"), "BLOCK=KIND")):
        done = mlsd("convert", *args)
        assert done.returncode == 2 and expected in done.stderr, (args, done.stderr)
    assert not out.exists()
