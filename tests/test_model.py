"""The design model: every bad case gives a message that names the field and the block or connection."""

from __future__ import annotations

import json

import pytest

from mlsd.io import DesignError, loads
from mlsd.model import MAX_COMPONENTS, MAX_LABEL, Component, Design


def problems_of(data: dict) -> list[str]:
    with pytest.raises(DesignError) as exc:
        loads(json.dumps(data))
    return exc.value.problems


def block(id: str = "a", kind: str = "client", **fields: object) -> dict:
    return {"id": id, "kind": kind, **fields}


def test_minimal_design_is_valid_with_defaults():
    d = loads('{"name": "x"}')
    assert d.format == "mlsd/1"
    assert d.components == [] and d.connections == [] and d.waivers == []
    assert d.requirements.headroom == 0.3


def test_duplicate_block_ids_are_named():
    assert problems_of({"name": "x", "components": [block("gw"), block("gw")]}) == [
        "components: block id 'gw' is used more than once"
    ]


def test_duplicate_connection_ids_are_named():
    data = {
        "name": "x",
        "components": [block("a"), block("b", "api_gateway")],
        "connections": [
            {"id": "c1", "source": "a", "target": "b"},
            {"id": "c1", "source": "b", "target": "a"},
        ],
    }
    assert problems_of(data) == ["connections: connection id 'c1' is used more than once"]


def test_dangling_connection_names_connection_and_end():
    data = {"name": "x", "components": [block("a")], "connections": [{"id": "c9", "source": "a", "target": "ghost"}]}
    assert problems_of(data) == ["connection 'c9': target 'ghost' is not a block of this design"]


def test_self_loop_is_refused():
    data = {"name": "x", "components": [block("a")], "connections": [{"id": "c1", "source": "a", "target": "a"}]}
    assert problems_of(data) == ["connection 'c1': source and target are the same block 'a'"]


def test_unknown_kind_names_block():
    (msg,) = problems_of({"name": "x", "components": [block("q", "quantum_oracle")]})
    assert msg.startswith("block 'q': unknown kind 'quantum_oracle'")


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"replicas": 0}, "props.replicas must be ≥ 1, got 0"),
        ({"replicas": 2.5}, "props.replicas must be a whole number, got 2.5"),
        ({"p99_ms": -3}, "props.p99_ms must be ≥ 0, got -3"),
        ({"cost_per_hour": -0.1}, "props.cost_per_hour must be ≥ 0, got -0.1"),
        ({"hit_rate": 1.5}, "props.hit_rate must be ≤ 1, got 1.5"),
        ({"p99_ms": "fast"}, "props.p99_ms must be a number, got 'fast'"),
        ({"p99_ms": True}, "props.p99_ms must be a number, got True"),
        ({"pii": "yes"}, "props.pii must be true or false, got 'yes'"),
        ({"calls": "sometimes"}, "props.calls must be one of sequential, parallel; got 'sometimes'"),
        ({"warp_drive": 1}, "props.warp_drive is not a known prop"),
    ],
)
def test_props_are_typed_and_bounded(props, expected):
    assert problems_of({"name": "x", "components": [block("svc", props=props)]}) == [f"block 'svc': {expected}"]


def test_non_finite_numbers_are_refused_in_json_and_in_python():
    assert problems_of_text('{"name": "x", "requirements": {"peak_qps": Infinity}}') == [
        "Infinity is not allowed: numbers must be finite (line 1)"
    ]
    with pytest.raises(ValueError, match="finite"):
        Component(id="a", kind="client", props={"p99_ms": float("nan")})
    with pytest.raises(ValueError, match="finite"):
        Design.model_validate({"name": "x", "requirements": {"sla_p99_ms": float("inf")}})


def problems_of_text(text: str) -> list[str]:
    with pytest.raises(DesignError) as exc:
        loads(text)
    return exc.value.problems


def test_positive_rate_is_a_rate():
    (msg,) = problems_of({"name": "x", "requirements": {"positive_rate": 2}})
    assert msg.startswith("requirements.positive_rate: ")
    assert "less than or equal to 1" in msg


def test_unknown_field_is_rejected_with_its_name():
    assert problems_of({"name": "x", "components": [block("gw", colour="red")]}) == [
        "block 'gw': colour is not a known field (check the spelling; unknown fields are rejected)"
    ]
    assert problems_of({"name": "x", "layout": {}}) == [
        "layout is not a known field (check the spelling; unknown fields are rejected)"
    ]


def test_label_length_limit_names_block():
    assert problems_of({"name": "x", "components": [block("gw", label="x" * (MAX_LABEL + 1))]}) == [
        f"block 'gw': label must be at most {MAX_LABEL} characters, got {MAX_LABEL + 1}"
    ]


def test_null_bytes_are_refused_in_labels():
    assert problems_of({"name": "x", "components": [block("gw", label="a\x00b")]}) == [
        "block 'gw': label must not contain null bytes"
    ]


def test_hostile_but_harmless_labels_are_kept_verbatim():
    label = '<script>alert("x")</script> {braces} \'q\' \u202eRTL\nline'
    d = loads(json.dumps({"name": "x", "components": [block("gw", label=label)]}))
    assert d.components[0].label == label


def test_bad_id_is_refused():
    assert problems_of({"name": "x", "components": [block("has space")]}) == [
        "block 'has space': id: must be 1-64 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'"
    ]


def test_missing_fields_are_named():
    assert problems_of({"components": [{"kind": "client"}]}) == ["name is required", "components[0]: id is required"]


def test_blank_name_is_refused():
    assert problems_of({"name": "   "}) == ["name must not be blank"]


def test_waiver_must_reference_existing_blocks_and_give_a_reason():
    waiver = {"rule": "REL-1", "components": ["zz"], "reason": "ok"}
    data = {"name": "x", "components": [block("a")], "waivers": [waiver]}
    assert problems_of(data) == ["waivers[0] (REL-1): block 'zz' is not a block of this design"]
    data["waivers"] = [{"rule": "REL-1", "components": ["a"], "reason": "  "}]
    assert problems_of(data) == ["waivers[0].reason must not be blank"]


def test_size_limit_on_blocks():
    comps = [block(f"b{i}") for i in range(MAX_COMPONENTS + 1)]
    (msg,) = problems_of({"name": "x", "components": comps})
    assert msg == f"components: a design holds at most {MAX_COMPONENTS} blocks, got {MAX_COMPONENTS + 1}"


def test_many_problems_are_all_reported_but_capped():
    comps = [block("a")]
    conns = [{"id": f"c{i}", "source": "a", "target": f"x{i}"} for i in range(80)]
    msgs = problems_of({"name": "x", "components": comps, "connections": conns})
    assert len(msgs) == 51
    assert msgs[-1] == "... and 30 more problems"


def test_prop_falls_back_to_kind_default():
    from mlsd.catalog import KINDS

    c = Component(id="gw", kind="api_gateway", props={"replicas": 7})
    assert c.num("replicas") == 7
    default = KINDS["api_gateway"].props.get("p99_ms")
    assert c.prop("p99_ms") == default
    assert c.title == KINDS["api_gateway"].label
