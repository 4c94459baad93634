"""The cluster against the single-node default, in one run on one machine (docs/performance.md).

    .venv/bin/python -m benchmarks.cluster [--conversations 48] [--out docs/benchmarks/cluster.json]

Three systems, started one after the other, each measured with the same closed-loop load
(benchmarks/load.py: the 10-turn script, REST, no pause between messages) at 8 and 32 users:

* ``single``: ``make run``'s shape: one Rasa server and one action server on SQLite files;
* ``cluster-1``: the cluster's machinery with one replica: HAProxy, PostgreSQL, Redis locks;
* ``cluster-2``: ``make cluster``: two Rasa servers and two action servers behind HAProxy.

``single`` against ``cluster-1`` is the price of the shared stores and the balancer; ``cluster-1``
against ``cluster-2`` is what a second replica buys on this machine. Before each measurement it
waits (up to a minute) for the CPUs to be quiet, and records what it saw.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp

from benchmarks.load import RestDriver, run_load
from benchmarks.machine import cpu_seconds, machine_facts, process_tree, wait_for_quiet
from bot import launcher
from bot.catalogue.build import build
from bot.deploy.cluster import LocalCluster
from bot.devtools.servers import MODEL, PINNED_TODAY, ManabiServers
from bot.settings import PROJECT_ROOT, load_settings

USERS = (8, 32)


Probe = Callable[[], dict[str, float]]


def probe(parts: dict[str, list[Any]]) -> Probe:
    """CPU seconds used so far by each part's processes and their children (PostgreSQL's backends)."""

    def seconds() -> dict[str, float]:
        return {
            name: sum(cpu_seconds(process_tree(p.process.pid)) for p in processes if p.running())
            for name, processes in parts.items()
        }

    return seconds


async def _measure(url: str, users: int, conversations: int, cpu: Probe) -> dict[str, Any]:
    async with aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0), timeout=aiohttp.ClientTimeout(total=120)
    ) as session:
        driver = RestDriver(url, session)
        await run_load(driver, 2, 2)  # warm-up: caches, connections, first predictions
        return (await run_load(driver, users, conversations, cpu_probe=cpu)).summary()


def measure(url: str, conversations: int, cpu: Probe, log: Any) -> list[dict[str, Any]]:
    """Throughput and latency at each number of users, and the CPU every part used per message:
    on a busy machine the first two suffer, the CPU per message much less."""
    results = []
    for users in USERS:
        quiet = wait_for_quiet(max_load=0, max_busy=0.5, timeout=60, log=log)
        summary = asyncio.run(_measure(url, users, max(conversations, users * 2), cpu))
        summary["machine_before"] = quiet
        log(
            f"    {users} users: {summary['msgs_per_s']} msg/s, p95 {summary['p95_ms']} ms, "
            f"{summary['server_cpu_ms_per_msg']} ms CPU/msg, {summary['errors']} errors"
        )
        results.append(summary)
    return results


def run_single(workdir: Path, conversations: int, log: Any) -> list[dict[str, Any]]:
    log("single node (SQLite)")
    with ManabiServers(workdir / "single") as servers:
        return measure(
            servers.rasa_url, conversations, probe({"rasa": [servers.rasa], "actions": [servers.actions]}), log
        )


def run_cluster(workdir: Path, replicas: int, conversations: int, log: Any) -> list[dict[str, Any]]:
    log(f"cluster, {replicas} replica(s) (PostgreSQL, Redis, HAProxy)")
    base = workdir / f"cluster-{replicas}"
    base.mkdir(parents=True)
    settings = replace(
        load_settings({k: v for k, v in os.environ.items() if k == "MANABI_CATALOGUE_DIR"}),
        catalogue_db=base / "catalogue.sqlite",
        today=PINNED_TODAY,
        rasa_port=launcher.free_port(),
        log_dir=base / "log",
    )
    build(settings.catalogue_dir, settings.catalogue_db)
    cluster = LocalCluster(settings, MODEL, base_dir=base, replicas=replicas, durable=True)
    cluster.start()
    parts = {
        "rasa": list(cluster.rasa_servers),
        "actions": list(cluster.action_servers),
        "postgres": [cluster.postgres],
        "redis": [cluster.redis],
        "haproxy": [cluster.balancer],
    }
    try:
        return measure(cluster.url, conversations, probe(parts), log)
    finally:
        cluster.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=48, help="scripted conversations per measurement")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "benchmarks" / "cluster.json")
    parser.add_argument("--table", action="store_true", help="only print the table of the last run (--out)")
    args = parser.parse_args(argv)
    if args.table:
        print(table(json.loads(args.out.read_text(encoding="utf-8"))))
        return 0
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run `make train` first")
        return 1

    def log(message: str) -> None:
        print(message, flush=True)

    workdir = Path(tempfile.mkdtemp(prefix="manabi-bench-cluster-"))  # /tmp: the postgres user reaches it
    started = time.time()
    try:
        systems = {
            "single": run_single(workdir, args.conversations, log),
            "cluster-1": run_cluster(workdir, 1, args.conversations, log),
            "cluster-2": run_cluster(workdir, 2, args.conversations, log),
        }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report = {
        "command": "python -m benchmarks.cluster " + " ".join(argv or []),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "seconds": round(time.time() - started),
        "machine": machine_facts(),
        "systems": systems,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    log(table(report))
    return 0


def table(report: dict[str, Any]) -> str:
    """The results as the Markdown table of docs/performance.md (``--table`` prints it again)."""
    parts = ("rasa", "actions", "postgres", "redis", "haproxy")
    lines = [
        "| system | users | messages/s | p50 ms | p95 ms | CPU ms/msg | " + " | ".join(parts) + " | CPUs busy before |",
        "| --- | ---: | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in parts) + " | ---: |",
    ]
    for name, results in report["systems"].items():
        for r in results:
            cells = " | ".join(str(r.get(f"{part}_cpu_ms_per_msg", "–")) for part in parts)
            lines.append(
                f"| {name} | {r['concurrency']} | {r['msgs_per_s']} | {r['p50_ms']} | {r['p95_ms']} | "
                f"{r['server_cpu_ms_per_msg']} | {cells} | {r['machine_before']['busy_cpus']} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
