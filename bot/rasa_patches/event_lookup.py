"""Event classes are looked up by name in a table.

``Event.resolve_by_type`` walks the whole ``Event`` class tree (``all_subclasses`` with
``inspect.isabstract`` on each class) for every event it deserialises: every event of an action server
response, every stored event read back. We keep a name → class table, rebuilt when a name is not in
it (a class imported later); names Rasa does not resolve to a class get Rasa's own answer.
"""

from __future__ import annotations

from typing import Any

from bot.rasa_patches.patch import Replacement


def replacements() -> list[Replacement]:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    rasas = Event.resolve_by_type
    table: dict[str, type] = {}

    def rebuild() -> None:
        table.clear()
        for cls in all_subclasses(Event):  # the order Rasa searches in: first match wins
            table.setdefault(cls.type_name, cls)

    def resolve_by_type(type_name: str, default: type | None = None) -> Any:
        cls = table.get(type_name)
        if cls is None:
            rebuild()
            cls = table.get(type_name)
        if cls is not None:
            return cls
        return rasas(type_name, default)  # unknown names: "topic", the default, or Rasa's error

    rebuild()
    return [Replacement(Event, "resolve_by_type", staticmethod(resolve_by_type))]
