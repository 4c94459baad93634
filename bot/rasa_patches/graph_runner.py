"""The model's graph runs in a fixed order, without dask.

Every message is parsed, and every next action predicted, by running a graph of components; Rasa
hands each run to ``dask.get``, which rebuilds and re-orders the task graph and formats a debug line
with every input each time. The graphs are small chains, so we compute each target set's order once
and call the same nodes in it, passing the same inputs; errors surface as they did.
"""

from __future__ import annotations

from typing import Any

from bot.rasa_patches.patch import Replacement


def _execution_plan(schema: Any, targets: list[str]) -> list[tuple[str, list[str]]]:
    """The nodes ``targets`` depend on, each after its dependencies: [(node, [input names…])]."""
    minimal = schema.minimal_graph_schema(targets)
    order: list[tuple[str, list[str]]] = []
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(name: str) -> None:
        if state.get(name) == 2 or name not in minimal.nodes:
            return
        if state.get(name) == 1:
            raise RuntimeError(f"cycle in the graph at node '{name}'")
        state[name] = 1
        needs = list(minimal.nodes[name].needs.values())
        for dependency in needs:
            visit(dependency)
        state[name] = 2
        order.append((name, needs))

    for target in targets:
        visit(target)
    return order


def replacements() -> list[Replacement]:
    """``DaskGraphRunner.run`` calling the nodes in a precomputed order."""
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.runner.dask import DaskGraphRunner

    def run(self: Any, inputs: dict[str, Any] | None = None, targets: list[str] | None = None) -> dict[str, Any]:
        run_targets = list(targets) if targets else list(self._graph_schema.target_names)
        plans = self.__dict__.setdefault("_manabi_plans", {})
        key = tuple(run_targets)
        plan = plans.get(key)
        if plan is None:
            try:
                plan = plans[key] = _execution_plan(self._graph_schema, run_targets)
            except RuntimeError as error:
                raise GraphRunError("Error running runner.") from error
        results: dict[str, Any] = {}
        for input_name, input_value in (inputs or {}).items():
            if isinstance(input_value, str) and input_value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{input_value}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are the "
                    f"same as node names in the graph schema."
                )
            results[input_name] = (input_name, input_value)
        nodes = self._instantiated_nodes
        try:
            for node_name, needs in plan:
                # like dask: a dependency nobody provided is passed as its name (the node reports it)
                results[node_name] = nodes[node_name](*[results.get(need, need) for need in needs])
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)

    return [Replacement(DaskGraphRunner, "run", run)]
