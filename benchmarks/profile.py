"""Profile Rasa's side of a turn in-process: ``python -m benchmarks.profile [--model …] [-n 20]``.

Loads the model with ``Agent.load`` (our tracker store, an action server started as bot.launcher
starts it, Manabi's Rasa patches applied as the server applies them), runs the scripted conversation ``-n`` times and
prints cProfile statistics measured in **CPU time** (``time.process_time``), so other work on a
shared machine does not distort them, plus the CPU time the action server used per turn.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import logging
import os
import pstats
import shutil
import time
from pathlib import Path

from benchmarks.machine import cpu_seconds
from benchmarks.script import SCRIPT
from benchmarks.systems import BENCH_DIR, OURS, SYSTEMS
from bot import launcher
from bot.devtools.servers import settings_in


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("--system", default=OURS.key, choices=sorted(SYSTEMS))
    parser.add_argument("--model", default=None, help="model archive (default: the benchmark's model)")
    parser.add_argument("-n", "--conversations", type=int, default=20)
    parser.add_argument("--top", type=int, default=45)
    parser.add_argument("--sort", default="tottime,cumulative")
    parser.add_argument("--dump", default=None, help="write the raw pstats here")
    parser.add_argument("--no-patches", action="store_true", help="do not apply bot.rasa_patches (Rasa's own code)")
    parser.add_argument("--no-profile", action="store_true", help="only the unprofiled timing and phases")
    parser.add_argument("--patches-off", default="", help="comma-separated patch names to leave out")
    parser.add_argument(
        "--tracker-store",
        default="manabi",
        choices=["manabi", "manabi-nocache", "previous"],
        help="bot.rasa_patches.tracker_store as it is, without its event cache, or as it was before issue 5 "
        "(Rasa's SQLTrackerStore with pooled WAL connections)",
    )
    parser.add_argument("--json", default=None, help="append the unprofiled numbers as one JSON line here")
    args = parser.parse_args()

    workdir = BENCH_DIR / "profile"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    settings = settings_in(workdir, action_port=launcher.free_port())
    env = launcher.server_environment(settings, {"MANABI_TRACKER_DB": str(workdir / "trackers.sqlite")})
    for key in ("MANABI_CATALOGUE_DB", "MANABI_STATE_DB", "MANABI_TODAY", "MANABI_TRACKER_DB", "MANABI_ACTION_SECRET"):
        os.environ[key] = env[key]
    for key, value in launcher.QUIET_ENV.items():
        os.environ.setdefault(key, value)
    actions = launcher.action_server(settings, env)
    actions.start(timeout=60)
    try:
        asyncio.run(_profile(args, settings, workdir, actions.process.pid))
    finally:
        actions.stop()


async def _profile(args, settings, workdir: Path, action_pid: int) -> None:
    from bot.rasa_patches.keep_alive import close_shared_sessions

    try:
        await _measure(args, settings, workdir, action_pid)
    finally:
        await close_shared_sessions()  # the kept-alive action server connection, as the server does on stop


async def _measure(args, settings, workdir: Path, action_pid: int) -> None:
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from benchmarks.baseline_server import BASELINE_PATCHES
    from bot import rasa_patches

    # as `rasa run --quiet` configures logging (debug log calls are filtered, not rendered)
    configure_logging_and_warnings(logging.WARNING, warn_only_once=True, filter_repeated_logs=True)
    configure_structlog(logging.WARNING)
    if not args.no_patches:  # as the system's Rasa server applies them
        extra = BASELINE_PATCHES if args.system == "stock" else ()
        rasa_patches.apply(skip=[name for name in args.patches_off.split(",") if name], extra=extra)
    model = args.model or str(SYSTEMS[args.system].model)
    started = time.perf_counter()
    from bot.action_server import SECRET_HEADER
    from bot.launcher import ACTION_SECRET_VARIABLE

    secret = {SECRET_HEADER: os.environ[ACTION_SECRET_VARIABLE]}  # the action server refuses calls without it
    agent = Agent.load(model, action_endpoint=EndpointConfig(settings.action_url, headers=secret))
    agent.tracker_store = _tracker_store(args.tracker_store, agent.domain, workdir / "trackers.sqlite")
    agent.processor.tracker_store = agent.tracker_store
    print(f"model loaded in {time.perf_counter() - started:.1f}s: {model}")

    async def conversation(n: int) -> None:
        for text, _ in SCRIPT:
            await agent.handle_message(UserMessage(text, CollectingOutputChannel(), f"profile-{n}"))

    for n in range(2):  # warm-up
        await conversation(-1 - n)
    phases = _time_phases(agent)
    turns = args.conversations * len(SCRIPT)
    actions_before = cpu_seconds([action_pid])
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    for n in range(args.conversations):
        await conversation(1000 + n)
    cpu = time.process_time() - cpu_before
    wall = time.perf_counter() - wall_before
    action_cpu = cpu_seconds([action_pid]) - actions_before
    print(
        f"not profiled, {turns} turns: Rasa CPU {1000 * cpu / turns:.2f} ms/turn, wall {1000 * wall / turns:.2f} "
        f"ms/turn, action server CPU {1000 * action_cpu / turns:.2f} ms/turn",
        flush=True,
    )
    print(
        "  Rasa CPU per turn by phase:\n"
        + "\n".join(f"    {name}: {1000 * seconds / turns:.2f} ms" for name, seconds in phases.items()),
        flush=True,
    )
    if args.json:
        import json

        with open(args.json, "a", encoding="utf-8") as out:
            out.write(
                json.dumps(
                    {
                        "model": model,
                        "patches_off": args.patches_off,
                        "tracker_store": args.tracker_store,
                        "turns": turns,
                        "rasa_cpu_ms": round(1000 * cpu / turns, 3),
                        "wall_ms": round(1000 * wall / turns, 3),
                        "actions_cpu_ms": round(1000 * action_cpu / turns, 3),
                        "phases_ms": {name: round(1000 * seconds / turns, 3) for name, seconds in phases.items()},
                    }
                )
                + "\n"
            )
    phases.clear()
    if args.no_profile:
        return
    profiler = cProfile.Profile(time.process_time)
    actions_before = cpu_seconds([action_pid])
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    profiler.enable()
    for n in range(args.conversations):
        await conversation(n)
    profiler.disable()
    cpu = time.process_time() - cpu_before
    wall = time.perf_counter() - wall_before
    action_cpu = cpu_seconds([action_pid]) - actions_before
    print(
        f"profiled, {turns} turns: Rasa CPU {1000 * cpu / turns:.2f} ms/turn (profiled), "
        f"wall {1000 * wall / turns:.2f} ms/turn, action server CPU {1000 * action_cpu / turns:.2f} ms/turn"
    )
    if args.dump:
        profiler.dump_stats(args.dump)
    for key in args.sort.split(","):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(args.top)
        print(out.getvalue())


def _tracker_store(kind: str, domain, path: Path):
    from bot.rasa_patches.tracker_store import SQLiteTrackerStore

    if kind == "manabi":
        return SQLiteTrackerStore(domain, db=str(path))
    if kind == "manabi-nocache":
        return SQLiteTrackerStore(domain, db=str(path), cache_events=0)
    # the tracker store before issue 5: Rasa's SQLTrackerStore (ORM, re-reads and re-parses the
    # whole conversation each turn, counts its rows on each save) on pooled WAL connections
    from rasa.core.tracker_store import SQLTrackerStore

    from bot.rasa_patches.tracker_store import prepare_tracker_db, use_pooled_wal_engine

    prepare_tracker_db(path)
    store = SQLTrackerStore(domain=domain, dialect="sqlite", db=str(path))
    use_pooled_wal_engine(store)
    return store


def _time_phases(agent) -> dict:
    """Wraps the processor's and tracker store's steps to add up the CPU time each takes."""
    import functools
    import inspect

    totals: dict = {}

    def wrap(owner, attribute: str, phase: str) -> None:
        original = getattr(owner, attribute)
        totals.setdefault(phase, 0.0)
        if inspect.iscoroutinefunction(original):

            @functools.wraps(original)
            async def timed(*args, **kwargs):
                started = time.process_time()
                try:
                    return await original(*args, **kwargs)
                finally:
                    totals[phase] = totals.get(phase, 0.0) + time.process_time() - started
        else:

            @functools.wraps(original)
            def timed(*args, **kwargs):
                started = time.process_time()
                try:
                    return original(*args, **kwargs)
                finally:
                    totals[phase] = totals.get(phase, 0.0) + time.process_time() - started

        setattr(owner, attribute, timed)

    from rasa.engine.graph import GraphNode

    node_call = GraphNode.__call__

    def timed_node(self, *inputs):
        started = time.process_time()
        try:
            return node_call(self, *inputs)
        finally:
            key = f"  node {self._node_name}"
            totals[key] = totals.get(key, 0.0) + time.process_time() - started

    GraphNode.__call__ = timed_node
    processor = agent.processor
    wrap(processor.tracker_store, "retrieve", "tracker retrieve")
    wrap(processor.tracker_store, "save", "tracker save")
    wrap(processor, "_parse_message_with_graph", "NLU")
    wrap(processor, "_predict_next_with_tracker", "policies")
    wrap(processor, "_run_action", "actions (incl. their tracker work)")
    wrap(processor, "handle_message", "whole turn")
    return totals


if __name__ == "__main__":
    main()
