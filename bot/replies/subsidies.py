"""Answers about the exam-fee subsidy: amounts and totals, the 要綱's rules one by one, the procedure,
and eligibility verdicts (for the person asking, for someone else, or for a case supposed).

Pure functions: catalogue rows and verdicts in, :class:`Reply` out.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.catalogue.rows import Choice, Exam, Policy, Rule
from bot.replies.base import Reply, bullet_list, button, card, contact_line, yen
from bot.subsidy_rules import Verdict, subsidy_amount

FACT_LABELS = {"employment_type": "任用形態", "pass_status": "合否", "department": "所属"}
FACT_QUESTIONS = {"employment_type": "任用形態を教えてください。", "pass_status": "その試験にはもう合格していますか？"}


def rate_label(policy: Policy) -> str:
    if (policy.rate_numerator, policy.rate_denominator) == (1, 2):
        return "半額"
    return f"{policy.rate_numerator}/{policy.rate_denominator}"


def rounding_label(policy: Policy) -> str:
    return {"floor": "1円未満切り捨て"}.get(policy.rounding, policy.rounding)


def _check_button(exam: Exam) -> dict[str, str]:
    return button("対象か確認する", "check_subsidy_eligibility", exam=exam.id)


# --- amounts --------------------------------------------------------------------------------------
def amount_for_exam(exam: Exam, policy: Policy, own_rules: Sequence[Rule] = ()) -> Reply:
    """The fee and the amount; ``own_rules`` are the rules of this exam alone (the DB exam's department
    rule), said with it so that nobody counts on an amount they cannot get."""
    amount = subsidy_amount(exam.fee, policy)
    own = "".join(f"\n{rule.text}" for rule in own_rules)
    text = (
        f"**{exam.name}**の受験料は{yen(exam.fee)}で、補助額はその{rate_label(policy)}の"
        f"**{yen(amount)}**です（{rounding_label(policy)}）。{own}\n"
        "補助は合格した場合に限られるなど条件があります。対象になるか確認するには"
        "「補助の対象になる？」と聞いてください。"
    )
    buttons = [_check_button(exam), button("勉強法を見る", "ask_study_tips", exam=exam.id)]
    facts = [["受験料", yen(exam.fee)], ["補助額", f"{yen(amount)}（{rate_label(policy)}）"]]
    return Reply(text, buttons, card(f"{exam.name}の受験料補助", facts=facts))


def amounts(exams: Sequence[Exam], policy: Policy, named: bool) -> Reply:
    """Fee and subsidy of each exam; when several were named together, the total too."""
    rows = [(e, subsidy_amount(e.fee, policy)) for e in exams]
    items = [f"{e.name}：受験料{yen(e.fee)} → 補助{yen(a)}" for e, a in rows]
    text = f"受験料の{rate_label(policy)}（{rounding_label(policy)}）を補助しています。\n{bullet_list(items)}"
    facts = [[e.name, f"{yen(e.fee)} → {yen(a)}"] for e, a in rows]
    if named and len(rows) > 1:
        total, fees = sum(a for _, a in rows), sum(e.fee for e, _ in rows)
        text += f"\n**合計**：受験料{yen(fees)}に対して、補助は**合計{yen(total)}**です（それぞれ合格した場合）。"
        facts.append(["合計", f"{yen(fees)} → {yen(total)}"])
    text += "\n補助は合格した場合に限るなど条件があります。"
    title = "受験料補助：" + "・".join(e.name for e in exams) if named else "受験料補助の一覧"
    buttons = [button(f"{e.name}の対象か確認", "check_subsidy_eligibility", exam=e.id) for e in exams] if named else []
    return Reply(text, buttons, card(title, facts=facts))


def by_fee(exams: Sequence[Exam], policy: Policy, priciest: bool) -> Reply:
    """「一番安い試験は？」: the exams in order of their fee, with the subsidy of each."""
    word = "高い" if priciest else "安い"
    ranked = sorted(exams, key=lambda e: e.fee, reverse=priciest)
    cheapest_fee = ranked[0].fee
    first = [e.name for e in ranked if e.fee == cheapest_fee]
    items = [f"{e.name}：受験料{yen(e.fee)} → 補助{yen(subsidy_amount(e.fee, policy))}" for e in ranked]
    text = f"受験料がいちばん{word}のは{'、'.join(first)}（{yen(cheapest_fee)}）です。\n{bullet_list(items)}"
    return Reply(text, card=card(f"受験料の{word}順", sections=[{"heading": "受験料と補助額", "items": items}]))


def total(exams: Sequence[Exam], policy: Policy) -> Reply:
    """The sum of the subsidies of the exams the verdicts allow."""
    amounts_each = [subsidy_amount(e.fee, policy) for e in exams]
    items = "、".join(f"{e.name} {yen(a)}" for e, a in zip(exams, amounts_each))
    return Reply(f"**補助の合計**：{yen(sum(amounts_each))}（{items}）")


def rate(policy: Policy, exams: Sequence[Exam]) -> Reply:
    """「補助率は？」「全額出る？」"""
    text = f"補助は受験料の**{rate_label(policy)}**です（{rounding_label(policy)}）。全額ではありません。"
    if exams:
        text += "\n" + bullet_list([f"{e.name}：{yen(e.fee)} → {yen(subsidy_amount(e.fee, policy))}" for e in exams])
    return Reply(text)


def rounding(policy: Policy, exams: Sequence[Exam]) -> Reply:
    """「端数は？」"""
    text = f"補助額は受験料の{rate_label(policy)}で、**{rounding_label(policy)}**です。"
    odd = [e for e in exams if e.fee * policy.rate_numerator % policy.rate_denominator]
    if odd:
        text += "\n" + bullet_list([f"{e.name}：{yen(e.fee)} → {yen(subsidy_amount(e.fee, policy))}" for e in odd])
    return Reply(text)


# --- the procedure ----------------------------------------------------------------------------------
def procedure(policy: Policy, rules: Sequence[Rule], exam: Exam | None) -> Reply:
    """How to apply: where, the documents, who can (the check rules) and the limits."""
    notices = [r.text for r in rules if r.kind == "limit"]
    checks = [r.text for r in rules if r.kind == "check"]
    subject = f"{exam.name}の" if exam else ""
    lines = [
        f"{subject}受験料補助の申請方法です。",
        f"**申請先**：{policy.apply_via}",
        f"**必要書類**\n{bullet_list(policy.documents)}",
    ]
    if checks:
        lines.append(f"**対象となる条件**\n{bullet_list(checks)}")
    lines.append(f"**注意**\n{bullet_list(notices)}")
    if policy.payment:
        lines.append(f"**支給**：{policy.payment}")
    lines.append(f"ご不明な点は{contact_line(policy.contact)}へお問い合わせください。")
    facts = [["申請先", policy.apply_via]] + ([["支給", policy.payment]] if policy.payment else [])
    sections = [{"heading": "必要書類", "items": list(policy.documents)}]
    sections += [{"heading": "対象となる条件", "items": checks}] if checks else []
    sections.append({"heading": "注意", "items": notices})
    note = f"問い合わせ：{contact_line(policy.contact)}"
    return Reply("\n".join(lines), [], card(f"{subject}受験料補助の申請", facts=facts, sections=sections, note=note))


def payment(policy: Policy) -> Reply:
    """「いつ振り込まれる？」"""
    if not policy.payment:
        return Reply(f"支給の時期は{contact_line(policy.contact)}へお問い合わせください。")
    return Reply(
        f"**補助金の支給**：{policy.payment}\n申請については{contact_line(policy.contact)}へお問い合わせください。",
        [button("申請方法を見る", "ask_subsidy_procedure")],
    )


def documents(policy: Policy) -> Reply:
    """「必要な書類は？」"""
    return Reply(
        f"受験料補助の申請に必要な書類です。\n{bullet_list(policy.documents)}\n申請先：{policy.apply_via}",
        [button("申請方法を見る", "ask_subsidy_procedure")],
    )


def where_to_apply(policy: Policy) -> Reply:
    """「どこに申請するの？」"""
    return Reply(
        f"受験料補助は**{policy.apply_via}**から申請します。\n必要書類：{'、'.join(policy.documents)}",
        [button("申請方法を見る", "ask_subsidy_procedure")],
    )


# --- the rules themselves ---------------------------------------------------------------------------
def rules_answer(rules: Sequence[Rule], exam: Exam | None, heading: str) -> Reply:
    """A question about the rules (「何回まで？」「DBスペは誰が対象？」): the rules' own sentences."""
    subject = f"{exam.name}の" if exam else ""
    buttons = [_check_button(exam)] if exam else [button("対象か確認する", "check_subsidy_eligibility")]
    sentences = [r.text for r in rules]
    if len(rules) == 1:
        return Reply(f"{subject}受験料補助の{heading}：{sentences[0]}", buttons)
    return Reply(f"{subject}受験料補助の{heading}です。\n{bullet_list(sentences)}", buttons)


