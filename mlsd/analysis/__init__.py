"""The numbers behind the checklists: request paths, latency under load, capacity, failures and cost.

Here "component" means a placed block of a design (``mlsd.model.Component``).

One model per module, each documented where it lives:
- ``paths``: request paths (call trees from entry blocks along ``request`` connections), cycles, critical chain;
- ``service``: what a visit to a block costs (declared latency, work per request, batching, shards, throughput);
- ``traffic``: the rate reaching each block at peak (traffic shares, cache hits, fan-out);
- ``entries``: asynchronous entries (fed by a queue or stream) and the rate their queue receives;
- ``store_work``: the store calls a caller handling n candidates makes per request (multi-get, local cache);
- ``queueing``: Erlang C, Allen–Cunneen, Little's law; ``distributions``: lognormal fits, order statistics;
- ``capacity``: replicas, utilisation and each tier as a queue at a load;
- ``latency``: end-to-end latency by sampling the per-tier sojourn times along the call tree;
- ``network``: the design as a network of queues at any load, and ``analyze`` (everything at peak);
- ``ramp``: p99 against load and the knee; ``failures``: single-failure what-ifs; ``degraded``: the path a
  fallback connection answers on; ``batch``: batch runs, their hours and the window they must fit; ``cost``:
  monthly cost (hours, runs or requests), budget, cost per 1,000 predictions; ``simulation``: a ciw
  discrete-event simulation of the same network;
- ``lineage``: who writes each store read online, and how stale its data is along the write path (DAT-3/7/8,
  SRV-5);
- ``export``: the analysis as JSON-ready data.

CONTRACT: ``analyze(design)`` never raises on a valid Design; no non-finite number reaches ``analysis_to_dict``.
"""

import importlib
import inspect

from mlsd.analysis.batch import BatchJob
from mlsd.analysis.capacity import TierCapacity
from mlsd.analysis.cost import CostLine
from mlsd.analysis.export import analysis_to_dict
from mlsd.analysis.latency import MAX_SIM_VALUES, MIN_SIM_SAMPLES
from mlsd.analysis.network import Analysis, LoadModel, RequestPath, analyze
from mlsd.analysis.paths import is_serving_entry

# the models behind the numbers, in the order a reader meets them (their module docstrings are the documentation)
MODEL_MODULES = ("paths", "traffic", "entries", "store_work", "service", "queueing", "distributions", "capacity",
                 "latency", "ramp", "failures", "degraded", "batch", "cost", "simulation", "lineage")


def model_docs() -> list[tuple[str, str, str]]:
    """(module, title, documentation) of every model module: what the Rules page and ``python -m mlsd rules
    --format markdown`` show under "How the numbers are computed". The title is the docstring's first sentence."""
    out = []
    for name in MODEL_MODULES:
        module = importlib.import_module(f"mlsd.analysis.{name}")
        doc = "\n".join(line for line in inspect.cleandoc(module.__doc__ or "").splitlines()
                        if not line.startswith('Here "component" means')).replace("\n\n\n", "\n\n")
        first = doc.partition("\n")[0]
        title = first.split(": ", 1)[0].rstrip(".") if ": " in first[:60] else first.rstrip(".")
        out.append((name, title, doc))
    return out


__all__ = [
    "MAX_SIM_VALUES",
    "MIN_SIM_SAMPLES",
    "Analysis",
    "BatchJob",
    "CostLine",
    "LoadModel",
    "RequestPath",
    "TierCapacity",
    "analysis_to_dict",
    "analyze",
    "is_serving_entry",
    "model_docs",
]
