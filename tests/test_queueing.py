"""The closed forms of mlsd/analysis/queueing.py and distributions.py against textbook values.

Every expected value is computed here independently of our code: Erlang C from its direct sum in exact fractions,
the normal quantile from ``statistics.NormalDist``, sojourn and order-statistic quantiles by Monte Carlo with numpy.
"""

from __future__ import annotations

import math
from fractions import Fraction
from statistics import NormalDist

import numpy as np
import pytest

from mlsd.analysis.distributions import (
    NARROW_SIGMA,
    Z99,
    lognormal_fit,
    lognormal_mean,
    lognormal_quantile,
    normal_cdf,
    normal_ppf,
    slowest_of_quantile,
    sojourn_quantile,
    sojourn_survival,
)
from mlsd.analysis.queueing import (
    ac_factor,
    erlang_c,
    erlang_c_one,
    lognormal_cv2,
    queue,
    servers_per_replica,
)

N = NormalDist()


def erlang_c_direct(c: int, a: Fraction | int) -> float:
    """C(c, a) = [a^c/c! · c/(c−a)] / [Σ_{k<c} a^k/k! + a^c/c! · c/(c−a)], exactly (Kleinrock vol. 1, §3.5)."""
    a = Fraction(a)
    top = a**c / math.factorial(c) * Fraction(c) / (c - a)
    return float(top / (sum(a**k / math.factorial(k) for k in range(c)) + top))


# ---- Erlang C --------------------------------------------------------------------------------------------------


def test_erlang_c_two_servers_at_three_quarters_is_0_6429() -> None:
    assert erlang_c_one(2, 1.5) == pytest.approx(0.6429, abs=5e-5)
    assert erlang_c_one(2, 1.5) == pytest.approx(9 / 14, rel=1e-12)  # 2ρ²/(1+ρ) at ρ = 0.75


@pytest.mark.parametrize("rho", [0.01, 0.3, 0.5, 0.9, 0.999])
def test_erlang_c_one_server_is_the_utilisation(rho: float) -> None:
    assert erlang_c_one(1, rho) == pytest.approx(rho, rel=1e-12)


@pytest.mark.parametrize(("c", "a", "table"), [
    (10, 8, 0.4092),  # call-centre table: 10 agents, 8 erlangs -> 40.9% of calls wait
    (50, 45, 0.3639),
    (100, 95, 0.5065),
    (3, Fraction(5, 2), 0.7022),
])
def test_erlang_c_against_the_direct_sum(c: int, a: Fraction | int, table: float) -> None:
    exact = erlang_c_direct(c, a)
    assert exact == pytest.approx(table, abs=5e-5)
    assert erlang_c_one(c, float(a)) == pytest.approx(exact, rel=1e-10)


def test_erlang_c_is_elementwise_over_arrays() -> None:
    servers = np.array([[1, 2], [10, 50]])
    offered = np.array([[0.5, 1.5], [8.0, 45.0]])
    want = [[erlang_c_direct(1, Fraction(1, 2)), erlang_c_direct(2, Fraction(3, 2))],
            [erlang_c_direct(10, 8), erlang_c_direct(50, 45)]]
    np.testing.assert_allclose(erlang_c(servers, offered), want, rtol=1e-10)


def test_erlang_c_far_below_capacity_is_zero_and_idle_is_zero() -> None:
    assert erlang_c_one(1000, 10.0) == 0.0  # skipped: below 1e-30
    assert erlang_c_one(5, 0.0) == 0.0


@pytest.mark.parametrize(("c", "a"), [(1, 1.0), (1, 2.0), (4, 4.0), (10, 10.5), (300, 1e6)])
def test_erlang_c_at_or_above_capacity_is_one(c: int, a: float) -> None:
    assert erlang_c_one(c, a) == 1.0


@pytest.mark.parametrize("servers", [0, -1])
def test_erlang_c_needs_a_server(servers: int) -> None:
    with pytest.raises(ValueError, match="server"):
        erlang_c_one(servers, 0.5)


@pytest.mark.parametrize("offered", [-0.1, math.nan, math.inf, -math.inf])
def test_erlang_c_refuses_negative_or_non_finite_load(offered: float) -> None:
    with pytest.raises(ValueError, match="offered load"):
        erlang_c_one(2, offered)
    with pytest.raises(ValueError, match="offered load"):
        erlang_c(np.array([1, 2]), np.array([0.5, offered]))


# ---- the queue of a tier ---------------------------------------------------------------------------------------


def test_allen_cunneen_factor() -> None:
    assert ac_factor(1.0, 1.0) == 1.0  # M/M/c
    assert ac_factor(1.0, 0.0) == 0.5  # M/D/c: half the wait
    assert ac_factor(1.0, 0.25) == 0.625
    assert lognormal_cv2(0.5) == pytest.approx(math.exp(0.25) - 1.0, rel=1e-12)


