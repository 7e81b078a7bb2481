"""A gentle start (mlsd.start): the next steps of a design, and which findings colour the canvas."""

from __future__ import annotations

from pathlib import Path

from mlsd import edit
from mlsd.io import load_file
from mlsd.model import Design
from mlsd.rules import check
from mlsd.start import canvas_findings, has_requirements, is_started, next_steps

DESIGNS = Path(__file__).resolve().parent.parent / "designs"


def done(design: Design) -> dict[str, bool]:
    return {s.id: s.done for s in next_steps(design)}


def two_blocks() -> tuple[Design, str, str]:
    d = edit.new_design()
    d, gateway = edit.add_block(d, "api_gateway")
    d, model = edit.add_block(d, "online_inference")
    return d, gateway, model


def test_a_blank_design_has_four_steps_to_do_in_order() -> None:
    steps = next_steps(edit.new_design())
    assert [s.id for s in steps] == ["requirements", "request_path", "offline_loop", "monitoring"]
    assert not any(s.done for s in steps)
    assert all(s.title and s.how for s in steps)


def test_each_step_is_done_by_what_it_names() -> None:
    d, gateway, model = two_blocks()
    assert done(d) == dict.fromkeys(done(d), False)
    d = edit.set_requirements(d, sla_p99_ms=200)
    assert done(d)["requirements"]
    d, _ = edit.connect(d, gateway, model, "request")
    assert done(d)["request_path"] and not done(d)["offline_loop"]
    d, lake = edit.add_block(d, "data_lake")
    d, training = edit.add_block(d, "training_pipeline")
    d, _ = edit.connect(d, lake, training, "batch")
    assert not done(d)["offline_loop"]  # fed, but nothing leaves training yet
    d, registry = edit.add_block(d, "model_registry")
    d, _ = edit.connect(d, training, registry, "batch")
    assert done(d)["offline_loop"] and not done(d)["monitoring"]
    d, drift = edit.add_block(d, "drift_detector")
    assert not done(d)["monitoring"]  # placed but watching nothing
    d, _ = edit.connect(d, model, drift, "stream")
    assert all(done(d).values())


def test_a_stream_connection_is_not_a_request_path() -> None:
    d, gateway, model = two_blocks()
    assert not done(edit.connect(d, gateway, model, "stream")[0])["request_path"]


def test_only_scale_requirements_count_not_the_default_headroom() -> None:
    d = edit.new_design()
    assert not has_requirements(d.requirements)
    assert not has_requirements(edit.set_requirements(d, headroom=0.5).requirements)
    assert has_requirements(edit.set_requirements(d, peak_qps=1000).requirements)


def test_every_reference_design_is_past_its_first_steps() -> None:
    for path in sorted(DESIGNS.glob("*.json")):
        steps = done(load_file(path))
        assert steps["request_path"], path.name


def test_unconnected_blocks_colour_nothing_until_connected() -> None:
    d, gateway, model = two_blocks()
    report = check(d)
    assert any(f.severity == "error" and f.components for f in report.active)  # the list has errors...
    assert [f for f in canvas_findings(d, report.findings) if f.components] == []  # ...the canvas shows none
    d, _ = edit.connect(d, gateway, model, "request")
    coloured = canvas_findings(d, check(d).findings)
    assert {b for f in coloured for b in f.components} >= {model}
    assert any(f.severity == "error" for f in coloured if model in f.components)


def test_a_finding_keeps_only_its_connected_blocks_before_requirements() -> None:
    d, gateway, model = two_blocks()
    d, lonely = edit.add_block(d, "online_inference")
    d, _ = edit.connect(d, gateway, model, "request")
    for f in canvas_findings(d, check(d).findings):
        assert lonely not in f.components
    assert [f for f in check(d).findings if lonely in f.components]  # the findings list still has them


def test_requirements_colour_every_block() -> None:
    d, _, _ = two_blocks()
    d = edit.set_requirements(d, sla_p99_ms=150)
    report = check(d)
    assert canvas_findings(d, report.findings) == report.findings


def test_a_design_is_started_by_a_connection_or_requirements() -> None:
    d, gateway, model = two_blocks()
    assert not is_started(d)
    assert is_started(edit.connect(d, gateway, model, "stream")[0])
    assert is_started(edit.set_requirements(d, peak_qps=10))
