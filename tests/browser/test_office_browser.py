"""The office console in real headless Chromium: login, cohorts and the CSV, unanswered questions,
feedback, the chart; refusals without a session or a CSRF token."""

from __future__ import annotations

import csv
import io
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from bot.devtools.servers import ManabiServers
from bot.feedback.answers import Answer
from bot.registrations import store
from bot.registrations.model import Application
from bot.state import db as state
from bot.state import feedback, office, unanswered
from tests.browser.conftest import OFFICE_PASSWORD, OFFICE_USER

pytestmark = pytest.mark.e2e

COHORT = "leader-7"
INJECTION = '=HYPERLINK("http://example.invalid","click")'
WEATHER = ["今日の天気は？", "今日の天気は?", "今日の天気を教えて", "今日の天気はどうですか"]


def wait(driver: Any, condition: Any, timeout: float = 30) -> Any:
    # a page that re-renders while the condition reads it (a stale element) is read again
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout, ignored_exceptions=ignored).until(condition)


@pytest.fixture(scope="module")
def seeded(servers: ManabiServers) -> ManabiServers:
    conn = state.connect(servers.settings.state_db)
    first = store.register(
        conn,
        Application(COHORT, "web:browser-seed-1", "山田 花子", "市民課", "204518", "self", INJECTION),
        seats=20,
    )
    second = store.register(
        conn,
        Application(
            COHORT,
            "web:browser-seed-2",
            "佐藤 一郎",
            "税務課",
            "204519",
            "manager",
            "窓口業務の改善に取り組みたい",
            "鈴木課長",
        ),
        seats=20,
    )
    assert first.outcome == second.outcome == store.REGISTERED, (first, second)
    for text in WEATHER + ["給与明細はどこで見られる？"]:
        unanswered.log_question(conn, sender_id="web:x", text=text, reason="out_of_scope", channel="web")
    answer = Answer(
        answer_id="seed#0",
        question="G検定の補助は？",
        text="G検定は補助の対象外です。",
        action="action_subsidy_amount",
        intent="ask_subsidy_amount",
        confidence=0.91,
        answered_at=None,
        data={},
    )
    feedback.rate(conn, answer, sender_id="web:x", rating="down", channel="web", comment="対象だと聞いていました")
    return servers


def log_in(driver: Any, base: str) -> None:
    driver.get(f"{base}/office")
    wait(driver, lambda d: "/office/login" in d.current_url)
    driver.find_element(By.ID, "name").send_keys(OFFICE_USER)
    driver.find_element(By.ID, "password").send_keys(OFFICE_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver, lambda d: d.find_element(By.TAG_NAME, "h1").text == "概要")


