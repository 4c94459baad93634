"""bot.speedups' speed fixes give exactly Rasa's results (the model-based ones: tests/dialogue)."""

from __future__ import annotations

import copy
import itertools
import json
import logging
import random
from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.events import Event
from rasa.shared.utils.common import all_subclasses

from bot import speedups
from bot.speedups import graph_runner

assert speedups.apply_patches(), "these tests are for the pinned Rasa version"


# ---- event classes -------------------------------------------------------------------------
def test_event_types_resolve_to_rasas_classes() -> None:
    rasa_resolve = speedups.original(Event, "resolve_by_type").__func__
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert Event.resolve_by_type(name) is rasa_resolve(name)
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", default=Event) is Event
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")


def test_an_event_class_defined_later_is_found() -> None:
    class LateEvent(Event):  # noqa: D401 - a test double
        type_name = "manabi_late_event"

        def __eq__(self, other: Any) -> bool:
            return isinstance(other, LateEvent)

        def __hash__(self) -> int:
            return 1

        def as_story_string(self) -> str:
            return ""

    assert Event.resolve_by_type("manabi_late_event") is LateEvent


# ---- action response validation --------------------------------------------------------------
def _full_check(result: dict[str, Any]) -> bool:
    from jsonschema import validators

    schema = RemoteAction.action_response_format_spec()
    return validators.validator_for(schema)(schema).is_valid(result)


def _patched_check(result: dict[str, Any]) -> bool:
    try:
        return RemoteAction._validate_action_result(None, result)
    except ValidationError:
        return False


VALID_EVENTS = [
    {"event": "slot", "name": "exam", "value": "itpass", "timestamp": None},
    {"event": "slot", "name": "exam", "value": None},
    {"event": "active_loop", "name": "subsidy_form"},
    {"event": "action", "name": "action_listen", "policy": None, "confidence": 1.0},
    {
        "event": "user",
        "text": "こんにちは",
        "parse_data": {"intent": {"name": "greet", "confidence": 1.0}, "entities": [{"entity": "exam", "value": "fe"}]},
    },
    {"event": "bot", "text": "はい", "data": {"custom": {"card": {}}}},
    {"event": "followup", "name": "action_x"},
    {"event": "reset_slots"},
    {"event": "restart"},
    {"event": "rewind"},
    {"event": "session_started"},
    {"event": "form_validation", "validate": False},
    {"event": "loop_interrupted", "is_interrupted": True},
    {"event": "entities", "entities": [{"entity": "exam", "value": "fe", "start": 0, "end": 2}]},
]
INVALID_EVENTS = [
    {"event": "slot", "value": "itpass"},  # no name
    {"event": "slot", "name": 3, "value": "x"},
    {"event": "slot", "name": "exam", "value": "x", "timestamp": "yesterday"},
    {"event": "no_such_event"},
    {"name": "exam"},
    {"event": 7},
    {"event": "entities"},
    {"event": "entities", "entities": [{"entity": "exam"}]},
    {"event": "user", "parse_data": {"intent": {"name": 1}}},
    {"event": "action", "confidence": "high"},
    {"event": "bot", "metadata": "not an object"},
    "slot",
]


@pytest.mark.parametrize(
    "events", [[e] for e in VALID_EVENTS + INVALID_EVENTS] + [VALID_EVENTS, VALID_EVENTS + INVALID_EVENTS[:1]]
)
def test_validation_decides_as_the_full_schema(events: list[Any]) -> None:
    result = {"events": events, "responses": [{"text": "はい"}]}
    assert _patched_check(result) == _full_check(result)


@pytest.mark.parametrize(
    "result",
    [
        {},
        {"events": []},
        {"responses": []},
        {"events": "x"},
        {"responses": ["text"]},
        {"responses": [{}]},
        {"events": [], "responses": [], "extra": 1},
        [],
    ],
)
def test_validation_of_the_envelope(result: Any) -> None:
    assert _patched_check(result) == _full_check(result)


def test_invalid_responses_get_rasas_message() -> None:
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        RemoteAction._validate_action_result(None, {"events": [{"event": "slot", "value": 1}]})


# ---- rule matching -------------------------------------------------------------------------
def _state(rng: random.Random, with_user: bool) -> dict[str, Any]:
    state: dict[str, Any] = {}
    if rng.random() < 0.9:
        state["prev_action"] = {
            "action_name": rng.choice(["action_listen", "utter_greet", "subsidy_form", "action_subsidy_amount"])
        }
    if with_user and rng.random() < 0.8:
        state["user"] = {"intent": rng.choice(["greet", "inform", "stop", "ask_subsidy_amount"])}
        if rng.random() < 0.3:
            state["user"]["entities"] = ("exam",)
    if rng.random() < 0.4:
        state["active_loop"] = {"name": rng.choice(["subsidy_form", "should_not_be_set"])}
    if rng.random() < 0.3:
        state["slots"] = {"requested_slot": rng.choice([(1.0,), "should_not_be_set"])}
    return state


