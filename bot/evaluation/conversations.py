"""Behavioural suites: YAML conversations run against the running servers, scored per class.

A suite file (``tests/conversations/*.yml``) looks like::

    suite: blind
    author: blind-writer-1
    today: "2026-11-24"          # the clock the servers must be pinned to
    catalogue: tests/catalogue   # the catalogue the expectations were written from (optional)
    cases:
      - id: b0001
        class: topic_names       # what kind of question the case tests (reported per class)
        style: casual            # how it is typed (reported per style)
        turns:
          - say: "議事録をAIで作る研修っていつ？"
            expect: ["2月3日", "議事録"]   # regexes; every one must be found in the reply
            reject: ["どの研修"]           # regexes; none may be found

Each case is a fresh conversation (its own sender id). The reply a turn is scored on is everything
the bot sent for it, as a person sees it: the texts, the button titles and the card contents, joined
by newlines (:func:`visible_text`). A case passes when every turn passes.

Loading validates the whole file and names the case and field of every problem
(:class:`SuiteInvalid`), so a broken suite fails before any server is asked anything.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.channels import REST_WEBHOOK

Message = dict[str, Any]
Transport = Callable[[str, str], list[Message]]  # (sender, text) → the bot's messages


class SuiteInvalid(ValueError):
    """A suite file that cannot be run; the message lists every problem."""


@dataclass(frozen=True)
class Turn:
    say: str
    expect: Sequence[re.Pattern]
    reject: Sequence[re.Pattern]


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # the suite's "class"
    style: str
    turns: Sequence[Turn]


@dataclass(frozen=True)
class Suite:
    name: str
    today: str
    cases: Sequence[Case]
    path: Path
    catalogue: str = ""  # a catalogue folder, relative to the project root (empty: the live one)


@dataclass
class TurnResult:
    say: str
    reply: str
    missing: list[str] = field(default_factory=list)  # expected patterns not found
    unwanted: list[str] = field(default_factory=list)  # rejected patterns found
    seconds: float = 0.0
    error: str | None = None

    @property
    def passed(self) -> bool:
        return not (self.missing or self.unwanted or self.error)


@dataclass
class CaseResult:
    case: Case
    turns: list[TurnResult]

    @property
    def passed(self) -> bool:
        return all(turn.passed for turn in self.turns) and len(self.turns) == len(self.case.turns)


# --- loading ---------------------------------------------------------------------------------
def load_suite(path: Path) -> Suite:
    """Parse and validate a suite file (see the module docstring)."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SuiteInvalid(f"{path}: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise SuiteInvalid(f"{path}: expected a mapping with a 'cases' list")
    problems: list[str] = []
    cases: list[Case] = []
    seen: set = set()
    for index, raw in enumerate(data["cases"], 1):
        case = _case(raw, index, problems)
        if case is None:
            continue
        if case.id in seen:
            problems.append(f"case {case.id}: duplicate id")
        seen.add(case.id)
        cases.append(case)
    if problems:
        raise SuiteInvalid(f"{path}:\n" + "\n".join(f"  {p}" for p in problems))
    return Suite(
        str(data.get("suite") or Path(path).stem),
        str(data.get("today") or ""),
        cases,
        Path(path),
        str(data.get("catalogue") or ""),
    )


def _case(raw: Any, index: int, problems: list[str]) -> Case | None:
    label = f"case #{index}"
    if not isinstance(raw, dict):
        problems.append(f"{label}: not a mapping")
        return None
    label = f"case {raw.get('id') or '#' + str(index)}"
    missing = [key for key in ("id", "class", "turns") if not raw.get(key)]
    if missing:
        problems.append(f"{label}: missing {', '.join(missing)}")
        return None
    turns = []
    for number, turn in enumerate(raw["turns"] if isinstance(raw["turns"], list) else [], 1):
        if not isinstance(turn, dict) or not isinstance(turn.get("say"), str):
            problems.append(f"{label} turn {number}: needs a 'say' text")
            continue
        turns.append(
            Turn(
                turn["say"],
                _patterns(turn.get("expect"), f"{label} turn {number} expect", problems),
                _patterns(turn.get("reject"), f"{label} turn {number} reject", problems),
            )
        )
    if not turns:
        problems.append(f"{label}: no turns")
        return None
    return Case(str(raw["id"]), str(raw["class"]), str(raw.get("style") or ""), tuple(turns))


def _patterns(value: Any, label: str, problems: list[str]) -> list[re.Pattern]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{label}: must be a list of regex strings")
        return []
    compiled = []
    for pattern in value:
        try:
            compiled.append(re.compile(pattern))
        except re.error as error:
            problems.append(f"{label}: bad regex {pattern!r} ({error})")
    return compiled


# --- what a person sees ----------------------------------------------------------------------
def visible_text(messages: Iterable[Message]) -> str:
    """Texts, button titles and card contents of the bot's messages, one piece per line."""
    lines: list[str] = []
    for message in messages:
        if message.get("text"):
            lines.append(str(message["text"]))
        lines += [str(b.get("title", "")) for b in message.get("buttons") or []]
        card = (message.get("custom") or {}).get("card")
        if isinstance(card, dict):
            lines += _card_lines(card)
    return "\n".join(lines)


