"""``python -m bot benchmark [--quick] …``: the speed/size benchmark (``make bench``).

The benchmark lives in the top-level ``benchmarks`` package of the repository (it drives the
servers with the test harness and the fake Bot Framework). Registering the command imports only
its option definitions (``benchmarks.cli``, standard library only); the machinery, and with it
any test code, is imported when the command runs. The bot package itself never imports tests.
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="measure training time, latency, throughput and memory against stock Rasa",
        description="Trains both models, serves each, drives REST and Teams conversations at 1/8/32 "
        "concurrent users and writes docs/performance.md (method and results: that file).",
    )
    try:
        from benchmarks.cli import add_arguments
    except ImportError:  # a copy of the bot without the repository's benchmarks/ folder
        parser.set_defaults(handler=_unavailable)
        return
    add_arguments(parser)
    parser.set_defaults(handler=run_benchmark)


def run_benchmark(args: argparse.Namespace) -> int:
    from benchmarks.cli import run

    return run(args)


def _unavailable(_: argparse.Namespace) -> int:
    print("the benchmark needs the repository checkout (its benchmarks/ folder)")
    return 1
