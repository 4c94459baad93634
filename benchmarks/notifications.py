"""Delivery rates measured at the fake Bot Framework (issue 13, docs/notifications.md).

    python -m benchmarks.notifications [--people 200] [--one-conversation 80] [--json PATH]

Three runs of the real delivery worker with its default settings (Teams' documented limits, real
backoff), each on a fresh state database, against the fake Bot Framework on 127.0.0.1
(bot/devtools/fake_botframework.py), which notes when each message arrives:

* **announcement**: one message to each of ``--people`` applicants (one conversation each): the
  tenant limit (30 a second) sets the pace;
* **one conversation**: ``--one-conversation`` messages to one person: 7 a second, 60 in 30 s;
* **throttled**: 50 applicants while the connector answers 429 (Retry-After: 1) three times and 503
  ten times: everything still arrives once.

For each: the seconds it took, messages per second, and the most messages that arrived within any
1 s and any 30 s (sliding windows over the arrival times).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.machine import machine_facts
from bot.catalogue.build import build
from bot.devtools.delivery import COHORT, START, deliver_all, person, register, with_reference, worker_for
from bot.devtools.fake_botframework import FakeBotFramework
from bot.notifications import announce
from bot.notifications.settings import NotifySettings
from bot.settings import PROJECT_ROOT
from bot.state import db as state
from bot.state import outbox

CATALOGUE = PROJECT_ROOT / "tests" / "catalogue"


async def _run(name: str, workdir: Path, people: int, per_person: int, script: list[tuple[int, str | None]]) -> dict:
    catalogue_db = workdir / "catalogue.sqlite"
    if not catalogue_db.exists():
        build(CATALOGUE, catalogue_db)
    state_db = workdir / f"{name}.sqlite"
    conn = state.connect(state_db)
    async with FakeBotFramework() as fake:
        fake.connector_script = list(script)
        everyone = [person(i) for i in range(people)]
        for who in everyone:
            with_reference(conn, fake, who)
            register(conn, who, seats=20)
        if per_person == 1:
            announce.queue(conn, COHORT, "all", "説明会のお知らせです。", "office:benchmark", START)
        else:
            with state.transaction(conn):
                for number in range(per_person):
                    outbox.enqueue(
                        conn,
                        kind="announcement",
                        person_id=everyone[0].person_id,
                        payload={"cohort_id": COHORT, "text": f"お知らせ {number}"},
                        dedupe_key=f"benchmark:{number}",
                        now=START,
                    )
        worker = worker_for(fake, state_db, catalogue_db, NotifySettings())
        began = time.monotonic()
        await deliver_all(worker, state.connect(state_db), timeout=600)
        seconds = time.monotonic() - began
        arrivals = fake.arrivals()
        per_conversation: dict[str, int] = {}
        for record in arrivals:
            per_conversation[record.conversation_id] = per_conversation.get(record.conversation_id, 0) + 1
        expected = people * per_person
        return {
            "run": name,
            "messages": expected,
            "arrived": len(arrivals),
            "each_once": len(arrivals) == expected and set(per_conversation.values()) == {per_person},
            "refused_by_the_connector": len(script),
            "seconds": round(seconds, 2),
            "messages_per_second": round(len(arrivals) / seconds, 1) if seconds else None,
            "most_in_1s": FakeBotFramework.most_in_window(arrivals, 1.0),
            "most_in_30s": FakeBotFramework.most_in_window(arrivals, 30.0),
        }


async def measure(people: int, one_conversation: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        throttled = [(429, "1")] * 3 + [(503, None)] * 10
        return [
            await _run("announcement", workdir, people, 1, []),
            await _run("one conversation", workdir, 1, one_conversation, []),
            await _run("throttled", workdir, 50, 1, throttled),
        ]


def report(results: list[dict[str, Any]]) -> str:
    lines = [
        "| run | messages | arrived once each | seconds | messages/s | most in any 1 s | most in any 30 s |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r['run']} | {r['messages']} | {'yes' if r['each_once'] else 'NO'} | {r['seconds']} "
            f"| {r['messages_per_second']} | {r['most_in_1s']} | {r['most_in_30s']} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.notifications", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=200, help="applicants of the announcement")
    parser.add_argument("--one-conversation", type=int, default=80, help="messages to one person")
    parser.add_argument("--json", type=Path, help="also write the figures here (docs/benchmarks/notifications.json)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    results = asyncio.run(measure(args.people, args.one_conversation))
    print(report(results))
    if args.json:
        data = {
            "measured_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "command": "python -m benchmarks.notifications " + " ".join(argv if argv is not None else sys.argv[1:]),
            "settings": vars(NotifySettings()),
            "machine": machine_facts(),
            "results": results,
        }
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["each_once"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
