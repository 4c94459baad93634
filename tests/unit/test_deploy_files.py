"""The deployment files say what `make cluster` does: same routing, same settings, valid syntax."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.deploy import haproxy
from bot.settings import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"


def env_example() -> dict[str, str]:
    lines = (DEPLOY / "manabi.env.example").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))


def known_variables() -> set[str]:
    """Every MANABI_* name the code reads, and Rasa's own pool and lock variables."""
    names: set[str] = {"SQL_POOL_SIZE", "SQL_MAX_OVERFLOW", "TICKET_LOCK_LIFETIME"}
    for path in [
        *(PROJECT_ROOT / "bot").rglob("*.py"),
        PROJECT_ROOT / "credentials.yml",
        PROJECT_ROOT / "endpoints.yml",
    ]:
        names |= set(re.findall(r"MANABI_[A-Z_]+", path.read_text(encoding="utf-8")))
    return names


def routing(text: str) -> list[str]:
    """The lines that decide where a request goes (not where the servers are)."""
    keep = (
        "http-request set-var",
        "balance ",
        "hash-type",
        "option httpchk",
        "http-check",
        "option redispatch",
        "retries",
        "timeout check",
    )
    found = [line.strip() for line in text.splitlines() if line.strip().startswith(keep)]
    # Health-check timing, without where the servers are found (compose: Docker's DNS).
    found += [
        line.strip().split(" resolvers ")[0] for line in text.splitlines() if line.strip().startswith("default-server")
    ]
    return found


def test_compose_haproxy_routes_as_make_cluster_does() -> None:
    generated = haproxy.config(
        listen_host="127.0.0.1",
        listen_port=5005,
        rasa=[haproxy.Upstream("rasa1", "127.0.0.1", 1)],
        actions_port=5055,
        actions=[haproxy.Upstream("actions1", "127.0.0.1", 2)],
        stats_port=8404,
    )
    assert routing((DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")) == routing(generated)


@pytest.mark.skipif(shutil.which("haproxy") is None, reason="haproxy not installed (make setup installs it)")
def test_the_haproxy_files_are_valid(tmp_path: Path) -> None:
    for text in ((DEPLOY / "haproxy.cfg").read_text(encoding="utf-8"),):
        path = tmp_path / "haproxy.cfg"
        path.write_text(text, encoding="utf-8")
        check = subprocess.run(["haproxy", "-c", "-q", "-f", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, check.stderr


def test_compose_runs_two_of_each_server_with_known_settings() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"postgres", "redis", "rasa", "actions", "lb"} <= set(services)
    assert services["rasa"]["deploy"]["replicas"] == services["actions"]["deploy"]["replicas"] == 2
    assert services["lb"]["ports"] == ["127.0.0.1:5005:5005"]  # behind the intranet's proxy
    settings = env_example()
    assert settings["MANABI_DATABASE_URL"].startswith("postgresql://")
    assert settings["MANABI_REDIS_URL"].startswith("redis://")
    unknown = set(settings) - known_variables()
    assert not unknown, f"deploy/manabi.env.example sets what nothing reads: {unknown}"


def test_helm_values_use_our_stores_and_settings() -> None:
    values = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text(encoding="utf-8"))
    endpoints = values["applicationSettings"]["endpoints"]
    assert not endpoints["trackerStore"]["enabled"] and not endpoints["lockStore"]["enabled"]  # endpoints.yml's
    assert values["replicaCount"] == 2 and values["rasa-action-server"]["replicaCount"] == 2
    assert values["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    names = {e["name"] for e in values["extraEnv"]} | {e["name"] for e in values["rasa-action-server"]["extraEnv"]}
    assert names <= known_variables()
    assert {"MANABI_DATABASE_URL", "MANABI_REDIS_URL", "MANABI_ACTION_SECRET"} <= names


def test_endpoints_name_the_stores_that_choose_by_the_settings() -> None:
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8"))
    from bot.rasa_patches import stores as rasa_stores

    for section in ("tracker_store", "lock_store"):
        module, _, name = endpoints[section]["type"].rpartition(".")
        assert module == rasa_stores.__name__ and hasattr(rasa_stores, name)
