"""The staff web chat in real headless Chromium against the real Rasa and action servers."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from bot.devtools.servers import ManabiServers
from bot.state import db as state
from bot.state import feedback

pytestmark = pytest.mark.e2e

# Enter pressed while the IME is composing: once flagged by isComposing, once only by keyCode 229
# (what Safari and some IMEs send). Returns whether the page cancelled either key (it must not).
COMPOSE_AND_PRESS_ENTER = """
const box = document.getElementById('message');
box.dispatchEvent(new CompositionEvent('compositionstart', {bubbles: true, data: ''}));
const init = {key: 'Enter', code: 'Enter', bubbles: true, cancelable: true};
const during = new KeyboardEvent('keydown', {...init, isComposing: true});
box.dispatchEvent(during);
box.dispatchEvent(new CompositionEvent('compositionend', {bubbles: true, data: '補助'}));
const legacy = new KeyboardEvent('keydown', init);
Object.defineProperty(legacy, 'keyCode', {get: () => 229});
box.dispatchEvent(legacy);
return [during.defaultPrevented, legacy.defaultPrevented];
"""

# WCAG contrast of an element's text against the first opaque background behind it.
CONTRAST = """
function rgb(value) {
  const m = value.match(/[\\d.]+/g).map(Number);
  return m.length > 3 && m[3] === 0 ? null : m.slice(0, 3);
}
function lum(c) {
  const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b; }
