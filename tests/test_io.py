"""Loading and saving designs: JSON/YAML round trips, size and depth limits, and a property test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsd.io import MAX_FILE_BYTES, DesignError, dumps, load_design, load_file, loads, save_file
from mlsd.model import Design

RICH = {
    "format": "mlsd/1",
    "name": "Round trip",
    "description": "with every kind of field",
    "tags": ["recsys", "demo"],
    "requirements": {"sla_p99_ms": 200, "peak_qps": 50000, "regions": ["eu-west-1"], "positive_rate": 0.02},
    "components": [
        {"id": "app", "kind": "client", "label": "App \"quoted\" {x} <b>", "props": {"calls": "parallel"},
         "position": {"x": 10.5, "y": -20}},
        {"id": "app2", "kind": "client", "label": "Second\nline ünïcödé ⟶ \u202eRTL"},
    ],
    "connections": [{"id": "c1", "source": "app", "target": "app2", "flow": "feedback", "label": "clicks"}],
    "waivers": [{"rule": "REL-1", "components": ["app"], "reason": "single region by policy"}],
    "notes": "# Notes\n\nSome *markdown*.",
}


def test_json_round_trip_is_identical():
    d = load_design(RICH)
    assert loads(dumps(d, "json")) == d
    assert json.loads(dumps(d, "json"))["components"][0]["label"] == RICH["components"][0]["label"]


def test_yaml_round_trip_is_identical():
    d = load_design(RICH)
    text = dumps(d, "yaml")
    assert not text.lstrip().startswith("{")
    assert loads(text, "yaml") == d


def test_files_round_trip_by_extension(tmp_path: Path):
    d = load_design(RICH)
    for name in ("d.json", "d.yaml", "d.yml"):
        save_file(d, tmp_path / name)
        assert load_file(tmp_path / name) == d
    assert not list(tmp_path.glob("*.tmp"))


def test_missing_file_is_a_design_error(tmp_path: Path):
    with pytest.raises(DesignError, match="cannot read file"):
        load_file(tmp_path / "nope.json")


def test_oversized_file_is_refused_before_parsing(tmp_path: Path):
    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(DesignError, match="designs are limited to 20 MB"):
        load_file(big)


def test_malformed_json_and_yaml_say_where():
    with pytest.raises(DesignError, match=r"malformed JSON at line 2, column 1"):
        loads('{"name": "x",\n}')
    with pytest.raises(DesignError, match=r"malformed YAML at line 2"):
        loads("name: x\n  bad: [", "yaml")


def test_yaml_aliases_are_refused():
    with pytest.raises(DesignError, match="aliases"):
        loads("name: &n x\ndescription: *n\n", "yaml")


def test_deep_nesting_is_refused():
    with pytest.raises(DesignError, match="nesting is deeper than 64 levels"):
        loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DesignError, match="nesting is deeper than 64 levels"):
        loads('{"name": "x", "notes": ' + "[" * 70 + "]" * 70 + "}")


def test_non_utf8_bytes_are_refused():
    with pytest.raises(DesignError, match="not UTF-8"):
        loads(b'{"name": "\xff"}')


def test_top_level_must_be_an_object():
    with pytest.raises(DesignError, match="a design is a JSON object, got list"):
        loads("[1, 2]")


def test_error_names_the_file():
    with pytest.raises(DesignError) as exc:
        loads('{"name": 1}', source="designs/x.json")
    assert str(exc.value).startswith("designs/x.json: name")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
keys = st.sampled_from(["format", "name", "components", "connections", "requirements", "waivers", "notes",
                        "id", "kind", "source", "target", "flow", "props", "label", "position", "x"])
near_designs = st.fixed_dictionaries(
    {"name": st.text(max_size=10) | json_values},
    optional={
        "components": st.lists(
            st.fixed_dictionaries(
                {"id": st.sampled_from(["a", "b", "c", "bad id", ""]) | json_values,
                 "kind": st.sampled_from(["client", "cache", "nope"]) | json_values},
                optional={"props": st.dictionaries(st.sampled_from(["p99_ms", "replicas", "pii", "calls", "zz"]),
                                                   json_values, max_size=3),
                          "label": json_values, "position": json_values},
            ),
            max_size=4,
        ),
        "connections": st.lists(
            st.fixed_dictionaries({"id": st.sampled_from(["c1", "c2"]) | json_values,
                                   "source": st.sampled_from(["a", "b", "z"]) | json_values,
                                   "target": st.sampled_from(["a", "b", "z"]) | json_values},
                                  optional={"flow": st.sampled_from(["request", "batch", "bogus"])}),
            max_size=3,
        ),
        "requirements": st.dictionaries(st.sampled_from(["sla_p99_ms", "peak_qps", "positive_rate", "zz"]),
                                        json_values, max_size=3),
        "extra": json_values,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(json_values, near_designs, st.dictionaries(keys, json_values, max_size=6)))
def test_loader_returns_a_design_or_raises_design_error(data):
    try:
        result = load_design(data)
    except DesignError as exc:
        assert exc.problems and all(isinstance(p, str) and p for p in exc.problems)
        assert all("\n" not in p for p in exc.problems)
    else:
        assert isinstance(result, Design)
        assert loads(dumps(result)) == result


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200))
def test_text_loader_never_crashes_on_arbitrary_text(text):
    try:
        loads(text)
    except DesignError as exc:
        assert exc.problems
