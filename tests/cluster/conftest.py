"""One local cluster for the cluster tests: PostgreSQL, Redis, two action servers, two Rasa servers
and HAProxy on 127.0.0.1 (bot/deploy/cluster.py, what ``make cluster`` starts), in a throw-away
folder, with the frozen test catalogue and the pinned date. Started once for the module (≈1 min on
two cores), stopped after it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot import launcher
from bot.catalogue.build import build
from bot.deploy.cluster import LocalCluster
from bot.devtools.servers import MODEL, PINNED_TODAY
from bot.settings import load_settings


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    model = Path(os.environ.get("MANABI_TEST_MODEL") or MODEL)
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make test` (it trains first)")
    base = Path(tempfile.mkdtemp(prefix="manabi-cluster-test-"))  # under /tmp: the postgres user reaches it
    settings = load_settings({k: v for k, v in os.environ.items() if k == "MANABI_CATALOGUE_DIR"})
    settings = replace(
        settings,
        catalogue_db=base / "catalogue.sqlite",
        state_db=base / "manabi.sqlite",
        tracker_db=base / "trackers.sqlite",
        today=PINNED_TODAY,
        rasa_port=launcher.free_port(),
        log_dir=base / "log",
    )
    build(settings.catalogue_dir, settings.catalogue_db)
    running = LocalCluster(
        settings, model, base_dir=base, durable=False, extra_env={"MANABI_LOG_DIR": str(base / "log")}
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(base, ignore_errors=True)
