"""Sample inputs for the load tab's figures and tables: the template with a peak, a ramp over six loads and a tiny
design (test_app_board_load_*.py)."""

from __future__ import annotations

from typing import Any

from mlsd.analysis.ramp import PathRamp, Ramp
from mlsd.model import Design
from tests.conftest import DESIGNS
from tests.conftest import design_of as build_design

TEMPLATE = DESIGNS / "video_recommendations.json"
LOADS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0)


def a_ramp(p99: tuple[float | None, ...] = (50.0, 60.0, 90.0, 250.0, None, None), sla: float | None = 200.0,
           knee: float | None = 1.9, saturation: float | None = 2.2, budget_costs: tuple[float, ...] = ()
           ) -> Ramp:
    path = PathRamp(entry="client", peak_qps=1000.0, p99_ms=p99, sla_ms=sla, knee_load=knee, knee_below_ramp=False,
                    first_saturated="ranker" if saturation else None, saturation_load=saturation)
    return Ramp(loads=LOADS, paths=(path,), tiers=(), cost_per_month=budget_costs or (100.0,) * len(LOADS))


def tiny_design(**requirements: Any) -> Design:
    return build_design([{"id": "client", "kind": "client", "label": "Mobile <b>app</b>"},
                  {"id": "ranker", "kind": "online_inference", "label": "Ranker"}],
                 [{"id": "c1", "source": "client", "target": "ranker", "flow": "request"}],
                 requirements={"sla_p99_ms": 200, "peak_qps": 1000, **requirements})