def _card_lines(card: Mapping[str, Any]) -> list[str]:
    lines = [str(card[key]) for key in ("title", "subtitle", "note") if card.get(key)]
    lines += [" ".join(str(cell) for cell in fact) for fact in card.get("facts") or []]
    for section in card.get("sections") or []:
        lines.append(str(section.get("heading", "")))
        lines += [str(item) for item in section.get("items") or []]
    lines += [str(b.get("title", "")) for b in card.get("buttons") or []]
    return lines


# --- running ---------------------------------------------------------------------------------
def rest_transport(rasa_url: str, timeout: float = 60.0) -> Transport:
    """Send over Rasa's REST channel (``/webhooks/rest/webhook``)."""
    url = rasa_url.rstrip("/") + REST_WEBHOOK

    def send(sender: str, text: str) -> list[Message]:
        body = json.dumps({"sender": sender, "message": text}).encode("utf-8")
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            messages: list[Message] = json.loads(response.read().decode("utf-8"))
            return messages

    return send


def run_case(case: Case, transport: Transport, sender_prefix: str = "suite") -> CaseResult:
    """Hold one conversation; stops at the first turn whose request fails."""
    sender = f"{sender_prefix}-{case.id}-{uuid.uuid4().hex[:6]}"
    results = []
    for turn in case.turns:
        started = time.perf_counter()
        try:
            reply = visible_text(transport(sender, turn.say))
        except Exception as error:  # a failed request fails the case; the run goes on
            results.append(TurnResult(turn.say, "", seconds=time.perf_counter() - started, error=str(error)))
            break
        results.append(
            TurnResult(
                turn.say,
                reply,
                [p.pattern for p in turn.expect if not p.search(reply)],
                [p.pattern for p in turn.reject if p.search(reply)],
                time.perf_counter() - started,
            )
        )
    return CaseResult(case, results)


def run_suite(
    suite: Suite, transport: Transport, workers: int = 4, progress: Callable[[int, int], None] | None = None
) -> list[CaseResult]:
    """Every case of the suite, a few conversations at a time; results in suite order."""
    done = 0

    def one(case: Case) -> CaseResult:
        nonlocal done
        result = run_case(case, transport, suite.name)
        done += 1
        if progress:
            progress(done, len(suite.cases))
        return result

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        return list(pool.map(one, suite.cases))


# --- scoring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Score:
    passed: int
    total: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def scores_by(results: Sequence[CaseResult], key: Callable[[Case], str]) -> dict[str, Score]:
    totals: Counter = Counter()
    passes: Counter = Counter()
    for result in results:
        name = key(result.case)
        totals[name] += 1
        passes[name] += result.passed
    return {name: Score(passes[name], totals[name]) for name in sorted(totals)}


def overall(results: Sequence[CaseResult]) -> Score:
    return Score(sum(r.passed for r in results), len(results))


def summary(suite: Suite, results: Sequence[CaseResult]) -> dict[str, Any]:
    """JSON-ready figures: overall, per class, per style, single questions vs conversations."""

    def table(scores: dict[str, Score]) -> dict[str, Any]:
        return {name: {"passed": s.passed, "total": s.total, "rate": round(s.rate, 4)} for name, s in scores.items()}

    whole = overall(results)
    return {
        "suite": suite.name,
        "file": str(suite.path),
        "today": suite.today,
        "overall": {"passed": whole.passed, "total": whole.total, "rate": round(whole.rate, 4)},
        "by_class": table(scores_by(results, lambda c: c.kind)),
        "by_style": table(scores_by(results, lambda c: c.style or "-")),
        "by_length": table(scores_by(results, lambda c: "single" if len(c.turns) == 1 else "conversation")),
    }


def failures(results: Sequence[CaseResult]) -> list[dict[str, Any]]:
    """Every failed case with its turns, replies and what did not match (for a local report)."""
    return [
        {
            "id": r.case.id,
            "class": r.case.kind,
            "turns": [
                {"say": t.say, "reply": t.reply, "missing": t.missing, "unwanted": t.unwanted, "error": t.error}
                for t in r.turns
            ],
        }
        for r in results
        if not r.passed
    ]


def render_summary(info: Mapping[str, Any]) -> str:
    """A plain-text table for the terminal."""
    lines = [
        f"{info['suite']} ({info['file']}, today {info['today'] or 'unpinned'}): "
        f"{info['overall']['passed']}/{info['overall']['total']} = {100 * info['overall']['rate']:.1f} %"
    ]
    for heading in ("by_class", "by_length", "by_style"):
        lines.append(f"  {heading.replace('_', ' ')}:")
        for name, score in info[heading].items():
            lines.append(f"    {name:30s} {score['passed']:4d}/{score['total']:<4d} {100 * score['rate']:5.1f} %")
    return "\n".join(lines)
