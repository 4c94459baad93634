"""Hand-written text code against the libraries that could replace it (issue 15, docs/libraries.md).

    python -m benchmarks.libraries [--runs 9] [--skip-slow] [--json PATH]

* **fuzzy** — :mod:`bot.text.fuzzy` (rapidfuzz, bounded search) against the hand-written matcher
  as it was (:mod:`benchmarks.handwritten.fuzzy`): every difference over every utterance of the
  project, over random texts with typed-wrong names, and the time for a 9,000-character message;
* **normalize** — :mod:`bot.text.normalize` (jaconv for kana) against the hand-written normaliser,
  and jaconv's own width conversion and ``normalize`` against NFKC;
* **dates** — :func:`bot.dates.find_period` against ja-timex on the period expressions it answers;
* **holidays** — which catalogue dates jpholiday would mark (what it could do for Manabi).

Libraries that are not installed are reported as such (``ja-timex`` and ``jpholiday`` are not part
of the lock; ``pip install ja-timex==0.2.8 jpholiday==1.0.3 -c constraints.txt`` to measure them).
Times are medians of ``--runs`` runs, wall clock and CPU (``time.process_time``: less disturbed by
other work on a shared machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import unicodedata
import warnings
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from benchmarks.machine import machine_facts, wait_for_quiet
from benchmarks.period_cases import PERIOD_CASES, TODAY
from benchmarks.text_corpus import long_message, utterances
from bot.settings import PROJECT_ROOT

LIBRARIES = ("rapidfuzz", "jaconv", "ja-timex", "pendulum", "jpholiday")
LONG_MESSAGE_LENGTH = 9000
RANDOM_TEXTS = 20000
# Characters the normaliser treats specially, for random differential texts.
TRICKY = "あいうアイウｱｲｳﾊﾟﾊﾞﾟﾞ\u3099\u309aかﾞ研修試験ー-－‐~〜～ 　\t・･/.ＡＢｃ１２ITパスポートİΣσゝゞヽヾヴァヂヅヵヶ①㈱…"
# tests/unit/test_normalize.py's cases (benchmarks do not import tests): raw → normalize().
NORMALIZE_CASES = (
    ("ｱｲﾊﾟｽ", "アイパス"),
    ("ＩＴパスポート", "ITパスポート"),
    ("１月の研修", "1月の研修"),
    ("ITパスポ-ト", "ITパスポート"),
    ("ITパスポ－ト", "ITパスポート"),
    ("AI-OCR", "AI-OCR"),
    ("研修　一覧", "研修 一覧"),
    ("  来月の   研修は？ ", "来月の 研修は?"),
    ("10時〜12時", "10時〜12時"),
    ("10時～12時", "10時〜12時"),
)

MatchTuple = tuple[str, str, int, int, str, int]
_TO_KATAKANA_MARKS = str.maketrans("ゝゞ", "ヽヾ")
_TO_HIRAGANA_MARKS = str.maketrans("ヽヾ", "ゝゞ")


# --- helpers -----------------------------------------------------------------------------------
def timed(function: Callable[[], object], runs: int) -> dict[str, float]:
    """Median wall-clock and CPU milliseconds of ``runs`` calls."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return {"wall_ms": round(statistics.median(wall) * 1000, 2), "cpu_ms": round(statistics.median(cpu) * 1000, 2)}


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _tuples(matches: Iterable[Any]) -> list[MatchTuple]:
    return [(m.kind, m.target, m.start, m.end, m.text, m.distance) for m in matches]


def _mutated(rng: random.Random, name: str, alphabet: str) -> str:
    """``name`` with zero to two random edits (substitution, insertion, deletion)."""
    chars = list(name)
    for _ in range(rng.choice((0, 1, 1, 2))):
        operation = rng.choice("sid")
        if operation == "i":
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(alphabet))
        elif chars and operation == "s":
            chars[rng.randrange(len(chars))] = rng.choice(alphabet)
        elif len(chars) > 1:
            del chars[rng.randrange(len(chars))]
    return "".join(chars)


