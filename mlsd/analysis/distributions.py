"""The latency distributions of one block: a lognormal fitted to its p50 and p99, the normal CDF and its inverse,
and the exact quantiles of a tier's sojourn time (queueing wait + service) and of the slowest of n shards.

- A block's latency at light load is lognormal with median p50 and 99th percentile p99:
  ``mu = ln p50``, ``sigma = (ln p99 − ln p50) / z99`` with ``z99 = Φ⁻¹(0.99) = 2.3263``. Lognormal service
  times are the usual fit for request latencies (right-skewed, positive); two quantiles fix it.
- The normal CDF uses ``math.erfc``; its inverse is Acklam's rational approximation refined by one Halley step
  (relative error below 1e-15, the upper tail included: there the step uses 1 − p; P. J. Acklam, "An algorithm
  for computing the inverse normal cumulative distribution function", 2003).
- Sojourn time of a tier: ``T = W + S`` with ``W = 0`` with probability ``1 − C`` and exponential with rate
  ``theta`` otherwise (see ``queueing``), so ``P(T > t) = P(S > t) + C·e^{−theta·t}·E[e^{theta·S}; S ≤ t]``;
  the integral is taken numerically in log-time (``sojourn_quantile``), which is what the tests compare with a
  ciw simulation, without sampling noise.
- The slowest of n independent shards, each with CDF F, has CDF ``F^n`` (order statistics; Dean & Barroso,
  The Tail at Scale, CACM 2013): its q-quantile is ``F⁻¹(q^{1/n})``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import numpy.typing as npt

Z99 = 2.3263478740408408  # Φ⁻¹(0.99)
NARROW_SIGMA = 0.01  # shape used when a block's p50 is not below its p99
FloatArray = npt.NDArray[np.float64]

_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
      -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
      -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
      4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_P_LOW = 0.02425


def lognormal_fit(p50: float, p99: float) -> tuple[float, float]:
    """(mu, sigma) of the lognormal with median ``p50`` and 99th percentile ``p99`` (both > 0).

    When ``p50 >= p99`` the distribution is narrow (sigma 0.01) with its p99 at ``p99``.
    """
    if p50 <= 0 or p99 <= 0:
        raise ValueError("a lognormal needs a positive p50 and p99")
    if p50 >= p99:
        return math.log(p99) - Z99 * NARROW_SIGMA, NARROW_SIGMA
    return math.log(p50), (math.log(p99) - math.log(p50)) / Z99


def lognormal_mean(mu: float, sigma: float) -> float:
    """Mean of the lognormal: ``e^{mu + sigma²/2}``."""
    return math.exp(mu + sigma * sigma / 2.0)


def normal_cdf(x: npt.ArrayLike) -> FloatArray:
    """Φ(x), elementwise."""
    arr = np.asarray(x, dtype=np.float64)
    return np.asarray(0.5 * _erfc(-arr / math.sqrt(2.0)), dtype=np.float64)


_erfc = np.frompyfunc(math.erfc, 1, 1)


def normal_ppf(p: npt.ArrayLike) -> FloatArray:
    """Φ⁻¹(p) for p in (0, 1), elementwise (Acklam + one Halley step)."""
    q = np.asarray(p, dtype=np.float64)
    if np.any((q <= 0) | (q >= 1)):
        raise ValueError("normal_ppf needs probabilities strictly between 0 and 1")
    x = np.empty_like(q)
    low = q < _P_LOW
    high = q > 1 - _P_LOW
    mid = ~(low | high)
    if np.any(mid):
        r = q[mid] - 0.5
        s = r * r
        num = ((((_A[0] * s + _A[1]) * s + _A[2]) * s + _A[3]) * s + _A[4]) * s + _A[5]
        den = ((((_B[0] * s + _B[1]) * s + _B[2]) * s + _B[3]) * s + _B[4]) * s + 1.0
        x[mid] = num * r / den
    for mask, sign, tail in ((low, 1.0, q), (high, -1.0, 1.0 - q)):
        if np.any(mask):
            t = np.sqrt(-2.0 * np.log(tail[mask]))
            num = ((((_C[0] * t + _C[1]) * t + _C[2]) * t + _C[3]) * t + _C[4]) * t + _C[5]
            den = (((_D[0] * t + _D[1]) * t + _D[2]) * t + _D[3]) * t + 1.0
            x[mask] = sign * num / den
    # one Halley step; above the median Φ(x) − q is taken as (1 − q) − Φ(−x), which keeps its digits near 1
    e = np.where(x > 0, (1.0 - q) - normal_cdf(-x), normal_cdf(x) - q)
    u = e * math.sqrt(2.0 * math.pi) * np.exp(x * x / 2.0)
    return np.asarray(x - u / (1.0 + x * u / 2.0), dtype=np.float64)


def lognormal_quantile(mu: float, sigma: float, q: float) -> float:
    """The q-quantile of the lognormal (mu, sigma)."""
    return math.exp(mu + sigma * float(normal_ppf(q)))


def slowest_of_quantile(mu: float, sigma: float, n: int, q: float) -> float:
    """The q-quantile of the slowest of ``n`` independent lognormal (mu, sigma) latencies: ``F⁻¹(q^{1/n})``."""
    return lognormal_quantile(mu, sigma, q ** (1.0 / max(n, 1)))


def sojourn_survival(t: float, mu: float, sigma: float, p_wait: float, theta: float) -> float:
    """``P(W + S > t)`` for lognormal service S (mu, sigma, in the unit of t) and a wait W that is 0 with
    probability ``1 − p_wait`` and exponential with rate ``theta`` (per unit of t) otherwise."""
    if t <= 0:
        return 1.0
    tail_s = 0.5 * math.erfc((math.log(t) - mu) / (sigma * math.sqrt(2.0)))
    if p_wait <= 0:
        return tail_s
    # E[e^{theta S}; S <= t] = ∫ φ(z) e^{theta e^{mu + sigma z}} dz over z ≤ z_t; taken as e^{-theta t}·(...) to
    # stay finite: ∫ φ(z) e^{-theta (t − s(z))} dz, on a fine grid in z (the integrand is smooth and bounded by φ).
    z_t = (math.log(t) - mu) / sigma
    z = np.linspace(min(-9.0, z_t - 1.0), z_t, 4001)
    s = np.exp(mu + sigma * z)
    f = np.exp(-z * z / 2.0 - theta * (t - s)) / math.sqrt(2.0 * math.pi)
    integral = float(np.sum((f[1:] + f[:-1]) * np.diff(z)) / 2.0)
    return tail_s + p_wait * integral


def sojourn_quantile(q: float, mu: float, sigma: float, p_wait: float, theta: float) -> float:
    """The q-quantile of the sojourn time ``W + S`` (see ``sojourn_survival``), by bisection."""
    lo = 0.0
    hi = math.exp(mu + sigma * 9.0)
    if p_wait > 0:
        hi += math.log(max(p_wait, 1e-300) / (1.0 - q) + 1.0) / theta * 2.0 + 1.0 / theta
    while sojourn_survival(hi, mu, sigma, p_wait, theta) > 1.0 - q:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if sojourn_survival(mid, mu, sigma, p_wait, theta) > 1.0 - q:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-9 * hi:
            break
    return (lo + hi) / 2.0


CDF_GRID_POINTS = 400  # points of a tabulated sojourn CDF (a sharded or hedged block)
KEPT_CDFS = 4_096


@functools.lru_cache(maxsize=KEPT_CDFS)
def sojourn_cdf_grid(mu: float, sigma: float, p_wait: float, theta_per_ms: float, hedge_quantile: float | None
                     ) -> tuple[FloatArray, FloatArray]:
    """(grid of times in ms, CDF of one request's sojourn time ``W + S`` on it; see ``sojourn_survival``), on a
    log-spaced grid. With ``hedge_quantile`` (a hedged request) the CDF is that of ``min(T₁, d + T₂)``: a backup
    request goes out at d, the ``hedge_quantile``-quantile of one request. Remembered for the last ``KEPT_CDFS``
    sets of numbers: sizing and the what-ifs ask for the same tiers at the same waits many times (the arrays are
    read-only)."""
    hi = math.exp(mu + 7.5 * sigma)
    if p_wait > 0 and theta_per_ms > 0:
        hi += 40.0 / theta_per_ms
    grid = np.concatenate([[0.0], np.geomspace(math.exp(mu - 6.0 * sigma), hi, CDF_GRID_POINTS - 1)])
    survival = _sojourn_survival_grid(grid, mu, sigma, p_wait, theta_per_ms)
    if hedge_quantile is not None:
        # a backup request is sent at d, that quantile of one request; the shard answers with the first reply
        d = float(np.interp(1.0 - hedge_quantile, survival[::-1], grid[::-1]))
        shifted = np.interp(grid - d, grid, survival, left=1.0)
        survival = survival * shifted
    cdf = np.maximum.accumulate(1.0 - survival)
    cdf[0] = 0.0
    grid.setflags(write=False)
    cdf.setflags(write=False)
    return grid, cdf


def _sojourn_survival_grid(t: FloatArray, mu: float, sigma: float, p_wait: float, theta: float) -> FloatArray:
    """``P(W + S > t)`` on a grid of times (see ``sojourn_survival``), vectorised."""
    with np.errstate(divide="ignore"):
        z_t = (np.log(t) - mu) / sigma
    tail = 1.0 - _phi(z_t)
    if p_wait <= 0 or theta <= 0:
        return np.asarray(tail, dtype=np.float64)
    z = np.linspace(-9.0, 9.0, 721)
    s = np.exp(mu + sigma * z)
    dens = np.exp(-z * z / 2.0) / math.sqrt(2.0 * math.pi)
    # ∫_{z ≤ z_t} φ(z) e^{−theta (t − s(z))} dz for every t (terms with s(z) > t are cut)
    diff = t[:, None] - s[None, :]
    weight = np.where(diff >= 0.0, np.exp(-theta * np.maximum(diff, 0.0)), 0.0) * dens[None, :]
    integral = np.trapezoid(weight, z, axis=1)
    return np.asarray(tail + p_wait * integral, dtype=np.float64)


def _phi(x: FloatArray) -> FloatArray:
    """Φ(x) vectorised, by Φ(x) = (1 + erf(x/√2))/2 from numpy-free ``math.erf`` on at most a few hundred points."""
    flat = np.asarray(x, dtype=np.float64).ravel()
    out = np.array([0.5 * math.erfc(-v / math.sqrt(2.0)) if math.isfinite(v) else (0.0 if v < 0 else 1.0)
                    for v in flat])
    return out.reshape(np.shape(x))


def row_quantiles(values: npt.ArrayLike, qs: tuple[float, ...]) -> FloatArray:
    """``np.quantile(values, qs, axis=1)`` of a 2-D array (the default "linear" method), the same numbers to the
    last bit, shaped ``(len(qs), rows)``.

    Why not ``np.quantile`` itself: it calls ``np.unique``, whose first call imports ``numpy.ma`` (~15 ms of a
    ``validate`` run that needs nothing else from it). This is numpy's own computation: the order statistics
    either side of ``(n − 1)·q`` found by a partial sort, then numpy's ``_lerp`` (``a + (b − a)·γ``, or
    ``b − (b − a)·(1 − γ)`` when ``γ ≥ 0.5``); a row holding NaN gives NaN. tests/test_row_quantiles.py compares
    it with ``np.quantile`` on random rows, with ties, infinities and NaN.
    """
    arr = np.array(values, dtype=np.float64)  # a copy: partitioned in place
    n = arr.shape[1]
    spots: list[tuple[int, int, float]] = []
    for q in qs:
        virtual = (n - 1) * np.float64(q)
        below = math.floor(virtual)
        prev, nxt = (n - 1, n - 1) if virtual >= n - 1 else (below, below + 1)
        spots.append((prev, nxt, float(virtual - (-1 if virtual >= n - 1 else below))))
    arr.partition(sorted({0, n - 1, *(i for p, x, _ in spots for i in (p, x))}), axis=1)
    out = np.empty((len(qs), arr.shape[0]), dtype=np.float64)
    for row, (prev, nxt, gamma) in zip(out, spots, strict=True):
        a, b = arr[:, prev], arr[:, nxt]
        diff = b - a
        row[:] = b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma
    nan_rows = np.isnan(arr[:, -1])
    if nan_rows.any():
        out[:, nan_rows] = np.nan
    return out
