"""The registration and cancellation actions, called with rasa_sdk Trackers built from events.

A temporary state DB and the built catalogue come through MANABI_* variables; the date is pinned.
The trackers here also carry what Rasa sends a *form validation*: the form's ActionExecuted and the
slot candidates after it (tests/actions/conftest.py builds plain action trackers).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import cancellation, registration, registration_form
from actions.answer import ActionAnswer
from actions.context import state_db
from bot.registrations import cohorts, store
from bot.registrations.forms import REGISTRATION
from bot.registrations.model import Application
from bot.settings import PROJECT_ROOT
from tests.registration_data import staff_number

DOMAIN: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
PERSON = "aad-0001"
ANSWERS = {
    "reg_cohort": "leader-7",
    "reg_name": "山田太郎",
    "reg_department": "市民課",
    "reg_staff_number": "204518",
    "reg_recommendation": "self",
    "reg_motivation": "窓口の手続きをオンライン化して待ち時間を減らしたい",
}

pytestmark = pytest.mark.asyncio


@pytest.fixture(autouse=True)
def env(manabi_env: Path, state_env: Path | str) -> Path:
    """The sample catalogue, a fresh state DB (SQLite, then PostgreSQL) and 2026-11-24 (tests/conftest.py)."""
    return manabi_env


# --- building trackers and running actions --------------------------------------------------
def tracker(
    text: str = "",
    intent: str | None = "inform",
    *,
    entities: Iterable[tuple[str, str]] = (),
    slots: dict[str, Any] | None = None,
    requested: str | None = None,
    candidates: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
    form: str | None = "registration_form",
    confidence: float = 0.95,
    sender: str = PERSON,
) -> Tracker:
    """A tracker as the action server receives it: the user's message, then (for a validation) the
    form's ActionExecuted followed by the slot candidates Rasa appends."""
    values = dict.fromkeys(DOMAIN["slots"])
    values.update(slots or {})
    values["requested_slot"] = requested
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [{"entity": kind, "value": value} for kind, value in entities],
        "metadata": metadata or {},
    }
    events: list[dict[str, Any]] = [
        {"event": "user", "text": text, "parse_data": latest, "input_channel": "rest", "metadata": metadata or {}}
    ]
    if form:
        events.append({"event": "action", "name": form})
    for name, value in (candidates or {}).items():
        values[name] = value
        events.append({"event": "slot", "name": name, "value": value})
    return Tracker(sender, values, latest, events, False, None, {"name": form} if form else {}, form or "action_listen")


