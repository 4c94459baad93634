"""Each Rasa patch's own effect: ``python -m benchmarks.ablation [--rounds 3] [--system ours|stock]``.

Runs the scripted conversation in-process (``benchmarks.profile --no-profile``: Rasa's CPU time per
turn, the action server apart) with every patch on, with those of issue 5 off and the tracker store
as it was before issue 5, and with each patch left out in turn, in interleaved rounds so that a busy
moment of the shared machine hits all variants alike. Reports medians; the effect of a patch is
(its leave-one-out variant − all on). Results: var/benchmarks/ablation-<system>.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from benchmarks.diet_predict import PATCH as DIET_PREDICT
from benchmarks.systems import BENCH_DIR, SYSTEMS
from bot.rasa_patches import SKIPPABLE
from bot.settings import PROJECT_ROOT

Variant = tuple[str, str, str]  # label, patches off, tracker store
BEFORE_ISSUE_5 = ("action_schema",)  # the compiled response schema came earlier


def variants(system: str) -> list[Variant]:
    names = SKIPPABLE if system == "ours" else ("graph_runner", DIET_PREDICT.name, "state_history", "rule_matching")
    since_issue_5 = [name for name in SKIPPABLE if name not in BEFORE_ISSUE_5]
    if system != "ours":
        since_issue_5.append(DIET_PREDICT.name)
    found: list[Variant] = [
        ("all patches", "", "manabi"),
        ("before issue 5", ",".join(since_issue_5), "previous"),
        ("without: tracker store event cache", "", "manabi-nocache"),
        ("without: tracker store rewrite (previous store)", "", "previous"),
    ]
    found += [(f"without: {name}", name, "manabi") for name in names]
    return found


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.ablation", description=__doc__)
    parser.add_argument("--system", default="ours", choices=sorted(SYSTEMS))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-n", "--conversations", type=int, default=10)
    args = parser.parse_args()

    raw = BENCH_DIR / f"ablation-{args.system}.jsonl"
    raw.unlink(missing_ok=True)
    runs = variants(args.system)
    for round_index in range(args.rounds):
        ordered = runs if round_index % 2 == 0 else list(reversed(runs))
        for label, off, store in ordered:
            command = [
                sys.executable,
                "-m",
                "benchmarks.profile",
                "--system",
                args.system,
                "-n",
                str(args.conversations),
                "--no-profile",
                "--patches-off",
                off,
                "--tracker-store",
                store,
                "--json",
                str(raw),
            ]
            done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-3000:], file=sys.stderr)
                return 1
            print(f"round {round_index + 1}: {label} done", flush=True)
    lines = [json.loads(line) for line in raw.read_text(encoding="utf-8").splitlines()]
    table = summarise(runs, lines)
    out = BENCH_DIR / f"ablation-{args.system}.json"
    out.write_text(
        json.dumps({"system": args.system, "rounds": args.rounds, "variants": table}, indent=2, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    print(markdown(table))
    print(f"\nraw: {raw}\nsummary: {out}")
    return 0


def summarise(runs: list[Variant], lines: list[dict]) -> list[dict]:
    table = []
    for label, off, store in runs:
        mine = [line for line in lines if line["patches_off"] == off and line["tracker_store"] == store]
        phases = sorted({name for line in mine for name in line["phases_ms"]})
        table.append(
            {
                "variant": label,
                "patches_off": off,
                "tracker_store": store,
                "runs": len(mine),
                "rasa_cpu_ms_per_turn": round(statistics.median(line["rasa_cpu_ms"] for line in mine), 2),
                "all_runs": [line["rasa_cpu_ms"] for line in mine],
                "phases_ms": {
                    name: round(statistics.median(line["phases_ms"].get(name, 0) for line in mine), 2)
                    for name in phases
                    if not name.startswith("  node")
                },
            }
        )
    base = table[0]["rasa_cpu_ms_per_turn"]
    for row in table:
        row["vs_all_patches_ms"] = round(row["rasa_cpu_ms_per_turn"] - base, 2)
    return table


def markdown(table: list[dict]) -> str:
    lines = ["| variant | Rasa CPU ms/turn (median) | vs all patches | runs |", "| --- | ---: | ---: | ---: |"]
    for row in table:
        lines.append(
            f"| {row['variant']} | {row['rasa_cpu_ms_per_turn']:.2f} | {row['vs_all_patches_ms']:+.2f} | "
            f"{' / '.join(f'{v:.1f}' for v in row['all_runs'])} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
