"""Hostile input: size. A 50 MB upload, a 50,000-block design and a flood of problems are refused
quickly, in one line (or a capped list), and import nothing.

The ``library`` fixture (a library database holding two designs, one in the trash) is in tests/conftest.py.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml

from mlsd.io import MAX_FILE_BYTES, DesignError, load_file, loads
from mlsd.model import MAX_COMPONENTS
from tests.hostile_input import block, cli, library_state, with_blocks

FIFTY_MB = 50 * 2**20


def test_a_50_mb_upload_is_refused_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(*args: object, **kwargs: object) -> object:
        raise AssertionError("an oversized upload was parsed")

    blob = b"[" * FIFTY_MB  # not JSON at all: parsed, it would fail on its nesting, not on its size
    monkeypatch.setattr(json, "loads", no_parsing)
    monkeypatch.setattr(yaml, "load", no_parsing)
    for data in (blob, blob.decode("ascii")):
        start = time.perf_counter()
        with pytest.raises(DesignError) as exc:
            loads(data, source="upload.json")
        assert time.perf_counter() - start < 1.0
        assert exc.value.problems == ["file is 52.4 MB; designs are limited to 20 MB"]
    path = tmp_path / "upload.json"
    path.write_bytes(blob)
    start = time.perf_counter()
    with pytest.raises(DesignError) as exc:
        load_file(path)
    assert time.perf_counter() - start < 1.0
    assert str(exc.value) == f"{path}: file is 52.4 MB; designs are limited to 20 MB"


def test_a_50_mb_file_through_the_cli_is_one_line_and_imports_nothing(tmp_path: Path, library: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(FIFTY_MB)
    assert MAX_FILE_BYTES < FIFTY_MB
    code, out, err = cli("validate", path)
    assert (code, out, err) == (2, "", f"{path}: file is 52.4 MB; designs are limited to 20 MB\n")
    before = library_state(library)
    code, _, err = cli("library", "import", path, "--db", library)
    assert code == 2 and "limited to 20 MB" in err
    assert library_state(library) == before


def fifty_thousand_blocks() -> str:
    n = 50_000
    comps = [{"id": f"b{i}", "kind": "cache", "label": f"block {i}"} for i in range(n)]
    conns = [{"id": f"c{i}", "source": f"b{i}", "target": f"b{i + 1}", "flow": "batch"} for i in range(0, n - 1, 2)]
    return json.dumps({"name": "fifty thousand", "components": comps, "connections": conns})


def test_a_50000_block_file_is_refused_quickly_with_the_block_limit(tmp_path: Path, library: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text(fifty_thousand_blocks(), encoding="utf-8")
    assert path.stat().st_size < MAX_FILE_BYTES  # within the size limit: the block limit has to catch it
    start = time.perf_counter()
    code, out, err = cli("validate", path)
    elapsed = time.perf_counter() - start
    assert (code, out) == (2, "")
    assert err == f"{path}: components: a design holds at most {MAX_COMPONENTS} blocks, got 50000\n"
    assert elapsed < 10.0, f"refusing 50,000 blocks took {elapsed:.1f} s"
    before = library_state(library)
    assert cli("library", "import", path, "--db", library)[0] == 2
    assert library_state(library) == before


def test_a_flood_of_problems_is_capped(tmp_path: Path) -> None:
    conns = [{"id": f"c{i}", "source": "a", "target": f"ghost{i}"} for i in range(5_000)]
    path = tmp_path / "flood.json"
    path.write_text(with_blocks(block("a"), connections=conns), encoding="utf-8")
    code, _, err = cli("validate", path)
    lines = err.splitlines()
    assert code == 2 and len(lines) == 51
    assert lines[-1] == f"{path}: ... and 4950 more problems"