async def run(action: Any, state: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The action's slot events as a dict, and its messages."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, state, DOMAIN)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, dispatcher.messages


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


async def validate(text: str, requested: str, **kwargs: Any):
    """The registration form's validation for an answer to ``requested`` (earlier answers known)."""
    order = list(REGISTRATION.slots)
    before = order[: order.index(requested)]
    known = kwargs.pop("known", ())
    slots = {k: v for k, v in ANSWERS.items() if k in before or k in known}
    return await run(
        registration_form.ValidateRegistrationForm(),
        tracker(text, requested=requested, slots={**slots, **kwargs.pop("slots", {})}, **kwargs),
    )


def register(person: str, cohort: str = "leader-7", number: str | None = None) -> store.RegisterResult:
    """``person`` registered before the test (職員番号 100001 for PERSON, else one of their own)."""
    number = number or ("100001" if person == PERSON else staff_number(person))
    return store.register(
        state_db(),
        Application(cohort, person, "既存職員", "税務課", number, "self", "既に登録している職員です"),
        seats=20,
    )


# --- starting ---------------------------------------------------------------------------------
async def test_start_fills_in_what_the_message_and_teams_already_tell():
    state = tracker(
        "市民課からリーダー研修に自薦で応募したい",
        "register_interest",
        form=None,
        entities=[("course", "leader"), ("department", "shimin"), ("recommendation", "self")],
        metadata={"channel": "teams", "teams": {"user_name": "山田 太郎", "aad_object_id": PERSON}},
        slots={"reg_confirm": "yes", "reg_motivation": "old"},
    )
    slots, messages = await run(registration.ActionRegistrationStart(), state)
    assert slots["reg_cohort"] == "leader-7" and slots["reg_name"] == "山田 太郎"
    assert slots["reg_department"] == "市民課" and slots["reg_recommendation"] == "self"
    assert slots["reg_confirm"] is None and slots["reg_motivation"] is None  # a previous form's answers are cleared
    assert messages == []


@pytest.mark.parametrize("text", ["第6期のリーダー研修に応募できますか", "リーダー研修の第６期に応募したい"])
async def test_start_names_a_closed_cohort_when_the_message_does(text):
    """「第6期」 is answered as 第6期 (closed: the deadline passed), never turned into the open 第7期."""
    slots, messages = await run(
        registration.ActionRegistrationStart(),
        tracker(text, "register_interest", entities=[("course", "leader")], form=None),
    )
    assert slots["reg_halt"] == "answered" and slots["reg_cohort"] is None
    assert "第6期" in texts(messages) and "締め切りました" in texts(messages) and "第7期" in texts(messages)


async def test_start_without_any_open_cohort_says_so_and_ends_the_form(monkeypatch):
    monkeypatch.setenv("MANABI_TODAY", "2027-04-01")
    slots, messages = await run(
        registration.ActionRegistrationStart(), tracker("応募したい", "register_interest", form=None)
    )
    assert slots["reg_halt"] == "no_open_cohort"
    assert "受け付けている期はありません" in texts(messages) and "内線 2345" in texts(messages)


async def test_a_course_without_cohorts_points_to_how_to_join():
    slots, messages = await run(
        registration.ActionRegistrationStart(),
        tracker("RPA研修に申し込みたい", "register_interest", entities=[("course", "rpa")], form=None),
    )
    assert slots["reg_halt"] == "answered"
    assert "事前申込は不要です" in texts(messages)


async def test_the_cohort_is_asked_with_the_open_cohorts_as_buttons():
    _, messages = await run(registration.ActionAskRegCohort(), tracker())
    assert [b["payload"] for b in messages[0]["buttons"]] == ['/inform{"cohort":"leader-7"}']
    assert "2027年3月31日（水）まで受付" in texts(messages)


# --- the cohort -------------------------------------------------------------------------------
async def test_a_known_open_cohort_shows_the_guidance_as_guidance_and_asks_on():
    state = tracker(
        "リーダー研修に応募したい", "register_interest", candidates={"reg_cohort": "leader-7", "reg_name": "山田 太郎"}
    )
    slots, messages = await run(registration_form.ValidateRegistrationForm(), state)
    assert slots["reg_cohort"] == "leader-7" and slots["requested_slot"] == "reg_department"
    text = texts(messages)
    assert "応募の目安：概ね30代" in text and "締切：2027年3月31日（水）" in text and "定員20名" in text
    assert "reg_halt" not in slots


@pytest.mark.parametrize(
    "text, entities",
    [("/inform", [("cohort", "leader-7")]), ("リーダー研修で", [("course", "leader")]), ("第7期でお願いします", [])],
)
async def test_the_cohort_answer(text, entities):
    slots, _ = await validate(text, "reg_cohort", entities=entities)
    assert slots["reg_cohort"] == "leader-7"


async def test_a_cohort_that_is_not_one_is_asked_again():
    slots, messages = await validate("よくわかりません", "reg_cohort")
    assert slots["reg_cohort"] is None and slots["requested_slot"] == "reg_cohort"
    assert "受付中の期の中からお選びください" in texts(messages)


async def test_a_closed_cohort_ends_the_form_with_the_office_contact():
    slots, messages = await run(
        registration_form.ValidateRegistrationForm(),
        tracker("第6期に応募したい", "register_interest", candidates={"reg_cohort": "leader-6"}),
    )
    assert slots["reg_halt"] == "closed" and slots["requested_slot"] is None
    assert "締め切りました" in texts(messages) and "内線 2345" in texts(messages)
    assert messages[0]["buttons"][0]["payload"] == '/register_interest{"cohort":"leader-7"}'


async def test_after_the_deadline_nothing_is_asked(monkeypatch):
    monkeypatch.setenv("MANABI_TODAY", "2027-04-01")
    slots, messages = await run(
        registration_form.ValidateRegistrationForm(),
        tracker("応募したい", "register_interest", candidates={"reg_cohort": "leader-7"}),
    )
    assert slots["reg_halt"] == "closed" and slots["requested_slot"] is None
    assert "2027年3月31日（水）で締め切りました" in texts(messages) and "内線 2345" in texts(messages)


async def test_registering_twice_answers_with_the_current_status():
    register(PERSON)
    slots, messages = await run(
        registration_form.ValidateRegistrationForm(),
        tracker("応募したい", "register_interest", candidates={"reg_cohort": "leader-7"}),
    )
    assert slots["reg_halt"] == "already_registered"
    assert "すでに登録されています" in texts(messages) and "受付済" in texts(messages)


# --- each answer ------------------------------------------------------------------------------
async def test_name():
    slots, _ = await validate("山田太郎です", "reg_name")
    assert slots["reg_name"] == "山田太郎" and slots["requested_slot"] == "reg_department"
    slots, messages = await validate("はい", "reg_name", intent="affirm")
    assert slots["reg_name"] is None and "お名前を教えてください" in texts(messages)


@pytest.mark.parametrize("text", ["市民課", "市民課です"])
async def test_a_department_given_as_the_name_is_asked_again(text):
    """QA: 「市民課」 to 「お名前は？」 was stored as the name 市民課."""
    slots, messages = await validate(text, "reg_name", entities=[("department", "shimin")])
    assert slots["reg_name"] is None and "お名前" in texts(messages)


async def test_a_surname_ending_like_a_unit_is_a_name():
    slots, _ = await validate("阿部です", "reg_name")
    assert slots["reg_name"] == "阿部"


@pytest.mark.parametrize(
    "text, entities, department",
    [("市民課の佐藤です", [("department", "shimin")], "市民課"), ("総務部総務課の佐藤です", [], "総務部総務課")],
)
async def test_a_name_with_the_department_fills_both(text, entities, department):
    slots, _ = await validate(text, "reg_name", entities=entities)
    assert (slots["reg_name"], slots["reg_department"]) == ("佐藤", department)
    assert slots["requested_slot"] == "reg_staff_number"


@pytest.mark.parametrize(
    "text, entities, value",
    [
        ("福祉課です", [("department", "fukushi")], "福祉政策課"),
        ("環境保全課です", [], "環境保全課"),
        ("総務部総務課に所属しています", [], "総務部総務課"),
    ],
)
async def test_department(text, entities, value):
    slots, _ = await validate(text, "reg_department", entities=entities)
    assert slots["reg_department"] == value


async def test_staff_number():
    slots, _ = await validate("職員番号は２０４５１８です", "reg_staff_number")
    assert slots["reg_staff_number"] == "204518" and slots["requested_slot"] == "reg_recommendation"
    slots, messages = await validate("12345", "reg_staff_number")
    assert slots["reg_staff_number"] is None and "6桁の数字" in texts(messages)


async def test_the_form_does_not_tell_whether_a_colleague_applied_with_a_staff_number():
    """Issue 11: 「別のアカウントからこの期にすでに登録があります」 told anyone typing a colleague's
    職員番号 that the colleague had applied. The form now takes any well-formed number alike."""
    register("aad-other", number="100001")
    taken, taken_messages = await validate("100001", "reg_staff_number")
    free, free_messages = await validate("100002", "reg_staff_number")
    assert (taken["reg_staff_number"], free["reg_staff_number"]) == ("100001", "100002")
    assert texts(taken_messages) == texts(free_messages)


async def test_a_staff_number_someone_else_registered_with_is_refused_at_submit_without_saying_whose():
    """Two Teams accounts cannot both apply to one cohort as 職員番号 100001; the refusal names the
    office, not the colleague, and the office finds the attempt in the audit trail."""
    register("aad-other", number="100001")
    _, messages = await submit({**ANSWERS, "reg_staff_number": "100001", "reg_confirm": "yes"})
    assert store.get(state_db(), PERSON, "leader-7") is None
    reply = texts(messages)
    assert "内線 2345" in reply and "職員番号" in reply and "何も保存していません" in reply
    assert "別のアカウント" not in reply and "すでに登録" not in reply and "既存職員" not in reply
    refused = [a for a in store.audit_trail(state_db(), "leader-7") if a["event"] == "refused"]
    assert [a["person_id"] for a in refused] == [PERSON]
    register("aad-other", cohort="leader-6", number="100002")
    assert store.get(state_db(), "aad-other", "leader-6") is not None  # the number is per cohort


@pytest.mark.parametrize(
    "field, value, label",
    [
        ("reg_name", '=HYPERLINK("http://evil.example","開く")', "お名前"),
        ("reg_name", "＝ＨＹＰＥＲＬＩＮＫ（", "お名前"),
        ("reg_staff_number", "not-a-number", "職員番号"),
        ("reg_motivation", "あ" * 5000, "志望動機"),
        ("reg_recommendation", "president", "推薦区分"),
        ("reg_department", "<script>課", "所属"),
    ],
)
async def test_a_forged_answer_is_refused_by_the_store_and_nothing_is_stored(field, value, label):
    """Issue 11: the submit action trusted the posted slots; the store now checks every field again."""
    _, messages = await submit({**ANSWERS, field: value, "reg_confirm": "yes"})
    assert store.get(state_db(), PERSON, "leader-7") is None
    assert store.audit_trail(state_db(), "leader-7") == []
    assert label in texts(messages) and "内線 2345" in texts(messages) and "受付済" not in texts(messages)


async def test_control_and_bidi_characters_are_stripped_before_storing():
    await submit(
        {
            **ANSWERS,
            "reg_name": "山田\u202e太郎\x07",
            "reg_motivation": "窓口を\u2066オンライン化\u2069したいです\x1b[2J",
            "reg_confirm": "yes",
        }
    )
    stored = store.get(state_db(), PERSON, "leader-7")
    assert (stored.name, stored.motivation) == ("山田太郎", "窓口をオンライン化したいです[2J")


async def test_the_same_person_may_give_their_number_again():
    register(PERSON)
    slots, _ = await validate("100001", "reg_staff_number")
    assert slots["reg_staff_number"] == "100001"


async def test_a_department_that_names_no_unit_is_asked_again():
    slots, messages = await validate("小林です", "reg_department")
    assert slots["reg_department"] is None and "組織の名前で教えてください" in texts(messages)


async def test_staff_number_question_names_the_format():
    _, messages = await run(registration.ActionAskRegStaffNumber(), tracker())
    assert "6桁の数字、例：204518" in texts(messages)


async def test_recommendation_question_offers_both_as_buttons():
    _, messages = await run(registration.ActionAskRegRecommendation(), tracker())
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        '/inform{"recommendation":"self"}',
        '/inform{"recommendation":"manager"}',
    ]