# --- verdicts -----------------------------------------------------------------------------------------
def verdict(
    exam: Exam,
    result: Verdict,
    given: Sequence[str],
    policy: Policy,
    *,
    about_other: bool = False,
    supposed: bool = False,
) -> Reply:
    """Eligible or not, the amount, which rule decided, and what to do next.

    ``given`` names the facts the verdict used (「任用形態：正規職員」); ``about_other``: the question was
    for someone else (「その方は」); ``supposed``: some fact was only supposed (「合格した場合」), so the
    answer is conditional. An undecided verdict names the conditions still to meet."""
    amount = subsidy_amount(exam.fee, policy)
    who = "その方は" if about_other else ""
    checked = f"（確認した内容：{exam.name}、{'、'.join(given)}）" if given else ""
    if result.eligible is False and result.decided_by:
        rule = result.decided_by
        lines = [f"**{who}{exam.name}の補助の対象外です。**（{rule.title}）", rule.ng]
        if not about_other:
            lines.append(f"ご事情がある場合は{contact_line(policy.contact)}へご相談ください。")
        lines.append(checked)
        facts = [["判定", "補助の対象外"], ["理由", rule.title]]
        sections = [{"heading": "判定の根拠", "items": [f"{rule.title}：{rule.ng}"]}]
        headline = f"{who}{exam.name}の補助の対象外です。"
        return Reply(
            "\n".join(x for x in lines if x),
            [],
            card(f"{exam.name}の受験料補助", subtitle=headline, facts=facts, sections=sections),
        )
    if result.eligible:
        headline = f"{'その条件であれば' if supposed else ''}{who}補助の対象です。"
        reasons = {
            "heading": "判定の根拠",
            "items": [r.ok for r in result.satisfied],
        }  # a limit: if its number was told
    else:
        headline = f"{who}次の条件を満たせば補助の対象です。"
        reasons = {"heading": "満たすべき条件", "items": [r.text for r in result.unchecked if r.kind == "check"]}
    lines = [
        f"**{headline}** {exam.name}の補助額は**{yen(amount)}**です（受験料{yen(exam.fee)}の{rate_label(policy)}）。",
        f"{reasons['heading']}\n{bullet_list(reasons['items'])}" if result.eligible else bullet_list(reasons["items"]),
    ]
    notices = [r.text for r in result.unchecked if r.kind == "limit"]
    lines += [f"**申請先**：{policy.apply_via}", f"**必要書類**\n{bullet_list(policy.documents)}"]
    if notices:
        lines.append(f"**注意**\n{bullet_list(notices)}")
    lines.append(checked)
    facts = [
        ["判定", "補助の対象" if result.eligible else "条件付きで対象"],
        ["補助額", yen(amount)],
        ["申請先", policy.apply_via],
    ]
    sections = [reasons, {"heading": "必要書類", "items": list(policy.documents)}] + (
        [{"heading": "注意", "items": notices}] if notices else []
    )
    return Reply(
        "\n".join(x for x in lines if x),
        [button("勉強法を見る", "ask_study_tips", exam=exam.id)],
        card(
            f"{exam.name}の受験料補助",
            subtitle=headline,
            facts=facts,
            sections=sections,
            note=f"問い合わせ：{contact_line(policy.contact)}",
        ),
    )


