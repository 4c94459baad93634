"""Feedback on answers (👍/👎 and a comment), from the web chat and from Teams.

| module | one job |
| --- | --- |
| ``answers`` | answer ids, and finding an answer (question, text, action, intent, confidence) in a conversation |
| ``ratings`` | recording a rating for an answer of a conversation (what the channels call) |
| ``export``  | CSV (Japanese Excel) and JSON exports |
| ``cli``     | ``python -m bot feedback export`` |

The SQL lives in :mod:`bot.state.feedback`.
"""
