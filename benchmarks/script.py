"""The fixed conversation every simulated user has, turn by turn.

A municipal employee checks next month's training, the IT Passport subsidy and how to study for
it (「それの勉強法は？」 relies on the remembered exam), goes through the eligibility form (two
answers), adds a department nobody asked for (answered with help), asks something out of scope
and says thanks: 10 turns.
"""

from __future__ import annotations

# (text the user sends, what the turn exercises)
SCRIPT: list[tuple[str, str]] = [
    ("こんにちは", "greet (response template)"),
    ("来月の研修は？", "schedule for a month (catalogue query, date from the pinned clock)"),
    ("ITパスポートの補助はいくら？", "subsidy amount (exam entity, card)"),
    ("それの勉強法は？", "study tips for the remembered exam (slot context)"),
    ("補助の対象になりますか？", "eligibility form starts (form + validation action + question)"),
    ("正規職員です", "form: employment type"),
    ("合格しました", "form: pass status"),
    ("市民課です", "an answer nobody asked for (ITパスポート needs no department; the verdict came at turn 7): help"),
    ("今日の天気は？", "out of scope (logged to the state DB)"),
    ("ありがとうございました", "thanks"),
]

TURNS = len(SCRIPT)