def downloaded(folder: Path, timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = [p for p in folder.iterdir() if p.suffix == ".csv"]
        if files:
            return files[0]
        time.sleep(0.2)
    raise AssertionError(f"no CSV arrived in {folder}")


def submit_without_csrf(driver: Any, url: str, fields: dict[str, str]) -> None:
    """Submits a form made in the logged-in page, with the session cookie but no CSRF token."""
    driver.execute_script(
        "const form = document.createElement('form'); form.method = 'post'; form.action = arguments[0];"
        "for (const [name, value] of Object.entries(arguments[1])) {"
        "  const input = document.createElement('input'); input.name = name; input.value = value; form.append(input); }"
        "document.body.append(form); form.submit();",
        url,
        fields,
    )


def post_with_session(driver: Any, url: str, fields: dict[str, str]) -> int:
    """The same request outside the browser, with the browser's session cookie; returns the status."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(), headers={"Cookie": cookie})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_office_console_in_chromium(seeded: ManabiServers, driver: Any, downloads: Path, screenshot: Any) -> None:
    base = seeded.rasa_url
    driver.get(f"{base}/office/login")
    screenshot("office-login")
    log_in(driver, base)
    chart = driver.find_element(By.CSS_SELECTOR, "svg.chart")
    assert chart.get_attribute("role") == "img" and "週ごと" in driver.page_source
    screenshot("office-overview")

    driver.find_element(By.LINK_TEXT, "募集期").click()
    row = wait(driver, lambda d: d.find_element(By.XPATH, f"//tr[.//span[text()='{COHORT}']]"))
    assert "受付中" in row.text
    screenshot("office-cohorts")
    row.find_element(By.TAG_NAME, "a").click()
    wait(driver, lambda d: "登録一覧" in d.page_source)
    assert "山田 花子" in driver.page_source and "204518" in driver.page_source  # personal data, logged in
    assert "市民課" in driver.find_element(By.XPATH, "//section[@aria-labelledby='departments']").text
    screenshot("office-cohort")

    # The CSV: BOM for Excel, the header, and the formula neutralised.
    driver.find_element(By.PARTIAL_LINK_TEXT, "CSVをダウンロード").click()
    data = downloaded(downloads).read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["受付番号", "状態", "キャンセル待ち順位"]
    motivations = {r[3]: r[8] for r in rows[1:]}
    assert motivations["山田 花子"] == "'" + INJECTION
    assert motivations["佐藤 一郎"] == "窓口業務の改善に取り組みたい"

    # Close and reopen, each in the audit trail with the office user's name.
    driver.find_element(By.ID, "close-note").send_keys("定員に達したため")
    driver.find_element(By.XPATH, "//button[contains(., '受付を停止する')]").click()
    wait(driver, lambda d: "受付を停止しました" in d.page_source)
    assert "受付停止（事務局）" in driver.page_source
    driver.find_element(By.XPATH, "//button[contains(., '受付を再開する')]").click()
    wait(driver, lambda d: "受付を再開しました" in d.page_source)
    conn = state.connect(seeded.settings.state_db)
    events = [(r["event"], r["actor"]) for r in store.audit_trail(conn, cohort_id=COHORT)]
    assert ("cohort_closed", f"office:{OFFICE_USER}") in events and (
        "cohort_reopened",
        f"office:{OFFICE_USER}",
    ) in events

    # Unanswered questions: similar wordings are one group; its status and note are saved.
    driver.find_element(By.LINK_TEXT, "未回答の質問").click()
    group = wait(
        driver, lambda d: d.find_element(By.XPATH, "//li[contains(@class,'group')][.//h2[contains(., '天気')]]")
    )
    assert f"{len(WEATHER)}件" in group.find_element(By.TAG_NAME, "h2").text
    group.find_element(By.XPATH, ".//select/option[@value='done']").click()
    group.find_element(By.XPATH, ".//input[@name='note']").send_keys("FAQに天気は対象外と追記")
    group.find_element(By.XPATH, ".//button[contains(., '保存')]").click()
    wait(driver, lambda d: "対応状況を保存しました" in d.page_source)
    group = driver.find_element(By.XPATH, "//li[contains(@class,'group')][.//h2[contains(., '天気')]]")
    assert "対応済み" in group.text and OFFICE_USER in group.text
    reviews = unanswered.reviews(conn)
    assert {r["status"] for r in reviews.values()} == {"done"} and len(reviews) >= 2
    assert any(r["event"] == "unanswered_reviewed" and r["user_name"] == OFFICE_USER for r in office.audit_trail(conn))
    screenshot("office-unanswered")

    # A change without the CSRF token is refused (and changes nothing).
    key = group.find_element(By.XPATH, ".//input[@name='group']").get_attribute("value")
    review_url = f"{base}/office/unanswered/review"
    assert post_with_session(driver, review_url, {"group": key, "status": "open"}) == 403
    submit_without_csrf(driver, review_url, {"group": key, "status": "open"})
    wait(driver, lambda d: "フォームの有効期限が切れました" in d.page_source)
    assert {r["status"] for r in unanswered.reviews(conn).values()} == {"done"}

    driver.find_element(By.LINK_TEXT, "回答への評価").click()
    wait(driver, lambda d: "対象だと聞いていました" in d.page_source)
    assert "G検定の補助は？" in driver.page_source and "G検定は補助の対象外です。" in driver.page_source
    screenshot("office-feedback")

    # Logged out: pages go to the login, downloads are refused.
    driver.find_element(By.XPATH, "//button[contains(., 'ログアウト')]").click()
    wait(driver, lambda d: "ログアウトしました" in d.page_source)
    driver.get(f"{base}/office/cohorts/{COHORT}")
    wait(driver, lambda d: "/office/login" in d.current_url)
    assert "山田 花子" not in driver.page_source
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/office/cohorts/{COHORT}/registrations.csv", timeout=10)
    assert refused.value.code == 403


def test_wrong_password_is_refused_and_audited(seeded: ManabiServers, driver: Any) -> None:
    driver.get(f"{seeded.rasa_url}/office/login")
    driver.find_element(By.ID, "name").send_keys(OFFICE_USER)
    driver.find_element(By.ID, "password").send_keys("not-the-password")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait(driver, lambda d: "ユーザー名またはパスワードが違います" in d.page_source)
    conn = state.connect(seeded.settings.state_db)
    assert any(r["event"] == "login_failed" and r["target"] == OFFICE_USER for r in office.audit_trail(conn))
