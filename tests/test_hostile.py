"""Hostile input, gathered in one place (issue 7, part 3): each case gets a clear message and changes nothing.

Bad design files through ``validate`` and ``library import`` (exit 2, one line per problem, library untouched),
oversized, huge and deeply nested files, hostile labels in every output format, hostile search strings, odd file
names on import and export, and property tests over the loader and the command line. The unit tests of each
module (test_io, test_model, test_render, test_report, test_store, test_library_cli) check the functions one by
one; this file drives the public entry points end to end with the inputs an attacker or a careless user sends.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mlsd.catalog import KINDS, PROP_SPECS
from mlsd.cli import main
from mlsd.io import MAX_FILE_BYTES, DesignError, load_file, loads
from mlsd.model import MAX_COMPONENTS
from mlsd.text import display_text, one_line, truncate
from tests.conftest import ROOT

SVG_NS = "{http://www.w3.org/2000/svg}"
# What must never reach a terminal or a viewer raw: C0/C1 controls (but newline), bidi embeddings, overrides and
# isolates, line/paragraph separators, lone surrogates.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# ---------------------------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------------------------


def cli(*argv: str | Path) -> tuple[int, str, str]:
    """Run ``python -m mlsd`` in process: (exit code, stdout, stderr). Both streams must encode as UTF-8, as a
    real terminal or pipe demands (a StringIO would accept a lone surrogate that crashes the real CLI)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv], out=out)
    text, problems = out.getvalue(), err.getvalue()
    text.encode("utf-8")
    problems.encode("utf-8")
    return code, text, problems