async def test_recommendation_self_skips_the_manager():
    slots, _ = await validate("自薦です", "reg_recommendation", entities=[("recommendation", "self")])
    assert slots["reg_recommendation"] == "self" and slots["requested_slot"] == "reg_motivation"


async def test_recommendation_by_the_manager_asks_for_the_manager():
    slots, _ = await validate("/inform", "reg_recommendation", entities=[("recommendation", "manager")])
    assert slots["reg_recommendation"] == "manager" and slots["requested_slot"] == "reg_manager_name"
    slots, _ = await validate("田中一郎課長です", "reg_manager_name", slots={"reg_recommendation": "manager"})
    assert slots["reg_manager_name"] == "田中一郎課長" and slots["requested_slot"] == "reg_motivation"


async def test_an_unclear_recommendation_is_asked_again():
    slots, messages = await validate("どちらでもいいです", "reg_recommendation")
    assert slots["reg_recommendation"] is None and "「自薦」か「所属長推薦」" in texts(messages)


async def test_motivation_limits():
    slots, messages = await validate("がんばる", "reg_motivation")
    assert slots["reg_motivation"] is None and "10文字以上" in texts(messages)
    slots, messages = await validate("あ" * 401, "reg_motivation")
    assert slots["reg_motivation"] is None and "400文字以内" in texts(messages)
    slots, _ = await validate("住民の手続きをオンラインで完結できるようにしたい", "reg_motivation")
    assert slots["reg_motivation"].startswith("住民") and slots["requested_slot"] == "reg_confirm"


