"""Schedule, course list and course detail actions with today pinned to 2026-11-24."""

from actions.schedules import ActionAnswerSchedule, ActionCourseDetails, ActionListCourses
from tests.actions.conftest import run, slot_events, texts, tracker


def test_next_session_of_a_named_course(manabi_env, domain):
    events, messages = run(
        ActionAnswerSchedule(), tracker("RPA研修はいつ？", "ask_schedule", [("course", "rpa")]), domain
    )
    assert "2026年12月16日（水） 10:00〜11:30" in texts(messages)
    assert "ハンズオン" in texts(messages)
    assert slot_events(events) == {"course": "rpa"}


def test_course_resolved_from_text_without_an_entity(manabi_env, domain):
    _, messages = run(ActionAnswerSchedule(), tracker("ｴｸｾﾙ講座の日程", "ask_schedule"), domain)
    assert "2027年1月15日（金） 13:30〜16:30" in texts(messages)
    assert "2027年2月19日（金）" in texts(messages)


def test_next_month(manabi_env, domain):
    _, messages = run(ActionAnswerSchedule(), tracker("来月の研修は？", "ask_schedule"), domain)
    reply = texts(messages)
    assert reply.startswith("2026年12月の研修は2件です。")
    assert "12月9日（水） 15:00〜17:00 AI勉強会" in reply and "12月16日（水） 10:00〜11:30 RPA活用研修" in reply
    assert "全職員向けデジタル基礎研修" in reply  # the e-learning runs all month
    assert messages[0]["custom"]["card"]["title"] == "2026年12月の研修"


def test_a_named_month(manabi_env, domain):
    reply = texts(run(ActionAnswerSchedule(), tracker("1月の研修", "ask_schedule"), domain)[1])
    for expected in ["1月13日（水）", "1月15日（金）", "1月20日（水）", "1月21日（木）", "1月28日（木）"]:
        assert expected in reply


def test_a_month_without_training(manabi_env, domain):
    reply = texts(run(ActionAnswerSchedule(), tracker("2027年12月の研修", "ask_schedule"), domain)[1])
    assert "2027年12月に予定されている研修はありません" in reply


def test_a_month_during_a_cohort_names_the_cohort(manabi_env, domain):
    """The leader training's 第7期 runs May–November 2027: those months are not empty."""
    reply = texts(run(ActionAnswerSchedule(), tracker("2027年8月の研修", "ask_schedule"), domain)[1])
    assert "第7期（2027年5月〜2027年11月" in reply and "予定されている研修はありません" not in reply


def test_remembered_course_answers_a_bare_when(manabi_env, domain):
    reply = texts(
        run(ActionAnswerSchedule(), tracker("次はいつ？", "ask_schedule", slots={"course": "ai_study"}), domain)[1]
    )
    assert "2026年12月9日（水） 15:00〜17:00" in reply


def test_cohort_course_gives_the_cohort_period(manabi_env, domain):
    _, messages = run(
        ActionAnswerSchedule(), tracker("リーダー研修はいつ？", "ask_schedule", [("course", "leader")]), domain
    )
    reply = texts(messages)
    assert "第7期（令和9年度）は2027年5月〜2027年11月" in reply
    assert "2027年3月31日（水）まで" in reply
    assert any(b["payload"].startswith("/register_interest") for b in messages[0]["buttons"])


def test_exam_date_points_to_the_organiser_and_the_course(manabi_env, domain):
    reply = texts(
        run(ActionAnswerSchedule(), tracker("G検定はいつ？", "ask_schedule", [("exam", "g_kentei")]), domain)[1]
    )
    assert "JDLA" in reply and "AI勉強会" in reply and "2026年12月9日（水）" in reply


def test_no_course_asks_which(manabi_env, domain):
    events, messages = run(ActionAnswerSchedule(), tracker("日程を教えて", "ask_schedule"), domain)
    assert "どの研修" in texts(messages) and len(messages[0]["buttons"]) == 9
    assert events == []


def test_course_details_of_the_leader_programme(manabi_env, domain):
    _, messages = run(
        ActionCourseDetails(), tracker("リーダー研修の内容は？", "ask_course_details", [("course", "leader")]), domain
    )
    reply = texts(messages)
    for expected in [
        "約200時間",
        "定員：20名",
        "概ね30代",
        "自薦",
        "所属長推薦",
        "Power Apps",
        "kintone",
        "9月〜10月（80〜100時間）課題解決プロジェクト",
        "11月（20時間）政策提案",
        "2027年3月31日（水）",
    ]:
        assert expected in reply, expected


def test_course_list(manabi_env, domain):
    _, messages = run(ActionListCourses(), tracker("どんな研修がある？", "list_courses"), domain)
    reply = texts(messages)
    assert reply.count("研修") >= 9 and "リーダー育成" in reply and "次回 12月9日（水）" in reply


def test_venue_question_gets_the_venues(manabi_env, domain):
    reply = texts(
        run(
            ActionCourseDetails(),
            tracker("エクセル講座の会場はどこですか", "ask_course_details", [("course", "excel")]),
            domain,
        )[1]
    )
    assert "会場です" in reply and "2027年1月15日（金） 13:30〜16:30：集合・本庁舎 5階 研修室" in reply
    assert "カリキュラム" not in reply


def test_seats_question(manabi_env, domain):
    reply = texts(
        run(
            ActionCourseDetails(),
            tracker("リーダー研修の定員は？", "ask_course_details", [("course", "leader")]),
            domain,
        )[1]
    )
    assert "第7期の定員は20名" in reply
    reply = texts(
        run(ActionCourseDetails(), tracker("定員は何人？", "ask_course_details", slots={"course": "excel"}), domain)[1]
    )
    assert "定員はこのアシスタントに登録されていません" in reply and "内線 2345" in reply