# --- questions back ---------------------------------------------------------------------------------
def ask_exam(exams: Sequence[Exam], intent: str = "inform") -> Reply:
    """Ask which exam; each button answers with ``intent`` and the exam id."""
    names = "、".join(e.name for e in exams)
    return Reply(f"どの試験についてですか？（{names}）", [button(e.name, intent, exam=e.id) for e in exams])


def ask_fact(fact: str, choices: Sequence[Choice], exam: Exam | None) -> Reply:
    """Ask for one fact the rules need, with a button per value."""
    if fact == "pass_status":
        subject = f"{exam.name}に" if exam else "その試験に"
        return Reply(
            f"{subject}はもう合格していますか？",
            [
                button("はい（合格済み）", "inform", pass_status="passed"),
                button("いいえ（受験前・不合格）", "inform", pass_status="not_passed"),
            ],
        )
    if fact == "department":
        reason = f"{exam.name}の補助は所属によって条件が異なります。" if exam else ""
        return Reply(reason + "所属している課を教えてください（例：デジタル行政戦略課、市民課）。")
    question = FACT_QUESTIONS.get(fact, f"{FACT_LABELS.get(fact, fact)}を教えてください。")
    return Reply(
        f"{question}（{'、'.join(c.name for c in choices)}）",
        [button(c.name, "inform", **{fact: c.id}) for c in choices],
    )


def not_offered(name: str, exams: Sequence[Exam], what: str) -> Reply:
    """「簿記の補助は？」: not an exam this assistant (or the subsidy) covers; the buttons offer ours."""
    names = "、".join(e.name for e in exams)
    intent = "ask_study_tips" if what == "勉強法のご案内" else "ask_subsidy_amount"
    return Reply(
        f"「{name}」は{what}の対象外です（対象の試験に含まれていません）。対象は{names}です。",
        [button(e.name, intent, exam=e.id) for e in exams],
    )
