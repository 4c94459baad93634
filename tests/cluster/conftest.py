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
from pathlib import Path

import pytest

from bot import launcher
from bot.deploy.cluster import LocalCluster
from bot.devtools.servers import MODEL, settings_in


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    model = Path(os.environ.get("MANABI_TEST_MODEL") or MODEL)
    if not model.exists():
        pytest.fail(f"no trained model at {model}: run `make test` (it trains first)")
    base = Path(tempfile.mkdtemp(prefix="manabi-cluster-test-"))  # under /tmp: the postgres user reaches it
    settings = settings_in(base, rasa_port=launcher.free_port())
    running = LocalCluster(
        settings, model, base_dir=base, durable=False, extra_env={"MANABI_LOG_DIR": str(base / "log")}
    )
    try:
        running.start()
        yield running
    finally:
        running.stop()
        shutil.rmtree(base, ignore_errors=True)
