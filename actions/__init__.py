"""Manabi's custom actions (rasa-sdk imports every module here).

* ``answer``: the one answering action (understanding → route → replies);
* ``registration``, ``registration_form``, ``cancellation``: the two forms and their steps;
* ``assistance``: the dialogue fallback and the office's unanswered-questions log.
"""

from actions import answer, assistance, cancellation, registration, registration_form  # noqa: F401
