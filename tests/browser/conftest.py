"""Fixtures of the browser tests: the real servers (with the console on the Rasa server), a browser,
an office user, and screenshots into ``MANABI_SCREENSHOTS`` when it is set (``make screenshots``)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser import chromium, missing  # noqa: E402

from bot.devtools.servers import ManabiServers  # noqa: E402
from bot.settings import PROJECT_ROOT  # noqa: E402

OFFICE_USER = "jimukyoku.tanaka"
OFFICE_PASSWORD = "correct-horse-battery-42"

Screenshot = Callable[[str], None]


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManabiServers]:
    problem = missing()
    if problem:
        pytest.fail(problem)
    with ManabiServers(tmp_path_factory.mktemp("browser-e2e")) as running:
        subprocess.run(
            [sys.executable, "-m", "bot", "office", "add-user", OFFICE_USER, "--password-stdin"],
            input=OFFICE_PASSWORD + "\n",
            text=True,
            check=True,
            capture_output=True,
            cwd=PROJECT_ROOT,
            env={**running.env, "MANABI_STATE_DB": str(running.settings.state_db)},
        )
        yield running


@pytest.fixture
def downloads(tmp_path: Path) -> Path:
    path = tmp_path / "downloads"
    path.mkdir()
    return path


@pytest.fixture
def driver(tmp_path: Path, downloads: Path) -> Iterator[object]:
    browser = chromium(tmp_path / "profile", downloads)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def screenshot(driver: object) -> Screenshot:
    """``screenshot("chat")`` writes docs/screenshots/chat.png when MANABI_SCREENSHOTS is set."""
    folder = os.environ.get("MANABI_SCREENSHOTS")

    def take(name: str) -> None:
        if folder:
            target = Path(folder) if Path(folder).is_absolute() else PROJECT_ROOT / folder
            target.mkdir(parents=True, exist_ok=True)
            driver.save_screenshot(str(target / f"{name}.png"))  # type: ignore[attr-defined]

    return take
