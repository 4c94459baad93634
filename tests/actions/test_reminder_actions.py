"""Reminders through the answering action: stored in the state DB, listed, cancelled, refused where no
message can reach the person (actions/reminders.py)."""

import datetime as dt

from actions.answer import ActionAnswer
from actions.context import state_db
from bot.clock import JST
from bot.state import reminders
from tests.actions.conftest import run, texts, tracker

PERSON = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"


def said(text, domain, intent="ask_schedule", channel="teams", sender=PERSON, entities=()):
    events = [{"event": "user", "text": text, "input_channel": channel}] if channel else []
    _, messages = run(ActionAnswer(), tracker(text, intent, entities, sender=sender, events=events), domain)
    return texts(messages)


def test_set_list_and_cancel_a_session_reminder(manabi_env, domain):
    reply = said("RPA研修の前の日に教えて", domain, entities=[("course", "rpa")])
    assert "承知しました" in reply and "RPA活用研修（12月16日（水） 10:00〜）" in reply
    assert "12月15日（火） 9:00ごろ" in reply
    (stored,) = reminders.for_person(state_db(), PERSON)
    assert (stored.kind, stored.target, stored.lead_days) == ("session", "rpa-1", 1)
    assert stored.due_at == dt.datetime(2026, 12, 15, 9, tzinfo=JST)

    assert "すでに承っています" in said("RPAの研修、前日に知らせてください", domain, entities=[("course", "rpa")])
    assert len(reminders.for_person(state_db(), PERSON)) == 1  # asked twice, stored once

    said("締め切りの1週間前にリマインドして", domain, intent="ask_course_details")
    listing = said("リマインド一覧", domain, intent="list_courses")
    assert "設定中のリマインドです（2件）" in listing and "3月24日（水） 9:00ごろ" in listing

    which = said("リマインドを取り消して", domain, intent="cancel_registration")
    assert "どれを取り消しますか" in which and len(reminders.for_person(state_db(), PERSON)) == 2
    done = said("RPA研修のリマインドはいらない", domain, intent="ask_course_details", entities=[("course", "rpa")])
    assert "取り消しました" in done and "RPA活用研修" in done
    assert [r.kind for r in reminders.for_person(state_db(), PERSON)] == ["deadline"]
    assert "取り消しました" in said("通知を止めて", domain, intent="stop")
    assert reminders.for_person(state_db(), PERSON) == []
    assert "取り消すリマインドはありません" in said("リマインドを全部取り消して", domain, intent="cancel_registration")


def test_a_web_chat_user_is_told_when_they_will_see_it(manabi_env, domain):
    reply = said("AI勉強会の3日前に通知して", domain, channel="web", sender="web:abcdefghijklmnopqrstu")
    assert "12月6日（日） 9:00ごろ" in reply and "このページを開いたときに表示" in reply


def test_the_local_chat_cannot_be_reached_later(manabi_env, domain):
    reply = said("RPA研修の前日に教えて", domain, channel="rest", sender="local-user")
    assert "Teams か Web チャット" in reply
    assert reminders.for_person(state_db(), "local-user") == []


def test_the_list_when_nothing_is_set(manabi_env, domain):
    assert "設定中のリマインドはありません" in said("設定したリマインドを見せて", domain, intent="ask_my_registrations")
