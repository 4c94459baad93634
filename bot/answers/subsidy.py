"""Answers about the exam-fee subsidy, from the 要綱's policy and rule rows.

In order, a question gets:

1. the **policy fact** it asks for: payment, documents, where to apply, rounding, rate;
2. a **rule that decides alone** when the person told a number a limit rule checks (「合格発表から
   5か月」 is past the three months: not any more, and why);
3. the **rules themselves** when it asks about them (「何回まで？」, 「DBスペは誰が対象？」, 「申請期限は？」):
   each rule row says which questions it answers;
4. a **verdict** when it asks whether someone is eligible or tells facts about them: for the person
   asking with a fact missing, the first missing fact is asked (the answer waits for it); for
   someone else or a supposed case (「合格したら」), a conditional answer, never a question back;
5. **amounts** (several exams: each and the total), or the **procedure**.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.answers.model import Answer, Circumstances
from bot.catalogue.queries import Catalogue
from bot.catalogue.rows import Exam, Rule
from bot.replies import subsidies as replies
from bot.replies.base import Reply
from bot.subsidy_rules import Denied, Fact, Verdict, evaluate, passes
from bot.understanding.question import DENIED, HYPOTHETICAL, SELF, STATED, Question

RULE_ASKS = ("target", "deadline", "times")
RULE_HEADINGS = {"target": "対象となる条件", "deadline": "申請期限", "times": "回数"}
REMEMBERED = ("employment_type", "department")  # facts about the person worth keeping across exams


def answer_subsidy(question: Question, catalogue: Catalogue, now: Circumstances) -> Answer:
    """Each thing asked gets its answer, in the order of the module docstring (「申請期限と振込の時期」 → both)."""
    exams = _asked_exams(question, catalogue)
    asks = set(question.asks)
    remember = _remembered(question)
    if asks & {"cheapest", "priciest"}:  # 「一番安く受けられる試験は？」
        return Answer([replies.by_fee(exams or catalogue.exams(), catalogue.policy(), "priciest" in asks)], question)
    found = _policy_facts(asks, catalogue, exams)
    first = exams[0].id if exams else None
    facts = _past_deadline(_facts(question, now), catalogue.rules(first))
    exam_facts = _for_exam(facts, question, first or "")
    decided = _decided_by_limit(catalogue.rules(first), exam_facts, question)
    if decided:
        return Answer([*found, decided], question, remember)
    rule_asks = [a for a in question.asks if a in RULE_ASKS]
    if "eligibility" in asks and question.fact("months_since_pass") and "deadline" not in rule_asks:
        rule_asks.append("deadline")  # 「合格発表から2か月経ってたら、まだ申請できる？」: the deadline decides
    tells = _tells_check_facts(question)
    # 受験料 asks the fee when nothing else is asked (「受験料はいくら」); with 「…受験料の補助って出る？」
    # it only names what is subsidised.
    number_asked = bool(asks & {"amount", "total", "list"}) or asks == {"fee"}
    # 「G検定は補助出る？」 with nothing told: the amount and its conditions; told 「合格しました」: a verdict.
    amounts_asked = number_asked or ("available" in asks and not tells)
    # 「いくらもらえる？」 asks an amount (もらえる is not a request for a verdict); 「合格したら補助はいくら？」
    # for one exam: a conditional verdict with its amount; for several or all exams (「全部受かったら合計
    # いくら？」): the amounts and their sum.
    wants_verdict = (
        (bool(asks & {"eligibility", "available"}) and not amounts_asked)
        or (tells and "eligibility" in asks)  # 「会計年度任用職員は受験料補助を受けられる？」
        or (tells and not (amounts_asked and len(exams) != 1))
    )
    # 「補助対象の試験は全部でいくら？」: the amounts; 「補助の条件をぜんぶ教えて」: every rule
    only_target_with_amounts = bool(asks & {"amount", "total", "fee"}) and rule_asks == ["target"]
    category = tells and rule_asks == ["target"] and not exams  # 「再任用職員は補助の対象？」: that case's answer
    # 「G検定受かった！申請の仕方は？」: how to apply is asked; the facts told matter only if they rule it out
    how_asked = bool(asks & {"procedure", "documents", "where_to_apply"}) and not asks & {"eligibility", "available"}
    if how_asked and wants_verdict and not _ruled_out(exams, facts, question, catalogue):
        wants_verdict = False
    met = _met_limits(catalogue.rules(first), exam_facts, rule_asks)
    if met and not (wants_verdict and exams and tells):  # 「ちょうど3か月の日に申請したら間に合う？」
        found += met
    elif rule_asks and not (wants_verdict and (exams or category) and tells) and not only_target_with_amounts:
        found.append(_rules_reply(rule_asks, catalogue, exams, every="list" in asks))
    elif wants_verdict:
        verdicts = _verdicts(question, exams, facts, catalogue, now, remember, ask_back=not number_asked)
        return Answer([*found, *verdicts.replies], verdicts.question, remember)
    if amounts_asked or not found:
        if amounts_asked or "procedure" not in asks:
            found.append(_amounts(exams, catalogue, total="total" in asks))
        if "procedure" in asks:  # 「補助額と申請方法を」: both
            exam = exams[0] if exams else None
            found.append(replies.procedure(catalogue.policy(), catalogue.rules(exam.id if exam else None), exam))
    return Answer(found, question, remember)


def _ruled_out(exams: Sequence[Exam], facts: dict[str, Fact | None], question: Question, catalogue: Catalogue) -> bool:
    """Whether the facts told already make an exam named (or any exam, none named) ineligible."""
    if not exams:
        return evaluate(catalogue.rules(None), facts).eligible is False
    return any(evaluate(catalogue.rules(e.id), _for_exam(facts, question, e.id)).eligible is False for e in exams)


def _asked_exams(question: Question, catalogue: Catalogue) -> list[Exam]:
    """The exams asked about; an exam named only as where an earlier subsidy went (「去年、基本情報で補助を
    もらいました。今年は応用情報に…」) is left out when another is named."""
    earlier = {f.exam for f in question.facts if f.name == "previous_subsidies" and f.exam}
    ids = [i for i in question.exams if i not in earlier] or list(question.exams)
    return [e for e in (catalogue.exam(i) for i in ids) if e]


def _policy_facts(asks: set[str], catalogue: Catalogue, exams: Sequence[Exam]) -> list[Reply]:
    """The policy's own facts asked for: payment, documents, where to apply, rounding, rate."""
    policy = catalogue.policy()
    found = []
    if "payment" in asks:
        found.append(replies.payment(policy))
    if "documents" in asks:
        found.append(replies.documents(policy))
    if "where_to_apply" in asks:
        found.append(replies.where_to_apply(policy))
    if "rounding" in asks:
        found.append(replies.rounding(policy, exams or catalogue.exams()))
    if "rate" in asks:
        found.append(replies.rate(policy, exams))
    return found


