"""Hostile input: property tests (Hypothesis). The loader and the command line never crash, and bad
input never writes.

The ``library`` fixture (a library database holding two designs, one in the trash) is in tests/conftest.py.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from mlsd.catalog import KINDS, PROP_SPECS
from mlsd.io import DesignError, loads
from tests.hostile_input import RAW_CONTROL, block, cli, design_dict, fingerprint

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
