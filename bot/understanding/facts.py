"""Facts a message tells about a person, each marked as stated, hypothetical or denied, and whose.

* 「正規職員です」 → employment_type = regular, stated, about the person asking;
* 「合格したら補助出ますか」 → pass_status = passed, **hypothetical** (a hypothetical marker of
  ``question_words.yml`` follows the fact in its clause: たら, れば, なら, 場合 …);
* 「正規職員ではありません」 → employment_type regular, **denied** (a denial marker follows it);
* 「部下が会計年度任用職員なんですが」 → about **another** person (an other_person marker: 部下, 同僚 …);
* 「合格発表から5か月たちました」 → months_since_pass = 5 (a duration and an elapsed marker);
* 「一度補助を受けたけど」 → previous_subsidies = 1;
* 「20代です」 → age = 20.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.understanding.lexicon import Hit
from bot.understanding.names import Mention
from bot.understanding.numbers import age_decade, months_in
from bot.understanding.question import DENIED, HYPOTHETICAL, OTHER, SELF, STATED, PersonFact

FACT_KINDS = ("employment_type", "pass_status", "department")
MARKER_WINDOW = 8  # characters after a fact in which its marker may follow (「正規職員ではありません」)
_CLAUSE_END = re.compile(r"[。．.!！?？\n]|けど|が、|ですが|ので|から、")
_PASS_WORDS = ("合格", "受か", "パス", "発表")
_WITHIN = re.compile(r"以内")
# 合格 told as a fact (not 合格発表, 合格率, 合格するには): followed by the end of a clause or a
# form that says it happened. The catalogue's pass_status aliases cover the other ways to say it.
_PASSED = re.compile(
    r"(?<!不)合格(?=$|[。．、,!！\s)）]|です|でした|済|しま|した(?!ら)|して(?:い|お|ま)|いたし|致し|でき(?:た|まし)|され)"
)


def read_facts(text: str, mentions: Sequence[Mention], hits: Sequence[Hit]) -> tuple[PersonFact, ...]:
    """Every fact the message tells (see the module docstring)."""
    about = OTHER if any(h.name == "other_person" for h in hits) else SELF
    facts: list[PersonFact] = []
    for mention in mentions:
        if mention.kind in FACT_KINDS:
            facts.append(PersonFact(mention.kind, mention.target, _mode(text, mention.start, mention.end, hits), about))
    if not any(f.name == "pass_status" for f in facts):
        passed = _PASSED.search(text)
        if passed:  # 「データベーススペシャリスト合格。」: 合格 itself, told as done
            facts.append(PersonFact("pass_status", "passed", _mode(text, passed.start(), passed.end(), hits), about))
    months = _months_since_pass(text, hits)
    if months is not None:
        facts.append(PersonFact("months_since_pass", months, STATED, about))
    # 「補助を受けたい」 is a wish, not 「補助を受けた」: a word followed by い says what is wanted
    previous = [h for h in hits if h.name == "previous_subsidy" and text[h.end : h.end + 1] not in ("い", "く")]
    if previous:
        hit = previous[0]
        clause = _clause_start(text, hit.start)
        named = [m.target for m in mentions if m.kind == "exam" and clause <= m.start < hit.start]
        mode = _mode(text, hit.start, hit.end, hits)
        facts.append(PersonFact("previous_subsidies", 1, mode, about, named[-1] if named else ""))
    age = age_decade(text)
    if age is not None:
        facts.append(PersonFact("age", age, STATED, about))
    return tuple(facts)


def _mode(text: str, start: int, end: int, hits: Sequence[Hit]) -> str:
    """Hypothetical or denied when such a marker follows within the fact's clause, else stated.
    「再任用職員も対象ですか」 asks about the category, not the person: a fact followed by も is
    hypothetical too."""
    if text[end : end + 1] == "も":
        return HYPOTHETICAL
    clause_end = _clause_end(text, end)
    window_end = min(clause_end, end + MARKER_WINDOW)
    for hit in hits:
        if hit.group != "markers":
            continue
        inside = start <= hit.start < window_end
        before = hit.name == "hypothetical" and _clause_start(text, start) <= hit.start < start
        if hit.name == "denial" and inside:
            return DENIED
        if hit.name == "hypothetical" and (inside or before):
            return HYPOTHETICAL
    return STATED


def _clause_end(text: str, position: int) -> int:
    match = _CLAUSE_END.search(text, position)
    return match.start() if match else len(text)


def _clause_start(text: str, position: int) -> int:
    ends = [m.end() for m in _CLAUSE_END.finditer(text, 0, position)]
    return ends[-1] if ends else 0


def _months_since_pass(text: str, hits: Sequence[Hit]) -> float | None:
    """「合格発表から5か月たった」「半年前に合格した」: a duration since the pass, when one is told."""
    if not any(word in text for word in _PASS_WORDS):
        return None
    if not any(h.name == "elapsed" for h in hits) or _WITHIN.search(text):
        return None
    return months_in(text)
