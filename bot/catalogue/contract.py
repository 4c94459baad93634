"""The ids the code answers for: what ``data/catalogue/question_words.yml`` and ``subsidy.yml`` may name.

The office adds words freely, but an ask, topic or marker id is a promise that some code answers it
(:mod:`bot.answers.route` decides which answer each ask gets). The catalogue build refuses ids that
are not here, with the file and line, so a typo never becomes a silently ignored word list.
"""

from __future__ import annotations

# Which fact a question asks for (question_words.yml ``asks``), with what each means.
ASKS = {
    "when": "いつ（日程）",
    "next": "次回・いちばん近い回",
    "last": "最後の回",
    "count": "あと何回・件数",
    "shortest": "いちばん短い研修",
    "longest": "いちばん長い研修",
    "cheapest": "受験料がいちばん安い試験",
    "priciest": "受験料がいちばん高い試験",
    "organizer": "試験の実施団体・公式サイト",
    "list": "一覧",
    "deadline": "締め切り・期限",
    "venue": "会場",
    "format": "実施形式",
    "seats": "定員",
    "target": "対象者・条件",
    "hours": "所要時間",
    "content": "内容",
    "how_to_apply": "参加・申込の方法",
    "amount": "補助額",
    "available": "補助が出るか",
    "fee": "受験料",
    "total": "合計額",
    "rate": "補助率",
    "rounding": "端数処理",
    "times": "補助の回数",
    "payment": "支給の時期と方法",
    "documents": "必要書類",
    "where_to_apply": "申請先",
    "procedure": "申請手続き",
    "eligibility": "補助の対象になるか",
    "study": "勉強法",
    "study_hours": "勉強時間の目安",
    "study_group": "一緒に勉強する場",
    "register": "受講希望の登録",
    "apply_here": "このチャットから応募できるか",
    "my_status": "自分の申込状況",
    "cancel": "申込の取り消し",
    "contact": "問い合わせ先",
    "remind": "リマインドの設定（研修の前日、締め切りの前などに知らせてほしい）",
    "remind_deadline": "締め切りの前に知らせてほしい（受講希望の締め切りのリマインド）",
    "reminders": "設定中のリマインドの一覧",
    "unremind": "リマインドの取り消し",
}

# What a question is about (``topics``; also the ``topics`` of each ask). ``reminder``: a request to be
# told later (bot/answers/reminders.py); it wins over what the reminder is about.
TOPICS = ("course", "exam", "subsidy", "study", "registration", "contact", "reminder")

# The nature of a sentence (``markers``).
MARKERS = ("hypothetical", "denial", "other_person", "correction", "reference", "elapsed")

# Facts about the person that words alone tell (``facts``).
FACT_WORDS = ("previous_subsidy", "past_deadline")

# Words that never point at a course or exam by themselves, although names contain them
# (``generic``: 研修, 活用, 向上 …); the build leaves them out of the words computed from names.
GENERIC = ("generic",)

# Facts a subsidy rule may test: ``check`` rules ask for the first three, ``limit`` rules compare
# the two numbers when the person tells them.
CHECK_FACTS = ("employment_type", "pass_status", "department")
LIMIT_FACTS = ("months_since_pass", "previous_subsidies")
RULE_FACTS = CHECK_FACTS + LIMIT_FACTS
