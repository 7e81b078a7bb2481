"""The README stays true: two set-up commands, CI runs exactly the test one, and what it names exists."""

from __future__ import annotations

import re
import shlex

import pytest

from mlsd.cli import main
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quickstart_commands() -> list[str]:
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", section, flags=re.S)]


def test_quickstart_has_two_one_line_commands_app_then_tests() -> None:
    commands = quickstart_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in c for c in commands), commands
    app, tests = commands
    assert "pip install -r requirements.txt" in app and app.endswith("streamlit run app.py")
    assert tests == "bash scripts/test.sh"


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == f"exec {quickstart_commands()[1]}"
    assert not any("playwright install" in line for line in commands)


def test_the_test_script_installs_debians_chromium_never_playwrights() -> None:
    script = (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")
    assert "APT_PACKAGES+=(chromium)" in script
    assert "playwright install" not in script
    assert "pip install --quiet --disable-pip-version-check -r requirements-dev.txt" in script


def test_every_file_and_module_the_readme_names_exists() -> None:
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert images, "the README shows a screenshot"
    scripts = re.findall(r"python (benchmarks/\w+\.py)", README)
    modules = re.findall(r"python -m (benchmarks\.\w+)", README)
    assert "benchmarks/run.py" in scripts
    for path in [*images, *scripts, *(m.replace(".", "/") + ".py" for m in modules)]:
        assert (ROOT / path).is_file(), f"the README names {path}, which does not exist"


def test_every_cli_command_in_the_readme_is_a_real_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    lines = re.findall(r"^python -m mlsd (.+?)(?:\s+#.*)?$", README, flags=re.M)
    assert len(lines) >= 5
    for line in lines:
        words = shlex.split(line)
        with pytest.raises(SystemExit) as done:
            main([*words[: 2 if words[0] == "library" else 1], "--help"])
        assert done.value.code == 0, f"`mlsd {line}` in the README is not a command"
        assert "usage:" in capsys.readouterr().out


def ci_section_yaml() -> list[object]:
    import yaml

    section = README.split("## Designs in CI and pre-commit", 1)[1].split("\n## ", 1)[0]
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, flags=re.S)]


def test_the_ci_examples_use_the_hook_and_real_validate_options() -> None:
    import yaml

    from mlsd.cli import build_parser

    hook_config, workflow = ci_section_yaml()
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hook_config["repos"][0]["hooks"]] == [h["id"] for h in hooks] == ["mlsd-validate"]
    assert hooks[0]["entry"] == "mlsd validate"
    steps = workflow["jobs"]["validate"]["steps"]
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@"))
    assert workflow["permissions"]["security-events"] == "write"
    runs = [s["run"] for s in steps if "mlsd validate" in s.get("run", "")]
    assert any(f"> {upload['with']['sarif_file']}" in r for r in runs)
    for run in runs:
        words = shlex.split(run.split(">")[0].split("#")[0])
        assert words[:2] == ["mlsd", "validate"]
        build_parser().parse_args(words[1:])  # every option exists
