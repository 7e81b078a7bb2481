"""The published JSON Schema of the design format, generated from the pydantic model (its one definition)."""

from __future__ import annotations

from typing import Any

from mlsd.catalog import KINDS, PROP_SPECS
from mlsd.model import FORMAT, Design

SCHEMA_ID = "https://mlsd-whiteboard.invalid/schema/mlsd-1.json"


def design_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a design file, with the catalog's kinds and props spelled out."""
    schema = Design.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = f"MLSD Whiteboard design ({FORMAT})"
    component = schema["$defs"]["Component"]["properties"]
    component["kind"]["enum"] = sorted(KINDS)
    props: dict[str, Any] = {}
    for spec in PROP_SPECS.values():
        if spec.type in ("float", "int"):
            entry: dict[str, Any] = {"type": "number" if spec.type == "float" else "integer"}
            if spec.minimum is not None:
                entry["minimum"] = spec.minimum
            if spec.maximum is not None:
                entry["maximum"] = spec.maximum
        elif spec.type == "bool":
            entry = {"type": "boolean"}
        elif spec.type == "enum":
            entry = {"enum": list(spec.choices)}
        elif spec.type == "list":
            entry = {"type": "array", "items": {"type": "string"}}
        else:
            entry = {"type": "string"}
        entry["description"] = spec.help + (f" Unit: {spec.unit}." if spec.unit else "")
        props[spec.name] = entry
    component["props"] = {
        "type": "object",
        "description": "Typed properties of the block.",
        "properties": props,
        "additionalProperties": False,
    }
    return schema
