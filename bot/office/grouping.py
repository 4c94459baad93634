"""Unanswered questions grouped by similar text, so the office reviews a topic once, not every wording.

A question's *text key* is its catalogue match key (width, kana, long vowels and punctuation folded;
bot.text.normalize) without a polite ending (「ですか」「かな」「？」). Keys whose character bigrams
overlap enough (Jaccard ≥ ``THRESHOLD``, 0.4) join the same group, most frequent first, so a group is
named after its most frequent wording. The office's status and note are stored per text key (every
key of the group at once), so a grouping that changes as questions arrive keeps what was decided.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.text.normalize import match_key

THRESHOLD = 0.4
OPEN = "open"
STATUS_LABELS = {"open": "未対応", "done": "対応済み", "out_of_scope": "対象外"}
REASON_LABELS = {"low_confidence": "意図が不明", "out_of_scope": "対象外の質問", "not_understood": "回答を理解できず"}
_TRAILING_MARKS = re.compile(r"[?!.。、…~〜・]+$")
_POLITE_ENDING = re.compile(r"(デショウカ|デスカ|マスカ|デスヨネ|カナ|カ|ネ|ヨ)$")


def text_key(text: str) -> str:
    """The comparison key of a question (empty for text that has no letters)."""
    key = _TRAILING_MARKS.sub("", match_key(text)) or match_key(text)
    return _POLITE_ENDING.sub("", key) or key


def bigrams(key: str) -> frozenset[str]:
    return frozenset(key[i : i + 2] for i in range(len(key) - 1)) if len(key) > 1 else frozenset({key})


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


@dataclass
class Group:
    """Questions of one topic, with the office's review."""

    key: str  # the text key of the most frequent wording: identifies the group in forms
    label: str  # that wording as typed
    keys: list[str] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    status: str = OPEN
    note: str | None = None
    updated_at: str | None = None
    updated_by: str | None = None

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def last_asked(self) -> str:
        return max(str(q["asked_at"]) for q in self.questions)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def wordings(self) -> list[str]:
        """Distinct texts as typed, most frequent first (at most 5)."""
        counts: dict[str, int] = {}
        for q in self.questions:
            counts[q["text"]] = counts.get(q["text"], 0) + 1
        return [t for t, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:5]

    @property
    def reasons(self) -> list[str]:
        return sorted({REASON_LABELS.get(q["reason"], q["reason"]) for q in self.questions})


def group_questions(
    questions: Iterable[Mapping[str, Any]], reviews: Mapping[str, Mapping[str, Any]] | None = None
) -> list[Group]:
    """Groups, most asked first; each takes the most recently saved review of any of its keys."""
    by_key: dict[str, list[dict[str, Any]]] = {}
    for question in questions:
        by_key.setdefault(text_key(str(question["text"])), []).append(dict(question))
    groups: list[Group] = []
    shapes: list[frozenset[str]] = []
    for key, members in sorted(by_key.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        shape = bigrams(key)
        best, best_score = None, THRESHOLD
        for index, other in enumerate(shapes):
            score = similarity(shape, other)
            if score >= best_score:
                best, best_score = index, score
        if best is None:
            groups.append(Group(key=key, label=members[0]["text"]))
            shapes.append(shape)
            best = len(groups) - 1
        groups[best].keys.append(key)
        groups[best].questions.extend(members)
    for group in groups:
        _apply_review(group, reviews or {})
    return sorted(groups, key=lambda g: (-g.count, g.key))


def _apply_review(group: Group, reviews: Mapping[str, Mapping[str, Any]]) -> None:
    found = [reviews[key] for key in group.keys if key in reviews]
    if not found:
        return
    latest = max(found, key=lambda r: str(r["updated_at"]))
    group.status, group.note = str(latest["status"]), latest.get("note")
    group.updated_at, group.updated_by = latest.get("updated_at"), latest.get("updated_by")
