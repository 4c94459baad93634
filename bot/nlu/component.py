"""The one constructor of our trainable and catalogue-reading NLU components.

Rasa builds a graph component with ``create`` (for training) or ``load`` (from a trained model), both
given the component's config, model storage, resource and execution context; ``GraphComponent.load``,
unless overridden, calls ``create``. Ours start from whatever their resource holds: nothing yet when
created for training, the trained state when loaded. So :class:`Component` defines ``create`` only: a
subclass says how to read its state (:meth:`Component.read_state`, None or empty when nothing is
stored) and takes ``(config, place, state)`` in its constructor.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from typing_extensions import Self


@dataclass(frozen=True)
class GraphPlace:
    """Where a component stands in the model graph: the storage it saves to and loads from, its resource
    there, and its execution context (which names the graph node)."""

    model_storage: ModelStorage
    resource: Resource
    execution_context: ExecutionContext


class Component(GraphComponent):
    """A graph component built as ``cls(config, place, state)``, ``state`` being what :meth:`read_state`
    finds for its resource (nothing while it is created for training)."""

    if TYPE_CHECKING:  # the constructor each subclass defines (Rasa's bases chain theirs without arguments)

        def __init__(self, config: dict[str, Any], place: GraphPlace, state: Any = None) -> None: ...

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Self:
        """For training, and (through ``GraphComponent.load``) from a trained model."""
        place = GraphPlace(model_storage, resource, execution_context)
        return cls(config, place, cls.read_state(model_storage, resource))

    @classmethod
    def read_state(cls, model_storage: ModelStorage, resource: Resource) -> Any:
        """The trained state stored for ``resource``: None (or empty) when nothing is stored, for a component
        created for training or one that stores nothing."""
        return None
