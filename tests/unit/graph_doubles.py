"""Tiny Rasa graph components for testing graph runners (tests/unit/test_rasa_patches.py)."""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent, SchemaNode
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


class Add(GraphComponent):
    """Adds its two inputs."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Add:
        return cls()

    def add(self, a: Any, b: Any) -> Any:
        return a + b


class Fail(Add):
    """Raises instead of adding."""

    def add(self, a: Any, b: Any) -> Any:
        raise ValueError("this node always fails")


def node(needs: dict[str, str], uses: Any = Add, target: bool = False) -> SchemaNode:
    """A schema node calling ``uses.add`` with the outputs of ``needs`` (input name → node name)."""
    return SchemaNode(needs=needs, uses=uses, constructor_name="create", fn="add", config={}, is_target=target)