@pytest.mark.parametrize(
    "text, intent",
    [
        ("子育て支援の申請手続きをオンライン化したい", "ask_subsidy_procedure"),
        ("G検定の勉強法を業務に活かしたいです", "ask_study_tips"),
    ],
)
async def test_motivation_that_sounds_like_another_topic_is_still_the_answer(text, intent):
    """Asked for the 志望動機, a statement is the answer even when it reads like a question about
    something else to the classifier."""
    slots, _ = await validate(text, "reg_motivation", intent=intent, confidence=0.97)
    assert slots["reg_motivation"] == text and slots["requested_slot"] == "reg_confirm"


async def test_a_question_while_asked_for_the_motivation_is_not_the_answer():
    slots, _ = await validate("補助の申請方法は？", "reg_motivation", intent="ask_subsidy_procedure", confidence=0.97)
    assert slots.get("reg_motivation") is None


@pytest.mark.parametrize(
    "text, intent, value",
    [("はい", "affirm", "yes"), ("/affirm", "affirm", "yes"), ("いいえ", "deny", "no"), ("はい。", "inform", "yes")],
)
async def test_confirmation(text, intent, value):
    slots, _ = await validate(text, "reg_confirm", intent=intent, known=ANSWERS)
    assert slots["reg_confirm"] == value and slots["requested_slot"] is None


