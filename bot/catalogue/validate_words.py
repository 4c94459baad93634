"""The word lists of the catalogue: ``question_words.yml``, ``study_advice.yml``, ``not_offered.yml``.

``question_words.yml`` says which words tell what a question asks (asks), what it is about (topics),
what kind of sentence it is (markers: hypothetical, denial …) and facts about the person (facts).
Its ids are a contract with the code (:mod:`bot.catalogue.contract`); words are free. Every word
becomes a row with its match key; the build adds readings.
"""

from __future__ import annotations

from typing import Any

from bot.catalogue import contract
from bot.catalogue import fields as f
from bot.catalogue.fields import RowErrors
from bot.catalogue.source_fields import fields_of
from bot.catalogue.sources import Row
from bot.text.normalize import match_key

Tables = dict[str, list[dict[str, Any]]]


# question_words.yml heading → (the ids it may use, what they are called in an error)
_GROUPS = {
    "asks": (tuple(contract.ASKS), "asks"),
    "topics": (contract.TOPICS, "topics"),
    "markers": (contract.MARKERS, "markers"),
    "facts": (contract.FACT_WORDS, "facts"),
    "generic": (contract.GENERIC, "generic"),
}


def add_question_words(data: Any, tables: Tables, errors: RowErrors) -> None:
    """Check ``question_words.yml`` and add a row per word (and each ask's topics) to ``tables``."""
    if not isinstance(data, Row):
        errors.add(None, "question_words.yml は asks・topics・markers・facts・generic の見出しごとに書いてください")
        return
    for unknown in sorted(set(data) - set(_GROUPS)):
        errors.add(data, f"知らない見出し「{unknown}」があります（asks・topics・markers・facts・generic のいずれか）")
    for group, (known, label) in _GROUPS.items():
        rows = f.parse_list(
            data.get(group),
            "question_words.yml",
            fields_of("question_asks" if group == "asks" else "question_words"),
            errors,
        )
        f.unique_ids(rows, errors)
        for source, row in rows:
            if row["id"] not in known:
                errors.add(
                    source, f"{label} の id「{row['id']}」は使えません（{'・'.join(known)}）", f.row_label(source)
                )
                continue
            if group == "asks":
                bad = [t for t in row["topics"] if t not in contract.TOPICS]
                for topic in bad:
                    errors.add(
                        source,
                        f"topics「{topic}」は話題にありません（{'・'.join(contract.TOPICS)}）",
                        f.row_label(source),
                    )
                tables["ask_topics"] += [{"ask": row["id"], "topic": t} for t in row["topics"] if t not in bad]
            _add_words(source, group, row, tables, errors)


def _add_words(source: Row, group: str, row: dict[str, Any], tables: Tables, errors: RowErrors) -> None:
    seen: set[str] = set()
    for word in row["words"]:
        key = match_key(word)
        if not key:
            errors.add(source, f"言葉「{word}」が空です", f.row_label(source))
            continue
        if key in seen:
            continue  # the same word twice in one list: harmless
        seen.add(key)
        tables["question_words"].append({"grp": group, "name": row["id"], "word": word, "key": key})


def add_study_advice(data: Any, tables: Tables, errors: RowErrors) -> None:
    """Check ``study_advice.yml`` (advice for any exam) and add its rows."""
    rows = f.parse_list(data, "study_advice.yml", fields_of("study_advice"), errors)
    f.unique_ids(rows, errors)
    for seq, (_, row) in enumerate(rows, 1):
        tables["study_advice"].append({"id": row["id"], "seq": seq, "title": row["title"]})
        keys = {match_key(w): w for w in reversed(row["words"])}  # equal spellings once (すきま / スキマ)
        tables["study_advice_words"] += [{"advice_id": row["id"], "word": w, "key": k} for k, w in keys.items() if k]
        tables["study_advice_items"] += [
            {"advice_id": row["id"], "seq": i, "text": t} for i, t in enumerate(row["advice"], 1)
        ]


def add_not_offered(data: Any, known_keys: set[str], tables: Tables, errors: RowErrors) -> None:
    """Check ``not_offered.yml``: names that must not be one of the catalogue's own."""
    seen: set[tuple[str, str]] = set()
    for source, row in f.parse_list(data, "not_offered.yml", fields_of("not_offered"), errors, "kind"):
        for name in row["names"]:
            key = match_key(name)
            if not key or (row["kind"], key) in seen:
                continue
            seen.add((row["kind"], key))
            if key in known_keys:
                errors.add(source, f"「{name}」はカタログにある名前です（扱っている試験・研修は書かないでください）")
                continue
            tables["not_offered"].append({"kind": row["kind"], "name": name, "key": key})
