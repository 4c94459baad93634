"""The shape every command group of ``python -m bot`` shares: ``python -m bot GROUP ACTION …``."""

from __future__ import annotations

import argparse
from typing import Any


def action_group(subparsers: Any, name: str, help_text: str) -> argparse._SubParsersAction:
    """Adds the group ``name`` and returns the subparsers its actions go into (one of them is required)."""
    group = subparsers.add_parser(name, help=help_text)
    actions: argparse._SubParsersAction = group.add_subparsers(dest=f"{name}_command", metavar="action")
    actions.required = True
    return actions