def _amounts(exams: Sequence[Exam], catalogue: Catalogue, total: bool = False) -> Reply:
    """One exam's amount; several exams each and the total; none named, every exam (and the
    total of all when it is asked: 「全部受かったら合計いくら？」)."""
    policy = catalogue.policy()
    if len(exams) == 1:
        own = [r for r in catalogue.rules(exams[0].id) if r.exams]
        return replies.amount_for_exam(exams[0], policy, own)
    return replies.amounts(exams or catalogue.exams(), policy, named=bool(exams) or total)


def _rules_reply(asks: Sequence[str], catalogue: Catalogue, exams: Sequence[Exam], every: bool = False) -> Reply:
    """The rules that answer what is asked (all of them when ``every`` is asked for), for the exam
    named (or for every exam)."""
    exam = exams[0] if len(exams) == 1 else None
    rules = catalogue.rules(exam.id if exam else None)
    chosen = [] if every else [r for r in rules if set(r.answers) & set(asks)]
    heading = "・".join(RULE_HEADINGS[a] for a in asks if a in RULE_HEADINGS) if not every else "条件"
    return replies.rules_answer(chosen or rules, exam, heading or "条件")


def _decided_by_limit(rules: Sequence[Rule], facts: dict[str, Fact | None], question: Question) -> Reply | None:
    """A limit rule the person's own numbers already fail (「5か月前に合格した」): that rule answers."""
    for rule in rules:
        if rule.kind == "limit" and passes(rule, facts.get(rule.fact)) is False:
            who = "その方は" if question.about_other else "その場合は" if question.hypothetical else ""
            return Reply(f"**{who}補助の対象外です。**（{rule.title}）\n{rule.ng}\n{rule.text}")
    return None


