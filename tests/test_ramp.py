"""The load ramp: p99 against load per serving path, the knee at the SLA, the first tier to saturate, and the
utilisation and cost at each load."""

from __future__ import annotations

import pytest

from mlsd.analysis import analyze
from mlsd.analysis.ramp import RAMP_LOADS, ramp
from mlsd.model import Design
from tests.conftest import design_of


def chain(peak: float, sla: float | None = 60.0, autoscaling: bool = False) -> Design:
    """app -> front (4 × 100 req/s) -> back (2 × 50 req/s): back saturates first, at 100 / peak."""
    scaling = {"autoscaling": True, "max_replicas": 6, "scale_up_minutes": 5} if autoscaling else {}  # issue 18: stated
    return design_of(
        [
            {"id": "app", "kind": "client"},
            {"id": "front", "kind": "online_inference",
             "props": {"replicas": 4, "qps_per_replica": 100, "p50_ms": 2, "p99_ms": 6, "cost_per_hour": 1.0}},
            {"id": "back", "kind": "online_inference",
             "props": {"replicas": 2, "qps_per_replica": 50, "p50_ms": 10, "p99_ms": 30, "cost_per_hour": 2.0,
                       **scaling}},
        ],
        [{"id": "a", "source": "app", "target": "front", "flow": "request"},
         {"id": "b", "source": "front", "target": "back", "flow": "request"}],
        requirements={"peak_qps": peak, **({"sla_p99_ms": sla} if sla is not None else {})},
    )


def test_ramp_covers_10_to_300_percent_of_the_peak_in_20_points() -> None:
    assert len(RAMP_LOADS) == 20 and RAMP_LOADS[0] == pytest.approx(0.1) and RAMP_LOADS[-1] == pytest.approx(3.0)


def test_p99_never_falls_as_load_rises_and_saturation_is_none() -> None:
    r = ramp(analyze(chain(peak=50)))
    (path,) = r.paths
    values = [v for v in path.p99_ms if v is not None]
    assert values == sorted(values)
    # back saturates at 100 req/s = 2× the 50 req/s peak: every load from 2× on has no p99
    for x, v in zip(r.loads, path.p99_ms, strict=True):
        assert (v is None) == (x >= 2.0 - 1e-9), (x, v)
    assert path.first_saturated == "back" and path.saturation_load == pytest.approx(2.0)


def test_the_knee_is_where_the_p99_crosses_the_sla() -> None:
    a = analyze(chain(peak=50))
    r = ramp(a)
    (path,) = r.paths
    assert path.knee_load is not None and 0.1 < path.knee_load < 2.0
    assert path.knee_qps == pytest.approx(path.knee_load * 50)
    # check it: just below the knee the path holds, just above it does not
    below = ramp(a, (path.knee_load * 0.97,)).paths[0].p99_ms[0]
    above = ramp(a, (path.knee_load * 1.03,)).paths[0].p99_ms[0]
    assert below is not None and below <= 60
    assert above is None or above > 60


def test_without_sla_the_knee_is_the_saturation() -> None:
    (path,) = ramp(analyze(chain(peak=50, sla=None))).paths
    assert path.knee_load is not None and path.knee_load == pytest.approx(2.0, abs=0.16)


def test_a_path_over_the_sla_at_every_load_says_so() -> None:
    (path,) = ramp(analyze(chain(peak=50, sla=5))).paths
    assert path.knee_below_ramp and path.knee_load == pytest.approx(0.1)


def test_a_path_that_holds_everywhere_has_no_knee() -> None:
    (path,) = ramp(analyze(chain(peak=5, sla=500))).paths
    assert path.knee_load is None and not path.knee_below_ramp
    assert path.saturation_load == pytest.approx(20.0)


def test_utilisation_and_autoscaled_cost_follow_the_load() -> None:
    r = ramp(analyze(chain(peak=50, autoscaling=True)), (0.5, 1.0, 2.0, 3.0))
    back = next(t for t in r.tiers if t.block == "back")
    # ceil(load × 1.3 / 50) within [2, 6]: 25 → 2 (the floor), 50 → 2, 100 → 3, 150 → 4
    assert back.replicas == (2, 2, 3, 4)
    assert back.utilisation[0] == pytest.approx(25 / 100)
    assert back.utilisation[3] == pytest.approx(150 / 200)
    fixed = 4 * 1.0 * 730
    assert r.cost_per_month == pytest.approx([fixed + n * 2 * 730 for n in (2, 2, 3, 4)])


def test_ramp_rejects_bad_loads() -> None:
    a = analyze(chain(peak=50))
    with pytest.raises(ValueError):
        ramp(a, (1.0, 0.5))
    with pytest.raises(ValueError):
        ramp(a, (0.0, 1.0))
