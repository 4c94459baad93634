"""Fix 2: event classes are looked up in a table.

``Event.resolve_by_type`` walks the whole ``Event`` class tree (``all_subclasses`` with
``inspect.isabstract`` on each class) for every event it deserialises: every event of an action server
response, every stored event read back. We keep a name → class table, rebuilt when a name is not in
it (a class imported later).
"""

from __future__ import annotations


def event_type_resolver():
    """A replacement for ``Event.resolve_by_type`` backed by a name → class table."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    original = Event.resolve_by_type
    table: dict[str, type] = {}

    def rebuild() -> None:
        table.clear()
        for cls in all_subclasses(Event):  # the order Rasa searches in: first match wins
            table.setdefault(cls.type_name, cls)

    def resolve_by_type(type_name: str, default: type | None = None) -> type | None:
        cls = table.get(type_name)
        if cls is None:
            rebuild()
            cls = table.get(type_name)
        if cls is not None:
            return cls
        return original(type_name, default)  # Rasa's own answer for unknown names ("topic", default, error)

    rebuild()
    return staticmethod(resolve_by_type)
