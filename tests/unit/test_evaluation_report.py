"""The NLU report renders from a results file: every section, with the measured figures and the floors."""

from __future__ import annotations

import json

from bot.evaluation import floors, report
from bot.settings import PROJECT_ROOT

RESULTS = PROJECT_ROOT / "docs" / "nlu-report.json"


def test_the_report_renders_every_section_with_its_figures():
    text = report.render(json.loads(RESULTS.read_text(encoding="utf-8")))
    for heading in ("# NLU quality: Manabi against two baselines", "## Method notes", "## CI floors"):
        assert heading in text
    assert f"intent macro-F1 ≥ {floors.INTENT_MACRO_F1:.3f}" in text
    assert f"entity F1 ≥ {floors.ENTITY_F1:.2f}" in text
    assert f"at least {floors.MARGIN_OVER_TFIDF * 100:.0f} points above baseline 1" in text


def test_the_method_notes_carry_the_measured_baseline_settings():
    results = json.loads(RESULTS.read_text(encoding="utf-8"))
    method = "\n".join(report._method(results))
    assert f"* **Baseline 1**: {results['systems']['tfidf']['settings']};" in method
    assert report._fallback_note(results) in method


def test_the_committed_report_is_the_rendering_of_the_committed_results():
    """docs/nlu-report.md is generated from docs/nlu-report.json: after changing the report's code or its
    templates, write ``report.render(results)`` to it again (``python -m bot evaluate`` does, measuring anew)."""
    rendered = report.render(json.loads(RESULTS.read_text(encoding="utf-8")))
    assert (PROJECT_ROOT / "docs" / "nlu-report.md").read_text(encoding="utf-8") == rendered
