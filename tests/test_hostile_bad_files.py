"""Hostile input: bad design files. ``validate`` exits 2 with one line per problem; ``library import`` and
``library save`` exit 2 and write nothing; a file name cannot break or colour the error lines.

The ``library`` fixture (a library database holding two designs, one in the trash) is in tests/conftest.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from mlsd.io import DesignError, load_file
from tests.hostile_input import RAW_CONTROL, block, cli, design_dict, library_state, mlsd, with_blocks


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
    Bad("json-is-a-web-page", "<!doctype html><html><body><script>alert(1)</script></body></html>",
        ("an HTML or XML page, not a JSON or YAML design",)),
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
    Bad("infinity-on-line-3", '{"name": "NaN Infinity",\n "requirements":\n  {"peak_qps": -Infinity}}',
        ("-Infinity is not allowed: numbers must be finite (line 3)",)),
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