def random_mentions(names: Sequence[str], count: int, mentions: Sequence[int], seed: int) -> list[str]:
    """Texts of one or more catalogue names, some typed wrong, between ordinary words."""
    rng = random.Random(seed)
    alphabet = "".join(sorted(set("".join(names)))) + "のとあー"
    texts = []
    for _ in range(count):
        parts = [rng.choice(("", "来月の", "えっと", "すみません、"))]
        for _ in range(rng.choice(mentions)):
            parts += [_mutated(rng, rng.choice(names), alphabet), rng.choice(("と", "の日程", "、", "は？", ""))]
        texts.append("".join(parts))
    return texts


# --- fuzzy ------------------------------------------------------------------------------------
def fuzzy_section(catalogue_db: Path, texts: Sequence[str], runs: int, skip_slow: bool) -> dict[str, Any]:
    from benchmarks.handwritten import fuzzy as handwritten
    from bot.catalogue.queries import FUZZY_KINDS, Catalogue
    from bot.text.fuzzy import AliasMatcher

    aliases = Catalogue(catalogue_db).aliases()
    new = AliasMatcher(aliases, fuzzy_kinds=FUZZY_KINDS)
    old = handwritten.AliasMatcher(
        [handwritten.Alias(a.kind, a.target, a.surface) for a in aliases], fuzzy_kinds=FUZZY_KINDS
    )
    names = [alias.surface for alias in aliases]

    def differences(batch: Sequence[str]) -> list[dict[str, Any]]:
        found = []
        for text in batch:
            before, after = _tuples(old.find(text)), _tuples(new.find(text))
            if before != after:
                found.append({"text": text, "old": before, "new": after, "kind": _difference_kind(before, after)})
        return found

    corpus_differences = differences(texts)
    best_differences = [
        {"text": text, "kind": kind}
        for text in texts
        for kind in FUZZY_KINDS + ("pass_status", "recommendation")
        if _tuples(filter(None, [old.best(text, kind)])) != _tuples(filter(None, [new.best(text, kind)]))
    ]
    single = differences(random_mentions(names, RANDOM_TEXTS, (1,), seed=1))
    several = differences(random_mentions(names, RANDOM_TEXTS, (2, 3), seed=2))
    message = long_message(names, LONG_MESSAGE_LENGTH)
    result: dict[str, Any] = {
        "aliases": len(aliases),
        "utterances": len(texts),
        "corpus_differences": corpus_differences,
        "best_differences": best_differences,
        "random_single_mention": {"texts": RANDOM_TEXTS, "differences": single},
        "random_several_mentions": {
            "texts": RANDOM_TEXTS,
            "differences": len(several),
            "more_found": sum(d["kind"] == "more found" for d in several),
            "same_items_wider_or_closer": sum(d["kind"] == "same items, wider or closer" for d in several),
            "other": [d for d in several if d["kind"] == "other"],
            "examples": several[:4],
        },
        "corpus_time": {
            "old": timed(lambda: [old.find(text) for text in texts], max(1, runs // 3)),
            "new": timed(lambda: [new.find(text) for text in texts], max(1, runs // 3)),
        },
        "long_message": {"length": len(message), "new": timed(lambda: new.find(message), runs)},
    }
    new_matches = _tuples(new.find(message))
    result["long_message"]["new_matches"] = len(new_matches)
    if not skip_slow:
        result["long_message"]["old"] = timed(lambda: old.find(message), 1)
        old_matches = _tuples(old.find(message))
        result["long_message"]["old_matches"] = len(old_matches)
        result["long_message"]["old_matches_kept"] = len(set(old_matches) & set(new_matches))
        result["long_message"]["difference"] = _difference_kind(old_matches, new_matches)
        result["long_message"]["old_not_kept"] = [
            {"old": found, "new": [n for n in new_matches if n[2] < found[3] and found[2] < n[3]]}
            for found in old_matches
            if found not in new_matches
        ]
    return result


def _difference_kind(before: list[MatchTuple], after: list[MatchTuple]) -> str:
    """How the new matcher's answer differs: it adds matches; or every old match lies inside a new
    match of the same item (a mistyped name now read whole, or a closer reading); or otherwise."""
    if before == after:
        return "same"
    if set(before) <= set(after):
        return "more found"
    if all(any(n[:2] == o[:2] and n[2] <= o[2] and o[3] <= n[3] for n in after) for o in before):
        return "same items, wider or closer"
    return "other"


# --- normalize --------------------------------------------------------------------------------
def normalize_section(texts: Sequence[str], runs: int) -> dict[str, Any]:
    from benchmarks.handwritten import normalize as handwritten
    from bot.text import normalize as new

    def mapped(value: Any) -> tuple[str, tuple]:
        return value.text, value.spans

    rng = random.Random(3)
    random_texts = ["".join(rng.choice(TRICKY) for _ in range(rng.randint(1, 12))) for _ in range(RANDOM_TEXTS)]

    def same(before: Any, after: Any) -> bool:
        return bool(before == after)

    def katakana_key(before: tuple[str, tuple], after: tuple[str, tuple]) -> bool:
        """jaconv folds ゝゞ to ヽヾ too; a letter that lowers to two (İ) now has a span per character
        (the old key had fewer spans than characters)."""
        text, spans = before
        return text.translate(_TO_KATAKANA_MARKS) == after[0] and (spans == after[1] or len(spans) != len(text))

    def hiragana(before: str, after: str) -> bool:
        """jaconv folds ヽヾ to ゝゞ too."""
        return before.translate(_TO_HIRAGANA_MARKS) == after

    functions: dict[str, tuple[Callable, Callable, Callable, Callable]] = {
        "normalize_with_offsets": (handwritten.normalize_with_offsets, new.normalize_with_offsets, mapped, same),
        "match_key_with_offsets": (
            handwritten.match_key_with_offsets,
            new.match_key_with_offsets,
            mapped,
            katakana_key,
        ),
        "fold_katakana": (handwritten.fold_katakana, new.fold_katakana, str, hiragana),
    }
    result: dict[str, Any] = {"utterances": len(texts), "random_texts": RANDOM_TEXTS, "functions": {}}
    for name, (before, after, view, explained) in functions.items():
        corpus = [t for t in texts if view(before(t)) != view(after(t))]
        randoms = [t for t in random_texts if view(before(t)) != view(after(t))]
        unexplained = [t for t in randoms if not explained(view(before(t)), view(after(t)))]
        result["functions"][name] = {
            "corpus_differences": corpus,
            "random_differences": len(randoms),
            "random_unexplained": [
                {"text": t, "old": str(view(before(t))), "new": str(view(after(t)))} for t in unexplained
            ],
            "random_examples": [
                {"text": t, "old": str(view(before(t))), "new": str(view(after(t)))} for t in randoms[:3]
            ],
        }
    message = long_message(list(texts), LONG_MESSAGE_LENGTH, typos=0)
    result["long_message"] = {
        "old_normalize": timed(lambda: handwritten.normalize_with_offsets(message), runs),
        "new_normalize": timed(lambda: new.normalize_with_offsets(message), runs),
        "old_match_key": timed(lambda: handwritten.match_key_with_offsets(message), runs),
        "new_match_key": timed(lambda: new.match_key_with_offsets(message), runs),
    }
    result["jaconv"] = _jaconv_width(texts, message, runs)
    return result


def _jaconv_width(texts: Sequence[str], message: str, runs: int) -> dict[str, Any]:
    """jaconv's width conversion and its ``normalize`` where NFKC does the job today."""
    import jaconv

    from bot.text.normalize import normalize

    def jaconv_width(text: str) -> str:  # full-width ASCII → half, half-width kana → full
        return jaconv.h2z(jaconv.z2h(text, kana=False, ascii=True, digit=True), kana=True, ascii=False, digit=False)

    def nfkc(text: str) -> str:
        return unicodedata.normalize("NFKC", text)

    def with_our_rules(convert: Callable[[str], str]) -> Callable[[str], str]:
        return lambda text: normalize(convert(text))  # our dash/wave/space rules on top

    candidates = {"jaconv.normalize": jaconv.normalize, "jaconv h2z/z2h": jaconv_width}
    result: dict[str, Any] = {}
    for name, convert in candidates.items():
        failed = [
            {"raw": raw, "expected": expected, "got": with_our_rules(convert)(raw)}
            for raw, expected in NORMALIZE_CASES
            if with_our_rules(convert)(raw) != expected
        ]
        differing = [t for t in texts if convert(t) != nfkc(t)]
        result[name] = {
            "normalize_tests_failed": failed,
            "corpus_differences_from_nfkc": len(differing),
            "examples": [{"text": t, "nfkc": nfkc(t), "jaconv": convert(t)} for t in differing[:3]],
            "long_message": timed(partial(convert, message), runs),
        }
    result["NFKC"] = {"long_message": timed(lambda: nfkc(message), runs)}
    return result


# --- dates ------------------------------------------------------------------------------------
def dates_section(runs: int) -> dict[str, Any]:
    from bot.dates import Period, find_period

    def span(period: Period | None) -> tuple[str, str] | None:
        return (period.start.isoformat(), period.end.isoformat()) if period else None

    texts = [text for text, _ in PERIOD_CASES]
    ours = [
        {"text": text, "expected": expected, "got": span(find_period(text, TODAY))}
        for text, expected in PERIOD_CASES
        if span(find_period(text, TODAY)) != expected
    ]
    result: dict[str, Any] = {
        "cases": len(PERIOD_CASES),
        "find_period": {
            "wrong": ours,
            "per_call_us": _per_call(lambda: [find_period(t, TODAY) for t in texts], len(texts), runs),
        },
    }
    if not _version("ja-timex"):
        result["ja-timex"] = "not installed"
        return result
    from benchmarks.timex import parser, timex_period

    started = time.perf_counter()
    timex = parser(TODAY)
    timex.parse("来月")
    first_call_ms = round((time.perf_counter() - started) * 1000, 1)
    wrong = [
        {"text": text, "expected": expected, "got": span(timex_period(timex, text, TODAY))}
        for text, expected in PERIOD_CASES
        if span(timex_period(timex, text, TODAY)) != expected
    ]
    result["ja-timex"] = {
        "wrong": wrong,
        "first_call_ms": first_call_ms,
        "per_call_us": _per_call(lambda: [timex.parse(t) for t in texts], len(texts), runs),
    }
    return result


def _per_call(function: Callable[[], object], calls: int, runs: int) -> dict[str, float]:
    figures = timed(function, runs)
    return {"wall": round(figures["wall_ms"] * 1000 / calls, 1), "cpu": round(figures["cpu_ms"] * 1000 / calls, 1)}


# --- holidays ---------------------------------------------------------------------------------
def holidays_section(catalogue_dir: Path) -> dict[str, Any]:
    if not _version("jpholiday"):
        return {"jpholiday": "not installed"}
    import jpholiday

    dates = sorted({(path.name, day) for path in sorted(catalogue_dir.glob("*.yml")) for day in _dates(path)})
    marked = [
        {"file": name, "date": day.isoformat(), "holiday": jpholiday.is_holiday_name(day), "weekday": day.weekday()}
        for name, day in dates
        if jpholiday.is_holiday(day) or day.weekday() >= 5
    ]
    first, last = min(day for _, day in dates), max(day for _, day in dates)
    return {
        "catalogue_dates": len(dates),
        "on_holiday_or_weekend": marked,
        "holidays_in_range": [(day.isoformat(), name) for day, name in jpholiday.between(first, last)],
    }


def _dates(path: Path) -> list[dt.date]:
    """Every date value in a catalogue source file (YAML reads 2027-01-28 as a date)."""
    found: list[dt.date] = []

    def walk(value: Any) -> None:
        if isinstance(value, dt.date):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


# --- report -----------------------------------------------------------------------------------
def render(results: dict[str, Any]) -> str:
    """A short plain-text summary (the full detail is in the JSON)."""
    fuzzy, norm, dates, holidays = (results[k] for k in ("fuzzy", "normalize", "dates", "holidays"))
    machine = results["machine"]
    lines = [
        f"machine: {machine['cpu_model']}, {machine['usable_cpus']} CPUs, Python {machine['python']}; "
        + ", ".join(f"{k} {v}" for k, v in results["libraries"].items()),
        f"before timing: {results['quiet_machine']}",
        "",
        f"fuzzy: {fuzzy['aliases']} aliases, {fuzzy['utterances']} utterances",
        f"  corpus differences old/new: find {len(fuzzy['corpus_differences'])}, best {len(fuzzy['best_differences'])}",
        f"  random texts, one mention: {len(fuzzy['random_single_mention']['differences'])} differences "
        f"of {fuzzy['random_single_mention']['texts']}",
        f"  random texts, 2-3 mentions: {fuzzy['random_several_mentions']['differences']} differences "
        f"({fuzzy['random_several_mentions']['more_found']} more found, "
        f"{fuzzy['random_several_mentions']['same_items_wider_or_closer']} same items wider or closer, "
        f"{len(fuzzy['random_several_mentions']['other'])} other)",
        f"  corpus, all utterances: old {fuzzy['corpus_time']['old']}, new {fuzzy['corpus_time']['new']}",
        f"  {fuzzy['long_message']['length']}-character message: new {fuzzy['long_message']['new']}, "
        f"old {fuzzy['long_message'].get('old', 'skipped')}; matches new {fuzzy['long_message']['new_matches']}, "
        f"old {fuzzy['long_message'].get('old_matches', '-')}, "
        f"old kept {fuzzy['long_message'].get('old_matches_kept', '-')} "
        f"({fuzzy['long_message'].get('difference', '-')})",
        *[
            f"    old {lost['old'][1]} {lost['old'][4]!r} → new {[(n[1], n[4]) for n in lost['new']]}"
            for lost in fuzzy["long_message"].get("old_not_kept", [])
        ],
        "",
        "normalize:",
    ]
    for name, figures in norm["functions"].items():
        lines.append(
            f"  {name}: corpus differences {len(figures['corpus_differences'])}, "
            f"random {figures['random_differences']} of {norm['random_texts']}, "
            f"unexplained {len(figures['random_unexplained'])}"
        )
        lines += [f"    {example}" for example in figures["random_examples"] + figures["random_unexplained"][:5]]
    lines.append(f"  long message: {norm['long_message']}")
    for name, figures in norm["jaconv"].items():
        if "normalize_tests_failed" in figures:
            lines.append(
                f"  {name}: normalize tests failed {len(figures['normalize_tests_failed'])} "
                f"{figures['normalize_tests_failed']}; corpus differs from NFKC "
                f"{figures['corpus_differences_from_nfkc']}; long message {figures['long_message']}"
            )
        else:
            lines.append(f"  {name}: long message {figures['long_message']}")
    lines += ["", f"dates: {dates['cases']} cases"]
    lines.append(f"  find_period: wrong {len(dates['find_period']['wrong'])}, {dates['find_period']['per_call_us']} µs")
    timex = dates["ja-timex"]
    if isinstance(timex, dict):
        lines.append(f"  ja-timex: wrong {len(timex['wrong'])}, {timex['per_call_us']} µs, ")
        lines[-1] += f"first call {timex['first_call_ms']} ms"
        lines += [f"    {wrong['text']}: got {wrong['got']}, expected {wrong['expected']}" for wrong in timex["wrong"]]
    else:
        lines.append(f"  ja-timex: {timex}")
    lines += ["", f"holidays: {holidays}"]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.libraries", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="timed runs per figure (median)")
    parser.add_argument("--skip-slow", action="store_true", help="do not time the old matcher on the long message")
    parser.add_argument("--json", type=Path, default=None, help="write every figure and difference here")
    parser.add_argument(
        "--quiet-timeout",
        type=float,
        default=300,
        help="seconds to wait for a quiet machine before timing (0: no wait)",
    )
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # Rasa's reader warns about examples it skips
    warnings.filterwarnings("ignore")

    from bot.catalogue.build import build

    catalogue_dir = PROJECT_ROOT / "data" / "catalogue"
    with tempfile.TemporaryDirectory() as tmp:
        catalogue_db = Path(tmp) / "catalogue.sqlite"
        build(catalogue_dir, catalogue_db)
        texts = utterances()
        quiet = wait_for_quiet(1.0, 0.5, args.quiet_timeout) if args.quiet_timeout > 0 else None
        results = {
            "quiet_machine": quiet,
            "command": " ".join(["python -m benchmarks.libraries", *argv]),
            "date": dt.datetime.now().isoformat(timespec="seconds"),
            "machine": machine_facts(),
            "libraries": {name: _version(name) for name in LIBRARIES},
            "fuzzy": fuzzy_section(catalogue_db, texts, args.runs, args.skip_slow),
            "normalize": normalize_section(texts, args.runs),
            "dates": dates_section(args.runs),
            "holidays": holidays_section(catalogue_dir),
        }
    print(render(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
