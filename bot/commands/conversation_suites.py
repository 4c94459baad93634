"""``python -m bot evaluate --conversations FILE…``: behavioural suites against the servers.

Without ``--url`` both servers are started on free ports in a temporary folder, with the clock the
suite names (``today:``), a fresh state database and the trained model, exactly as the end-to-end
tests start them; with ``--url`` the suites run against servers that are already running (their
clock must match the suite's).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bot.evaluation.conversations import (
    SuiteInvalid,
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
    report: dict[str, Any] = {"suites": [], "failures": {}}
    with ExitStack() as stack:
        url = args.url or _local_servers(stack, clocks.pop() or None, catalogues.pop())
        transport = rest_transport(url)
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


def _local_servers(stack: ExitStack, today: Any, catalogue: str) -> str:
    from bot.devtools.servers import PINNED_TODAY, ManabiServers
    from bot.settings import PROJECT_ROOT

    work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="manabi-suites-")))
    print("starting the servers…", flush=True)
    source = PROJECT_ROOT / catalogue if catalogue else None
    servers = stack.enter_context(ManabiServers(work, today=today or PINNED_TODAY, catalogue_dir=source))
    return servers.rasa_url