async def test_something_else_than_yes_or_no_is_asked_again():
    slots, messages = await validate("たぶん", "reg_confirm", known=ANSWERS)
    assert slots["reg_confirm"] is None and "「はい」" in texts(messages)


# --- free text does not swallow leaving or questions ------------------------------------------
@pytest.mark.parametrize(
    "text, intent",
    [
        ("やめる", "stop"),
        ("キャンセル", "stop"),
        ("来月の研修は？", "ask_schedule"),
        ("ITパスポートの補助はいくら", "ask_subsidy_amount"),
        ("今日の天気は？", "out_of_scope"),
        ("/ask_schedule", "ask_schedule"),
    ],
)
@pytest.mark.parametrize("requested", ["reg_name", "reg_department", "reg_motivation", "reg_confirm"])
async def test_leaving_and_questions_are_not_answers(text, intent, requested):
    slots, messages = await validate(text, requested, intent=intent)
    assert set(slots) == {"requested_slot"} and messages == []  # the form rejects: a rule takes the turn


async def test_a_low_confidence_question_intent_is_taken_as_free_text():
    slots, _ = await validate("研修で学んだことを係のみんなに広めたい", "reg_motivation", intent="register_interest")
    assert slots["reg_motivation"] == "研修で学んだことを係のみんなに広めたい"


# --- summary, storing ---------------------------------------------------------------------------
async def test_the_summary_shows_every_answer_and_asks_yes_or_no():
    _, messages = await run(registration.ActionAskRegConfirm(), tracker(slots=ANSWERS))
    text = texts(messages)
    for value in ("山田太郎", "市民課", "204518", "自薦", "窓口の手続き", "第7期（令和9年度）"):
        assert value in text
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/affirm", "/deny"]
    assert messages[0]["custom"]["card"]["title"] == "受講希望の登録内容"


async def submit(slots: dict[str, Any], sender: str = PERSON):
    return await run(registration.ActionRegistrationSubmit(), tracker(slots=slots, form=None, sender=sender))


async def test_yes_stores_the_registration_and_clears_the_answers():
    slots, messages = await submit({**ANSWERS, "reg_confirm": "yes"})
    stored = store.get(state_db(), PERSON, "leader-7")
    assert stored.status == "confirmed" and stored.name == "山田太郎" and stored.department_id == "shimin"
    assert stored.channel == "rest"
    assert "**受付済**" in texts(messages) and "受付番号 leader-7-001" in texts(messages)
    assert all(value is None for value in slots.values())


async def test_no_stores_nothing():
    _, messages = await submit({**ANSWERS, "reg_confirm": "no"})
    assert store.get(state_db(), PERSON, "leader-7") is None
    assert "登録は取りやめました" in texts(messages)


async def test_a_full_cohort_puts_the_person_on_the_waitlist():
    for n in range(20):
        register(f"other-{n}")
    _, messages = await submit({**ANSWERS, "reg_confirm": "yes"})
    assert "キャンセル待ち 1番目" in texts(messages)
    assert store.get(state_db(), PERSON, "leader-7").status == "waitlisted"


