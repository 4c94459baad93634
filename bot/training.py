"""Train the Rasa model only when what it is trained from has changed.

The fingerprint covers the NLU data, rules, stories, domain, config and our NLU components' code.
The catalogue is not part of it: the entity extractor reads catalogue names when the server
starts, so an edited alias needs a catalogue rebuild and a restart, not a retraining.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from bot.settings import PROJECT_ROOT

MODEL_NAME = "manabi"
TRAINING_INPUTS = ("data/nlu", "data/rules", "data/stories", "domain.yml", "config.yml", "bot/nlu", "bot/text")


def _files(paths: Iterable[str], root: Path) -> list[Path]:
    found: list[Path] = []
    for relative in paths:
        path = root / relative
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yml", ".yaml", ".py"))
        elif path.is_file():
            found.append(path)
    return found


def fingerprint(root: Path = PROJECT_ROOT, config: str = "config.yml") -> str:
    digest = hashlib.sha256()
    inputs = [p for p in TRAINING_INPUTS if p != "config.yml"] + [config]
    for path in _files(inputs, root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_path(models_dir: Path, name: str = MODEL_NAME) -> Path:
    return models_dir / f"{name}.tar.gz"


def is_current(models_dir: Path, name: str = MODEL_NAME, config: str = "config.yml") -> bool:
    stamp = models_dir / f"{name}.fingerprint"
    return (
        model_path(models_dir, name).exists()
        and stamp.exists()
        and stamp.read_text().strip() == fingerprint(config=config)
    )


def train(
    models_dir: Path,
    env: dict[str, str],
    log_path: Path,
    name: str = MODEL_NAME,
    config: str = "config.yml",
    force: bool = False,
) -> float | None:
    """Train into ``models_dir/<name>.tar.gz`` unless current; returns seconds taken (None: skipped)."""
    if not force and is_current(models_dir, name, config):
        return None
    models_dir.mkdir(parents=True, exist_ok=True)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--data",
        "data/nlu",
        "data/rules",
        "data/stories",
        "--domain",
        "domain.yml",
        "--config",
        config,
        "--out",
        str(models_dir),
        "--fixed-model-name",
        name,
    ] + (["--force"] if force else [])
    # Fingerprint what training reads *before* it starts: an edit made during training must
    # leave the model stale, not be recorded as trained.
    inputs = fingerprint(config=config)
    started = time.monotonic()
    with open(log_path, "ab") as log:
        result = subprocess.run(
            command, stdout=log, stderr=subprocess.STDOUT, cwd=str(PROJECT_ROOT), env={**os.environ, **env}
        )
    if result.returncode != 0:
        raise RuntimeError(f"training failed (exit {result.returncode}); see {log_path}")
    (models_dir / f"{name}.fingerprint").write_text(inputs)
    return time.monotonic() - started
