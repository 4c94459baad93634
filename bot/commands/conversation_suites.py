"""``python -m bot evaluate --conversations FILE…``: behavioural suites against the servers.

Without ``--url`` both servers are started on free ports in a temporary folder, with the clock the
suite names (``today:``), a fresh state database and the trained model, exactly as the end-to-end
tests start them; with ``--url`` the suites run against servers that are already running (their
clock must match the suite's). ``--channel teams`` holds the conversations over the Teams webhook with
signed activities from the fake Bot Framework (bot/devtools/teams_transport.py) instead of REST;
``--per-class N`` runs the first N cases of each class (a quick pass over every class).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.evaluation.conversations import (
    Suite,
    SuiteInvalid,
    Transport,
    failures,
    load_suite,
    render_summary,
    rest_transport,
    run_suite,
    summary,
)


def run_suites(args: argparse.Namespace) -> int:
    try:
        suites = [load_suite(path) for path in args.conversations]
    except SuiteInvalid as error:
        print(f"suite invalid: {error}", file=sys.stderr)
        return 2
    clocks = {suite.today for suite in suites}
    catalogues = {suite.catalogue for suite in suites}
    if len(clocks) > 1 or len(catalogues) > 1:
        print("suites pin different clocks or catalogues: run them separately", file=sys.stderr)
        return 2
    if getattr(args, "per_class", None):
        suites = [sample_per_class(suite, args.per_class) for suite in suites]
    channel = getattr(args, "channel", "rest")
    if channel == "teams" and args.url:
        print(
            "--channel teams starts its own servers (the fake Bot Framework signs for them): drop --url",
            file=sys.stderr,
        )
        return 2
    report: dict[str, Any] = {"suites": [], "failures": {}, "channel": channel}
    with ExitStack() as stack:
        if channel == "teams":
            transport = _teams(stack, clocks.pop() or None, catalogues.pop())
        else:
            transport = rest_transport(
                args.url or _local_servers(stack, clocks.pop() or None, catalogues.pop()).rasa_url
            )
        for suite in suites:
            results = run_suite(suite, transport, workers=args.workers, progress=_progress)
            info = summary(suite, results)
            print(render_summary(info))
            report["suites"].append(info)
            report["failures"][suite.name] = failures(results)
    if args.failures:
        args.failures.parent.mkdir(parents=True, exist_ok=True)
        args.failures.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.failures}")
    return 0


def _progress(done: int, total: int) -> None:
    """A counter on an interactive terminal; nothing in logs or CI."""
    if sys.stdout.isatty():
        print(f"\r  {done}/{total}", end="\n" if done == total else "", flush=True)


def sample_per_class(suite: Suite, per_class: int) -> Suite:
    """The first ``per_class`` cases of each class, in suite order."""
    taken: dict[str, int] = {}
    kept = []
    for case in suite.cases:
        if taken.get(case.kind, 0) < per_class:
            taken[case.kind] = taken.get(case.kind, 0) + 1
            kept.append(case)
    return replace(suite, cases=kept)


def _local_servers(stack: ExitStack, today: Any, catalogue: str, extra_env: dict[str, str] | None = None) -> Any:
    from bot.devtools.servers import PINNED_TODAY, ManabiServers
    from bot.settings import PROJECT_ROOT

    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="manabi-suites-")))
    print("starting the servers…", flush=True)
    source = PROJECT_ROOT / catalogue if catalogue else None
    return stack.enter_context(
        ManabiServers(work, today=today or PINNED_TODAY, catalogue_dir=source, extra_env=extra_env)
    )


def _teams(stack: ExitStack, today: Any, catalogue: str) -> Transport:
    from bot.devtools.fake_botframework import FakeInThread
    from bot.devtools.teams_transport import teams_transport

    runner = stack.enter_context(FakeInThread())
    servers = _local_servers(stack, today, catalogue, extra_env=runner.fake.environment())
    return teams_transport(runner, servers.teams_url)