async def test_a_cohort_closed_by_the_office_before_the_confirmation_stores_nothing(catalogue):
    cohorts.close(catalogue, state_db(), "leader-7", actor="office:test")
    _, messages = await submit({**ANSWERS, "reg_confirm": "yes"})
    assert store.get(state_db(), PERSON, "leader-7") is None
    assert "受け付けていません" in texts(messages)


async def test_submitting_twice_answers_already_registered():
    await submit({**ANSWERS, "reg_confirm": "yes"})
    _, messages = await submit({**ANSWERS, "reg_confirm": "yes"})
    assert "すでに登録されています" in texts(messages)
    assert store.counts(state_db(), "leader-7")["confirmed"] == 1


async def test_a_halted_form_stores_nothing_and_says_nothing_more():
    slots, messages = await submit({**ANSWERS, "reg_confirm": "yes", "reg_halt": "closed"})
    assert messages == [] and store.get(state_db(), PERSON, "leader-7") is None and slots["reg_halt"] is None


async def test_stop_clears_everything():
    state = tracker("やめる", "stop", slots=ANSWERS, form=None)
    state.events.append({"event": "active_loop", "name": "registration_form"})
    slots, messages = await run(registration.ActionRegistrationStop(), state)
    assert "登録を取りやめました" in texts(messages) and all(v is None for v in slots.values())


