"""The steps of the sizing search: paths no replica can save, SLA steps, zone-loss steps, and cutting back (see
``mlsd.analysis.sizing``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from mlsd.analysis.capacity import TierState
from mlsd.analysis.sizing.result import Shortfall
from mlsd.analysis.sizing.search import (
    MAX_REPLICAS,
    MAX_SLA_STEPS,
    MAX_ZONE_ROUNDS,
    SHORTLIST,
    STEP_SHARE,
    WAITS,
    Search,
)


def hopeless_paths(sr: Search, shortfalls: list[Shortfall]) -> set[int]:
    """Sync paths over the SLA even with no queueing (their light-load p99): named, and left out of the search."""
    out: set[int] = set()
    if sr.sla is None:
        return out
    for p in sr.analysis.paths:
        e = sr.m.index[p.entry]
        if e in sr.sync and p.light_p99_ms > sr.sla:
            out.add(e)
            shortfalls.append(Shortfall(
                "sla", p.entry, p.light_p99_ms - sr.sla, "ms",
                f"path from {sr.title(e)}: p99 {p.light_p99_ms:,.1f} ms with no queueing at all (light load), "
                f"{p.light_p99_ms - sr.sla:,.1f} ms over the {sr.sla:g} ms SLA; replicas cannot remove service "
                "time: shorten the critical chain (explain --path shows where the time goes)"))
    return out


def sla_steps(sr: Search, r: dict[int, int], hopeless: set[int], shortfalls: list[Shortfall]) -> list[int]:
    """Add replicas, a step at a time, to the tier that cuts the paths' excess over the SLA most per dollar; the
    candidates are the tiers on the paths over it that wait (queue or batch) at the load. Returns the raised
    tiers."""
    raised: list[int] = []
    for step in range(MAX_SLA_STEPS):
        over = {e: x for e, x in sr.sla_excess([r])[0].items() if e not in hopeless}
        sr.say(0.1 + 0.3 * step / MAX_SLA_STEPS, f"SLA: {len(over)} paths over at {sr.load:g}× peak")
        if not over:
            break
        states = sr.states(r)
        cands = sorted({v for e in over for v in sr.trees[e] if v in r and (st := states.get(v)) is not None
                        and (st.saturated or st.p_wait > WAITS or st.batch_fill_ms > 0.0)})
        if len(cands) > SHORTLIST:  # keep the tiers whose own p99 wait one step cuts most per dollar
            cands = sorted(sorted(cands, key=lambda v: -_wait_cut(sr, r, v, states, over))[:SHORTLIST])
        configs = [{**r, v: min(r[v] + max(1, int(r[v] * STEP_SHARE)), MAX_REPLICAS)} for v in cands]
        best, best_score = -1, 0.0
        for v, config, res in zip(cands, configs, sr.sla_excess(configs), strict=True):
            gain = sum(min(x, 1e9) - min(res.get(e, 0.0), 1e9) for e, x in over.items())
            score = gain / (sr.unit[v] * (config[v] - r[v]) + 1e-6)
            if gain > 1e-9 and score > best_score:
                best, best_score = v, score
        if best < 0:
            for e, x in over.items():
                shortfalls.append(Shortfall(
                    "sla", sr.m.parts.ids[e], x, "ms", f"path from {sr.title(e)}: {x:,.1f} ms over the {sr.sla:g} "
                    f"ms SLA at {sr.load:g}× peak and no tier's replicas bring it down"))
            break
        r[best] = configs[cands.index(best)][best]
        if best not in raised:
            raised.append(best)
    return raised


def _wait_cut(sr: Search, r: dict[int, int], v: int, states: Mapping[int, TierState], over: Mapping[int, float]
              ) -> float:
    """How much one step of replicas cuts tier v's own p99 wait (batch fill included), per dollar, times the
    paths over the SLA it is on: the shortlist's order (the step is then judged on the paths themselves)."""
    step = max(1, int(r[v] * STEP_SHARE))
    now, then = states[v], sr.states({**r, v: r[v] + step})[v]

    def wait(st: TierState) -> float:
        q = st.wait_quantile_ms(0.99)
        return (1e9 if q is None else q) + st.batch_fill_ms

    paths = sum(1 for e in over if v in sr.tree_sets[e])
    return (wait(now) - wait(then)) * paths / (sr.unit[v] * step + 1e-6)