def test_queue_rates_and_wait_quantile() -> None:
    # 4 servers completing 400 req/s in all (mu = 100/s each), 300 req/s arriving, cs² = 0.25
    q = queue(4, 400.0, 300.0, cs2=0.25)
    c = erlang_c_direct(4, 3)
    theta = (400.0 - 300.0) / ((1.0 + 0.25) / 2.0)
    assert not q.saturated
    assert q.utilisation == pytest.approx(0.75)
    assert q.p_wait == pytest.approx(c, rel=1e-10)
    assert q.theta == pytest.approx(theta, rel=1e-12)
    assert q.mean_wait_s() == pytest.approx(c / theta, rel=1e-10)
    for level in (0.9, 0.99, 0.999):
        assert q.wait_quantile_s(level) == pytest.approx(math.log(c / (1.0 - level)) / theta, rel=1e-10)


def test_wait_quantile_is_zero_when_few_wait() -> None:
    q = queue(10, 1000.0, 300.0, cs2=1.0)  # C(10, 3) = 0.0009: the p99 request does not wait
    assert q.p_wait < 0.01
    assert q.wait_quantile_s(0.99) == 0.0


@pytest.mark.parametrize("rate", [400.0, 401.0, 1e9])
def test_a_saturated_queue_has_no_wait_figures(rate: float) -> None:
    q = queue(4, 400.0, rate, cs2=0.25)
    assert q.saturated and q.p_wait == 1.0
    assert q.wait_quantile_s(0.99) is None
    assert q.mean_wait_s() is None
    assert q.utilisation >= 1.0


@pytest.mark.parametrize(("servers", "capacity"), [(0, 100.0), (1, 0.0), (2, -5.0)])
def test_queue_refuses_no_server_or_no_capacity(servers: int, capacity: float) -> None:
    with pytest.raises(ValueError):
        queue(servers, capacity, 10.0, cs2=0.0)


@pytest.mark.parametrize(("qps", "mean_s", "servers"), [
    (1000.0, 0.020, 20),  # Little: L = λW = 1000 × 0.02
    (20000.0, 0.00216, 43),
    (500.0, 0.0199, 10),
    (100.0, 0.001, 1),  # less than one request in flight is still one server
    (0.0, 0.01, 1),
    (100.0, 0.0, 1),
])
def test_littles_law_servers(qps: float, mean_s: float, servers: int) -> None:
    assert servers_per_replica(qps, mean_s) == servers


# ---- lognormal, normal ---------------------------------------------------------------------------------------------


def test_lognormal_fit_and_quantiles() -> None:
    mu, sigma = lognormal_fit(10.0, 30.0)
    assert mu == pytest.approx(math.log(10.0))
    assert sigma == pytest.approx(math.log(3.0) / N.inv_cdf(0.99), rel=1e-12)
    assert abs(Z99 - N.inv_cdf(0.99)) < 1e-14
    assert lognormal_quantile(mu, sigma, 0.5) == pytest.approx(10.0, rel=1e-12)
    assert lognormal_quantile(mu, sigma, 0.99) == pytest.approx(30.0, rel=1e-12)
    assert lognormal_quantile(mu, sigma, 0.9) == pytest.approx(math.exp(mu + sigma * N.inv_cdf(0.9)), rel=1e-12)
    assert lognormal_mean(mu, sigma) == pytest.approx(10.0 * math.exp(sigma**2 / 2.0), rel=1e-12)


def test_lognormal_fit_narrow_and_bad_input() -> None:
    mu, sigma = lognormal_fit(5.0, 5.0)
    assert sigma == NARROW_SIGMA
    assert lognormal_quantile(mu, sigma, 0.99) == pytest.approx(5.0, rel=1e-12)
    for p50, p99 in ((0.0, 5.0), (1.0, 0.0), (-1.0, 5.0)):
        with pytest.raises(ValueError):
            lognormal_fit(p50, p99)


def test_normal_ppf_and_cdf_against_the_standard_library() -> None:
    ps = np.concatenate([[1e-300, 1e-12, 1e-9, 1e-6, 1e-3, 0.02425, 0.025], np.linspace(0.03, 0.97, 95),
                         [0.975, 0.97575, 0.99, 0.999]])
    want = np.array([N.inv_cdf(float(p)) for p in ps])
    np.testing.assert_allclose(normal_ppf(ps), want, rtol=1e-14, atol=1e-15)
    xs = np.linspace(-8.0, 8.0, 161)
    np.testing.assert_allclose(normal_cdf(xs), [N.cdf(float(x)) for x in xs], rtol=1e-12, atol=1e-15)