async def test_a_failing_validation_apologises_and_ends_the_form(monkeypatch):
    def broken(*args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(registration_form, "cohort_status", broken)
    slots, messages = await run(
        registration_form.ValidateRegistrationForm(),
        tracker("応募したい", "register_interest", candidates={"reg_cohort": "leader-7"}),
    )
    assert slots["reg_halt"] == "error" and slots["requested_slot"] is None
    assert "申し訳ありません" in texts(messages) and "disk on fire" not in texts(messages)


# --- my registrations and cancelling ----------------------------------------------------------
async def test_my_registrations_lists_each_status():
    for n in range(20):
        register(f"other-{n}")
    register(PERSON)
    _, messages = await run(ActionAnswer(), tracker("申込状況を教えて", "ask_my_registrations"))
    assert "キャンセル待ち 1番目" in texts(messages) and "leader-7-021" in texts(messages)
    store.cancel(state_db(), PERSON, "leader-7", 20)
    _, messages = await run(ActionAnswer(), tracker("申込状況を教えて", "ask_my_registrations"))
    assert "取消済" in texts(messages)
    _, messages = await run(ActionAnswer(), tracker("申込状況", "ask_my_registrations", sender="nobody"))
    assert "登録されている申込はありません" in texts(messages)


async def test_cancelling_with_nothing_to_cancel():
    slots, messages = await run(
        cancellation.ActionCancellationStart(), tracker("申込を取り消したい", "cancel_registration", form=None)
    )
    assert slots["reg_halt"] == "nothing_to_cancel" and "取り消せるものはありません" in texts(messages)


async def test_a_single_registration_is_chosen_and_confirmed():
    register(PERSON)
    slots, _ = await run(
        cancellation.ActionCancellationStart(), tracker("申込を取り消したい", "cancel_registration", form=None)
    )
    assert slots["reg_cancel_target"] == "leader-7"
    _, messages = await run(
        cancellation.ActionAskRegCancelConfirm(),
        tracker(slots={"reg_cancel_target": "leader-7"}, form="cancel_registration_form"),
    )
    assert "取り消します。よろしいですか" in texts(messages) and "受付済" in texts(messages)
    assert [b["title"] for b in messages[0]["buttons"]] == ["はい", "いいえ"]


async def test_several_registrations_are_offered_as_buttons():
    register(PERSON)
    register(PERSON, "leader-6")
    slots, _ = await run(
        cancellation.ActionCancellationStart(), tracker("申込を取り消したい", "cancel_registration", form=None)
    )
    assert slots["reg_cancel_target"] is None
    _, messages = await run(cancellation.ActionAskRegCancelTarget(), tracker(form="cancel_registration_form"))
    assert {b["payload"] for b in messages[0]["buttons"]} == {
        '/inform{"cohort":"leader-7"}',
        '/inform{"cohort":"leader-6"}',
    }
    slots, _ = await run(
        cancellation.ValidateCancelRegistrationForm(),
        tracker(
            "/inform", entities=[("cohort", "leader-6")], requested="reg_cancel_target", form="cancel_registration_form"
        ),
    )
    assert slots["reg_cancel_target"] == "leader-6" and slots["requested_slot"] == "reg_cancel_confirm"


async def test_yes_cancels_and_promotes_the_first_on_the_waitlist():
    register(PERSON)
    for n in range(20):
        register(f"other-{n}")
    assert store.get(state_db(), "other-19", "leader-7").status == "waitlisted"
    slots, _ = await run(
        cancellation.ValidateCancelRegistrationForm(),
        tracker(
            "はい",
            "affirm",
            slots={"reg_cancel_target": "leader-7"},
            requested="reg_cancel_confirm",
            form="cancel_registration_form",
        ),
    )
    assert slots["reg_cancel_confirm"] == "yes" and slots["requested_slot"] is None
    _, messages = await run(
        cancellation.ActionCancellationSubmit(),
        tracker(slots={"reg_cancel_target": "leader-7", "reg_cancel_confirm": "yes"}, form=None),
    )
    assert "申込を取り消しました" in texts(messages)
    assert store.get(state_db(), PERSON, "leader-7").status == "cancelled"
    assert store.get(state_db(), "other-19", "leader-7").status == "confirmed"


async def test_no_keeps_the_registration():
    register(PERSON)
    _, messages = await run(
        cancellation.ActionCancellationSubmit(),
        tracker(slots={"reg_cancel_target": "leader-7", "reg_cancel_confirm": "no"}, form=None),
    )
    assert "取り消しは行いませんでした" in texts(messages)
    assert store.get(state_db(), PERSON, "leader-7").status == "confirmed"


async def test_a_question_during_the_cancellation_is_not_an_answer():
    register(PERSON)
    slots, messages = await run(
        cancellation.ValidateCancelRegistrationForm(),
        tracker(
            "申込状況を教えて",
            "ask_my_registrations",
            slots={"reg_cancel_target": "leader-7"},
            requested="reg_cancel_confirm",
            form="cancel_registration_form",
        ),
    )
    assert set(slots) == {"requested_slot"} and messages == []


# --- what the first message tells (issue 15) ---------------------------------------------------
async def start_events(text: str, intent: str = "register_interest", **kwargs: Any) -> tuple[list[dict], list[dict]]:
    """ActionRegistrationStart's events (all of them) and messages for a first message."""
    dispatcher = CollectingDispatcher()
    state = tracker(text, intent, form=None, entities=kwargs.pop("entities", [("course", "leader")]), **kwargs)
    events = await registration.ActionRegistrationStart().run(dispatcher, state, DOMAIN)
    return events, dispatcher.messages


def set_slots(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot" and e["value"] is not None}


@pytest.mark.parametrize(
    "text, name, department",
    [
        ("リーダー研修に応募したい。名前は山田太郎です", "山田太郎", None),
        ("リーダー研修に申し込みたい。氏名は佐藤花子、所属は市民課です", "佐藤花子", "市民課"),
        ("市民課の田中一郎です。リーダー研修に申し込みたい", "田中一郎", "市民課"),
        ("福祉課の鈴木と申します。リーダー研修に応募します", "鈴木", "福祉政策課"),  # an alias: the catalogue's name
        ("私は阿部です。リーダー研修に応募したいです", "阿部", None),
        ("環境保全課の小林です。リーダー研修に応募したい", "小林", "環境保全課"),  # a unit the catalogue lacks
    ],
)
async def test_the_name_and_department_the_first_message_gives_are_not_asked_again(text, name, department):
    events, messages = await start_events(text)
    slots = set_slots(events)
    assert slots.get("reg_name") == name and slots.get("reg_department") == department
    assert slots["reg_cohort"] == "leader-7" and messages == []
    # The form starts with them: its validation at activation accepts them silently and asks on.
    filled = {k: v for k, v in slots.items() if k.startswith("reg_")}
    validated, said = await run(
        registration_form.ValidateRegistrationForm(), tracker(text, "register_interest", candidates=filled)
    )
    assert validated["reg_name"] == name and validated["requested_slot"] == (
        "reg_staff_number" if department else "reg_department"
    )
    assert "すみません" not in texts(said)


@pytest.mark.parametrize(
    "text", ["リーダー研修に応募したい", "応募希望です。リーダー研修に", "新人です。リーダー研修に応募したい"]
)
async def test_words_that_are_not_a_name_are_not_taken_for_one(text):
    slots = set_slots((await start_events(text))[0])
    assert "reg_name" not in slots and "reg_department" not in slots


async def test_a_name_that_does_not_pass_the_forms_check_is_simply_asked():
    """「名前は市民課です」 gives a department as the name; Teams gives a name with digits: neither is
    kept, and nothing complains: the form asks for the name as usual."""
    teams = {"channel": "teams", "teams": {"user_name": "Taro 2", "aad_object_id": PERSON}}
    events, messages = await start_events("リーダー研修に応募したい。名前は市民課です", metadata=teams)
    slots = set_slots(events)
    assert "reg_name" not in slots and slots["reg_department"] == "市民課"
    assert messages == []


async def test_the_name_written_in_the_message_comes_before_the_teams_name():
    teams = {"channel": "teams", "teams": {"user_name": "Yamada Taro", "aad_object_id": PERSON}}
    slots = set_slots((await start_events("名前は山田太郎です。リーダー研修に応募したい", metadata=teams))[0])
    assert slots["reg_name"] == "山田太郎"
    slots = set_slots((await start_events("リーダー研修に応募したい", metadata=teams))[0])
    assert slots["reg_name"] == "Yamada Taro"


@pytest.mark.parametrize(
    "text, name, department",
    [
        ("氏名は佐藤花子、所属は市民課です", "佐藤花子", "市民課"),
        ("名前は山田太郎で、所属は福祉課です", "山田太郎", "福祉政策課"),
        ("田中一郎と申します", "田中一郎", None),
    ],
)
async def test_an_answer_to_the_name_that_introduces_the_person_fills_both(text, name, department):
    """Before, 「氏名は佐藤花子、所属は市民課です」 became the name 「佐藤花子、所属は市民課」."""
    slots, _ = await validate(text, "reg_name")
    assert slots["reg_name"] == name and slots.get("reg_department") == department
    assert slots["requested_slot"] == ("reg_staff_number" if department else "reg_department")


# --- a registration start that is a cancellation --------------------------------------------------
CANCEL_WISH = "リーダー研修の申し込みをキャンセルしたい"


async def test_a_wish_to_register_that_is_a_cancellation_gets_the_cancellation():
    """「リーダー研修の申し込みをキャンセルしたい」 classified as register_interest: the start hands over to
    the cancellation, which asks to confirm (it once ended the turn with no answer at all)."""
    register(PERSON)
    events, _ = await start_events(CANCEL_WISH)
    assert [e["name"] for e in events if e["event"] == "followup"] == ["action_cancellation_start"]
    slots = set_slots(events)
    assert slots.get("reg_halt") == "answered"  # the registration form ends before asking anything
    assert not set(slots) & set(REGISTRATION.slots)
    slots, _ = await run(
        cancellation.ActionCancellationStart(),
        tracker(CANCEL_WISH, "register_interest", entities=[("course", "leader")], form=None),
    )
    assert slots["reg_cancel_target"] == "leader-7" and slots["reg_halt"] is None
    _, messages = await run(
        cancellation.ActionAskRegCancelConfirm(),
        tracker(slots={"reg_cancel_target": "leader-7"}, form="cancel_registration_form"),
    )
    assert "取り消します。よろしいですか" in texts(messages) and "受付済" in texts(messages)


async def test_such_a_wish_with_nothing_to_cancel_is_answered_too():
    events, _ = await start_events(CANCEL_WISH)
    assert [e["name"] for e in events if e["event"] == "followup"] == ["action_cancellation_start"]
    slots, messages = await run(
        cancellation.ActionCancellationStart(), tracker(CANCEL_WISH, "register_interest", form=None)
    )
    assert slots["reg_halt"] == "nothing_to_cancel" and "取り消せるものはありません" in texts(messages)
