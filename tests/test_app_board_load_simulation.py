"""The simulation on the Board's "Load & failures" tab: run on demand at the chosen load, kept until the design
changes, a saturated path, a failing or missing simulation, and its rows beside the model's. The simulation
itself is replaced by a fast fake with its API (tests/fake_simulation.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components.board.load import simulation as sim_ui
from components.board.load.tables import (
    simulation_rows,
)
from mlsd.analysis import Analysis, analyze
from tests.board_apptest import (
    chart,
    design_of,
    ok,
    open_load_tab,
    panel,
    shapes,
    shown_texts,
    specs,
    title_of,
    unescape,
)
from tests.fake_simulation import NOTE, FakePath, FakeResult, FakeSimulate
from tests.load_samples import tiny_design


def test_the_simulation_runs_on_demand_and_is_kept_until_the_design_changes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_sim: FakeSimulate
) -> None:
    at = open_load_tab(monkeypatch, tmp_path)
    assert any("No simulation run" in t for t in shown_texts(at))
    at.button(key=sim_ui.RUN_KEY).click().run()
    ok(at)
    assert fake_sim.calls == [{"load": 1.0, "seed": 0, "time_budget_s": sim_ui.TIME_BUDGET_S}]
    [table] = [df.value for df in at.dataframe if "Simulated p99 (ms)" in df.value.columns]
    d = design_of(at)
    model = analyze(d).paths[0].p99_ms
    assert list(table["Simulated p99 (ms)"]) == [80.0] and list(table["± 95% CI (ms)"]) == [2.5]
    assert table["Model p99 (ms)"][0] == pytest.approx(model, abs=0.05)
    hist = chart(at, "Simulated latencies")
    assert [s["x0"] for s in shapes(hist, "simulated p99")] == [80.0]
    assert [round(s["x0"], 1) for s in shapes(hist, "model p99")] == [round(model or 0, 1)]
    assert any(NOTE in unescape(i.value) for i in at.info)  # what the simulation simplifies
    at.run()  # a rerun keeps the result without simulating again
    ok(at)
    assert len(fake_sim.calls) == 1 and [df for df in at.dataframe if "Simulated p99 (ms)" in df.value.columns]
    panel(at, "Requirements")  # change the design: the result belonged to the design before
    sla = next(n for n in at.number_input if n.label.startswith("p99 latency SLA"))
    sla.set_value(150.0).run()
    ok(at)
    assert not [df for df in at.dataframe if "Simulated p99 (ms)" in df.value.columns]
    assert any("No simulation run" in t for t in shown_texts(at))
    at.button(key="board.btn.undo").click().run()  # back to that design: its result is back
    ok(at)
    assert [df for df in at.dataframe if "Simulated p99 (ms)" in df.value.columns]


def test_the_chosen_load_is_simulated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                      fake_sim: FakeSimulate) -> None:
    at = open_load_tab(monkeypatch, tmp_path)
    at.select_slider(key=sim_ui.LOAD_KEY).set_value(1.5).run()
    at.button(key=sim_ui.RUN_KEY).click().run()
    ok(at)
    assert fake_sim.calls[-1]["load"] == 1.5
    assert any("at 1.5× peak" in m.value for m in at.markdown)


def test_a_path_saturated_in_the_simulation_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def saturated(analysis: Analysis, load: float = 1.0, seed: int = 0, **kwargs: Any) -> FakeResult:
        paths = tuple(FakePath(p.entry, 0, None, None, None, None, ()) for p in analysis.paths)
        return FakeResult(load, seed, 1, 0.1, 10.0, paths, True, NOTE)

    monkeypatch.setattr(sim_ui, "simulate", saturated)
    at = open_load_tab(monkeypatch, tmp_path)
    at.select_slider(key=sim_ui.LOAD_KEY).set_value(3.0).run()
    at.button(key=sim_ui.RUN_KEY).click().run()
    ok(at)
    assert any("is saturated at 3× peak" in unescape(w.value) for w in at.warning)
    assert not [s for s in specs(at) if "Simulated latencies" in title_of(s)]


def test_a_failing_simulation_is_shown_not_raised(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("ciw exploded")

    monkeypatch.setattr(sim_ui, "simulate", broken)
    at = open_load_tab(monkeypatch, tmp_path)
    at.button(key=sim_ui.RUN_KEY).click().run()
    ok(at)
    assert any("ciw exploded" in e.value for e in at.error)


def test_without_the_simulation_module_the_section_says_so(monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path: Path) -> None:
    monkeypatch.setattr(sim_ui, "simulate", None)
    at = open_load_tab(monkeypatch, tmp_path)
    assert any("not available" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == sim_ui.RUN_KEY]


def test_simulation_rows_sit_beside_the_model() -> None:
    path = FakePath("client", 10_000, 40.0, 80.0, 2.5, 64.0, ())
    result = FakeResult(1.0, 0, 3, 1.0, 30.0, (path,), True, NOTE)
    [row] = simulation_rows(tiny_design(), result)
    assert row["Path"] == "Mobile <b>app</b>"  # tables show text as text
    assert row["Simulated p99 (ms)"] == 80.0 and row["± 95% CI (ms)"] == 2.5
    assert row["Difference"] == "+25%" and row["Model p99 (ms)"] == 64.0
