"""Facts a message tells about a person, each marked as stated, hypothetical or denied, and whose.

* 「正規職員です」 → employment_type = regular, stated, about the person asking;
* 「合格したら補助出ますか」 → pass_status = passed, **hypothetical** (a hypothetical marker of
  ``question_words.yml`` follows the fact in its clause: たら, れば, なら, 場合 …);
* 「正規職員ではありません」 → employment_type regular, **denied** (a denial marker follows it);
* 「部下が会計年度任用職員なんですが」 → about **another** person (an other_person marker: 部下, 同僚 …);
* 「合格発表から5か月たちました」 → months_since_pass = 5 (a duration and an elapsed marker);
* 「8月24日に合格発表があった」 → months_since_pass from that day to today (and 合格, as it is told);
* 「一度補助を受けたけど」 → previous_subsidies = 1;
* 「20代です」 → age = 20.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence

from bot.text.normalize import normalize
from bot.understanding.lexicon import Hit
from bot.understanding.names import Mention
from bot.understanding.numbers import age_decade, months_in
from bot.understanding.question import DENIED, HYPOTHETICAL, OTHER, SELF, STATED, PersonFact

FACT_KINDS = ("employment_type", "pass_status", "department")
MARKER_WINDOW = 8  # characters after a fact in which its marker may follow (「正規職員ではありません」)
_CLAUSE_END = re.compile(r"[。．.!！?？\n]|けど|が、|ですが|ので|から、")
_PASS_WORDS = ("合格", "受か", "パス", "発表", "取っ", "取得", "とっ", "ごうかく", "うか", "はっぴょう")
# A day told with the pass: 「8月24日に合格発表」「合格発表は2026年8月24日でした」「9/1に合格」.
_DAY = r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*(?:月\s*(\d{1,2})\s*日|/\s*(\d{1,2})(?!\d))"
_PASS_DAY = re.compile(rf"(?:{_DAY}[^。．!！?？]{{0,6}}?(?:合格|受か))|(?:合格発表[^。．!！?？\d]{{0,4}}{_DAY})")
_LAST_YEAR = ("去年", "昨年")
_PAST = re.compile(r"(?:し|でし|まし|あっ|だっ|っ)た")
_WITHIN = re.compile(r"以内")
# 「合格発表から3か月の日に」: a duration counted from the pass, without an elapsed word.
_SINCE = re.compile(
    r"(?:合格|発表|受かって|取って)[^。．!！?？]{0,4}から[^。．!！?？]{0,6}?[0-9０-９一二三四五六七八九十半]"
)
_BEYOND = re.compile(r"[か月ヶカ年週間]\s*(?:[をが]?(?:過ぎ|超え|越え|すぎ|こえ)|以上|超)")
_CATEGORY = re.compile(r"って|は(?![、,]?\s*(?:私|わたし|自分|僕|俺))")
# 合格 told as a fact (not 合格発表, 合格率, 合格するには): followed by the end of a clause or a
# form that says it happened. The catalogue's pass_status aliases cover the other ways to say it.
_PASSED = re.compile(
    r"(?<!不)合格(?=$|[。．、,!！\s)）]|です|でした|済|しま|した(?!ら)|して(?:い|お|ま)|いたし|致し|でき(?:た|まし)|され)"
)


def read_facts(
    text: str, mentions: Sequence[Mention], hits: Sequence[Hit], today: dt.date | None = None
) -> tuple[PersonFact, ...]:
    """Every fact the message tells (see the module docstring); ``today`` turns a day told into months."""
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
    pass_day = _pass_day(text, today) if today else None
    if months is None and pass_day and today:
        months = months_between(pass_day, today)
        if not any(f.name == "pass_status" for f in facts):  # 「8月24日に合格発表があったITパス」
            facts.append(PersonFact("pass_status", "passed", STATED, about))
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
    late = next((h for h in hits if h.name == "past_deadline"), None)
    if late:  # 「期限を過ぎたら？」「申請し忘れていました」
        facts.append(PersonFact("past_deadline", 1, _mode(text, late.start, late.end, hits), about))
    age = age_decade(text)
    if age is not None:
        facts.append(PersonFact("age", age, STATED, about))
    return tuple(facts)


def _mode(text: str, start: int, end: int, hits: Sequence[Hit]) -> str:
    """Hypothetical or denied when such a marker follows within the fact's clause, else stated.
    「再任用職員も対象ですか」「会計年度任用職員って補助出る？」「再任用職員は対象？」 ask about the
    category, not the person: a fact followed by も, って or a は that is not 「…は私」 is hypothetical too."""
    if text[end : end + 1] == "も" or _CATEGORY.match(text, end):
        return HYPOTHETICAL
    clause_end = _clause_end(text, end)
    window_end = min(clause_end, end + MARKER_WINDOW)
    for hit in hits:
        if hit.group != "markers":
            continue
        # 「再任用の短時間勤務の職員でも」: でも closes the noun phrase the fact opens, however long
        reach = clause_end if hit.text == "でも" else window_end
        inside = start <= hit.start < reach
        before = hit.name == "hypothetical" and _clause_start(text, start) <= hit.start < start
        # a denial inside the fact's own words (「まだ受けてない」 is itself the negative fact) is not one
        if hit.name == "denial" and inside and hit.end > end:
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
    if _WITHIN.search(text) or not (any(h.name == "elapsed" for h in hits) or _SINCE.search(text)):
        return None
    months = months_in(text)
    if months is not None and _BEYOND.search(text):
        return months + 0.5  # 「3か月を過ぎたら」: past the number, not at it
    return months


def _pass_day(text: str, today: dt.date) -> dt.date | None:
    """The day of the pass (or of its announcement) the text tells, on or before today."""
    match = _PASS_DAY.search(normalize(text))
    if not match:
        return None
    groups = match.groups()
    year, month, day, slash_day = groups[0:4] if any(groups[0:4]) else groups[4:8]
    said_day = int(day or slash_day)
    try:
        if year:
            found = dt.date(int(year), int(month), said_day)
        else:
            found = dt.date(today.year - (1 if any(w in text for w in _LAST_YEAR) else 0), int(month), said_day)
            if found > today and _PAST.search(text) and not any(w in text for w in ("今年", "本年")):
                found = found.replace(year=found.year - 1)  # 「12月20日に受かった」 in November: last year's
    except ValueError:
        return None
    return found if found <= today else None


def months_between(earlier: dt.date, later: dt.date) -> float:
    """Whole months from ``earlier`` to ``later`` plus the days left as a fraction (8/24 → 11/24: 3.0;
    8/24 → 11/25: 3.03, past a three-month limit)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    anniversary_month = earlier.month + months
    year, month = earlier.year + (anniversary_month - 1) // 12, (anniversary_month - 1) % 12 + 1
    anniversary = dt.date(year, month, min(earlier.day, calendar.monthrange(year, month)[1]))
    return round(months + (later - anniversary).days / 31, 2)
