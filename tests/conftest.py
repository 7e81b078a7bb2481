"""Shared fixtures: sample designs, the designs/ folder, a temporary library database on either backend, and the
hostile-input files' ``library`` (two designs imported through the command line), the report files'
``test_rules`` (four test rules in place of the registry) and the load tab files' ``fake_sim`` (a fast fake
simulation in place of the real one).

``store`` (and ``library_target``, the path or URL it opens) run a test twice: on a SQLite file and on a
PostgreSQL schema of a throwaway server (``tests.postgres_server``). Without PostgreSQL installed the postgres
runs skip on a developer's machine and FAIL when ``CI`` is set."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlsd.io import load_file
from mlsd.model import Design
from mlsd.rules import Rule, all_rules, engine
from mlsd.store import Store, open_store
from tests.fake_simulation import FakeSimulate
from tests.hostile_input import cli, design_dict
from tests.postgres_server import Server, find_pg_ctl, fresh_schema, running_server
from tests.report_rules import TEST_RULES

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


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """A PostgreSQL server for this test session (started on first use, stopped at the end)."""
    pg_ctl = find_pg_ctl()
    if pg_ctl is None:
        _unavailable("PostgreSQL is not installed (no pg_ctl on PATH or in /usr/lib/postgresql/*/bin): "
                     "sudo apt-get install postgresql")
    try:
        import psycopg  # noqa: F401
        import pytest_postgresql  # noqa: F401
    except ImportError as exc:
        _unavailable(f"{exc.name} is missing: pip install -r requirements-dev.txt")
    assert pg_ctl is not None
    with running_server(pg_ctl) as server:
        yield server


@pytest.fixture
def postgres_url(pg_server: Server) -> Iterator[str]:
    """The URL of an empty schema of its own on the test server."""
    with fresh_schema(pg_server) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def library_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a new, empty library goes: a SQLite file, or a PostgreSQL URL (the test runs once with each)."""
    if request.param == "sqlite":
        yield str(tmp_path / "library.db")
    else:
        yield request.getfixturevalue("postgres_url")


@pytest.fixture
def store(library_target: str) -> Iterator[Store]:
    """An empty library, on each backend in turn."""
    s = open_store(library_target)
    yield s
    s.close()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A library database holding two designs (one in the trash).

    Made through the command line for the hostile-input files (test_hostile_*.py); a module with a ``library``
    fixture of its own uses that one instead."""
    db = tmp_path / "lib" / "library.db"
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.json").write_text(json.dumps(design_dict(name="Homepage video recommendations")), encoding="utf-8")
    (good / "b.json").write_text(json.dumps(design_dict(name="Card fraud scoring")), encoding="utf-8")
    code, out, err = cli("library", "import", good / "a.json", good / "b.json", "--format", "json", "--db", db)
    assert code == 0, err
    assert cli("library", "delete", json.loads(out)[1]["id"], "--db", db)[0] == 0
    return db


@pytest.fixture
def test_rules(monkeypatch: pytest.MonkeyPatch) -> list[Rule]:
    """Replace the registry by the four test rules (the real rule modules are loaded first, so that loading
    them later cannot register into the replacement)."""
    all_rules()
    monkeypatch.setattr(engine, "REGISTRY", {r.id: r for r in TEST_RULES})
    return TEST_RULES


@pytest.fixture
def fake_sim(monkeypatch: pytest.MonkeyPatch) -> FakeSimulate:
    """The load tab's simulation replaced by ``tests.fake_simulation.FakeSimulate`` (test_app_board_load_*.py);
    imported here, not at the top, so that the tests that do not use it do not import Streamlit."""
    from components.board.load import simulation as sim_ui

    fake = FakeSimulate()
    monkeypatch.setattr(sim_ui, "simulate", fake)
    return fake


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


_WAIVE = re.compile(r"waiv\w*", re.I)
_RULE_ID = re.compile(r"\b[A-Z]{2,4}-\d+\b")
_NEGATED = re.compile(r"\b(no|not|without|needs? no|drops?|dropped|removed?)\W+(\w+\W+)?$", re.I)
WAIVER_WINDOW = 160  # characters after a waiver word (and 60 before) in which its rule ids are named


def stale_waiver_mentions(design: Design) -> list[str]:
    """Rule ids the notes describe as waived ("Waiver. REL-2: ...", "LAT-5 is waived") with no waiver in the file.

    A mention is a word starting with "waiv" and the rule ids near it in the same paragraph (up to
    ``WAIVER_WINDOW`` characters after it, 60 before); "no waiver", "without a waiver", "drops the waiver" are
    not mentions of a waiver the design has.
    """
    waived = {w.rule for w in design.waivers}
    stale: list[str] = []
    for paragraph in re.split(r"\n\s*\n", design.notes):
        for m in _WAIVE.finditer(paragraph):
            if _NEGATED.search(paragraph[max(0, m.start() - 30):m.start()]):
                continue
            window = paragraph[max(0, m.start() - 60):m.end() + WAIVER_WINDOW]
            stale += [r for r in _RULE_ID.findall(window) if r not in waived and r not in stale]
    return stale


__all__ = ["DESIGNS", "FIXTURES", "ROOT", "design_of", "load_file", "load_json", "stale_waiver_mentions"]