def mlsd(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mlsd", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=180, check=False, encoding="utf-8")


def fingerprint(db: Path) -> dict[str, str]:
    """sha256 of the database file and of its WAL / rollback journal, for those that exist."""
    files = (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-journal"))
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.exists()}


def library_state(db: Path) -> tuple[dict[str, str], list[Any], list[Any]]:
    """Everything a write could change: the files' hashes, the designs listed, and the trash."""
    prints = fingerprint(db)
    code, listed, err = cli("library", "list", "--format", "json", "--db", db)
    assert code == 0, err
    code, trash, err = cli("library", "list", "--trash", "--format", "json", "--db", db)
    assert code == 0, err
    return prints, json.loads(listed), json.loads(trash)


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


def block(block_id: str, kind: str = "cache", **fields: Any) -> dict[str, Any]:
    return {"id": block_id, "kind": kind, **fields}


def design_dict(**fields: Any) -> dict[str, Any]:
    """A small valid design as plain data; ``fields`` replace top-level fields."""
    data: dict[str, Any] = {
        "format": "mlsd/1",
        "name": "Hostile input target",
        "tags": ["recsys"],
        "requirements": {"sla_p99_ms": 200, "peak_qps": 1000},
        "components": [
            block("gw", "api_gateway", label="Gateway", props={"replicas": 3}),
            block("inf", "online_inference", label="Ranker", props={"p99_ms": 40, "fallback": True},
                  position={"x": 260, "y": 0}),
            block("kv", "kv_store", label="Features"),
        ],
        "connections": [
            {"id": "c1", "source": "gw", "target": "inf", "flow": "request"},
            {"id": "c2", "source": "inf", "target": "kv", "flow": "request", "label": "lookup"},
        ],
        "waivers": [{"rule": "REL-1", "components": ["gw"], "reason": "single region by policy"}],
        "notes": "Some *notes*.",
    }
    data.update(fields)
    return data


def with_blocks(*blocks: dict[str, Any], connections: list[dict[str, Any]] | None = None, **fields: Any) -> str:
    return json.dumps(design_dict(components=list(blocks), connections=connections or [], waivers=[], **fields))


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A library database holding two designs (one in the trash)."""
    db = tmp_path / "lib" / "library.db"
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.json").write_text(json.dumps(design_dict(name="Homepage video recommendations")), encoding="utf-8")
    (good / "b.json").write_text(json.dumps(design_dict(name="Card fraud scoring")), encoding="utf-8")
    code, out, err = cli("library", "import", good / "a.json", good / "b.json", "--format", "json", "--db", db)
    assert code == 0, err
    assert cli("library", "delete", json.loads(out)[1]["id"], "--db", db)[0] == 0
    return db


# ---------------------------------------------------------------------------------------------------------------
# Bad design files: validate exits 2 with one line per problem; import exits 2 and writes nothing
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bad:
    id: str
    content: str | bytes
    expected: tuple[str, ...]
    suffix: str = ".json"
    lines: int | None = None  # exact number of problems, when the case has several

    def write(self, folder: Path) -> Path:
        path = folder / f"{self.id}{self.suffix}"
        if isinstance(self.content, bytes):
            path.write_bytes(self.content)
        else:
            path.write_text(self.content, encoding="utf-8")
        return path


LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)

BAD: list[Bad] = [
    # malformed
    Bad("json-trailing-comma", '{"name": "x",\n "components": [],\n}', ("malformed JSON at line 3, column 1",)),
    Bad("json-truncated", '{"name": "x", "components": [{"id": "a"', ("malformed JSON at line 1",)),
    Bad("json-garbage", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ("not UTF-8",)),
    Bad("yaml-unclosed", "name: x\ncomponents: [unclosed\n", ("malformed YAML at line",), ".yaml"),
    Bad("yaml-bad-indent", "name: x\n  requirements: 1\n bad", ("malformed YAML",), ".yml"),
    Bad("yaml-python-tag", "name: !!python/object/apply:os.system ['echo pwned']\n", ("malformed YAML", "tag"),
        ".yaml"),
    Bad("yaml-alias", "name: &n x\ndescription: *n\n", ("aliases",), ".yaml"),
    Bad("yaml-billion-laughs", LAUGHS, ("aliases",), ".yaml"),
    Bad("empty", "", ("the file is empty",)),
    Bad("top-level-list", "[1, 2, 3]", ("a design is a JSON object, got list",)),
    Bad("top-level-string", '"just text"', ("a design is a JSON object, got str",)),
    # wrong types
    Bad("name-is-a-number", json.dumps(design_dict(name=42)), ("name", "valid string")),
    Bad("components-is-an-object", json.dumps(design_dict(components={"gw": {}}, connections=[], waivers=[])),
        ("components", "valid list")),
    Bad("replicas-is-text", with_blocks(block("a", props={"replicas": "three"})),
        ("block 'a'", "props.replicas must be a number")),
    Bad("flag-is-text", with_blocks(block("a", props={"pii": "yes"})),
        ("block 'a'", "props.pii must be true or false")),
    Bad("position-is-text", with_blocks(block("a", position={"x": "left", "y": 0})), ("block 'a'", "position.x")),
    Bad("flow-unknown", with_blocks(block("a"), block("b"), connections=[{"id": "c", "source": "a", "target": "b",
                                                                            "flow": "teleport"}]),
        ("connection 'c'", "flow")),
    Bad("format-unknown", json.dumps(design_dict(format="mlsd/99")), ("format", "mlsd/1")),
    # non-finite and out-of-range numbers
    Bad("nan", '{"name": "x", "requirements": {"peak_qps": NaN}}', ("NaN is not allowed: numbers must be finite",)),
    Bad("infinity", '{"name": "x", "requirements": {"sla_p99_ms": Infinity}}', ("Infinity is not allowed",)),
    Bad("minus-infinity", '{"name": "x", "components": [{"id": "a", "kind": "cache", "position": {"x": -Infinity}}]}',
        ("-Infinity is not allowed",)),
    Bad("1e999-requirement", '{"name": "x", "requirements": {"peak_qps": 1e999}}',
        ("requirements.peak_qps", "finite number")),
    Bad("1e999-prop", '{"name": "x", "components": [{"id": "inf", "kind": "online_inference", '
                      '"props": {"p99_ms": -1e999}}]}', ("block 'inf'", "props.p99_ms must be a finite number")),
    Bad("1e999-position", '{"name": "x", "components": [{"id": "a", "kind": "cache", "position": {"y": 1e999}}]}',
        ("block 'a'", "position.y", "finite")),
    Bad("yaml-inf-and-nan", "name: x\nrequirements: {peak_qps: .inf}\ncomponents:\n"
                            "- {id: a, kind: cache, props: {hit_rate: .nan}}\n",
        ("requirements.peak_qps", "block 'a': props.hit_rate must be a finite number"), ".yaml", lines=2),
    Bad("negative-replicas", with_blocks(block("a", props={"replicas": -3})),
        ("block 'a'", "props.replicas must be ≥ 1, got -3")),
    Bad("negative-sla", json.dumps(design_dict(requirements={"sla_p99_ms": -5})),
        ("requirements.sla_p99_ms", "greater than or equal to 0")),
    Bad("huge-integer", with_blocks(block("a", props={"replicas": 10**400})),
        ("block 'a'", "props.replicas is a number too large")),
    Bad("integer-of-5000-digits", '{"name": "x", "requirements": {"peak_qps": 1' + "0" * 5000 + "}}",
        ("a number has more than 4300 digits",)),
    # unknown fields
    Bad("unknown-top-level-field", json.dumps(design_dict(colour="red")),
        ("colour is not a known field", "unknown fields are rejected")),
    Bad("unknown-block-field", with_blocks(block("a", labl="typo")), ("block 'a'", "labl is not a known field")),
    Bad("unknown-requirement", json.dumps(design_dict(requirements={"sla_ms": 100})),
        ("requirements.sla_ms is not a known field",)),
    Bad("unknown-prop", with_blocks(block("a", props={"replicaz": 2})), ("block 'a'", "props.replicaz")),
    # structure
    Bad("duplicate-block-ids", with_blocks(block("a"), block("a", "kv_store")),
        ("block id 'a' is used more than once",)),
    Bad("duplicate-connection-ids", with_blocks(block("a"), block("b"), connections=[
        {"id": "c", "source": "a", "target": "b"}, {"id": "c", "source": "b", "target": "a"}]),
        ("connection id 'c' is used more than once",)),
    Bad("dangling-connection", with_blocks(block("a"), connections=[{"id": "c", "source": "a", "target": "ghost"}]),
        ("connection 'c': target 'ghost' is not a block of this design",)),
    Bad("waiver-rule-is-markup", json.dumps(design_dict(waivers=[{"rule": "<script>\n", "reason": "r"}])),
        ("waivers[0].rule: must be a rule id such as LAT-1", "got '<script>\\n'")),
    Bad("dangling-waiver", json.dumps(design_dict(waivers=[{"rule": "REL-1", "components": ["ghost"],
                                                           "reason": "r"}])),
        ("waivers[0]", "'ghost' is not a block")),
    Bad("self-loop", with_blocks(block("a"), connections=[{"id": "c", "source": "a", "target": "a"}]),
        ("connection 'c'", "same block")),
    Bad("bad-id", with_blocks(block("no spaces allowed")), ("id", "letters, digits")),
    Bad("several-problems", with_blocks(block("a", props={"replicas": 0}), block("a", labl=1), connections=[
        {"id": "c", "source": "a", "target": "nowhere"}]),
        ("props.replicas", "labl is not a known field"), lines=2),
    # text that no design may hold
    Bad("null-byte-label", with_blocks(block("a", label="evil\x00label")), ("block 'a'", "null bytes")),
    Bad("null-byte-name", json.dumps(design_dict(name="x\x00")), ("name", "null bytes")),
    Bad("lone-surrogate-label", '{"name": "x", "components": [{"id": "a", "kind": "cache", "label": "\\ud800"}]}',
        ("block 'a': label holds \\ud800, a lone surrogate",)),
    Bad("lone-surrogate-notes", '{"name": "x", "notes": "fine \\udfff"}', ("notes holds \\udfff",)),
    Bad("label-too-long", with_blocks(block("a", label="x" * 5000)), ("block 'a'", "at most 200 characters")),
    # nesting
    Bad("deep-json-arrays", "[" * 100_000 + "]" * 100_000, ("nesting is deeper than 64 levels",)),
    Bad("deep-json-objects", '{"a": ' * 100_000 + "1" + "}" * 100_000, ("nesting is deeper than 64 levels",)),
    Bad("deep-inside-notes", '{"name": "x", "notes": ' + "[" * 100 + "]" * 100 + "}",
        ("nesting is deeper than 64 levels",)),
    Bad("deep-yaml", "name: " + "[" * 50_000 + "]" * 50_000, ("nesting is deeper than 64 levels",), ".yaml"),
]


BY_ID = {b.id: b for b in BAD}


def test_bad_cases_have_distinct_ids() -> None:
    assert len(BY_ID) == len(BAD)


@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_validate_refuses_a_bad_file_with_one_line_per_problem(tmp_path: Path, bad: Bad) -> None:
    path = bad.write(tmp_path)
    code, out, err = cli("validate", path)
    assert code == 2 and out == ""
    assert "Traceback" not in err and not RAW_CONTROL.search(err)
    lines = err.splitlines()
    assert lines and all(line.startswith(f"{path}: ") for line in lines), err
    for fragment in bad.expected:
        assert fragment in err, (fragment, err)
    if bad.lines is not None:
        assert len(lines) == bad.lines, err
    with pytest.raises(DesignError) as exc:  # one line per problem the loader found, nothing else
        load_file(path)
    assert lines == [f"{path}: {p}" for p in exc.value.problems]


@pytest.mark.parametrize("bad", BAD, ids=[b.id for b in BAD])
def test_library_import_refuses_a_bad_file_and_writes_nothing(tmp_path: Path, library: Path, bad: Bad) -> None:
    path = bad.write(tmp_path)
    good = tmp_path / "good" / "a.json"
    before = library_state(library)
    code, out, err = cli("library", "import", good, path, "--db", library)  # all or none: the good one neither
    assert code == 2 and out == ""
    assert "Traceback" not in err and err.splitlines()[-1] == "nothing was imported"
    assert all(fragment in err for fragment in bad.expected), err
    assert library_state(library) == before
    fresh = tmp_path / "fresh" / "new.db"
    assert cli("library", "import", path, "--db", fresh)[0] == 2
    assert not fresh.parent.exists()  # bad input does not even create the library


def test_library_save_of_a_bad_file_writes_nothing(tmp_path: Path, library: Path) -> None:
    design_id = library_state(library)[1][0]["id"]
    before = library_state(library)
    for bad in (BY_ID["json-trailing-comma"], BY_ID["nan"], BY_ID["dangling-connection"]):
        path = bad.write(tmp_path)
        code, out, err = cli("library", "save", path, "--design", design_id, "--base-revision", "1",
                             "--db", library)
        assert code == 2 and out == "" and bad.expected[0] in err
        assert cli("library", "save", path, "--design", "x", "--base-revision", "1",
                   "--db", tmp_path / "none.db")[0] == 2
    assert library_state(library) == before
    assert not (tmp_path / "none.db").exists()


def test_the_real_command_line_on_every_bad_file_at_once(tmp_path: Path, library: Path) -> None:
    """Through a real process (a real UTF-8 stdout and stderr): no traceback, every file named, exit 2."""
    paths = [bad.write(tmp_path) for bad in BAD]
    done = mlsd("validate", *paths, "--format", "sarif")
    assert done.returncode == 2 and done.stdout == ""
    assert "Traceback" not in done.stderr
    assert all(f"{p}: " in done.stderr for p in paths)
    lines = done.stderr.splitlines()
    assert all(any(line.startswith(f"{p}: ") for p in paths) for line in lines)
    before = library_state(library)
    done = mlsd("library", "import", *paths, "--db", library)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.endswith("nothing was imported\n")
    assert library_state(library) == before


def test_a_file_name_cannot_break_or_colour_the_error_lines(tmp_path: Path) -> None:
    path = tmp_path / "evil\n\x1b[2Jname\u202e.json"
    path.write_text('{"name": "x", "colour": 1, "components": [{"id": "a", "kind": "nope"}]}', encoding="utf-8")
    code, _, err = cli("validate", path)
    assert code == 2 and not RAW_CONTROL.search(err)
    lines = err.splitlines()
    assert len(lines) == 2 and all(line.startswith(str(tmp_path) + "/evil\\u000a\\u001b[2Jname\\u202e.json: ")
                                   for line in lines)


def test_unreadable_inputs_are_one_line_each(tmp_path: Path) -> None:
    code, _, err = cli("validate", tmp_path, tmp_path / "missing.json", "/dev/zero")
    assert code == 2
    assert err.splitlines() == [
        f"{tmp_path}: cannot read file: Is a directory",
        f"{tmp_path / 'missing.json'}: cannot read file: No such file or directory",
        "/dev/zero: file is larger than 20 MB, the limit for designs",  # an endless device is read only so far
    ]


# ---------------------------------------------------------------------------------------------------------------
# Size: a 50 MB upload, a 50,000-block design, a flood of problems
# ---------------------------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------------------------
# Hostile labels: text in every format, never markup or syntax
# ---------------------------------------------------------------------------------------------------------------

HOSTILE_LABELS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "\"double\" and 'single' quotes",
    "{braces} [brackets] (parens) <angles>",
    "two\nlines",
    "cr\r\nlf\rend",
    "tab\there",
    "\u202eright-to-left override",
    "\u2067isolate\u2069 \u202aembed\u202c",
    "esc \x1b[31mred\x1b[0m \x07bell",
    "c1 \x85 next line \x9b csi",
    "back\\slash \\N \\G \\l",
    "]]> <![CDATA[ x ]]> &amp; &#x41; &lt;",
    "&#x202E;entity override &#8238; &#60;b&#62; &nbsp;",
    '"]; n0 -> n1 [label="pwned',
    "%% comment ::: click n0 call alert()",
    "`code` *bold* _it_ | pipe | ~~s~~ [link](javascript:alert(1))",
    "# heading\n- item\n1. item",
    "line\u2028separator\u2029paragraph",
    "עברית العربية mixed ltr",
]
LABEL_IDS = [f"label{i}" for i in range(len(HOSTILE_LABELS))]


def hostile_file(folder: Path, label: str) -> Path:
    """A design whose name, block label, connection label, description and notes are all ``label``."""
    data = design_dict(
        name=label,
        description=label,
        notes=label,
        components=[block("inf", "online_inference", label=label),
                    block("kv", "kv_store", label="plain")],
        connections=[{"id": "c1", "source": "inf", "target": "kv", "flow": "request", "label": label}],
        waivers=[{"rule": "SRV-2", "components": ["inf"], "reason": label}],
        requirements={"sla_p99_ms": 0.001, "peak_qps": 1000},
    )
    path = folder / "hostile.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def render_cli(path: Path, fmt: str) -> str:
    code, out, err = cli("render", path, "--format", fmt)
    assert code == 0 and err == "", err
    assert not RAW_CONTROL.search(out), repr(RAW_CONTROL.search(out))
    return out


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_dot_draws_hostile_labels_as_text(tmp_path: Path, label: str) -> None:
    dot = render_cli(hostile_file(tmp_path, label), "dot")
    done = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    svg = ET.fromstring(done.stdout)
    classes = [g.get("class") for g in svg.iter(f"{SVG_NS}g")]
    assert classes.count("node") == 2 and classes.count("edge") == 1  # nothing injected a node or an edge
    graph = next(g for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "graph")
    node = next(g for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "node")
    edge = next(g for g in svg.iter(f"{SVG_NS}g") if g.get("class") == "edge")
    drawn = {  # the design name (a quoted string), the block (an HTML-like label), the connection (a quoted string)
        "name": [" ".join((t.text or "").split()) for t in graph.findall(f"{SVG_NS}text")],
        "block": [" ".join((t.text or "").split()) for t in node.iter(f"{SVG_NS}text")],
        "connection": [" ".join((t.text or "").split()) for t in edge.iter(f"{SVG_NS}text")],
    }
    for where, texts in drawn.items():
        for line in display_text(label).split("\n"):  # each line drawn literally: no \N, no markup, no entity
            if line.strip():
                assert " ".join(line.split()) in texts, (where, line, texts)


def mermaid_decode(text: str) -> str:
    assert not re.search(r'["<>\[\]{}|`\\%]', text.replace("<br/>", "")), text
    names = {"quot": '"', "lt": "<", "gt": ">", "amp": "&"}
    decoded = re.sub(r"#(quot|lt|gt|amp|\d+);", lambda m: names.get(m.group(1)) or chr(int(m.group(1))), text)
    return decoded.replace("<br/>", "\n")


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_mermaid_keeps_hostile_labels_inside_their_quotes(tmp_path: Path, label: str) -> None:
    every = render_cli(hostile_file(tmp_path, label), "mermaid").splitlines()
    data = [line for line in every if line.startswith("  %% mlsd ")]  # the design's data, in comments
    assert data and all(re.fullmatch(r"  %% mlsd \{[\x20-\x7e]*\}", line) and "<" not in line for line in data)
    lines = [line for line in every if line not in data]
    assert lines[0] == "flowchart LR"
    node = re.fullmatch(r'  n0([\[({>/\\]+)"([^"]*)"([\])}/\\]+)', lines[1])
    assert node, lines[1]
    assert mermaid_decode(node.group(2)) == display_text(label) + "\n" + KINDS["online_inference"].label
    edge = re.fullmatch(r'  n0 ==>\|"([^"]*)"\| n1', lines[3])
    assert edge, lines[3]
    assert mermaid_decode(edge.group(1)) == display_text(label)
    rest = lines[4:]
    assert all(re.fullmatch(r"  (classDef|class|linkStyle) [\w#:,. -]+", line) for line in rest), rest


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_svg_text_nodes_equal_hostile_labels_as_displayed(tmp_path: Path, label: str) -> None:
    root = ET.fromstring(render_cli(hostile_file(tmp_path, label), "svg"))
    for element in root.iter():
        assert element.tag.split("}")[-1] not in ("script", "foreignObject", "a", "image", "iframe")
        assert not [name for name in element.attrib if name.lower().startswith("on")]
    assert root.findtext(f"{SVG_NS}title") == display_text(label)
    assert root.findtext(f"{SVG_NS}text") == truncate(one_line(label), 90)
    blocks = [g for g in root.iter(f"{SVG_NS}g") if g.get("class") == "block"]
    assert [g.get("data-id") for g in blocks] == ["inf", "kv"]
    assert blocks[0].findtext(f"{SVG_NS}title") == display_text(label)
    texts = {t.get("class"): t.text for t in blocks[0].iter(f"{SVG_NS}text")}
    assert texts["block-title"] == truncate(one_line(label), 24)
    edge = next(g for g in root.iter(f"{SVG_NS}g") if (g.get("class") or "").startswith("connection "))
    assert edge.findtext(f"{SVG_NS}title") == display_text(label) + " (request)"


def unescaped_pipes(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row))


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_markdown_shows_hostile_labels_without_raw_html_or_broken_tables(tmp_path: Path, label: str) -> None:
    text = render_cli(hostile_file(tmp_path, label), "markdown")
    assert "<script" not in text.lower() and "<img" not in text.lower()
    entities = re.findall(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);", text)
    assert set(entities) <= {"amp", "lt", "gt"}, entities  # only the escapes we wrote: no user entity decodes
    assert not re.search(r"<(?!br/?>)", text), re.search(r".{20}<(?!br/?>).{20}", text)
    lines = text.splitlines()
    assert lines[0].startswith("# ") and "\n" not in lines[0]
    blocks = lines[lines.index("## Blocks") + 2:]
    table = blocks[: next(i for i, line in enumerate(blocks) if not line.startswith("|"))]
    assert len(table) == 4  # header, rule and one row per block: a hostile label adds no row
    assert all(unescaped_pipes(row) == 7 for row in table), table  # ... and no column
    conns = lines[lines.index("### Connections") + 2:]
    assert [unescaped_pipes(row) for row in conns[:3]] == [5, 5, 5] and conns[3] == ""


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_sarif_is_valid_json_with_hostile_labels_shown_safely(tmp_path: Path, label: str) -> None:
    code, out, err = cli("validate", hostile_file(tmp_path, label), "--format", "sarif", "--fail-on", "never")
    assert code == 0 and err == ""
    log = json.loads(out)
    results = log["runs"][0]["results"]
    assert results
    strings: list[str] = []

    def collect(node: Any) -> None:
        if isinstance(node, str):
            strings.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(log)
    assert not [s for s in strings if RAW_CONTROL.search(s)]  # no bidi override or control reaches a viewer
    quoting = [r["message"]["text"] for r in results if "inf" in [loc["name"] for location in r["locations"]
                                                                   for loc in location.get("logicalLocations", [])]]
    assert any(display_text(label) in m for m in quoting), quoting
    assert {a["properties"]["design"] for a in log["runs"][0]["artifacts"]} == {display_text(label)}
    assert [s["justification"] for r in results for s in r.get("suppressions", [])] == [display_text(label)]


@pytest.mark.parametrize("label", HOSTILE_LABELS, ids=LABEL_IDS)
def test_text_and_json_reports_with_hostile_labels(tmp_path: Path, label: str) -> None:
    path = hostile_file(tmp_path, label)
    code, out, _ = cli("validate", path, "--fail-on", "never")
    assert code == 0 and not RAW_CONTROL.search(out)
    assert out.splitlines()[0] == f"{path}: {one_line(label)}"
    code, out, _ = cli("validate", path, "--format", "json", "--fail-on", "never")
    assert code == 0 and json.loads(out)["design"] == label  # JSON is data: the exact text, JSON-escaped


def test_the_real_command_line_renders_hostile_labels(tmp_path: Path) -> None:
    path = hostile_file(tmp_path, "".join(HOSTILE_LABELS)[:200])  # 200 characters: the model's limit
    for fmt in ("svg", "markdown"):
        done = mlsd("render", path, "--format", fmt)
        assert done.returncode == 0 and done.stderr == "" and not RAW_CONTROL.search(done.stdout)
    done = mlsd("validate", path, "--format", "sarif", "--fail-on", "never")
    assert done.returncode == 0 and json.loads(done.stdout)["runs"][0]["results"]


def test_null_bytes_are_refused_by_the_model_in_every_text_field(tmp_path: Path) -> None:
    cases = {
        "name": design_dict(name="a\x00b"),
        "description": design_dict(description="a\x00b"),
        "notes": design_dict(notes="a\x00b"),
        "block label": design_dict(components=[block("gw", "api_gateway", label="a\x00b")], connections=[],
                                   waivers=[]),
        "connection label": design_dict(connections=[{"id": "c1", "source": "gw", "target": "inf",
                                                      "label": "a\x00b"}]),
        "waiver reason": design_dict(waivers=[{"rule": "REL-1", "components": ["gw"], "reason": "a\x00b"}]),
    }
    for what, data in cases.items():
        path = tmp_path / "nul.json"
        path.write_text(json.dumps(data), encoding="utf-8")
        for argv in (("validate", path), ("render", path, "--format", "svg")):
            code, out, err = cli(*argv)
            assert code == 2 and out == "" and "null bytes" in err and "\x00" not in err, (what, err)


# ---------------------------------------------------------------------------------------------------------------
# Search strings with SQL and FTS syntax
# ---------------------------------------------------------------------------------------------------------------

SEARCHES = ["'; DROP TABLE designs; --", "video'; DELETE FROM revisions; --", '"', '""', "'", "*", "video*",
            "NEAR(", "NEAR(video fraud, 2)", "a OR b", "video OR fraud", "video AND", "NOT video", "-x", "-video",
            "name:video", "design_search:x", "^video", "(", ")", "{video}", "\\", "%", "_", "\x00", "video\x00fraud",
            "x" * 10_240, "🎬", "\u202evideo", "1=1 --", "/* */", "; ATTACH DATABASE '/tmp/x.db' AS x; --"]


@pytest.mark.parametrize("text", SEARCHES, ids=[f"search{i}" for i in range(len(SEARCHES))])
def test_hostile_search_strings_give_results_or_nothing_and_leave_the_library_intact(
        library: Path, text: str) -> None:
    before = library_state(library)
    every = {d["id"] for d in before[1]}
    for extra in ((), ("--order", "name"), ("--trash",)):
        code, out, err = cli("library", "list", f"--search={text}", *extra, "--format", "json", "--db", library)
        assert code == 0 and err == "", err
        found = json.loads(out)
        assert isinstance(found, list)
        assert {d["id"] for d in found} <= (every | {d["id"] for d in before[2]})
    code, out, _ = cli("library", "list", f"--search={text}", "--db", library)
    assert code == 0 and not RAW_CONTROL.search(out)
    assert cli("library", "list", f"--tag={text}", "--format", "json", "--db", library)[:2] == (0, "[]\n")
    assert library_state(library) == before
    with contextlib.closing(sqlite3.connect(library)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("SELECT count(*) FROM designs").fetchone() == (2,)
        assert conn.execute("SELECT count(*) FROM revisions").fetchone() == (2,)


def test_search_finds_by_words_despite_syntax_around_them(library: Path) -> None:
    for text in ("video*", '"video', "video'", "^video", "{video}", "(video)", "video;"):
        code, out, _ = cli("library", "list", f"--search={text}", "--format", "json", "--db", library)
        assert code == 0 and [d["name"] for d in json.loads(out)] == ["Homepage video recommendations"], text
    for text in ("video OR fraud", "'; DROP TABLE designs; --"):
        code, out, _ = cli("library", "list", f"--search={text}", "--format", "json", "--db", library)
        assert code == 0 and json.loads(out) == []  # every word required, none of them an operator


# ---------------------------------------------------------------------------------------------------------------
# File names: import by content, export only into the out folder
# ---------------------------------------------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------------------------------------------
# Property tests: the loader and the CLI never crash, and bad input never writes
# ---------------------------------------------------------------------------------------------------------------

EXTREMES = [10**400, -(10**400), 2**63, -1, 0, 1e308, -1e308, 5e-324, -0.0, float("nan"), float("inf"),
            "", " ", "\x00", "\ud800", "\u202e", "<script>", "a" * 300, "request", "cache", "gw", "inf", True, None]
KEYS = ["format", "name", "components", "connections", "requirements", "waivers", "notes", "id", "kind", "label",
        "props", "position", "source", "target", "flow", "rule", "reason", "replicas", "p99_ms", "x", "y", "zz"]
# Values at the edges of the props' ranges (and every enum choice): valid designs that push the analysis
BOUNDARY = [*sorted({v for spec in PROP_SPECS.values() for v in (spec.minimum, spec.maximum) if v is not None}
                    | {0.5, 1, 2, 1e-9}),
            *sorted({c for spec in PROP_SPECS.values() for c in spec.choices}), True, False]
scalars = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
           | st.sampled_from(EXTREMES))
json_ish = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), children, max_size=4),
    max_leaves=16,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        out += _paths(value, (*prefix, key))
    return out


BASE = design_dict()
BASE_PATHS = _paths(BASE)[1:]
LEAF_PATHS = [path for path in BASE_PATHS if len(path) > 1]


def _like(value: Any) -> st.SearchStrategy[Any]:
    """Values of the same type as ``value`` (a number for a number, text for text), or an extreme one."""
    if isinstance(value, bool):
        return st.booleans() | st.sampled_from(EXTREMES)
    if isinstance(value, int | float):
        return st.integers(-10, 10**7) | st.floats(-1e7, 1e7) | st.sampled_from(BOUNDARY + EXTREMES)
    if isinstance(value, str):
        return st.text(max_size=30) | st.sampled_from(EXTREMES)
    return json_ish


@st.composite
def mutated_designs(draw: st.DrawFn) -> Any:
    """The valid base design with a few edits: leaves changed (mostly to values of their type), props and kinds set
    to their edges, blocks added, fields removed or added. Many results are valid, many are nearly so."""
    data = copy.deepcopy(BASE)
    comps, conns = data["components"], data["connections"]
    for _ in range(draw(st.integers(0, 3))):
        edit = draw(st.sampled_from(["prop"] * 3 + ["kind", "block", "leaf"] * 2 + ["remove", "add", "any"]))
        blocks = [c for c in comps if isinstance(c, dict)]
        if edit == "prop" and blocks:
            name = draw(st.sampled_from(sorted(PROP_SPECS)))
            props = draw(st.sampled_from(blocks)).setdefault("props", {})
            if isinstance(props, dict):
                props[name] = draw(st.sampled_from(BOUNDARY) | scalars)
        elif edit == "kind" and blocks:
            draw(st.sampled_from(blocks))["kind"] = draw(st.sampled_from([*KINDS, "nope"]))
        elif edit == "block":
            new_id = f"x{len(comps)}"
            comps.append(block(new_id, draw(st.sampled_from(list(KINDS)))))
            source = draw(st.sampled_from([c.get("id") for c in comps if isinstance(c, dict)]))
            conns.append({"id": f"e{len(conns)}", "source": source, "target": new_id,
                          "flow": draw(st.sampled_from(["request", "stream", "batch", "feedback"]))})
        elif edit in ("leaf", "remove", "add", "any"):
            path = draw(st.sampled_from(LEAF_PATHS if edit == "leaf" else BASE_PATHS))
            parent: Any = data
            try:
                for key in path[:-1]:
                    parent = parent[key]
                if edit == "remove":
                    del parent[path[-1]]
                elif edit == "add" and isinstance(parent, dict):
                    parent[draw(st.sampled_from(KEYS))] = draw(json_ish)
                else:
                    parent[path[-1]] = draw(_like(parent[path[-1]]) if edit == "leaf" else json_ish)
            except (KeyError, IndexError, TypeError):
                continue  # an earlier edit removed or replaced the parent
    return data


def encode(data: Any, how: str) -> bytes:
    if how == "yaml":
        try:
            return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
        except (yaml.YAMLError, UnicodeEncodeError):
            how = "json"
    text = json.dumps(data)  # NaN / Infinity tokens and \ud800 escapes included
    return text[: len(text) // 2].encode() if how == "truncated" else text.encode()


payloads = st.one_of(  # mostly edited designs (they reach the checklists and the store), then anything at all
    mutated_designs().map(lambda d: encode(d, "json")),
    mutated_designs().map(lambda d: encode(d, "json")),
    st.tuples(mutated_designs(), st.sampled_from(["yaml", "truncated"])).map(lambda t: encode(*t)),
    st.tuples(json_ish, st.sampled_from(["json", "yaml"])).map(lambda t: encode(*t)),
    st.binary(max_size=300),
    st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass")),
)


def test_the_mutated_base_design_is_valid() -> None:
    assert loads(json.dumps(BASE)).name == BASE["name"]


@settings(max_examples=400, deadline=None)
@given(payloads)
def test_loader_gives_a_design_or_one_clean_line_per_problem(payload: bytes) -> None:
    try:
        design = loads(payload)
    except DesignError as exc:
        assert exc.problems
        assert all(p and not RAW_CONTROL.search(p) and "\n" not in p for p in exc.problems), exc.problems
    else:
        assert loads(json.dumps(design.model_dump(mode="json"))) == design


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(payload=payloads, suffix=st.sampled_from([".json", ".yaml", ".yml", ".txt"]),
       fmt=st.sampled_from(["text", "json", "sarif"]))
def test_cli_never_crashes_and_bad_input_never_writes(library: Path, tmp_path: Path, payload: bytes, suffix: str,
                                                      fmt: str) -> None:
    path = tmp_path / f"input{suffix}"
    path.write_bytes(payload)
    code, out, err = cli("validate", path, "--format", fmt, "--fail-on", "error")
    assert code in (0, 1, 2)
    event(f"validate exit {code}")
    before = fingerprint(library)
    icode, iout, ierr = cli("library", "import", path, "--format", "json", "--db", library)
    if code == 2:
        assert out == "" and err and "Traceback" not in err
        assert all(line.startswith(f"{path}: ") and not RAW_CONTROL.search(line) for line in err.splitlines())
        assert icode == 2 and iout == "" and ierr.endswith("nothing was imported\n")
        assert fingerprint(library) == before
    else:
        assert err == ""
        if fmt != "text":
            json.loads(out)
        assert icode == 0 and len(json.loads(iout)) == 1, ierr
        assert fingerprint(library) != before
