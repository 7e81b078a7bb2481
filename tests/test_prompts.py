"""The prompt bank: at least 12 valid prompts, each with its numbers, hints, key blocks and a reference design
that exists; the CLI lists them; a bad prompt file is refused with the file and field named."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from mlsd.catalog import KINDS
from mlsd.cli import main
from mlsd.io import load_file
from mlsd.practice.phases import PHASE_IDS
from mlsd.practice.prompts import (
    TOPICS,
    PromptError,
    all_prompts,
    filter_prompts,
    get_prompt,
    load_prompts,
    prompts_json,
    prompts_text,
)

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = all_prompts()
EXPECTED = {
    "visual_search", "street_view_blurring", "video_search", "harmful_content", "video_recommendations",
    "event_recommendations", "ad_click_prediction", "similar_listings", "news_feed", "people_you_may_know",
    "card_fraud", "autocomplete",
}


def _cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def test_the_bank_holds_the_twelve_prompts_of_the_issue():
    assert len(PROMPTS) >= 12
    assert {p.id for p in PROMPTS} >= EXPECTED
    assert len({p.id for p in PROMPTS}) == len(PROMPTS)


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.id)
def test_reference_design_exists_and_loads(prompt):
    path = ROOT / prompt.reference
    assert path.is_file(), f"{prompt.reference} is missing"
    design = load_file(path)
    assert design.components


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.id)
def test_prompt_gives_the_numbers_a_candidate_must_clarify(prompt):
    req = prompt.requirements
    assert req.sla_p99_ms and req.peak_qps and req.data_volume_gb
    assert len(prompt.clarifications) >= 3
    # every clarifying answer is a sentence, and the numbers are in the answers, not only in the requirements
    assert any(ch.isdigit() for c in prompt.clarifications for ch in c.answer)
    assert prompt.notes.strip() and prompt.sources


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.id)
def test_prompt_has_hints_for_every_phase(prompt):
    for phase in PHASE_IDS:
        assert prompt.hints.for_phase(phase), phase
    with pytest.raises(KeyError):
        prompt.hints.for_phase("lunch")


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.id)
def test_every_key_block_kind_exists_in_the_catalog(prompt):
    assert all(k in KINDS for k in prompt.key_blocks)
    assert set(prompt.topics) <= set(TOPICS)


@pytest.mark.parametrize("prompt", PROMPTS, ids=lambda p: p.id)
def test_reference_design_has_every_key_block(prompt):
    kinds = {c.kind for c in load_file(ROOT / prompt.reference).components}
    assert set(prompt.key_blocks) <= kinds


def test_cli_lists_prompts_as_json_with_id_title_requirements_reference():
    code, out = _cli("prompts", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [p.id for p in PROMPTS]
    for row in rows:
        assert {"id", "title", "requirements", "reference", "prompt", "difficulty", "topics", "key_blocks"} <= set(row)
        assert row["requirements"]["sla_p99_ms"] > 0
        assert None not in row["requirements"].values()
        assert (ROOT / row["reference"]).is_file()


def test_cli_lists_prompts_as_text():
    code, out = _cli("prompts")
    assert code == 0
    assert out == prompts_text()
    for p in PROMPTS:
        assert p.id in out and p.title in out
    assert f"{len(PROMPTS)} prompts" in out


def test_prompts_json_matches_the_models():
    rows = prompts_json()
    by_id = {r["id"]: r for r in rows}
    fraud = get_prompt("card_fraud")
    assert by_id["card_fraud"]["requirements"]["positive_rate"] == fraud.requirements.positive_rate
    assert by_id["card_fraud"]["reference"] == "designs/reference/card_fraud.json"


def test_get_prompt_names_the_known_ids_when_unknown():
    with pytest.raises(KeyError, match="card_fraud"):
        get_prompt("no_such_prompt")


def test_filter_by_topic_and_difficulty():
    recsys = filter_prompts(topic="recsys")
    assert recsys and all("recsys" in p.topics for p in recsys)
    easy = filter_prompts(difficulty="easy")
    assert easy and all(p.difficulty == "easy" for p in easy)
    both = filter_prompts(topic="recsys", difficulty="easy")
    assert {p.id for p in both} == {p.id for p in recsys} & {p.id for p in easy}
    assert filter_prompts(topic="no_such_topic") == []


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def _valid_yaml(prompt_id: str = "tiny", order: int = 1, extra: str = "") -> str:
    return f"""id: {prompt_id}
order: {order}
title: Tiny
prompt: Design a tiny thing. Tell me how.
clarifications:
  - {{question: "How many?", answer: "Ten per second."}}
  - {{question: "How fast?", answer: "100 ms."}}
  - {{question: "Labels?", answer: "Clicks."}}
requirements: {{sla_p99_ms: 100, peak_qps: 10, data_volume_gb: 1}}
notes: Made up.
hints:
  requirements: [a]
  framing: [b]
  data: [c]
  model: [d]
  serving: [e]
  monitoring: [f]
difficulty: easy
topics: [recsys]
key_blocks: [client, online_inference, gbdt]
reference: designs/reference/tiny.json
sources: [none]
{extra}"""


def test_loader_accepts_a_valid_bank(tmp_path):
    _write(tmp_path, "tiny.yaml", _valid_yaml())
    (prompt,) = load_prompts(tmp_path)
    assert prompt.id == "tiny" and prompt.requirements.peak_qps == 10


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (_valid_yaml(extra="colour: blue\n"), "colour"),
        (_valid_yaml().replace("gbdt]", "gbdt, flux_capacitor]"), "flux_capacitor"),
        (_valid_yaml().replace("designs/reference/tiny.json", "../secret.json"), "reference"),
        (_valid_yaml().replace("Design a tiny thing. Tell me how.", "Design it"), "sentences"),
        (_valid_yaml().replace("difficulty: easy", "difficulty: trivial"), "difficulty"),
        (_valid_yaml().replace("sla_p99_ms: 100", "sla_p99_ms: -1"), "sla_p99_ms"),
        ("- a list\n", "one mapping"),
        ("id: [unclosed\n", "YAML"),
    ],
)
def test_loader_refuses_a_bad_prompt_naming_file_and_field(tmp_path, text, problem):
    _write(tmp_path, "tiny.yaml", text)
    with pytest.raises(PromptError, match=problem) as err:
        load_prompts(tmp_path)
    assert "tiny.yaml" in str(err.value)


def test_loader_refuses_a_file_named_after_another_id(tmp_path):
    _write(tmp_path, "other.yaml", _valid_yaml())
    with pytest.raises(PromptError, match="named after the prompt id"):
        load_prompts(tmp_path)


def test_loader_refuses_duplicate_orders(tmp_path):
    _write(tmp_path, "tiny.yaml", _valid_yaml())
    _write(tmp_path, "small.yaml", _valid_yaml("small", order=1))
    with pytest.raises(PromptError, match="order"):
        load_prompts(tmp_path)
