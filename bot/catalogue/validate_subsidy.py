"""``subsidy.yml``: the 要綱's policy (rate, rounding, documents, where to apply) and its rules.

A rule is a row the rules engine (:mod:`bot.subsidy_rules`) evaluates generically: ``check`` rules
compare a fact we ask for with ``allowed`` values, ``limit`` rules compare a number the person may
tell (months since the pass announcement, earlier subsidies) with ``at_most``. Each rule says in one
sentence what it is (``text``) and which questions it answers on its own (``answers``).
"""

from __future__ import annotations

from typing import Any

from bot.catalogue import contract
from bot.catalogue import fields as f
from bot.catalogue.fields import RowErrors, parse_row
from bot.catalogue.source_fields import fields_of
from bot.catalogue.sources import Row

Tables = dict[str, list[dict[str, Any]]]


def add_subsidy(
    data: Any,
    exam_ids: set[str],
    contact_ids: set[str],
    known_values: dict[str, set[str]],
    tables: Tables,
    errors: RowErrors,
) -> None:
    """Check ``subsidy.yml`` and add its rows to ``tables``."""
    if not isinstance(data, Row) or not isinstance(data.get("policy"), Row):
        errors.add(data if isinstance(data, Row) else None, "subsidy.yml には policy と conditions が必要です")
        return
    policy = parse_row(data["policy"], fields_of("subsidy_policy"), errors, "contact")
    if policy:
        f.check_reference(data["policy"], policy, "contact", contact_ids, "contacts.yml", errors)
        documents = policy.pop("documents")
        tables["subsidy_policy"].append({"id": 1, **policy})
        tables["subsidy_documents"] += [{"seq": i, "name": d} for i, d in enumerate(documents, 1)]
    rules = f.parse_list(data.get("conditions"), "subsidy.yml", fields_of("subsidy_rules"), errors)
    if not rules and not errors:
        errors.add(data, "conditions が1件もありません")
    f.unique_ids(rules, errors)
    for seq, (source, rule) in enumerate(rules, 1):
        if not _rule_is_consistent(source, rule, exam_ids, known_values, errors):
            continue
        tables["subsidy_rules"].append(
            {
                "id": rule["id"],
                "seq": seq,
                "title": rule["title"],
                "kind": rule["kind"],
                "fact": rule["fact"],
                "at_most": rule["at_most"],
                "text": rule["text"],
                "ok": rule["ok"],
                "ng": rule["ng"],
            }
        )
        tables["subsidy_rule_values"] += [{"rule_id": rule["id"], "value": v} for v in rule["allowed"]]
        tables["subsidy_rule_exams"] += [{"rule_id": rule["id"], "exam_id": e} for e in rule["exams"]]
        tables["subsidy_rule_answers"] += [{"rule_id": rule["id"], "ask": a} for a in rule["answers"]]


def _rule_is_consistent(
    source: Row, rule: dict[str, Any], exam_ids: set[str], known_values: dict[str, set[str]], errors: RowErrors
) -> bool:
    label = f.row_label(source)
    problems = []
    if rule["kind"] == "check":
        if rule["fact"] not in contract.CHECK_FACTS:
            problems.append(f"check の条件の fact は {' / '.join(contract.CHECK_FACTS)} のいずれかです")
        elif not rule["allowed"]:
            problems.append("check の条件には allowed（対象となる値）が必要です")
        else:
            known = known_values.get(rule["fact"], set())  # a heading missing from vocabularies.yml is reported there
            problems += [
                f"allowed「{v}」は {rule['fact']} の選択肢にありません" for v in rule["allowed"] if v not in known
            ]
    elif rule["fact"] not in contract.LIMIT_FACTS:
        problems.append(f"limit の条件の fact は {' / '.join(contract.LIMIT_FACTS)} のいずれかです")
    elif rule["at_most"] is None:
        problems.append("limit の条件には at_most（上限の数）が必要です")
    problems += [f"exams「{e}」は exams.yml にありません" for e in rule["exams"] if e not in exam_ids]
    problems += [
        f"answers「{a}」は question_words.yml の asks にありません" for a in rule["answers"] if a not in contract.ASKS
    ]
    for problem in problems:
        errors.add(source, problem, label)
    return not problems
