"""Answers about the exam-fee subsidy: amounts, procedure, and eligibility verdicts."""

from __future__ import annotations

from typing import Any

from bot.catalogue.queries import Catalogue
from bot.replies.base import Reply, bullet_list, button, contact_line, yen
from bot.rules import Verdict, subsidy_amount

Row = dict[str, Any]

FACT_LABELS = {"employment_type": "任用形態", "pass_status": "合否", "department": "所属"}


def rate_label(policy: Row) -> str:
    numerator, denominator = policy["rate_numerator"], policy["rate_denominator"]
    return "半額" if (numerator, denominator) == (1, 2) else f"{numerator}/{denominator}"


def amount_for_exam(catalogue: Catalogue, exam: Row) -> Reply:
    policy = catalogue.subsidy_policy()
    amount = subsidy_amount(exam["fee"], policy)
    text = (
        f"**{exam['name']}**の受験料は{yen(exam['fee'])}で、補助額はその{rate_label(policy)}の"
        f"**{yen(amount)}**です（1円未満切り捨て）。\n"
        "補助は合格した場合に限られるなど条件があります。対象になるか確認するには"
        "「補助の対象になる？」と聞いてください。"
    )
    buttons = [
        button("対象か確認する", "check_subsidy_eligibility", exam=exam["id"]),
        button("勉強法を見る", "ask_study_tips", exam=exam["id"]),
    ]
    card = {
        "title": f"{exam['name']}の受験料補助",
        "facts": [["受験料", yen(exam["fee"])], ["補助額", f"{yen(amount)}（{rate_label(policy)}）"]],
    }
    return Reply(text, buttons, card)


def amounts_for_all(catalogue: Catalogue, exams: list[Row] | None = None) -> Reply:
    """Fee and subsidy of every exam, or of the ``exams`` asked about together (「G検定とFEの補助額」)."""
    policy = catalogue.subsidy_policy()
    rows = [(e["name"], e["fee"], subsidy_amount(e["fee"], policy)) for e in (exams or catalogue.exams())]
    items = [f"{name}：受験料{yen(fee)} → 補助{yen(amount)}" for name, fee, amount in rows]
    text = (
        f"受験料の{rate_label(policy)}（1円未満切り捨て）を補助しています。\n{bullet_list(items)}\n"
        "合格した場合に限るなど条件があります。"
    )
    title = "受験料補助：" + "・".join(e["name"] for e in exams) if exams else "受験料補助の一覧"
    card = {"title": title, "facts": [[name, f"{yen(fee)} → {yen(amount)}"] for name, fee, amount in rows]}
    buttons = [button(f"{e['name']}の対象か確認", "check_subsidy_eligibility", exam=e["id"]) for e in exams or []]
    return Reply(text, buttons, card)


def procedure(catalogue: Catalogue, exam: Row | None = None) -> Reply:
    policy = catalogue.subsidy_policy()
    notices = [r["text"] for r in catalogue.subsidy_rules(exam["id"] if exam else "") if r["kind"] == "notice"]
    subject = f"{exam['name']}の" if exam else ""
    lines = [
        f"{subject}受験料補助の申請方法です。",
        f"**申請先**：{policy['apply_via']}",
        f"**必要書類**\n{bullet_list(policy['documents'])}",
        f"**注意**\n{bullet_list(notices)}",
        *([f"**支給**：{policy['payment']}"] if policy.get("payment") else []),
        f"ご不明な点は{contact_line(policy['contact'])}へお問い合わせください。",
    ]
    card = {
        "title": f"{subject}受験料補助の申請",
        "facts": [["申請先", policy["apply_via"]]] + ([["支給", policy["payment"]]] if policy.get("payment") else []),
        "sections": [{"heading": "必要書類", "items": policy["documents"]}, {"heading": "注意", "items": notices}],
        "note": f"問い合わせ：{contact_line(policy['contact'])}",
    }
    return Reply("\n".join(lines), card=card)


def payment(catalogue: Catalogue) -> Reply | None:
    """「いつ振り込まれる？」: how and when the subsidy is paid, if the 要綱 says (else None)."""
    policy = catalogue.subsidy_policy()
    if not policy.get("payment"):
        return None
    return Reply(
        f"**補助金の支給**：{policy['payment']}\n"
        f"申請については{contact_line(policy['contact'])}へお問い合わせください。",
        [button("申請方法を見る", "ask_subsidy_procedure")],
    )


def application_deadline(catalogue: Catalogue) -> Reply:
    """「期限はいつまで？」 after the procedure: the 要綱's application period."""
    policy = catalogue.subsidy_policy()
    return Reply(
        f"受験料補助の申請期限は、**合格発表日から{policy['apply_within_months']}か月以内**です。",
        [button("申請方法を見る", "ask_subsidy_procedure")],
    )


