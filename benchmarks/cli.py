"""Runs the benchmark: train, serve, drive, measure, report (see docs/performance.md, "Method")."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import subprocess
import sys
from typing import Any, cast

from bot.settings import PROJECT_ROOT

FULL_CONVERSATIONS = {1: 20, 8: 40, 32: 96}  # per repeat: 200, 400 and 960 messages
QUICK_CONVERSATIONS = {1: 3, 8: 8, 32: 32}
JSON_OUT = PROJECT_ROOT / "docs" / "benchmarks" / "latest.json"
QUICK_JSON_OUT = PROJECT_ROOT / "var" / "benchmarks" / "quick.json"
REPORT_OUT = PROJECT_ROOT / "docs" / "performance.md"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--quick",
        action="store_true",
        help="short run for iterating: 1 repeat, few conversations, no retraining of current "
        "models, docs/ left alone unless --write",
    )
    parser.add_argument("--systems", default="ours,stock", help="comma-separated: ours, stock (default both)")
    parser.add_argument("--channels", default="rest,teams", help="comma-separated: rest, teams (default both)")
    parser.add_argument("--concurrency", default="1,8,32", help="comma-separated concurrency levels")
    parser.add_argument("--repeats", type=int, default=None, help="measurement repeats (default 3; quick 1)")
    parser.add_argument(
        "--conversations",
        type=int,
        default=None,
        help="conversations per level and repeat (default 20/40/96 for 1/8/32; quick 3/8/32)",
    )
    parser.add_argument(
        "--think-ms",
        type=float,
        default=1000,
        help="also measure --paced-concurrency users who pause about this long before each "
        "message (0: skip that measurement)",
    )
    parser.add_argument("--paced-concurrency", type=int, default=8)
    parser.add_argument(
        "--paced-conversations",
        type=int,
        default=None,
        help="conversations for the paced measurement (default 16; quick 8)",
    )
    parser.add_argument(
        "--no-train",
        nargs="?",
        const="ours,stock",
        default="",
        metavar="SYSTEMS",
        help="do not train (all systems, or the comma-separated ones given); use the models as they are",
    )
    parser.add_argument("--retrain", action="store_true", help="full training even in quick mode")
    parser.add_argument("--write", action="store_true", help="quick mode: still write docs/")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/ (results go to var/benchmarks/)")
    parser.add_argument(
        "--max-load",
        type=float,
        default=0.5,
        help="wait for the 1-minute load average to drop below this before starting (0: no wait)",
    )
    parser.add_argument(
        "--max-busy",
        type=float,
        default=0.35,
        help="before each measurement, wait until fewer than this many CPUs are busy",
    )
    parser.add_argument(
        "--quiet-timeout",
        type=float,
        default=900,
        help="before starting and before each training: give up waiting for a quiet machine after "
        "this many seconds (measured anyway, noted in the report)",
    )
    parser.add_argument("--block-quiet-timeout", type=float, default=90, help="the same before each measurement block")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


def log(message: str) -> None:
    print(message, flush=True)


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def run(args: argparse.Namespace) -> int:
    from benchmarks import machine, report
    from benchmarks.systems import SYSTEMS, train

    systems = [SYSTEMS[key] for key in _csv(args.systems)]
    channels = _csv(args.channels)
    levels = [int(c) for c in _csv(args.concurrency)]
    repeats = args.repeats or (1 if args.quick else 3)
    plan = QUICK_CONVERSATIONS if args.quick else FULL_CONVERSATIONS
    conversations = {c: max(c, args.conversations or plan.get(c, 3 * c)) for c in levels}
    paced = None
    if args.think_ms > 0:
        paced = {
            "concurrency": args.paced_concurrency,
            "think_ms": args.think_ms,
            "conversations": max(args.paced_concurrency, args.paced_conversations or (8 if args.quick else 16)),
        }
    write_docs = (not args.quick or args.write) and not args.no_write

    results: dict[str, Any] = {
        "started": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "command": _command_line(),
        "git": _git(),
        "machine": machine.machine_facts(),
        "plan": {
            "systems": [s.key for s in systems],
            "channels": channels,
            "concurrency": levels,
            "repeats": repeats,
            "conversations": conversations,
            "paced": paced,
            "quiet": {
                "max_load": args.max_load,
                "max_busy": args.max_busy,
                "timeout_s": args.quiet_timeout,
                "block_timeout_s": args.block_quiet_timeout,
            },
        },
        "quiet": [],
    }
    log(
        f"Manabi benchmark ({results['mode']}): systems {[s.key for s in systems]}, channels {channels}, "
        f"concurrency {levels}, {repeats} repeat(s)"
    )

    def quiet(label: str, check_load: bool = False, timeout: float | None = None) -> None:
        """Waits for a quiet machine; the load average only counts before our own servers run."""
        seen = machine.wait_for_quiet(
            args.max_load if check_load else 0,
            args.max_busy,
            args.quiet_timeout if timeout is None else timeout,
            log=log,
        )
        results["quiet"].append({"before": label, **seen})

    quiet("start", check_load=True)

    # 1. training ------------------------------------------------------------------------------
    results["training"] = {}
    untrained = set(_csv(args.no_train))
    for system in systems:
        force = system.key not in untrained and (args.retrain or not args.quick)
        if system.key in untrained:
            results["training"][system.key] = {"trained": False, "seconds": None, "model": str(system.model)}
            continue
        if force:
            quiet(f"training {system.key}")
        results["training"][system.key] = train(system, force=force, log=log)

    # 2. serving and load ----------------------------------------------------------------------
    asyncio.run(
        _serve_and_load(
            systems, channels, levels, repeats, conversations, paced, results, quiet, args.block_quiet_timeout
        )
    )
    results["finished"] = datetime_now()
    report.summarise(results)

    out = JSON_OUT if write_docs else QUICK_JSON_OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log(f"\nraw results: {out.relative_to(PROJECT_ROOT)}")
    log(report.console_tables(results))
    if write_docs:
        report.write_markdown(results, REPORT_OUT)
        log(f"report: {REPORT_OUT.relative_to(PROJECT_ROOT)}")
    return 0


def _command_line() -> str:
    """How this run was started, for the report."""
    script = sys.argv[0].replace("\\", "/")
    if script.endswith("bot/__main__.py"):
        return " ".join(["python -m bot"] + sys.argv[1:])
    if script.endswith("benchmarks/__main__.py"):
        return " ".join(["python -m benchmarks"] + sys.argv[1:])
    return "python -m benchmarks"


def datetime_now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


async def _serve_and_load(
    systems: Any,
    channels: Any,
    levels: Any,
    repeats: int,
    conversations: Any,
    paced: Any,
    results: dict[str, Any],
    quiet: Any,
    block_timeout: float,
) -> None:
    import aiohttp

    from benchmarks import load
    from benchmarks.systems import RunningSystem

    results["runs"] = []
    results["servers"] = {}
    results["replies_per_turn"] = {}
    results["sample_conversation"] = {}
    async with load.TimedBotFramework() as fake:
        running: dict[str, RunningSystem] = {}
        connector = aiohttp.TCPConnector(limit=0, force_close=False)
        async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as session:
            try:
                for system in systems:
                    log(f"  starting {system.key} servers …")
                    running[system.key] = await asyncio.to_thread(RunningSystem(system, fake.environment()).start)
                drivers: dict[tuple, Any] = {}
                for system in systems:
                    url = running[system.key].rasa_url
                    for channel in channels:
                        driver: load.RestDriver | load.TeamsDriver
                        if channel == "rest":
                            driver = load.RestDriver(url, session)
                            sample = await _sample_conversation(driver)
                            results["sample_conversation"][system.key] = sample
                            replies = [turn["messages"] for turn in sample]
                        else:
                            teams = load.TeamsDriver(url, session, cast(load.TimedBotFramework, fake))
                            replies = await load.learn_replies(teams)
                            teams.replies_per_turn = replies
                            driver = teams
                        results["replies_per_turn"][f"{system.key}/{channel}"] = replies
                        # warm-up: one conversation alone, then 8 at once (not measured)
                        await load.run_conversation(driver)
                        await load.run_load(driver, 8, 8)
                        drivers[(system.key, channel)] = driver
                log(f"  warmed up; replies per turn: {results['replies_per_turn']}")
                blocks = [(level, conversations[level], 0.0) for level in levels]
                if paced:
                    blocks.append((paced["concurrency"], paced["conversations"], paced["think_ms"]))
                for repeat in range(repeats):
                    order = systems if repeat % 2 == 0 else list(reversed(systems))
                    for channel in channels:
                        for level, count, think_ms in blocks:
                            for system in order:
                                label = (
                                    f"{system.key} {channel} c={level}"
                                    + (f" think {think_ms:.0f} ms" if think_ms else "")
                                    + f" #{repeat + 1}"
                                )
                                quiet(label, timeout=block_timeout)
                                result = await load.run_load(
                                    drivers[(system.key, channel)],
                                    level,
                                    count,
                                    cpu_probe=running[system.key].cpu_seconds,
                                    think_ms=think_ms,
                                    seed=repeat,
                                )
                                summary = {"system": system.key, "repeat": repeat + 1, **result.summary()}
                                results["runs"].append(summary)
                                log(
                                    f"  {label}: p50 {summary['p50_ms']:.1f} ms, p95 {summary['p95_ms']:.1f} ms, "
                                    f"p99 {summary['p99_ms']:.1f} ms, {summary['msgs_per_s']:.1f} msg/s, "
                                    f"CPU ms/msg: Rasa {summary.get('rasa_cpu_ms_per_msg', 0):.1f}, "
                                    f"actions {summary.get('actions_cpu_ms_per_msg', 0):.1f}, "
                                    f"client {summary['client_cpu_ms_per_msg']:.1f}"
                                    + (
                                        f", {summary['errors']} ERRORS: {summary['error_samples']}"
                                        if summary["errors"]
                                        else ""
                                    )
                                )
            except Exception:
                for key, system in running.items():
                    log(f"--- {key} logs ---\n{system.log_tail()}")
                raise
            finally:
                for key, system in running.items():
                    results["servers"][key] = await asyncio.to_thread(system.stop)


async def _sample_conversation(driver: Any) -> list[dict[str, Any]]:
    """One REST conversation, keeping what the bot answered (first line of each message)."""
    from benchmarks.script import SCRIPT

    conversation = driver.new_conversation()
    turns = []
    for _index, (text, purpose) in enumerate(SCRIPT):
        async with driver.session.post(driver.url, json={"sender": conversation["sender"], "message": text}) as r:
            body = await r.json(content_type=None)
        turns.append(
            {
                "user": text,
                "purpose": purpose,
                "messages": len(body),
                "bot": [
                    (m.get("text") or json.dumps(m.get("custom"), ensure_ascii=False) or "").splitlines()[0][:80]
                    for m in body
                ],
            }
        )
    return turns


def _git() -> dict[str, Any]:
    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "--short", "HEAD"), "dirty": bool(git("status", "--porcelain"))}
