"""The config file ([tool.mlsd] in pyproject.toml, or mlsd.toml): found like ruff's, checked key by key, and
applied to rules, severities and thresholds; the defaults change nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mlsd.cli import main
from mlsd.config import ConfigError, find_config, load_settings, settings_for
from mlsd.io import load_file
from mlsd.rules import check
from mlsd.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
FRAUD = ROOT / "designs" / "card_fraud_scoring.json"


def _project(tmp_path: Path, toml: str, name: str = "mlsd.toml") -> Path:
    (tmp_path / name).write_text(toml)
    designs = tmp_path / "designs"
    designs.mkdir()
    shutil.copy(FRAUD, designs / "fraud.json")
    return designs / "fraud.json"


def _rules(capsys) -> set[str]:
    return {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"]}


def test_defaults_change_nothing():
    design = load_file(FRAUD)
    assert check(design).findings == check(design, settings=Settings()).findings
    assert Settings().is_default


def test_nearest_config_walking_up_and_pyproject_needs_its_table(tmp_path):
    design = _project(tmp_path, '[project]\nname = "x"\n', "pyproject.toml")
    assert find_config(design) is None
    (tmp_path / "pyproject.toml").write_text('[tool.mlsd]\nignore = ["TRN-1"]\n')
    assert find_config(design) == tmp_path / "pyproject.toml"
    (design.parent / "mlsd.toml").write_text('select = ["REL"]\n')
    assert find_config(design) == design.parent / "mlsd.toml"  # nearer wins
    assert settings_for(design).select == ("REL",)


def test_select_ignore_and_severity(tmp_path, capsys):
    design = _project(tmp_path, 'ignore = ["TRN", "SEC-4"]\n[severity]\nREL-1 = "info"\n')
    main(["validate", "--format", "json", "--fail-on", "never", str(design)])
    data = json.loads(capsys.readouterr().out)
    rules = {f["rule"]: f["severity"] for f in data["findings"]}
    assert "TRN-1" not in rules and "SEC-4" not in rules
    assert rules["REL-1"] == "info"
    assert main(["validate", "--format", "json", str(design)]) == 0  # no error left to fail on


def test_per_file_ignores(tmp_path, capsys):
    design = _project(tmp_path, '[tool.mlsd.per-file-ignores]\n"designs/fraud*.json" = ["REL-1"]\n')
    main(["validate", "--format", "json", "--fail-on", "never", str(design)])
    assert "REL-1" not in _rules(capsys)
    main(["validate", "--format", "json", "--fail-on", "never", str(FRAUD)])
    assert "REL-1" in _rules(capsys)


def test_zone_loss_policy_and_sla_percentile(tmp_path, capsys):
    design = _project(tmp_path, 'zone-loss = "off"\n')
    main(["validate", "--format", "json", "--fail-on", "never", str(design)])
    assert "REL-3" not in _rules(capsys)
    low = check(load_file(FRAUD), settings=Settings(sla_percentile=90)).context.analysis.paths[0].p99_ms
    high = check(load_file(FRAUD)).context.analysis.paths[0].p99_ms
    assert low is not None and high is not None and low < high


def test_headroom_applies_only_where_the_design_states_none(tmp_path):
    design = load_file(FRAUD)
    unset = design.model_copy(update={"requirements": design.requirements.model_copy()})
    unset.requirements.model_fields_set.discard("headroom")
    assert check(unset, settings=Settings(headroom=2.0)).context.requirements.headroom == 2.0
    assert check(design, settings=Settings(headroom=2.0)).context.requirements.headroom == 0.3


@pytest.mark.parametrize(("toml", "named"), [
    ("colour = 1\n", "'colour'"),
    ('select = ["NOPE-1"]\n', "'NOPE-1'"),
    ('[severity]\nREL-1 = "fatal"\n', "severity.REL-1"),
    ('sla-percentile = 100\n', "sla-percentile"),
    ('zone-loss = "planet"\n', "zone-loss"),
])
def test_unknown_keys_and_bad_values_are_errors_naming_them(tmp_path, toml, named, capsys):
    design = _project(tmp_path, toml)
    with pytest.raises(ConfigError, match=named):
        load_settings(tmp_path / "mlsd.toml")
    assert main(["validate", str(design)]) == 2
    assert named in capsys.readouterr().err


def test_show_config_prints_the_effective_settings(tmp_path, capsys):
    _project(tmp_path, 'select = ["LAT"]\nheadroom = 0.5\n')
    assert main(["rules", "--show-config", "--format", "json", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["select"] == ["LAT"] and data["headroom"] == 0.5 and data["config"].endswith("mlsd.toml")
    assert main(["rules", "--show-config", "--config", str(tmp_path / "mlsd.toml")]) == 0
    assert "sla-percentile    99.0" in capsys.readouterr().out
    assert main(["rules", "--show-config", "--config", str(tmp_path / "missing.toml")]) == 2
