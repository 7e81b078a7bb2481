"""Instance prices the cost model and the GPU price check (CAP-13) compare declared prices with.

Metadata only, like the rest of the catalog: a few AWS on-demand Linux prices in us-east-1, each with its source.
Prices move (AWS cut P4/P5 prices by up to 45% in June 2025); these were checked on 2026-12-05 against the
published figures below. A design's own ``cost_per_hour`` always stays the user's word; this table only gives
the floor a GPU costs (``CHEAPEST_GPU``) and the figures the cost lines name beside it.
"""

from __future__ import annotations

from dataclasses import dataclass

CHECKED = "2026-12-05"
SOURCE = "AWS EC2 on-demand pricing, Linux, us-east-1"


@dataclass(frozen=True)
class InstancePrice:
    """One instance type's on-demand hourly price."""

    instance: str
    accelerator: str  # "" for a CPU instance
    gpus: int
    usd_per_hour: float
    source: str

    @property
    def per_gpu_hour(self) -> float | None:
        return self.usd_per_hour / self.gpus if self.gpus else None


PRICES: tuple[InstancePrice, ...] = (
    InstancePrice("m6i.large", "", 0, 0.096, "EC2 on-demand pricing page (2 vCPU, 8 GiB)"),
    InstancePrice("c5.xlarge", "", 0, 0.17, "EC2 on-demand pricing page (4 vCPU, 8 GiB)"),
    InstancePrice("m5.xlarge", "", 0, 0.192, "EC2 on-demand pricing page (4 vCPU, 16 GiB)"),
    InstancePrice("g4dn.xlarge", "NVIDIA T4 16 GB", 1, 0.526, "EC2 G4 pricing (unchanged since launch, 2019)"),
    InstancePrice("g5.xlarge", "NVIDIA A10G 24 GB", 1, 1.006, "EC2 G5 pricing (as listed June 2026)"),
    InstancePrice(
        "p4d.24xlarge", "8× NVIDIA A100 40 GB", 8, 21.96,
        "EC2 P4 pricing after the June 2025 reduction ($32.77/h before); $2.74 per GPU-hour",
    ),
    InstancePrice(
        "p5.48xlarge", "8× NVIDIA H100 80 GB", 8, 55.04,
        "EC2 P5 pricing after the June 2025 reduction ($98.32/h before); $6.88 per GPU-hour",
    ),
)

GPU_PRICES = tuple(p for p in PRICES if p.gpus)
CHEAPEST_GPU: InstancePrice = min(GPU_PRICES, key=lambda p: p.usd_per_hour)


@dataclass(frozen=True)
class RequestPrice:
    """A managed service billed per request: the price per million requests and what it is."""

    service: str
    usd_per_million: float
    source: str


# Managed kinds billed by their load when a block declares no price of its own (no cost_per_hour, no
# cost_per_million_requests, no provisioned ceiling): one request = one read request unit (a strongly consistent
# read of an item up to 4 KB; an eventually consistent read is half of one, so this is the upper bound).
MANAGED_REQUEST_PRICES: dict[str, RequestPrice] = {
    "kv_store": RequestPrice(
        "DynamoDB on-demand reads", 0.125,
        "AWS DynamoDB on-demand pricing, us-east-1: $0.125 per million read request units after the November "
        "2024 reduction (writes $0.625 per million)",
    ),
}


def describe(price: InstancePrice) -> str:
    """``g4dn.xlarge (NVIDIA T4 16 GB) $0.526/h`` and where it comes from."""
    return f"{price.instance} ({price.accelerator}) ${price.usd_per_hour:,.3f}/h, {SOURCE}, checked {CHECKED}"
