"""PostgreSQL and Redis for tests and benchmarks: in a folder of their own, on a free loopback port, with
passwords made for them (bot/deploy/services.py starts and stops them)."""

from __future__ import annotations

from pathlib import Path

from bot.deploy.services import PostgresService, RedisService, new_secret
from bot.launcher import free_port


def postgres_in(folder: Path, durable: bool = False) -> PostgresService:
    """``durable=False``: no fsync, for data that is thrown away."""
    return PostgresService(
        name="PostgreSQL",
        log_path=folder / "postgres.log",
        data_dir=folder / "postgres",
        port=free_port(),
        superuser_password=new_secret(),
        app_password=new_secret(),
        durable=durable,
    )


def redis_in(folder: Path) -> RedisService:
    return RedisService(
        name="Redis", log_path=folder / "redis.log", data_dir=folder / "redis", port=free_port(), password=new_secret()
    )