def who_is_eligible(catalogue: Catalogue, exam: Row | None = None) -> Reply:
    """「対象者は？」 after a subsidy answer: the 要綱's check rules, as they are written."""
    rules = catalogue.subsidy_rules(exam["id"] if exam else "")
    items = [rule["ok"] for rule in rules if rule["kind"] == "check" and rule.get("ok")]
    subject = f"{exam['name']}の" if exam else ""
    buttons = [button("対象か確認する", "check_subsidy_eligibility", **({"exam": exam["id"]} if exam else {}))]
    return Reply(f"{subject}受験料補助の対象となる条件です。\n{bullet_list(items)}", buttons)


def verdict_reply(catalogue: Catalogue, exam: Row, verdict: Verdict, facts: dict[str, str]) -> Reply:
    """Eligible or not, the amount, which rule decided, and what to do next."""
    policy = catalogue.subsidy_policy()
    amount = subsidy_amount(exam["fee"], policy)
    given = [
        f"{FACT_LABELS.get(fact, fact)}：{_fact_name(catalogue, fact, value)}"
        for fact, value in facts.items()
        if value is not None
    ]
    if verdict.eligible:
        reasons = [rule["ok"] for rule in verdict.satisfied]
        notices = [rule["text"] for rule in verdict.notices]
        lines = [
            f"**補助の対象です。** {exam['name']}の補助額は**{yen(amount)}**です"
            f"（受験料{yen(exam['fee'])}の{rate_label(policy)}）。",
            f"判定の根拠\n{bullet_list(reasons)}",
            f"**申請先**：{policy['apply_via']}",
            f"**必要書類**\n{bullet_list(policy['documents'])}",
            f"**注意**\n{bullet_list(notices)}",
        ]
        sections = [
            {"heading": "判定の根拠", "items": reasons},
            {"heading": "必要書類", "items": policy["documents"]},
            {"heading": "注意", "items": notices},
        ]
        facts_rows = [["判定", "補助の対象"], ["補助額", yen(amount)], ["申請先", policy["apply_via"]]]
    else:
        rule = verdict.decided_by
        lines = [
            f"**申し訳ありませんが、補助の対象外です。**（{rule['title']}）",
            rule["ng"],
            f"ご事情がある場合は{contact_line(policy['contact'])}へご相談ください。",
        ]
        sections = [{"heading": "判定の根拠", "items": [f"{rule['title']}：{rule['ng']}"]}]
        facts_rows = [["判定", "補助の対象外"], ["理由", rule["title"]]]
    lines.append(f"（確認した内容：{exam['name']}、{'、'.join(given)}）")
    card = {
        "title": f"{exam['name']}の受験料補助",
        "facts": facts_rows,
        "sections": sections,
        "note": f"問い合わせ：{contact_line(policy['contact'])}",
    }
    return Reply("\n".join(lines), [button("勉強法を見る", "ask_study_tips", exam=exam["id"])], card)


def _fact_name(catalogue: Catalogue, fact: str, value: str) -> str:
    return catalogue.vocabulary_name(fact, value) or value


def not_our_exam(catalogue: Catalogue, name: str, intent: str = "ask_subsidy_amount") -> Reply:
    """「英検」: not an exam this assistant (or the subsidy) covers; the buttons offer ours."""
    exams = catalogue.exams()
    names = "、".join(e["name"] for e in exams)
    what = "勉強法のご案内" if intent == "ask_study_tips" else "受験料補助"
    return Reply(
        f"「{name}」は{what}の対象の試験に含まれていません。対象は{names}です。",
        [button(e["name"], intent, exam=e["id"]) for e in exams],
    )


def ask_exam(catalogue: Catalogue, intent: str = "inform") -> Reply:
    """Ask which exam; each button answers with ``intent`` and the exam id."""
    exams = catalogue.exams()
    names = "、".join(e["name"] for e in exams)
    return Reply(f"どの試験についてですか？（{names}）", [button(e["name"], intent, exam=e["id"]) for e in exams])


def ask_vocabulary(catalogue: Catalogue, fact: str, question: str) -> Reply:
    options = catalogue.vocabulary(fact)
    return Reply(
        f"{question}（{'、'.join(o['name'] for o in options)}）",
        [button(o["name"], "inform", **{fact: o["id"]}) for o in options],
    )


def ask_department() -> Reply:
    return Reply("所属している課を教えてください（例：デジタル行政戦略課、市民課）。")
