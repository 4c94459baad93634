"""``python -m bot evaluate``: NLU quality of our pipeline against two baselines (issue 5).

Trains our pipeline (config.yml), baseline 1 (char TF-IDF + logistic regression) and baseline 2
(stock Rasa, configs/baseline-stock.yml) on data/nlu; scores them on tests/nlu/heldout.yml and
tests/nlu/dev.yml; writes docs/nlu-report.md, docs/nlu-report.json and docs/nlu-confusion.png.

Baseline 2 trains for a long time (Rasa's default 300 DIET epochs); its model is kept in
models/nlu-baseline-stock.tar.gz and reused while its inputs are unchanged (``--retrain-stock``
forces training). For tuning, ``--sets dev --systems ours --no-write`` trains only our pipeline
and prints dev scores (``--errors`` lists the dev errors). Never tune on the held-out set.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shlex
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bot.settings import PROJECT_ROOT, load_settings

ALL_SYSTEMS = ("tfidf", "ours", "stock")
ALL_SETS = ("heldout", "dev")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("evaluate", help="measure NLU quality against two baselines (docs/nlu-report.md)")
    parser.add_argument(
        "--systems",
        default=",".join(ALL_SYSTEMS),
        help="comma-separated subset of: tfidf (baseline 1), ours, stock (baseline 2)",
    )
    parser.add_argument("--sets", default=",".join(ALL_SETS), help="comma-separated subset of: heldout, dev")
    parser.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml", help="our pipeline's config")
    parser.add_argument("--seed", type=int, default=None, help="override our DIETClassifier random_seed")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs", help="where the report goes")
    parser.add_argument("--no-write", action="store_true", help="print the scores only, write no report")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw results to this file")
    parser.add_argument("--errors", action="store_true", help="print the dev-set errors (never held-out ones)")
    parser.add_argument(
        "--retrain-stock",
        action="store_true",
        help="train baseline 2 even if models/nlu-baseline-stock.tar.gz was trained from the same inputs",
    )
    conversations = parser.add_argument_group(
        "behavioural suites", "run YAML conversation suites against the servers instead (tests/conversations/)"
    )
    conversations.add_argument(
        "--conversations",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="suite files to run; without --url, servers are started with the suite's clock",
    )
    conversations.add_argument("--url", default=None, help="a running Rasa server, e.g. http://127.0.0.1:5005")
    conversations.add_argument("--workers", type=int, default=4, help="conversations held at once")
    conversations.add_argument(
        "--channel",
        choices=("rest", "teams"),
        default="rest",
        help="hold the conversations over the local REST channel or over Teams (signed, fake Bot Framework)",
    )
    conversations.add_argument(
        "--per-class", type=int, default=None, metavar="N", help="only the first N cases of each class"
    )
    conversations.add_argument(
        "--failures",
        type=Path,
        default=None,
        help="write the failed cases with their replies to this JSON file (a local report)",
    )
    parser.set_defaults(handler=run)


def _choices(value: str, allowed: tuple, what: str) -> tuple:
    chosen = tuple(item.strip() for item in value.split(",") if item.strip())
    unknown = [item for item in chosen if item not in allowed]
    if unknown or not chosen:
        raise ValueError(f"unknown {what}: {', '.join(unknown) or '(none)'}; choose from {', '.join(allowed)}")
    return chosen


def run(args: argparse.Namespace) -> int:
    if args.conversations:
        from bot.commands.conversation_suites import run_suites

        return run_suites(args)
    from bot.evaluation import quiet

    quiet.silence()
    log_path = load_settings().log_dir / "evaluate.log"
    started = time.perf_counter()
    try:
        systems = _choices(args.systems, ALL_SYSTEMS, "system")
        sets = _choices(args.sets, ALL_SETS, "set")
        if "ours" in systems and not args.config.is_file():
            raise FileNotFoundError(f"config not found: {args.config}")
        write = not args.no_write
        if write and (
            set(systems) != set(ALL_SYSTEMS)
            or set(sets) != set(ALL_SETS)
            or args.seed is not None
            or args.config.resolve() != (PROJECT_ROOT / "config.yml").resolve()
        ):
            print("partial or non-default run: not writing the report (use the defaults for docs/nlu-report.md)")
            write = False
        _prepare_catalogue()
        with tempfile.TemporaryDirectory(prefix="manabi-eval-") as work_dir:
            results = _measure(args, systems, sets, Path(work_dir))
        results["meta"] = _meta(args, time.perf_counter() - started)
        _print_summary(results)
        if args.errors:
            _print_dev_errors(results)
        if args.json:
            _write_json(results, args.json)
        if write:
            _write_report(results, args.out)
        return 0
    except Exception as error:  # one clear line; the traceback goes to the log
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.write_text(traceback.format_exc(), encoding="utf-8")
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"evaluation failed: {message} (details: {log_path})", file=sys.stderr)
        return 1


def _prepare_catalogue() -> None:
    """The entity extractor reads the built catalogue: build it if its sources changed."""
    from bot.catalogue.build import build, is_current

    settings = load_settings()
    if not is_current(settings.catalogue_dir, settings.catalogue_db):
        print("building the catalogue…", flush=True)
        build(settings.catalogue_dir, settings.catalogue_db)
    os.environ["MANABI_CATALOGUE_DB"] = str(settings.catalogue_db)


def _measure(args: argparse.Namespace, systems: tuple, sets: tuple, work_dir: Path) -> dict:
    from bot.evaluation.run import Options
    from bot.evaluation.run import run as run_evaluation

    defaults = Options()
    options = Options(
        config=args.config.resolve(),
        systems=systems,
        work_dir=work_dir,
        seed=args.seed,
        eval_sets={name: path for name, path in defaults.eval_sets.items() if name in sets},
        stock_cache=None if args.retrain_stock else defaults.stock_cache,
    )
    return run_evaluation(options, progress=lambda line: print(line, flush=True))


def _meta(args: argparse.Namespace, seconds: float) -> dict:
    from bot.evaluation.machine import describe

    command = "python -m bot evaluate" + ("" if len(sys.argv) <= 2 else " " + shlex.join(sys.argv[2:]))
    return {
        "command": command,
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "seconds": seconds,
        "machine": describe(),
        "seed": args.seed,
    }


def _print_summary(results: dict) -> None:
    for name, system in results["systems"].items():
        latency = system.get("parse_ms") or {}
        for set_name, scores in system["sets"].items():
            entities = scores["entities"]
            entity_text = f"entity F1 {entities['f1']:.3f}" if entities else "entity F1 n/a"
            print(
                f"{name:6s} {set_name:8s} acc {scores['intent']['accuracy']:.3f}  "
                f"macro-F1 {scores['intent']['macro_f1']:.3f}  "
                f"(top non-fallback {scores['intent_without_fallback']['macro_f1']:.3f}, "
                f"{scores['fallbacks']} fallbacks)  {entity_text}  "
                f"train {system['train_seconds']:.1f} s  parse {latency.get('median', 0.0):.2f} ms"
            )


def _print_dev_errors(results: dict) -> None:
    for name, system in results["systems"].items():
        errors = system["sets"].get("dev", {}).get("errors", [])
        print(f"\n{name}: {len(errors)} dev errors")
        for error in errors:
            entities = (
                ""
                if error["predicted_entities"] is None or error["entities"] == error["predicted_entities"]
                else f"  entities {error['entities']} → {error['predicted_entities']}"
            )
            intent = (
                ""
                if error["intent"] == error["predicted"]
                else (
                    f"{error['intent']} → {error['predicted']} ({error['without_fallback']} {error['confidence']}, "
                    f"then {error['runner_up'][0]} {error['runner_up'][1]})"
                )
            )
            print(f"  {error['text']}  {intent}{entities}")


def _write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _write_report(results: dict, out: Path) -> None:
    from bot.evaluation import confusion_plot, report

    out.mkdir(parents=True, exist_ok=True)
    _write_json(results, out / "nlu-report.json")
    (out / "nlu-report.md").write_text(report.render(results), encoding="utf-8")
    ours = results["systems"]["ours"]["sets"]["heldout"]
    confusion_plot.save(
        ours["confusion_matrix"],
        out / "nlu-confusion.png",
        f"Manabi on the held-out set: macro-F1 {ours['intent']['macro_f1']:.3f} (n={ours['intent']['total']})",
    )
    print(f"wrote {out / 'nlu-report.md'}, nlu-report.json, nlu-confusion.png")
