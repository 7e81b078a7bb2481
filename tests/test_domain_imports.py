"""The domain package is a library: importing ``mlsd`` and every submodule must not import Streamlit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Runs in a clean interpreter, so nothing imported by pytest or other tests can hide or fake an import.
PROBE = r"""
import importlib, json, pkgutil, sys
import mlsd

def fail(name):
    raise ImportError(f"cannot import package {name}")

names = ["mlsd"]
for info in pkgutil.walk_packages(mlsd.__path__, "mlsd.", onerror=fail):
    if info.name == "mlsd.__main__":  # runs the CLI and exits when imported; it only imports mlsd.cli
        continue
    importlib.import_module(info.name)
    names.append(info.name)
print(json.dumps({"imported": names, "modules": sorted(sys.modules)}))
"""


def test_importing_every_mlsd_module_does_not_import_streamlit() -> None:
    proc = subprocess.run(  # "-c" puts the working directory (the repository root) first on sys.path
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    imported = set(result["imported"])
    # the walk reached the subpackages, not only the top package
    assert {"mlsd.model", "mlsd.io", "mlsd.cli", "mlsd.catalog", "mlsd.rules.engine"} <= imported
    ui = [m for m in result["modules"] if m.split(".")[0] in ("streamlit", "components")]
    assert ui == [], f"importing mlsd pulled in UI modules: {ui[:10]}"
