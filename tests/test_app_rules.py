"""AppTest of the Rules page: every rule of the registry is documented there, and search filters."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from mlsd.rules import all_rules


def run_page() -> AppTest:
    at = AppTest.from_file("../pages/rules.py", default_timeout=30)
    at.run()
    assert not at.exception
    return at


def test_every_rule_is_listed_with_its_docstring():
    at = run_page()
    labels = [e.label for e in at.expander if "mlsd.analysis." not in e.label]
    assert len(labels) == len(all_rules())
    assert all(any(lbl.startswith(r.id + " ") for lbl in labels) for r in all_rules())
    texts = [t.value for t in at.text]
    assert any("Source:" in t for t in texts)


def test_search_filters_rules():
    at = run_page()
    at.text_input[0].input("drift").run()
    labels = [e.label for e in at.expander if "mlsd.analysis." not in e.label]
    assert 0 < len(labels) < len(all_rules())
    assert any(lbl.startswith("MON-2 ") for lbl in labels)


def test_the_models_behind_the_numbers_are_explained_and_searchable():
    at = run_page()
    models = [e.label for e in at.expander if "mlsd.analysis." in e.label]
    assert "Queueing per tier · mlsd.analysis.queueing" in models
    assert any("Erlang C" in m.value for m in at.markdown)
    at.text_input[0].input("Allen").run()
    models = [e.label for e in at.expander if "mlsd.analysis." in e.label]
    assert "Queueing per tier · mlsd.analysis.queueing" in models and len(models) < 5