def test_normal_ppf_keeps_its_digits_in_the_far_upper_tail() -> None:
    """Above the median the Halley step works with 1 − p, so Φ(x) − p does not cancel near 1."""
    ps = [1 - 1e-6, 1 - 1e-9, 1 - 1e-12]
    np.testing.assert_allclose(normal_ppf(ps), [N.inv_cdf(p) for p in ps], rtol=1e-14)


@pytest.mark.parametrize("p", [0.0, 1.0, -0.5, 1.5])
def test_normal_ppf_refuses_probabilities_outside_0_1(p: float) -> None:
    with pytest.raises(ValueError):
        normal_ppf(p)


def test_slowest_of_n_shards() -> None:
    mu, sigma = lognormal_fit(5.0, 20.0)
    assert slowest_of_quantile(mu, sigma, 1, 0.99) == pytest.approx(20.0, rel=1e-12)
    for n in (2, 8, 64):
        want = math.exp(mu + sigma * N.inv_cdf(0.99 ** (1.0 / n)))
        assert slowest_of_quantile(mu, sigma, n, 0.99) == pytest.approx(want, rel=1e-12)
    # by Monte Carlo: the p99 of the slowest of 8
    rng = np.random.default_rng(7)
    slowest = np.exp(mu + sigma * rng.standard_normal((400_000, 8))).max(axis=1)
    assert slowest_of_quantile(mu, sigma, 8, 0.99) == pytest.approx(float(np.quantile(slowest, 0.99)), rel=0.01)


# ---- sojourn time of a tier: wait + service --------------------------------------------------------------------


def test_sojourn_without_wait_is_the_service() -> None:
    mu, sigma = lognormal_fit(10.0, 30.0)
    assert sojourn_quantile(0.99, mu, sigma, 0.0, 1.0) == pytest.approx(30.0, rel=1e-6)
    t = 17.0
    assert sojourn_survival(t, mu, sigma, 0.0, 1.0) == pytest.approx(1.0 - N.cdf((math.log(t) - mu) / sigma),
                                                                     rel=1e-12)


@pytest.mark.parametrize(("p50", "p99", "p_wait", "theta"), [
    (10.0, 30.0, 0.3, 0.12),  # light queueing: the wait is short next to the service
    (10.0, 30.0, 0.9, 0.008),  # heavy queueing: the wait dominates the tail
    (2.0, 20.0, 0.6, 0.2),  # heavy-tailed service (p99/p50 = 10)
])
def test_sojourn_quantile_against_monte_carlo(p50: float, p99: float, p_wait: float, theta: float) -> None:
    mu, sigma = lognormal_fit(p50, p99)
    rng = np.random.default_rng(11)
    n = 2_000_000
    service = np.exp(mu + sigma * rng.standard_normal(n))
    wait = np.where(rng.random(n) < p_wait, rng.exponential(1.0 / theta, n), 0.0)
    for q in (0.5, 0.9, 0.99):
        mc = float(np.quantile(service + wait, q))
        # Monte Carlo error of a quantile from 2M draws is well below 0.5% at these levels
        assert sojourn_quantile(q, mu, sigma, p_wait, theta) == pytest.approx(mc, rel=0.005), q


@pytest.mark.parametrize(("c", "a"), [(2_000, 1_900.0), (1_500, 1_000.0), (300, 299.5), (64, 3.0), (5_000, 4_990.0)])
def test_erlang_c_for_large_pools_matches_the_full_recursion(c: int, a: float) -> None:
    """The recursion started near a − 12√a (the speed-up) gives what the plain recursion from k = 1 gives."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    want = c * b / (c - a * (1 - b))
    assert erlang_c_one(c, a) == pytest.approx(want, rel=1e-9, abs=1e-30)  # below 1e-30 it is taken as 0


def test_a_sharded_tiers_cdf_is_tabulated_once_per_set_of_numbers() -> None:
    from types import SimpleNamespace

    from mlsd.analysis.latency import shard_cdf

    mu, sigma = lognormal_fit(12.0, 40.0)
    a = SimpleNamespace(mu=mu, sigma=sigma, hedged=True)
    b = SimpleNamespace(mu=mu, sigma=sigma, hedged=True)  # another block with the same numbers
    grid, cdf = shard_cdf(a, 0.4, 0.05)  # type: ignore[arg-type]
    assert shard_cdf(b, 0.4, 0.05)[1] is cdf  # type: ignore[arg-type]
    assert shard_cdf(b, 0.4, 0.06)[1] is not cdf  # type: ignore[arg-type]
    assert not cdf.flags.writeable and not grid.flags.writeable  # shared: nobody may change it
    assert cdf[0] == 0.0 and np.all(np.diff(cdf) >= 0) and cdf[-1] > 0.999
