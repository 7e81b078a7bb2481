"""Edits of a block's props: set one (typed and checked against the catalog's spec), add one, remove one.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from mlsd.catalog import KINDS, PROP_SPECS
from mlsd.catalog.props import PropSpec, PropValue
from mlsd.edit.checks import find_block, refuse, replace_block, validated_block
from mlsd.io import DesignError, field_name
from mlsd.model import Design


def coerce_prop(name: str, value: object) -> PropValue:
    """A widget's value as the prop's type (a whole float for an int prop, text split into a list...)."""
    spec = PROP_SPECS.get(name)
    if spec is None:
        raise refuse(f"props.{field_name(name)} is not a known prop")
    if spec.type == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if spec.type == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if spec.type == "list" and isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise refuse(f"props.{name} {spec.check(value) or 'has an unsupported value'}")


def set_prop(design: Design, block_id: str, name: str, value: object) -> Design:
    """The block with one prop set; the value is checked against the prop's type and bounds."""
    block = find_block(design, block_id)
    spec = PROP_SPECS.get(name)
    if spec is None:
        raise refuse(f"block {block_id!r}: props.{field_name(name)} is not a known prop")
    try:
        typed = coerce_prop(name, value)
    except DesignError as exc:
        raise refuse(*(f"block {block_id!r}: {p}" for p in exc.problems)) from None
    problem = spec.check(typed)
    if problem:
        raise refuse(f"block {block_id!r}: props.{name} {problem}")
    data = block.model_dump()
    data["props"] = {**block.props, name: typed}
    return replace_block(design, validated_block(data, block_id))


def remove_prop(design: Design, block_id: str, name: str) -> Design:
    """The block without its own value of a prop (it falls back to the kind's default, if any)."""
    block = find_block(design, block_id)
    if name not in block.props:
        raise refuse(f"block {block_id!r}: has no prop {field_name(name)!r} of its own")
    props = {k: v for k, v in block.props.items() if k != name}
    return replace_block(design, block.model_copy(update={"props": props}))


def starting_value(spec: PropSpec) -> PropValue:
    """A valid first value for a prop added by hand: its minimum, false, its first choice, or empty."""
    if spec.type in ("float", "int"):
        low = spec.minimum if spec.minimum is not None else 0
        return int(low) if spec.type == "int" else float(low)
    if spec.type == "bool":
        return False
    if spec.type == "enum":
        return spec.choices[0]
    if spec.type == "list":
        return []
    return ""


def add_prop(design: Design, block_id: str, name: str) -> Design:
    """Give a block a prop it does not carry yet, with the kind's default or a valid starting value."""
    block = find_block(design, block_id)
    spec = PROP_SPECS.get(name)
    if spec is None:
        raise refuse(f"block {block_id!r}: props.{field_name(name)} is not a known prop")
    if name in block.props:
        raise refuse(f"block {block_id!r}: already has prop {name!r}")
    default = KINDS[block.kind].props.get(name)
    return set_prop(design, block_id, name, default if default is not None else starting_value(spec))
