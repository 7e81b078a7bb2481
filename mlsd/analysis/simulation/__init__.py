"""Discrete-event simulation: the design's network of queues run with ciw, to check the closed forms against.

Here "component" means a placed block of a design (``mlsd.model.Component``).

What it models (the same network the analysis reasons about, ``network.LoadModel``, at ``load`` × the peak):
- Every queued tier (``Service.queued``: self-run, with a known throughput) that a request can reach is one ciw
  node per shard, FCFS, with ``replicas × Service.servers`` servers (the replicas running at that load, autoscaling
  included: ``capacity.tier_states``). Nothing else is a ciw node: ciw's cost per event grows with the nodes.
- Requests arrive as Poisson streams at every serving entry at ``load`` × its rate (``traffic``) and follow their
  call tree (``paths``) as a fixed ciw route (``ciw.routing.ProcessBased``): a block's own visit first, then its
  calls in call order; a cache draws a hit with its ``hit_rate`` and then skips its callees; a block reached twice
  is visited twice. ciw has no fork-join, so the branches of a parallel block are visited one after another
  (every tier still gets its load, a request's later branches just reach their tiers a little later); each
  request's visits are then combined along its call tree like the analysis does: callees' times added for a
  sequential block, the slowest taken for a parallel one, the slowest shard for a sharded tier.
- Service: the lognormal of the block's light-load latency (``Service.mu``/``sigma``, ln ms; work per item
  included). Capacity: the analysis takes a tier's capacity to be exactly ``replicas × qps_per_replica`` and its
  servers from Little's law rounded (``queueing.servers_per_replica``), so ``servers / E[S]`` is in general not the
  capacity (a replica declared at 100 req/s with a 1 ms latency is one server busy 10 ms per request, not 1 ms).
  The simulation keeps both: a server is *occupied* for the declared service time scaled by
  ``servers / (capacity · E[S])`` (same lognormal shape, so the same cs² as Allen–Cunneen uses), which gives the
  tier exactly the analysis's capacity, and the latency a request records is its wait (ciw's ``waiting_time``)
  plus its *declared* service time (ciw's ``service_time`` scaled back). A queued block with no latency is
  occupied ``servers / capacity`` per request (deterministic) and records its wait only.
- Blocks that are not queues (clients, managed services, blocks without a throughput) add their service time
  drawn with numpy (seeded): the lognormal, or for a sharded block the slowest of its shards drawn from the
  analysis's per-shard distribution (``latency.shard_times``), exactly as the analysis does.
- Hedged requests (``hedged_requests``) on a queued tier: when a visit took longer than the tier's p95 sojourn
  at that load (``distributions.sojourn_quantile``), the request visits the tier a second time (the backup) and
  keeps ``min(T₁, p95 + T₂)``; the backup's extra load is real (about 5%).
- Saturated tiers (utilisation ≥ 1 at this load, ``TierState.saturated``) are not simulated (their queue only
  grows): the paths through them report no p99, as the analysis does; their requests still load the other tiers
  they reach, so the paths sharing those tiers see the load the analysis gives them.

Output analysis: each replication starts empty, runs a warm-up that is discarded, then records the requests that
arrive in its window; arrivals stop at the window's end and the run drains, so the slow requests of the window are
kept, not cut off (one still running ``DRAIN_FACTOR`` p99s later counts with its time so far). A tier's relaxation
time is ``E[occupancy] · max(1, 1/(c·(1 − √ρ)²))``, i.e. the inverse of M/M/c's decay rate ``(√(c·mu) − √lam)²``
when that is below mu (Morse 1955 for one server; van Doorn 1981 for birth–death queues); a tier where fewer than
``NO_QUEUE_P_WAIT`` of the requests wait has nothing to settle. The warm-up is ``WARMUP_RELAXATIONS`` relaxation
times of the slowest tier, at least the longest mean occupancy. The window holds about ``REQUESTS_PER_REPLICATION``
requests of the entry with the least traffic and at least ``WINDOW_RELAXATIONS`` relaxation times: near saturation
a shorter window makes each replication's p99 a skewed draw (a few long busy periods or none), and its Student's t
interval too narrow (one server at ρ = 0.9: with 20 relaxation times per window the p99s of five seeds spread 2.3×
wider than their intervals claimed; with 50, as wide). The p99 of each replication is one observation; the reported
p99 pools all replications' requests; its 95% confidence interval is Student's t over the replications' p99s
(independent replications: Law, Simulation Modeling and Analysis, ch. 9). Replications run until every path's CI
half-width is within ``target_ci`` of its p99, after at least ``MIN_REPLICATIONS`` (fewer leave the interval
itself too uncertain), or until the next one would not fit in the time budget (the first always runs).

What it simplifies (``NOTE``): parallel branches are visited one after another (the load is right, the arrival
instants at later branches are shifted); a dynamic batcher's fill wait is drawn as the analysis draws it (uniform
up to the longest fill) rather than batching requests; a hedged backup is sent when the first answer returns
late rather than at the p95 mark; a shard is its own queue fed by every request.

Speed: ciw's ``Node`` looks for the next end of service by scanning every server of every node after every event,
so one event costs the total number of servers (~4,700 on designs/video_recommendations.json: a replication took
10× longer, 90% of it in that scan). ``FastNode`` and ``FastServer`` (``nodes``) keep a heap of the end-of-service
dates and a stack of free servers; the event loop, routing, distributions and records are ciw's.
tests/test_simulation.py checks that a seeded run gives the same records as ciw's own ``Node``. ciw draws from
Python's global ``random``: runs are serialised by a lock and the global state is restored afterwards, so a seed
gives the same result whatever else runs.

Sources: ciw (Palmer, Knight, Harper, Tuson, "Ciw: An open-source discrete event simulation library", Journal of
Simulation 13(1), 2019); research/load-models.md (what the closed form reaches against ciw).
"""

from mlsd.analysis.simulation.run import (
    MAX_LATENCIES,
    MIN_REPLICATIONS,
    NOTE,
    SimulatedPath,
    SimulationResult,
    simulate,
    t975,
)

__all__ = ["MAX_LATENCIES", "MIN_REPLICATIONS", "NOTE", "SimulatedPath", "SimulationResult", "simulate", "t975"]
