"""NLU quality measurement: our pipeline against two baselines on the held-out and dev sets.

One job per module:

* :mod:`quiet` — silence TensorFlow/Rasa chatter and progress bars (import first).
* :mod:`examples` — load labelled utterances (Rasa YAML) as plain :class:`Example` records.
* :mod:`predictions` — what a system said about one utterance (:class:`Prediction`).
* :mod:`metrics` — intent accuracy / macro-F1 / per-intent scores / confusions, entity P/R/F1.
* :mod:`tfidf_baseline` — baseline 1, character n-gram TF-IDF + logistic regression.
* :mod:`rasa_nlu` — train a Rasa NLU pipeline from a config, load a model, parse with timings.
* :mod:`run` — train the systems and score them on the evaluation sets (the whole measurement).
* :mod:`machine` — a one-line description of the machine the figures were measured on.
* :mod:`report` — the markdown report, :mod:`confusion_plot` — the confusion-matrix image.
* :mod:`floors` — the quality floors the test suite enforces.

``python -m bot evaluate`` (:mod:`bot.commands.evaluate`) runs it all; ``docs/nlu-report.md`` is its output.
"""
