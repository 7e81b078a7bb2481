"""``row_quantiles`` is ``np.quantile(values, qs, axis=1)`` to the last bit, without importing ``numpy.ma``."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from mlsd.analysis.distributions import row_quantiles

QS = (0.5, 0.99)


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("width", [1, 2, 3, 7, 100, 101, 1_000, 4_096])
def test_same_bits_as_numpy_quantile(seed: int, width: int) -> None:
    rng = np.random.default_rng(seed)
    rows = rng.lognormal(3.0, 1.0, size=(5, width)).astype(np.float32)
    rows[1] = np.round(rows[1])  # ties
    rows[2, : width // 2] = np.float32(1e30)  # the saturated-tier sentinel
    expected = np.quantile(rows.astype(np.float64), list(QS), axis=1)
    assert row_quantiles(rows, QS).tobytes() == expected.tobytes()


@pytest.mark.parametrize("qs", [(0.0, 1.0), (0.25, 0.75, 0.999), (0.5,)])
def test_other_quantiles_and_the_ends(qs: tuple[float, ...]) -> None:
    rows = np.random.default_rng(3).normal(size=(4, 333))
    assert row_quantiles(rows, qs).tobytes() == np.quantile(rows, list(qs), axis=1).tobytes()


def test_infinities_and_nan_rows_as_numpy() -> None:
    rows = np.random.default_rng(5).exponential(size=(4, 50))
    rows[0, 3] = np.inf
    rows[1, :] = np.inf
    rows[2, 7] = np.nan
    with np.errstate(invalid="ignore"):
        got, expected = row_quantiles(rows, QS), np.quantile(rows, list(QS), axis=1)
    np.testing.assert_array_equal(got, expected)  # NaN where numpy gives NaN
    assert np.isnan(got[:, 2]).all() and not np.isnan(got[:, 3]).any()  # (an all-inf row: inf − inf, NaN too)


def test_does_not_import_numpy_ma() -> None:
    code = ("import sys, numpy as np; from mlsd.analysis.distributions import row_quantiles; "
            "row_quantiles(np.ones((2, 9)), (0.5, 0.99)); print('numpy.ma' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
