"""``mlsd.cli.process.tune``: the command's own process runs without the cyclic GC, with one OpenBLAS thread and
without pydantic's plugin discovery, and gives the same results as ``main`` called in an untuned interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PROBE = """
import gc, json, os, sys
from mlsd.cli import main, process
process.tune(sys.argv[1])
import io
code = main(sys.argv[1:], io.StringIO())
print(json.dumps({"code": code, "gc": gc.isenabled(), "blas": os.environ.get("OPENBLAS_NUM_THREADS"),
                  "metadata": "importlib.metadata" in sys.modules, "numpy.ma": "numpy.ma" in sys.modules}))
"""


def probe(*args: str, **env: str) -> dict[str, object]:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYDANTIC_DISABLE_PLUGINS", "OPENBLAS_NUM_THREADS")}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True, env={**clean, **env})
    return dict(json.loads(done.stdout.splitlines()[-1]))


def test_validate_runs_tuned_and_imports_neither_importlib_metadata_nor_numpy_ma():
    seen = probe("validate", "designs/video_recommendations.json", "--fail-on", "never")
    assert seen == {"code": 0, "gc": False, "blas": "1", "metadata": False, "numpy.ma": False}


def test_only_validate_runs_without_the_garbage_collector():
    seen = probe("render", "designs/video_recommendations.json", "--format", "mermaid")
    assert seen["code"] == 0 and seen["gc"] is True and seen["metadata"] is False


def test_a_set_environment_wins():
    seen = probe("validate", "designs/video_recommendations.json", "--fail-on", "never",
                 OPENBLAS_NUM_THREADS="2", PYDANTIC_DISABLE_PLUGINS="some_plugin")
    assert seen["blas"] == "2" and seen["metadata"] is True  # pydantic looked for its plugins as usual


def test_the_stand_in_loader_has_what_pydantic_imports_from_its_own():
    import pydantic.plugin._loader as real

    from mlsd.cli import process

    assert callable(real.get_plugins) and real.__name__ == process.PLUGIN_LOADER
    assert list(process._no_plugins()) == []


@pytest.mark.parametrize("content", [
    '{"format": "mlsd/1", "name": "x", "components": [{"id": "a", "kind": "nope", "props": {"replicas": 0}}]}',
    '{"format": "mlsd/1", "name": "x", "components": [{"id": "a b", "kind": "cache", "extra": 1}]}',
])
def test_same_errors_on_bad_input_as_an_untuned_interpreter(tmp_path: Path, content: str):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    tuned = subprocess.run([sys.executable, "-m", "mlsd", "validate", str(bad)], cwd=ROOT, capture_output=True,
                           text=True, timeout=120, check=False)
    untuned = subprocess.run([sys.executable, "-c", "import sys; from mlsd.cli import main; sys.exit(main())",
                              "validate", str(bad)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                             check=False)
    assert tuned.returncode == untuned.returncode == 2
    assert tuned.stderr == untuned.stderr and tuned.stderr.strip()


def test_validate_exits_without_teardown_yet_writes_everything_and_keeps_its_exit_code(tmp_path: Path):
    from benchmarks.synthetic import synthetic_design

    design = tmp_path / "big.json"
    design.write_text(json.dumps(synthetic_design(300)), encoding="utf-8")
    for fmt in ("json", "sarif"):  # stdout a pipe, its buffer far larger than one write: all of it must arrive
        done = subprocess.run([sys.executable, "-m", "mlsd", "validate", str(design), "--format", fmt], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 1 and len(done.stdout) > 100_000
        json.loads(done.stdout)
    passing = subprocess.run([sys.executable, "-m", "mlsd", "validate", str(design), "--fail-on", "never"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert passing.returncode == 0 and passing.stdout.rstrip().endswith(")")  # the counts line, last


def test_only_validate_skips_the_teardown():
    from mlsd.cli import process

    with pytest.raises(SystemExit) as raised:
        process.finish(3, "render")
    assert raised.value.code == 3
