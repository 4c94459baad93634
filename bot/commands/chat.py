"""``python -m bot chat``: talk to the running assistant from the terminal (REST channel).

Buttons are shown numbered; typing the number sends the button's payload, as a click would.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import Any

from bot.channels import REST_WEBHOOK
from bot.settings import load_settings

QUIT_WORDS = {"/quit", "/exit", "quit", "exit", "終了"}


def register(subparsers: argparse._SubParsersAction) -> None:
    settings = load_settings()
    parser = subparsers.add_parser("chat", help="chat with the running assistant in this terminal")
    parser.add_argument("--url", default=settings.rasa_url, help=f"Rasa server (default {settings.rasa_url})")
    parser.add_argument(
        "--sender",
        default=f"{getpass.getuser()}-{uuid.uuid4().hex[:6]}",
        help="conversation id (default: your user name plus a random suffix)",
    )
    parser.set_defaults(handler=run)


def send(url: str, sender: str, text: str, timeout: float = 30.0) -> list[dict[str, Any]]:
    """One user message to the REST channel; returns the bot's messages."""
    body = json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url + REST_WEBHOOK, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        messages: list[dict[str, Any]] = json.loads(response.read().decode("utf-8"))
        return messages


def render(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Print the bot's messages; returns the buttons offered last (for numbered replies)."""
    buttons: list[dict[str, str]] = []
    for message in messages:
        if message.get("text"):
            print(f"\nまなび> {message['text']}")
        if message.get("buttons"):
            buttons = message["buttons"]
            for number, button in enumerate(buttons, 1):
                print(f"   [{number}] {button['title']}")
    print()
    return buttons


def run(args: argparse.Namespace) -> int:
    return chat_loop(args.url, args.sender)


def chat_loop(url: str, sender: str) -> int:
    """Read lines, send them, print the answers, until /quit or end of input."""
    print(f"まなびアシスタントに接続しました（{url}）。終了するには /quit と入力してください。")
    buttons: list[dict[str, str]] = []
    text = "/greet"
    while True:
        try:
            buttons = render(send(url, sender, text)) or buttons
        except urllib.error.HTTPError as error:
            if error.code != 413:  # anything but "too large": the server is not answering properly
                print(f"アシスタントから応答がありません（{url}）: {error}", file=sys.stderr)
                return 1
            print("\nまなび> メッセージが長すぎて受け取れませんでした。短くするか、分けて送ってください。\n")
        except (urllib.error.URLError, OSError, ValueError) as error:
            print(f"アシスタントから応答がありません（{url}）: {error}", file=sys.stderr)
            return 1
        line = _read_line()
        if line is None or line in QUIT_WORDS:
            return 0
        text = buttons[int(line) - 1]["payload"] if line.isdigit() and 1 <= int(line) <= len(buttons) else line


def _read_line() -> str | None:
    """The next non-empty line, or None at end of input."""
    while True:
        try:
            text = input("あなた> ").strip()
        except EOFError:
            return None
        if text:
            return text