const out = [];
for (const el of document.querySelectorAll(arguments[0])) {
  let node = el, bg = null;
  while (node && !bg) { bg = rgb(getComputedStyle(node).backgroundColor); node = node.parentElement; }
  const fg = rgb(getComputedStyle(el).color);
  const [a, b] = [lum(fg), lum(bg || [255, 255, 255])].sort((x, y) => y - x);
  out.push([el.className || el.tagName, (a + 0.05) / (b + 0.05)]);
}
return out;
"""


def wait(driver: Any, condition: Any, timeout: float = 30) -> Any:
    # a page that re-renders while the condition reads it (a stale element) is read again
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout, ignored_exceptions=ignored).until(condition)


def bot_messages(driver: Any) -> list[Any]:
    return driver.find_elements(By.CSS_SELECTOR, "#log .msg.bot")


def wait_for_answer(driver: Any, before: int) -> Any:
    """The newest bot message once a turn has added one and the typing indicator is gone."""
    wait(driver, lambda d: len(bot_messages(d)) > before and d.find_element(By.ID, "typing").get_attribute("hidden"))
    return bot_messages(driver)[-1]


def open_chat(driver: Any, servers: ManabiServers) -> None:
    driver.get(f"{servers.rasa_url}/chat")
    wait(driver, lambda d: d.find_element(By.ID, "chat").get_attribute("data-ready") == "true")


def test_chat_in_chromium(servers: ManabiServers, driver: Any, screenshot: Any) -> None:
    open_chat(driver, servers)
    log = driver.find_element(By.ID, "log")
    assert (log.get_attribute("role"), log.get_attribute("aria-live")) == ("log", "polite")
    greeting = wait(driver, lambda d: bot_messages(d) and bot_messages(d)[0])
    assert "まなびアシスタント" in greeting.text

    # A question typed with the IME: Enter while composing does not send; Enter after it does.
    box = driver.find_element(By.ID, "message")
    box.send_keys("ITパスポートの補助はいくら？")
    assert driver.execute_script(COMPOSE_AND_PRESS_ENTER) == [False, False]
    assert driver.find_elements(By.CSS_SELECTOR, "#log .msg.user") == []
    assert box.get_attribute("value") == "ITパスポートの補助はいくら？"
    before = len(bot_messages(driver))
    box.send_keys(Keys.ENTER)
    answer = wait_for_answer(driver, before)
    assert driver.find_elements(By.CSS_SELECTOR, "#log .msg.user")[-1].text.endswith("ITパスポートの補助はいくら？")
    card = answer.find_element(By.CSS_SELECTOR, ".card")
    assert "受験料補助" in card.find_element(By.TAG_NAME, "h2").text
    assert "3,750円" in card.text and "7,500円" in card.text
    assert box.get_attribute("value") == ""

    # Rate it 👍.
    answer.find_element(By.CSS_SELECTOR, ".rate button[data-rating='up']").click()
    wait(driver, lambda d: answer.find_element(By.CSS_SELECTOR, ".thanks").text)
    assert answer.find_element(By.CSS_SELECTOR, "[data-rating='up']").get_attribute("aria-pressed") == "true"

    # A card button sends its payload; the chat shows its title as the person's message.
    before = len(bot_messages(driver))
    card.find_element(By.XPATH, ".//button[contains(., '勉強法')]").click()
    tips = wait_for_answer(driver, before)
    assert "ITパスポート" in tips.text and "勉強" in tips.text
    assert "勉強法" in driver.find_elements(By.CSS_SELECTOR, "#log .msg.user")[-1].text

    # 👎 with a comment.
    tips.find_element(By.CSS_SELECTOR, ".rate button[data-rating='down']").click()
    comment = wait(driver, lambda d: tips.find_element(By.CSS_SELECTOR, ".comment textarea"))
    comment.send_keys("過去問の入手先も知りたい")
    tips.find_element(By.CSS_SELECTOR, ".comment button").click()
    wait(driver, lambda d: "コメント" in tips.find_element(By.CSS_SELECTOR, ".thanks").text)

    # Shift+Enter is a new line; empty and over-long input get a polite message, not a silent reply.
    box.send_keys("一行目", Keys.SHIFT, Keys.ENTER, Keys.NULL, "二行目")
    assert box.get_attribute("value") == "一行目\n二行目"
    box.clear()
    before = len(bot_messages(driver))
    driver.find_element(By.ID, "send").click()
    assert "空" in wait_for_answer(driver, before).text
    driver.execute_script(
        "const b = document.getElementById('message'); b.value = 'あ'.repeat(arguments[0]);"
        "b.dispatchEvent(new Event('input'));",
        501,
    )
    counter = driver.find_element(By.ID, "counter")
    assert counter.text == "501 / 500" and "over" in counter.get_attribute("class")
    before = len(bot_messages(driver))
    box.send_keys(Keys.ENTER)
    assert "長すぎます" in wait_for_answer(driver, before).text
    box.clear()
    box.send_keys("x")
    box.send_keys(Keys.BACKSPACE)

    # Keyboard: Tab from the message box reaches the send button, with a visible focus ring.
    box.send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.get_attribute("id") == "send"
    assert driver.execute_script("return getComputedStyle(arguments[0]).outlineStyle", focused) == "solid"
    for name, ratio in driver.execute_script(CONTRAST, ".msg, .help, .counter, #send, .rate button, .top p"):
        assert ratio >= 4.5, f"{name}: contrast {ratio:.2f} is below WCAG AA"
    screenshot("chat")

    # Reload: the conversation and the ratings are shown again.
    driver.refresh()
    wait(driver, lambda d: d.find_element(By.ID, "chat").get_attribute("data-ready") == "true")
    users = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#log .msg.user")]
    assert any("ITパスポートの補助はいくら？" in text for text in users)
    rated = driver.find_element(By.CSS_SELECTOR, "#log .card").find_element(By.XPATH, "./..")
    assert rated.find_element(By.CSS_SELECTOR, "[data-rating='up']").get_attribute("aria-pressed") == "true"

    rows = feedback.list_feedback(state.connect(servers.settings.state_db))
    by_rating = {row["rating"]: row for row in rows}
    assert by_rating["up"]["question"] == "ITパスポートの補助はいくら？"
    assert by_rating["up"]["intent"] == "ask_subsidy_amount" and by_rating["up"]["action"]
    assert by_rating["up"]["confidence"] is not None and by_rating["up"]["channel"] == "web"
    assert by_rating["down"]["comment"] == "過去問の入手先も知りたい"
    assert "勉強法" in by_rating["down"]["question"]

    # Registration from the web still asks for the 職員番号.
    for text, expected in (
        ("リーダー研修に応募したい", "お名前"),
        ("山田太郎です", "所属"),
        ("環境保全課です", "職員番号"),
    ):
        before = len(bot_messages(driver))
        box = driver.find_element(By.ID, "message")
        box.send_keys(text, Keys.ENTER)
        assert expected in wait_for_answer(driver, before).text
    before = len(bot_messages(driver))
    driver.find_element(By.ID, "message").send_keys("やめる", Keys.ENTER)
    wait_for_answer(driver, before)


@pytest.mark.parametrize("width", [360, 640])  # a phone, and a 1280 px window at 200 % zoom
def test_chat_reflows_on_narrow_windows(servers: ManabiServers, driver: Any, screenshot: Any, width: int) -> None:
    driver.set_window_size(width, 800)
    open_chat(driver, servers)
    before = len(bot_messages(driver))
    driver.find_element(By.ID, "message").send_keys("RPA研修はいつ？", Keys.ENTER)
    wait_for_answer(driver, before)
    overflow = driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1, f"horizontal scrolling at {width}px"
    if width == 360:
        screenshot("chat-narrow")


def test_chat_api_refuses_requests_from_elsewhere(servers: ManabiServers) -> None:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        f"{servers.rasa_url}/chat/api/message",
        data=b'{"text": "hello"}',
        headers={"Content-Type": "application/json"},  # no X-Manabi-Chat: what a form on another site sends
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
