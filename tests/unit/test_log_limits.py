"""Repeated warnings are logged at a bounded rate (issue 11: one client wrote ~2,000 lines/s)."""

from __future__ import annotations

import logging

import pytest

from bot.devtools.fake_botframework import ManualClock
from bot.log_limits import RateLimitedLog


@pytest.fixture
def limited(caplog: pytest.LogCaptureFixture) -> tuple[RateLimitedLog, ManualClock]:
    caplog.set_level(logging.WARNING, logger="test.limits")
    clock = ManualClock()
    return RateLimitedLog(logging.getLogger("test.limits"), burst=3, window_seconds=60, clock=clock), clock


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "test.limits"]


def test_a_flood_of_one_warning_writes_a_burst_then_a_summary(limited, caplog) -> None:
    log, clock = limited
    written = [log.warning_for(("rejected", 401), "rejected request from %s", f"10.0.0.{n % 250}") for n in range(2000)]
    assert sum(written) == 3 and len(messages(caplog)) == 3
    clock.now += 60
    assert log.warning_for(("rejected", 401), "rejected request from %s", "10.0.0.1")
    assert messages(caplog)[-1] == "rejected request from 10.0.0.1 (1997 similar messages suppressed)"


def test_keys_are_limited_separately(limited, caplog) -> None:
    log, _ = limited
    for _ in range(10):
        log.warning_for("a", "first kind")
        log.warning_for("b", "second kind")
    assert messages(caplog).count("first kind") == 3 and messages(caplog).count("second kind") == 3


def test_the_number_of_remembered_keys_is_bounded() -> None:
    log = RateLimitedLog(logging.getLogger("test.limits"), burst=1, max_keys=10)
    for n in range(1000):
        log.warning_for(("tenant", n), "tenant %d not allowed", n)
    assert len(log._windows) == 10