def zone_steps(sr: Search, r: dict[int, int], binding: dict[int, str], shortfalls: list[Shortfall]
                ) -> list[int]:
    """Raise each tier a zone loss overloads (or leaves without a replica) to the fewest replicas whose survivors
    carry the peak (exact: those tiers bind on the zone loss), and add a step to the busiest tier of a path a loss
    leaves over the SLA. Returns the tiers raised for the SLA after a loss (to be cut back)."""
    slow: list[int] = []
    down_seen: set[tuple[str, int]] = set()
    for round_ in range(MAX_ZONE_ROUNDS):
        sr.say(0.5 + 0.3 * round_ / MAX_ZONE_ROUNDS, "zone losses")
        changed = False
        found = sr.zone_failures(r)
        # a tier lost with the zone changes the load on the others (a lost cache sends them everything): keep such
        # tiers up first, then give the overloaded survivors replicas, then the slow paths a step
        spread = [f for f in found if f[2] == "spread" or (f[2] == "down" and f[3] in r and sr.spread(f[3], f[0]))]
        hot = [f for f in found if f[2] == "overloaded"]
        rest = [f for f in found if f not in spread and f not in hot and f[2] != "slow"]
        todo = spread or hot or [f for f in found if f[2] == "slow"]
        for place, entry, kind, v, rate in [*todo, *rest]:
            want = r.get(v, 0)
            if kind != "down" and v in r and sr.prop(v) == "max_replicas":
                _floor_short(sr, v, place, rate if kind == "overloaded" else sr.m.peak_rates[v], shortfalls,
                             down_seen)
                continue
            if kind == "overloaded" and v in r:
                want = sr.survivors_bound(v, place, rate, r[v])
            elif kind == "spread" or (kind == "down" and v in r and sr.spread(v, place)):
                want = sr.survivors_bound(v, place, sr.m.peak_rates[v], r[v])
            elif kind == "slow" and v in r:
                want = r[v] + max(1, int(r[v] * STEP_SHARE))
            elif kind == "down" and (place, v) not in down_seen:
                down_seen.add((place, v))
                shortfalls.append(Shortfall(
                    "zone", place, 1.0, "zone", f"losing {place} takes down {sr.title(v)} (all its replicas run "
                    f"there) and nothing answers for it on the path from {sr.title(entry)}: replicas cannot fix "
                    "it; run it in one more zone, or give it a fallback"))
            if v in r and want > r[v]:
                r[v] = min(want, MAX_REPLICAS)
                changed = True
                if kind == "slow":
                    slow.append(v)
                else:
                    binding[v] = "zone"
        if not changed:
            break
    else:
        shortfalls.append(Shortfall("zone", "design", float(MAX_ZONE_ROUNDS), "rounds",
                                    f"zone losses still overload tiers after {MAX_ZONE_ROUNDS} rounds of adding "
                                    "replicas; the result may not survive every zone loss"))
    return list(dict.fromkeys(slow))


def _floor_short(sr: Search, v: int, place: str, rate: float, shortfalls: list[Shortfall],
                 seen: set[tuple[str, int]]) -> None:
    """An autoscaling tier a zone loss overloads: its ceiling is not the knob (the replicas lost are replaced
    only after its scale-up), its floor is; named once, with the floor that would carry the loss."""
    if ("floor", v) in seen:
        return
    seen.add(("floor", v))
    s = sr.m.services[v]
    assert s is not None
    running = s.replicas_for(sr.m.peak_rates[v], sr.headroom)
    floor = sr.survivors_bound(v, place, rate, running)
    shortfalls.append(Shortfall(
        "zone", place, float(floor - s.replicas), "replicas", f"losing {place} overloads {sr.title(v)}: it "
        f"autoscales, and the replicas lost are replaced only after its scale-up; a floor of {floor} replicas "
        f"(now {s.replicas}) would carry the peak through the loss (the search does not raise floors)"))


def trim(sr: Search, r: dict[int, int], floor: dict[int, int], raised: list[int], binding: dict[int, str],
          what: str, at: float, breaks: Callable[[dict[int, int]], str | None]) -> None:
    """Cut each raised tier back, by bisection, to the fewest replicas (not below ``floor``) with which
    ``breaks`` finds nothing; the dearest first. The tier's binding is what one replica fewer breaks."""
    order = sorted(raised, key=lambda v: (-sr.unit[v], v))
    for i, v in enumerate(order):
        sr.say(at + 0.05 * i / max(len(order), 1), f"{what} {sr.m.parts.ids[v]}")
        lo, hi = floor[v], r[v]  # hi holds
        broken = None
        while hi > lo:
            mid = (lo + hi) // 2
            why = breaks({**r, v: mid})
            if why is None:
                hi = mid
            else:
                lo, broken = mid + 1, why
        r[v] = hi
        if hi > floor[v]:
            binding[v] = broken or breaks({**r, v: hi - 1}) or "sla"