def test_two_courses_in_one_question_get_both_schedules(manabi_env, domain):
    events, messages = run(ActionAnswerSchedule(), tracker("RPA研修とAI-OCR研修はいつ？", "ask_schedule"), domain)
    reply = texts(messages)
    assert "RPA" in messages[0]["text"] and "AI-OCR" in messages[-1]["text"]
    assert slot_events(events) == {"course": "ai_ocr"}
    assert "2026年" in reply


def history(*turns):
    """Earlier events: (user text, the action that answered it) per turn, then the current message."""
    events = []
    for text, answered_by in turns:
        events += [
            {"event": "user", "text": text},
            {"event": "action", "name": answered_by},
            {"event": "action", "name": "action_listen"},
        ]
    return events


def follow_up(text, intent, turns, **kwargs):
    return tracker(text, intent, events=history(*turns) + [{"event": "user", "text": text}], **kwargs)


def test_deadline_of_the_course_talked_about(manabi_env, domain):
    state = follow_up(
        "締め切りは？",
        "ask_course_details",
        [("リーダー研修について教えて", "action_course_details")],
        slots={"course": "leader"},
    )
    messages = run(ActionCourseDetails(), state, domain)[1]
    assert texts(messages).startswith(
        "**デジタル行政推進リーダー育成研修** 第7期の受講希望の登録締切は**2027年3月31日（水）**"
    )
    assert messages[0]["buttons"][0]["payload"] == '/register_interest{"course":"leader"}'


def test_deadline_of_a_course_without_cohort_is_how_to_apply(manabi_env, domain):
    reply = texts(
        run(ActionCourseDetails(), tracker("申込期限は？", "ask_course_details", slots={"course": "excel"}), domain)[1]
    )
    assert reply.startswith("**Excelを利用したデータ分析体験講座**の申込方法：") and "1週間前まで" in reply


def test_deadline_right_after_the_procedure_is_the_subsidy_deadline(manabi_env, domain):
    state = follow_up(
        "期限はいつまで？",
        "ask_course_details",
        [("補助の申請方法は？", "action_subsidy_procedure")],
        slots={"course": "leader", "exam": "itpass"},
    )
    events, messages = run(ActionCourseDetails(), state, domain)
    assert texts(messages) == "受験料補助の申請期限は、**合格発表日から3か月以内**です。"
    assert events == []


def test_who_is_eligible_right_after_a_subsidy_answer(manabi_env, domain):
    state = follow_up(
        "対象者は？", "ask_course_details", [("DBの補助額は？", "action_subsidy_amount")], slots={"exam": "db"}
    )
    reply = texts(run(ActionCourseDetails(), state, domain)[1])
    assert "データベーススペシャリスト試験の受験料補助の対象となる条件" in reply
    assert "正規職員・再任用職員は補助の対象です。" in reply and "情報部門（デジタル行政戦略課）" in reply


def test_target_of_a_course(manabi_env, domain):
    state = follow_up(
        "対象者は？", "ask_course_details", [("RPA研修はいつ？", "action_answer_schedule")], slots={"course": "rpa"}
    )
    assert (
        texts(run(ActionCourseDetails(), state, domain)[1])
        == "**RPA活用研修**の対象は「RPAの導入・活用を検討している職員」です。"
    )


def test_content_question_gets_the_whole_description_even_with_a_fact_word(manabi_env, domain):
    reply = texts(
        run(
            ActionCourseDetails(),
            tracker("リーダー研修の内容と対象を教えて", "ask_course_details", [("course", "leader")]),
            domain,
        )[1]
    )
    assert "カリキュラム" in reply


def test_the_following_month_after_a_month_listing(manabi_env, domain):
    state = follow_up("その次の月は？", "ask_schedule", [("1月の研修は？", "action_answer_schedule")])
    assert texts(run(ActionAnswerSchedule(), state, domain)[1]).startswith("2027年2月の研修は")
    chained = follow_up(
        "その次の月は？",
        "ask_schedule",
        [("1月の研修は？", "action_answer_schedule"), ("その次の月は？", "action_answer_schedule")],
    )
    assert texts(run(ActionAnswerSchedule(), chained, domain)[1]).startswith("2027年3月")


def test_where_right_after_the_amount_is_where_to_apply(manabi_env, domain):
    state = follow_up(
        "どこに出せばいい？",
        "ask_course_details",
        [("G検の補助はいくら", "action_subsidy_amount")],
        slots={"exam": "g_kentei", "course": "excel"},
    )
    reply = texts(run(ActionCourseDetails(), state, domain)[1])
    assert reply.startswith("G検定の受験料補助の申請方法です。") and "電子申請システム" in reply


def test_two_facts_asked_together_get_both(manabi_env, domain):
    messages = run(
        ActionCourseDetails(), tracker("会場と定員は？", "ask_course_details", slots={"course": "leader"}), domain
    )[1]
    assert len(messages) == 2 and "会場" in messages[0]["text"] and "定員は20名" in messages[1]["text"]


def test_a_course_list_for_a_period_lists_that_period(manabi_env, domain):
    """QA: 「年内の研修一覧」 (list_courses) gave every course, January–March included."""
    reply = texts(run(ActionListCourses(), tracker("年内に受けられる研修の一覧", "list_courses"), domain)[1])
    assert reply.startswith("年内（11月24日（火）〜12月31日（木））の研修は") and "2027年1月" not in reply


def test_fact_questions_typed_in_hiragana(manabi_env, domain):
    reply = texts(
        run(ActionCourseDetails(), tracker("しめきりは？", "ask_course_details", slots={"course": "leader"}), domain)[1]
    )
    assert "登録締切は**2027年3月31日（水）**" in reply and "カリキュラム" not in reply