def _met_limits(rules: Sequence[Rule], facts: dict[str, Fact | None], asks: Sequence[str]) -> list[Reply]:
    """Limit rules asked about whose number the person told and which it meets: the rule's ok text."""
    return [
        Reply(f"{rule.ok}\n{rule.text}")
        for rule in rules
        if rule.kind == "limit" and set(rule.answers) & set(asks) and passes(rule, facts.get(rule.fact)) is True
    ]


def _tells_check_facts(question: Question) -> bool:
    return any(f.name in ("employment_type", "pass_status", "department") for f in question.facts)


def _facts(question: Question, now: Circumstances) -> dict[str, Fact | None]:
    """The facts to judge with: the person's remembered ones (when the question is about them),
    then what this question says (a denied fact as :class:`Denied`)."""
    facts: dict[str, Fact | None] = {}
    if not question.about_other:
        facts.update({k: v for k, v in now.known.items() if k in REMEMBERED})
    for fact in question.facts:
        facts[fact.name] = Denied(str(fact.value)) if fact.mode == DENIED else fact.value
    return facts


def _past_deadline(facts: dict[str, Fact | None], rules: Sequence[Rule]) -> dict[str, Fact | None]:
    """「期限を過ぎたら？」「申請し忘れていた」: the number of each limit rule about the deadline, past it."""
    if facts.get("past_deadline") in (None, 0) or isinstance(facts.get("past_deadline"), Denied):
        return facts
    late = {r.fact: (r.at_most or 0) + 1 for r in rules if r.kind == "limit" and "deadline" in r.answers}
    return {**late, **{k: v for k, v in facts.items() if k not in late or v is None}}


def _for_exam(facts: dict[str, Fact | None], question: Question, exam_id: str) -> dict[str, Fact | None]:
    """The facts that hold for one exam: an earlier subsidy counts only for the exam it was for."""
    earlier = question.fact("previous_subsidies")
    if earlier and earlier.exam and earlier.exam != exam_id:
        return {k: v for k, v in facts.items() if k != "previous_subsidies"}
    return facts


def _remembered(question: Question) -> dict[str, str | None]:
    """The person's own stated employment type and department, kept for later questions."""
    return {
        f.name: str(f.value) for f in question.facts if f.name in REMEMBERED and f.about == SELF and f.mode == STATED
    }


