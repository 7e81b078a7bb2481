"""The committed canvas bundle is built from the current frontend sources: the stamp the build wrote beside it
names the sources' hash (recomputed here as frontend/build.mjs computes it) and the bundle's own hash.

scripts/test.sh also rebuilds the bundle from the lockfile and fails when the result differs from the commit."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FRONTEND = ROOT / "frontend"
STATIC = ROOT / "components" / "whiteboard" / "static"


def sources_hash(sources: list[str], root: Path = FRONTEND) -> str:
    files: list[str] = []
    for name in sources:
        path = root / name
        found = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        files += [p.relative_to(root).as_posix() for p in found]
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + (root / rel).read_bytes() + b"\0")
    return digest.hexdigest()


def stamp() -> dict[str, object]:
    return json.loads((STATIC / "stamp.json").read_text())


def test_the_committed_bundle_is_built_from_the_current_sources() -> None:
    s = stamp()
    assert s["sources"] == ["build.mjs", "package.json", "package-lock.json", "tsconfig.json", "src"]
    assert s["sources_sha256"] == sources_hash(list(s["sources"])), (
        "frontend/ changed since components/whiteboard/static was built: run `npm ci --prefix frontend && "
        "npm run build --prefix frontend` and commit the bundle")


def test_the_bundle_is_the_one_the_stamp_describes() -> None:
    html = (STATIC / "index.html").read_bytes()
    assert stamp()["bundle_sha256"] == hashlib.sha256(html).hexdigest(), "static/index.html was edited by hand"


def test_the_hash_sees_a_changed_source(tmp_path: Path) -> None:
    shutil.copytree(FRONTEND / "src", tmp_path / "src")
    before = sources_hash(["src"], tmp_path)
    assert before == sources_hash(["src"])
    target = tmp_path / "src" / "types.ts"
    target.write_bytes(target.read_bytes() + b"\n")
    assert sources_hash(["src"], tmp_path) != before
