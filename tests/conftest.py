"""Shared fixtures: sample designs, the designs/ folder, and a temporary library database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlsd.io import load_file
from mlsd.model import Design

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "designs"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def design_of(components: list[dict], connections: list[dict] | None = None, **fields: object) -> Design:
    """Build a Design from plain dicts (a short way to write small test designs)."""
    data = {"name": fields.pop("name", "test design"), "components": components,
            "connections": connections or [], **fields}
    return Design.model_validate(data)


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def example_paths() -> list[Path]:
    return sorted(DESIGNS.glob("*.json"))


@pytest.fixture
def small_design() -> Design:
    """A client calling a gateway that calls an inference service."""
    return design_of(
        [
            {"id": "client", "kind": "client", "label": "Mobile app"},
            {"id": "gw", "kind": "api_gateway", "label": "API gateway"},
            {"id": "inf", "kind": "online_inference", "label": "Ranker"},
        ],
        [
            {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
        ],
        requirements={"sla_p99_ms": 200, "peak_qps": 1000},
    )


@pytest.fixture
def tmp_db(tmp_path: Path) -> Path:
    return tmp_path / "library.db"


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


__all__ = ["DESIGNS", "FIXTURES", "ROOT", "design_of", "load_file", "load_json"]