def test_rule_matching_keeps_the_same_rules() -> None:
    rng = random.Random(5)
    rules = []
    for _ in range(150):
        length = rng.randint(1, 4)
        rule = [_state(rng, i % 2 == 0) for i in range(length)]
        if rng.random() < 0.5:
            rule[0] = {}  # conversation start
        rules.append(json.dumps(rule, sort_keys=True))
    lookup = {key: f"action_{i}" for i, key in enumerate(rules)}
    policy = object.__new__(RulePolicy)
    rasa_keys = speedups.original(RulePolicy, "_get_possible_keys")
    compared = 0
    for _ in range(400):
        states = [_state(rng, True) for _ in range(rng.randint(0, 8))]
        if states and rng.random() < 0.3:  # replay a rule's own states, so that some rules match
            states = json.loads(rng.choice(rules)) + states[: rng.randint(0, 2)]
            states = [
                {k: {kk: tuple(vv) if isinstance(vv, list) else vv for kk, vv in v.items()} for k, v in s.items()}
                for s in states
            ]
        expected = rasa_keys(policy, lookup, states)
        assert RulePolicy._get_possible_keys(policy, lookup, states) == expected
        compared += bool(expected)
    assert compared > 50  # the comparison covered matches, not only empty answers


# ---- debug-only copies -------------------------------------------------------------------------
def test_debug_copies_are_made_only_when_debug_logging_is_on() -> None:
    import rasa.core.processor

    shim = rasa.core.processor.copy
    value = {"events": [1, 2]}
    root = logging.getLogger()
    level = root.level
    try:
        root.setLevel(logging.INFO)
        logging.getLogger("rasa").setLevel(logging.NOTSET)
        assert shim.deepcopy(value) is value
        root.setLevel(logging.DEBUG)
        copied = shim.deepcopy(value)
        assert copied == value and copied is not value
    finally:
        root.setLevel(level)
    assert shim.copy is copy.copy  # anything else is the real copy module


# ---- the graph runner ------------------------------------------------------------------------
def test_execution_plan_orders_dependencies_first() -> None:
    from rasa.engine.graph import GraphSchema

    from tests.unit.graph_doubles import node

    schema = GraphSchema(
        {
            "d": node({"a": "b", "b": "c"}, target=True),
            "b": node({"a": "__input__", "b": "a"}),
            "c": node({"a": "a", "b": "__input__"}),
            "a": node({"a": "__input__", "b": "__input__"}),
            "unused": node({"a": "a", "b": "a"}),
        }
    )
    plan = graph_runner._execution_plan(schema, ["d"])
    names = [name for name, _ in plan]
    assert names.index("a") < names.index("b") < names.index("d")
    assert names.index("a") < names.index("c") < names.index("d")
    assert "unused" not in names


def test_graph_runs_give_dasks_results(tmp_path) -> None:
    from rasa.engine.exceptions import GraphRunError
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.engine.storage.local_model_storage import LocalModelStorage

    from tests.unit.graph_doubles import Fail, node

    schema = GraphSchema(
        {
            "total": node({"a": "left", "b": "right"}, target=True),
            "left": node({"a": "__x__", "b": "__y__"}),
            "right": node({"a": "left", "b": "__y__"}),
            "broken": node({"a": "__x__", "b": "__y__"}, uses=Fail),
        }
    )
    runner = DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "test"))
    dask_run = speedups.original(DaskGraphRunner, "run")
    for x, y in itertools.product([0, 1, 5], [2, -3]):
        inputs = {"__x__": x, "__y__": y}
        assert runner.run(inputs, ["total"]) == dask_run(runner, inputs, ["total"]) == {"total": 2 * x + 3 * y}
        assert runner.run(inputs, ["left", "right"]) == dask_run(runner, inputs, ["left", "right"])
    with pytest.raises(Exception) as ours:
        runner.run({"__x__": 1, "__y__": 1}, ["broken"])
    with pytest.raises(Exception) as theirs:
        dask_run(runner, {"__x__": 1, "__y__": 1}, ["broken"])
    assert type(ours.value) is type(theirs.value)
    with pytest.raises(GraphRunError, match="clashes"):
        runner.run({"__x__": "left", "__y__": 1}, ["total"])
