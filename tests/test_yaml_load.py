"""YAML designs: refused before anything is built when hostile (aliases, deep nesting, too many values or
blocks), and otherwise the same data as ``yaml.safe_load``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd.io import MAX_DEPTH, DesignError, dumps, load_file, loads
from mlsd.model import MAX_COMPONENTS
from mlsd.yaml_load import MAX_NODES, YAMLRefused, load_yaml, scan


def blocks_yaml(n: int, **top: object) -> str:
    comps = [{"id": f"b{i}", "kind": "cache", "label": f"block {i}"} for i in range(n)]
    return yaml.dump({"name": "many", **top, "components": comps}, Dumper=yaml.CSafeDumper, sort_keys=False)


def test_a_50000_block_yaml_is_refused_quickly_with_the_block_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(blocks_yaml(50_000), encoding="utf-8")
    with pytest.raises(DesignError) as caught:
        load_file(path)
    assert caught.value.problems == [f"components: a design holds at most {MAX_COMPONENTS} blocks, "
                                     f"got more than {MAX_COMPONENTS}"]


def test_the_block_count_is_exact_at_the_limit() -> None:
    scan(blocks_yaml(MAX_COMPONENTS), MAX_DEPTH)  # exactly the limit: not refused by the scan
    with pytest.raises(YAMLRefused, match="at most"):
        scan(blocks_yaml(MAX_COMPONENTS + 1), MAX_DEPTH)


def test_only_the_top_level_components_are_counted() -> None:
    many = [{"id": f"b{i}"} for i in range(MAX_COMPONENTS + 1)]
    nested = yaml.safe_dump({"name": "x", "notes": {"components": many}})
    scan(nested, MAX_DEPTH)  # a components key deeper down is not the design's blocks
    as_key = yaml.safe_dump({"components_x": many})
    scan(as_key, MAX_DEPTH)
    # a collection used as a key keeps the key/value order right: the later "components" is still found
    complex_key = "? [a, b]\n: 1\ncomponents: [" + ", ".join(["{}"] * (MAX_COMPONENTS + 1)) + "]\n"
    with pytest.raises(YAMLRefused, match="at most"):
        scan(complex_key, MAX_DEPTH)
    value_named_components = "name: components\nnotes: [" + ", ".join(["1"] * (MAX_COMPONENTS + 1)) + "]\n"
    scan(value_named_components, MAX_DEPTH)


@pytest.mark.parametrize("text", ["[" * 1_000_000 + "]" * 1_000_000, "- " * 1_000_000 + "x",
                                  "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 200))])
def test_deep_yaml_is_refused_before_it_is_built(text: str) -> None:
    # libyaml builds nested collections by recursion in C: without the scan, the first two crash Python
    with pytest.raises(DesignError, match=f"nesting is deeper than {MAX_DEPTH} levels"):
        loads(text, "yaml")


def test_too_many_values_are_refused() -> None:
    text = "notes: [" + ",".join(["0"] * (MAX_NODES + 1)) + "]"
    with pytest.raises(DesignError, match=f"more than {MAX_NODES:,} values"):
        loads(text, "yaml")


def test_aliases_anywhere_are_refused_with_their_place() -> None:
    with pytest.raises(DesignError, match=r"aliases .* \(line 3, column 9\)"):
        loads("name: &n x\ntags:\n  - [1, *n]\n", "yaml")


def test_malformed_yaml_still_says_where() -> None:
    with pytest.raises(DesignError, match=r"malformed YAML at line 2"):
        loads("name: x\n  bad: [", "yaml")


def test_example_designs_load_the_same_from_yaml_and_json(example_paths: list[Path]) -> None:
    for path in example_paths:
        design = load_file(path)
        assert loads(dumps(design, "yaml"), "yaml") == design


scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                    st.text(max_size=20), st.dates())
documents = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(documents)
def test_load_yaml_gives_what_safe_load_gives(document: object) -> None:
    text = yaml.safe_dump(document)
    assert load_yaml(text, MAX_DEPTH) == yaml.safe_load(text)


UNUSUAL = [
    "a: 1\nb: [1, 2.5, true, null, ~, 2026-01-01, '3', \"x\"]\nc: {d: e}\n",  # core scalars, both styles
    "",  # no document: None
    "- 1\n- 2\n",  # a sequence at the top
    "x: 0x1F\ny: 1_000\nz: 1e3\nw: +.inf\n",  # YAML 1.1 numbers
    "a: 1\na: 2\n",  # a repeated key: the last one wins
    "? [1]\n: 2\n",  # a collection as a key: PyYAML's own error
    "a: !!binary aGVsbG8=\n",  # a tag the one-pass build leaves to PyYAML
    "<<: {a: 1}\nb: 2\n",  # a merge key
    "a: 1\n---\nb: 2\n",  # two documents: PyYAML's own error
    "a: !!str 5\nb: !!int '7'\n",  # explicit core tags
    "a:\n  - b: 1\n    c: [x, {y: z}]\n",  # nesting both ways
]


@pytest.mark.parametrize("text", UNUSUAL)
def test_the_one_pass_build_and_its_fallback_give_what_safe_load_gives(text: str) -> None:
    """``load_yaml`` builds the data from the events it checks, and leaves what a design never holds to PyYAML's
    loader: either way the result, or the error, is ``yaml.safe_load``'s."""
    try:
        expected: object = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        with pytest.raises(type(exc)):
            load_yaml(text, MAX_DEPTH)
        return
    assert load_yaml(text, MAX_DEPTH) == expected
