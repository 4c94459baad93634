"""Rasa's own checks: the training data validates cleanly and the test stories pass."""

import os
import subprocess
import sys

from bot.launcher import QUIET_ENV
from bot.settings import PROJECT_ROOT
from bot.training import model_path

DATA = ["data/nlu", "data/rules", "data/stories"]


def rasa(*args, timeout=600):
    env = {
        **os.environ,
        **QUIET_ENV,
        "MANABI_HOST": "127.0.0.1",
        "MANABI_ACTION_HOST": "127.0.0.1",
        "MANABI_ACTION_PORT": "5055",
        "MANABI_ACTION_SECRET": "not-used-by-these-checks",
        "MANABI_TRACKER_DB": os.devnull,
    }
    return subprocess.run(
        [sys.executable, "-m", "rasa", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_rasa_data_validate():
    result = rasa(
        "data", "validate", "--fail-on-warnings", "--data", *DATA, "--domain", "domain.yml", "--config", "config.yml"
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_stories_with_fail_on_prediction_errors(tmp_path):
    result = rasa(
        "test",
        "core",
        "--model",
        str(model_path(PROJECT_ROOT / "models")),
        "--stories",
        "tests/stories",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path),
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else ""
    assert result.returncode == 0, details[-4000:] + result.stdout[-2000:] + result.stderr[-2000:]
