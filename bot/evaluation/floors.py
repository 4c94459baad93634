"""The NLU quality floors ``tests/nlu/test_nlu_quality.py`` enforces on the held-out set.

How they were chosen: a little below the figures ``python -m bot evaluate`` measured (docs/nlu-report.md),
so that a harmless change (a few training examples more) does not fail CI while a real regression
does, and never below an issue 5 target once that target is reached. Our intent classifier is
deterministic (logistic regression, no random initialisation), so the same data gives the same
figure; the headroom is for data changes. Raise a floor when the measured figure improves; never
lower one to make a change pass.
"""

# Intent macro-F1 on tests/nlu/heldout.yml, nlu_fallback counted as wrong. Measured 0.951 (2026-11-23),
# 0.9497 after examples for gibberish and too-short motivations, then 0.955 after the training data
# for the gaps the second dev batch showed (docs/nlu-tuning.md, step 10), and 0.955 again after step 12
# (2026-12-01). The floor is issue 5's target.
INTENT_MACRO_F1 = 0.95

# Micro F1 of (entity type, catalogue id) pairs on tests/nlu/heldout.yml. Measured 0.982, 0.961 (a fuzzy
# kana match, fixed in step 12), 0.980, 0.984. Raised from 0.95 to 0.97 so that a regression like step 12's fails CI.
ENTITY_F1 = 0.97

# Our macro-F1 minus baseline 1's (char TF-IDF + logistic regression, trained in the test) on the same
# split. Measured 6.5, 6.8, 6.2, 6.0, then 6.3 points (baseline 1 gains from the same training data). Issue 10
# retired issue 5's target of 10 points (the behavioural suites are the goal: docs/understanding.md); this
# floor only guards the measured margin against regressions.
MARGIN_OVER_TFIDF = 0.05
ISSUE_TARGETS = {"intent_macro_f1": 0.95}
