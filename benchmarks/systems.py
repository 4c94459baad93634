"""The two systems under test: how each is trained, and its two servers with their memory watch.

Both are served exactly as ``python -m bot serve`` serves Manabi (bot.launcher via
bot.devtools.servers.ManabiServers: action server + ``bot.rasa_server`` with Manabi's Rasa patches,
the SQLite tracker store of endpoints.yml, credentials.local.yml with REST and Teams), each with its
own temporary databases and the date pinned to 2026-11-24; only the model differs, and the stock
baseline's Rasa server (``benchmarks.baseline_server``) also gets the patch its DIET needs.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.machine import PeakMemory, cpu_seconds, process_tree
from bot import launcher, training
from bot.catalogue.build import build
from bot.devtools.servers import PINNED_TODAY, ManabiServers
from bot.settings import PROJECT_ROOT, load_settings

BENCH_DIR = PROJECT_ROOT / "var" / "benchmarks"  # var/ is not in git: logs, models, databases
MODELS_DIR = BENCH_DIR / "models"


@dataclass(frozen=True)
class System:
    key: str  # "ours" / "stock"
    label: str
    config: str  # relative to the project root
    model_name: str
    rasa_entry_point: str = "bot.rasa_server"  # the module that starts its Rasa server

    @property
    def model(self) -> Path:
        return training.model_path(MODELS_DIR, self.model_name)


OURS = System("ours", "Manabi (config.yml)", "config.yml", "bench-manabi")
STOCK = System(
    "stock",
    "stock Rasa + ja_ginza (configs/baseline-stock.yml)",
    "configs/baseline-stock.yml",
    "bench-stock",
    rasa_entry_point="benchmarks.baseline_server",
)
SYSTEMS = {s.key: s for s in (OURS, STOCK)}


def training_environment(catalogue_db: Path) -> dict[str, str]:
    settings = load_settings()
    return launcher.server_environment(
        settings, {"MANABI_CATALOGUE_DB": str(catalogue_db), "MANABI_TODAY": PINNED_TODAY}
    )


def train(system: System, force: bool, log: Callable[[str], object] = print) -> dict[str, object]:
    """Trains ``system`` (``force``: a full training from scratch, timed) unless ``force`` is off and
    the model is current. Rasa's training cache is pointed at an empty temporary directory, so
    nothing cached by earlier trainings is reused."""
    if not (PROJECT_ROOT / system.config).exists():
        raise FileNotFoundError(
            f"{system.config} does not exist (the stock baseline's config is written with the NLU evaluation, issue 5)"
        )
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    catalogue_db = BENCH_DIR / "catalogue.sqlite"
    build(load_settings().catalogue_dir, catalogue_db)
    if not force and training.is_current(MODELS_DIR, system.model_name, system.config):
        log(f"  {system.key}: model is current, not retrained ({system.model})")
        return {"trained": False, "seconds": None, "model": str(system.model)}
    cache = Path(tempfile.mkdtemp(prefix="rasa-cache-", dir=str(BENCH_DIR)))
    try:
        env = {**training_environment(catalogue_db), "RASA_CACHE_DIRECTORY": str(cache)}
        log(f"  {system.key}: training {system.config} from scratch …")
        seconds = training.train(
            MODELS_DIR,
            env,
            BENCH_DIR / "log" / f"train-{system.key}.log",
            name=system.model_name,
            config=system.config,
            force=True,
        )
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    assert seconds is not None  # force=True always trains
    log(f"  {system.key}: trained in {seconds:.1f}s")
    return {
        "trained": True,
        "seconds": round(seconds, 2),
        "model": str(system.model),
        "model_mb": round(system.model.stat().st_size / 1e6, 1),
    }


class RunningSystem:
    """Both servers of one system, with peak-memory sampling from start to stop."""

    def __init__(self, system: System, teams_env: dict[str, str]) -> None:
        self.system = system
        workdir = BENCH_DIR / "run" / system.key
        shutil.rmtree(workdir, ignore_errors=True)
        self.workdir = workdir
        self.servers = ManabiServers(
            workdir, model=system.model, extra_env=teams_env, rasa_entry_point=system.rasa_entry_point
        )
        self.memory: dict[str, PeakMemory] = {}
        self.startup_s: dict[str, float] = {}

    @property
    def rasa_url(self) -> str:
        return self.servers.rasa_url

    def start(self) -> RunningSystem:
        for name, server, timeout in (("actions", self.servers.actions, 60), ("rasa", self.servers.rasa, 300)):
            started = time.monotonic()
            server.start(timeout=timeout)
            self.startup_s[name] = round(time.monotonic() - started, 1)
            assert server.process is not None  # started
            self.memory[name] = PeakMemory(server.process.pid).start()
        return self

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by each server's process tree."""
        return {
            name: cpu_seconds(process_tree(server.process.pid)) if server.process and server.running() else 0.0
            for name, server in (("rasa", self.servers.rasa), ("actions", self.servers.actions))
        }

    def stop(self) -> dict[str, object]:
        memory = {name: watch.stop() for name, watch in self.memory.items()}
        self.servers.stop()
        return {"memory": memory, "startup_s": dict(self.startup_s), "logs": str(self.servers.settings.log_dir)}

    def log_tail(self) -> str:
        return self.servers.log_tail()
