"""Subcommands of ``python -m bot``, one module per group; each exposes ``register(subparsers)``."""