def _verdicts(
    question: Question,
    exams: Sequence[Exam],
    facts: dict[str, Fact | None],
    catalogue: Catalogue,
    now: Circumstances,
    remember: dict[str, str | None],
    ask_back: bool = True,
) -> Answer:
    """Eligibility for each exam named; asks the first missing fact only of the person asking (and
    not when ``ask_back`` is off: an amount asked is answered at once, with its conditions)."""
    supposed = question.hypothetical or any(f.mode == HYPOTHETICAL for f in question.facts)
    # Ask back only the person asking, about their own case, and never in the middle of a form
    # (their answer would be read as the form's answer).
    asking_for_self = ask_back and not question.about_other and not supposed and not now.active_form
    if not exams:
        generic = evaluate(catalogue.rules(None), facts)
        if generic.eligible is False and generic.decided_by:
            rule = generic.decided_by
            who = "その方は" if question.about_other else ""
            return Answer([Reply(f"**{who}補助の対象外です。**（{rule.title}）\n{rule.ng}")], question, remember)
        if not _tells_check_facts(question):
            waiting = _waiting(question, "exam")
            return Answer([replies.ask_exam(catalogue.exams(), "inform")], waiting, remember)
        # 「再任用ですが補助出る？」: what holds for that case, for every exam (the exam can come next)
        return Answer([_conditions(catalogue, question)], question, remember)
    verdicts = [(exam, evaluate(catalogue.rules(exam.id), _for_exam(facts, question, exam.id))) for exam in exams]
    missing = _first_missing(verdicts)
    if asking_for_self and missing:
        exam = next(e for e, v in verdicts if missing in v.missing)
        choices = catalogue.vocabulary(missing) if missing != "department" else []
        return Answer([replies.ask_fact(missing, choices, exam)], _waiting(question, missing), remember)
    policy = catalogue.policy()
    found = [
        replies.verdict(
            exam, verdict, _given(verdict, catalogue), policy, about_other=question.about_other, supposed=supposed
        )
        for exam, verdict in verdicts
    ]
    payable = [exam for exam, verdict in verdicts if verdict.eligible is not False]
    if len(verdicts) > 1 and payable:
        found.append(replies.total(payable, policy))
    return Answer(found, question, remember)


def ask_again(question: Question, catalogue: Catalogue) -> Answer:
    """An answer we could not use (「嘱託職員です」 for the employment type): say so, ask again."""
    fact = question.awaiting or ""
    exam = catalogue.exam(question.exams[0]) if question.exams else None
    if fact == "exam":
        asked = replies.ask_exam(catalogue.exams(), "inform")
    else:
        asked = replies.ask_fact(fact, catalogue.vocabulary(fact) if fact != "department" else [], exam)
    sorry = "すみません、そのお答えはうまく読み取れませんでした。"
    hint = "\n確認をやめるときは「やめる」と送ってください。"
    return Answer([Reply(sorry + asked.text + hint, asked.buttons)], question, log="not_understood")


def _first_missing(verdicts: Sequence[tuple[Exam, Verdict]]) -> str | None:
    for _, verdict in verdicts:
        if verdict.eligible is None and verdict.missing:
            return verdict.missing[0]
    return None


def _waiting(question: Question, fact: str) -> Question:
    return replace(
        question, awaiting=fact, asks=("eligibility",) if "eligibility" not in question.asks else question.asks
    )


def _given(verdict: Verdict, catalogue: Catalogue) -> list[str]:
    """「任用形態：正規職員」 for each fact the verdict used."""
    labels = []
    for outcome in verdict.outcomes:
        if outcome.rule.kind != "check" or outcome.value is None:
            continue
        value = outcome.value
        if isinstance(value, Denied):
            shown = f"{catalogue.vocabulary_name(outcome.rule.fact, value.value) or value.value}ではない"
        else:
            shown = catalogue.vocabulary_name(outcome.rule.fact, str(value)) or str(value)
        labels.append(f"{replies.FACT_LABELS.get(outcome.rule.fact, outcome.rule.fact)}：{shown}")
    return labels


def _conditions(catalogue: Catalogue, question: Question) -> Reply:
    """Facts told for a case, but no exam named: every exam's conditions, with the facts applied."""
    rules = [r for r in catalogue.rules(None) if not r.exams]
    facts = {f.name: f.value for f in question.facts}
    remaining = [r for r in rules if r.kind == "check" and passes(r, facts.get(r.fact)) is None]
    met = [r for r in rules if r.kind == "check" and passes(r, facts.get(r.fact))]
    policy = catalogue.policy()
    amounts = replies.amounts(catalogue.exams(), policy, named=False)
    who = "その方は" if question.about_other else ""
    lines = [r.ok for r in met]
    if remaining:
        lines.append(f"{who}次の条件を満たせば補助の対象です。\n" + "\n".join(f"- {r.text}" for r in remaining))
    return Reply("\n".join([*lines, amounts.text]), amounts.buttons, amounts.card)
