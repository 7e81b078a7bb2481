"""python -m mlsd analyze: the numbers under load on the command line, as text and as JSON; bad input is exit 2."""

from __future__ import annotations

import io
import json

import pytest

from mlsd.cli import main
from mlsd.cli.analyze import parse_loads
from mlsd.cli.common import UsageError
from tests.conftest import ROOT

EXAMPLE = str(ROOT / "designs" / "card_fraud_scoring.json")


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["analyze", *args], out=out)
    return code, out.getvalue()


def test_text_report_has_p99_by_load_knee_tiers_failures_and_cost() -> None:
    code, text = run(EXAMPLE, "--load", "0.5,1,2")
    assert code == 0
    assert "p99 by load" in text and "0.5×:" in text and "2×:" in text
    assert "knee: crosses the SLA at" in text or "holds the SLA up to 3× peak" in text
    assert "Tiers at peak" in text and "P(wait)" in text
    assert "Single failures:" in text and "lose block" in text
    assert "Monthly cost $" in text and "per 1,000 predictions" in text


def test_json_is_finite_and_follows_the_loads() -> None:
    code, text = run(EXAMPLE, "--load", "1,3", "--format", "json")
    assert code == 0
    data = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-finite {c} in JSON"))
    assert data["loads"] == [1.0, 3.0]
    (path,) = data["paths"]
    assert len(path["p99_ms"]) == 2 and len(path["saturated"]) == 2
    assert path["saturated"][1] is True and path["p99_ms"][1] is None  # 3× peak saturates the scoring tier
    assert path["first_saturated"] and path["saturation_load"] > 1
    assert all(len(t["utilisation_at_loads"]) == 2 for t in data["tiers"])
    assert {f["kind"] for f in data["what_if"]} >= {"block", "zone"}
    assert data["cost"]["per_month"] > 0 and len(data["cost"]["at_loads"]) == 2


@pytest.mark.parametrize("bad", ["", "a,b", "0", "-1", "nan", "inf", "1e9", "1,,2"])
def test_bad_loads_are_a_usage_error(bad: str) -> None:
    with pytest.raises(UsageError, match="--load"):
        parse_loads(bad)


def test_loads_are_sorted_and_deduplicated() -> None:
    assert parse_loads("2, 0.5x,1,2") == (0.5, 1.0, 2.0)


def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    assert run(EXAMPLE, "--load", "zero")[0] == 2
    assert "--load takes multiples of the peak" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert run(str(broken))[0] == 2
    assert capsys.readouterr().err.strip()
