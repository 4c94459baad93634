"""bot.rasa_patches: each patch gives Rasa's own results, the version check refuses another Rasa,
and the patches come off again (the model-based comparisons: tests/dialogue)."""

from __future__ import annotations

import asyncio
import copy
import gc
import itertools
import json
import logging
import random
from types import SimpleNamespace
from typing import Any

import pytest
import rasa
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.slots import Slot
from rasa.shared.utils.common import all_subclasses

from bot import rasa_patches
from bot.rasa_patches import graph_runner
from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.usefixtures("rasa_patches")


def _everything_replaced() -> dict[tuple[Any, str], Any]:
    """What each patch's replacements would replace, as it is now (without instance state)."""
    with rasa_patches.applied():
        keys = list(rasa_patches._ORIGINALS)
    return {(owner, attribute): vars(owner).get(attribute, "absent") for owner, attribute in keys}


# ---- applying, undoing, the version check ---------------------------------------------------------
def test_unapply_puts_back_exactly_rasas_own_code() -> None:
    rasa_patches.unapply()  # the module's fixture installed them; start from Rasa's own code
    before = _everything_replaced()
    assert len(before) >= 15 and "absent" in before.values()  # inherited attributes are covered too
    rasa_patches.apply(skip=())
    assert all(vars(owner).get(attribute, "absent") is not value for (owner, attribute), value in before.items())
    rasa_patches.unapply()
    assert all(vars(owner).get(attribute, "absent") is value for (owner, attribute), value in before.items())


def test_applied_restores_what_was_installed_before() -> None:
    def validation() -> str:
        return str(RemoteAction.__dict__["_validate_action_result"].__module__)

    assert validation() == "bot.rasa_patches.event_validation"
    with rasa_patches.applied(skip=["event_validation"]) as names:
        assert "event_validation" not in names and "action_schema" in names
        assert validation() == "bot.rasa_patches.action_schema"
    assert rasa_patches._names() == rasa_patches.NAMES
    assert validation() == "bot.rasa_patches.event_validation"


def test_applying_the_same_patches_again_changes_nothing() -> None:
    installed = Event.__dict__["resolve_by_type"]
    assert rasa_patches.apply(skip=()) == rasa_patches.NAMES
    assert Event.__dict__["resolve_by_type"] is installed


def test_a_skipped_patch_leaves_rasas_code(monkeypatch) -> None:
    monkeypatch.setenv(rasa_patches.OFF_VARIABLE, "empty_domain, slot_copy")
    names = rasa_patches.apply()
    assert "empty_domain" not in names and "slot_copy" not in names and "keep_alive" in names
    assert Domain.is_empty is rasa_patches.original(Domain, "is_empty")
    assert "__copy__" not in vars(Slot)


@pytest.mark.parametrize("names", [["no_such_patch"], ["request_size"]])
def test_unknown_or_unskippable_names_are_refused(names: list[str]) -> None:
    with pytest.raises(ValueError, match="can be left out: action_schema"):
        rasa_patches.apply(skip=names)


@pytest.mark.parametrize("version", ["3.6.0", "3.6.21", "3.6.99"])
def test_every_rasa_3_6_is_accepted(version: str) -> None:
    rasa_patches.check_rasa_version(version)


@pytest.mark.parametrize("version", ["3.7.0", "3.5.17", "2.8.0", "4.0.0"])
def test_another_rasa_is_refused_with_what_to_do(version: str) -> None:
    with pytest.raises(rasa_patches.RasaVersionError) as refused:
        rasa_patches.check_rasa_version(version)
    message = str(refused.value)
    assert f"Rasa {version} is installed" in message and "3.6.x" in message and "constraints.txt" in message


def test_on_another_rasa_nothing_is_installed(monkeypatch) -> None:
    rasa_patches.unapply()
    before = _everything_replaced()
    monkeypatch.setattr(rasa, "__version__", "3.7.1")
    with pytest.raises(rasa_patches.RasaVersionError):
        rasa_patches.apply()
    assert rasa_patches._names() == ()
    assert all(vars(owner).get(attribute, "absent") is value for (owner, attribute), value in before.items())


def test_the_tracker_store_refuses_another_rasa(monkeypatch, tmp_path) -> None:
    from bot.rasa_patches.tracker_store import SQLiteTrackerStore

    monkeypatch.setattr(rasa, "__version__", "3.7.1")
    with pytest.raises(rasa_patches.RasaVersionError):
        SQLiteTrackerStore(db=str(tmp_path / "trackers.sqlite"))
    assert not (tmp_path / "trackers.sqlite").exists()


# ---- event classes -------------------------------------------------------------------------
def test_event_types_resolve_to_rasas_classes() -> None:
    rasa_resolve = rasa_patches.original(Event, "resolve_by_type")
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


# ---- action response validation (action_schema, event_validation) --------------------------------
ACTION = RemoteAction("action_answer", None)


def _full_check(result: dict[str, Any]) -> bool:
    try:
        return bool(rasa_patches.original(RemoteAction, "_validate_action_result")(ACTION, result))
    except ValidationError:
        return False


def _patched_check(result: dict[str, Any]) -> bool:
    try:
        return ACTION._validate_action_result(result)
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


@pytest.mark.parametrize("skip", [[], ["event_validation"]])
@pytest.mark.parametrize(
    "result",
    [
        {"events": [{"event": "slot", "value": 1}]},
        {"events": [VALID_EVENTS[0], INVALID_EVENTS[2]], "responses": [{"text": "はい"}]},
        {"events": [{"event": "no_such_event"}]},
        {"responses": "text"},
        [],
    ],
)
def test_invalid_responses_get_rasas_error(result: Any, skip: list[str]) -> None:
    """The same error as Rasa's (message, where in the response), with the schema compiled once."""
    with pytest.raises(ValidationError) as theirs:
        rasa_patches.original(RemoteAction, "_validate_action_result")(ACTION, copy.deepcopy(result))
    with rasa_patches.applied(skip=skip), pytest.raises(ValidationError) as ours:
        ACTION._validate_action_result(copy.deepcopy(result))
    assert "Failed to validate Action server response" in ours.value.message
    assert ours.value.message == theirs.value.message
    assert list(ours.value.absolute_path) == list(theirs.value.absolute_path)
    assert ours.value.validator == theirs.value.validator


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
    rasa_keys = rasa_patches.original(RulePolicy, "_get_possible_keys")
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
@pytest.fixture
def root_logger():
    root = logging.getLogger()
    level = root.level
    logging.getLogger("rasa").setLevel(logging.NOTSET)
    yield root
    root.setLevel(level)


def test_debug_copies_are_made_only_when_debug_logging_is_on(root_logger) -> None:
    import rasa.core.processor

    stand_in = rasa.core.processor.copy
    value = {"events": [1, 2]}
    root_logger.setLevel(logging.INFO)
    assert stand_in.deepcopy(value) is value
    root_logger.setLevel(logging.DEBUG)
    copied = stand_in.deepcopy(value)
    assert copied == value and copied is not value
    assert stand_in.copy is copy.copy  # anything else is the real copy module


def test_debug_copies_leave_out_what_our_policies_never_run() -> None:
    import rasa.core.policies.memoization

    assert rasa.core.policies.memoization.copy is copy  # config.yml has no MemoizationPolicy


def test_rule_states_are_formatted_as_rasa_does_when_debug_logging_is_on(root_logger) -> None:
    states = [{}, {"prev_action": {"action_name": "action_listen"}, "user": {"intent": "greet"}}]
    rasas = rasa_patches.original(RulePolicy, "format_tracker_states")
    root_logger.setLevel(logging.DEBUG)
    assert RulePolicy.format_tracker_states(states) == rasas(states) != ""
    root_logger.setLevel(logging.INFO)
    assert RulePolicy.format_tracker_states(states) == ""  # only ever logged at debug level


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
    dask_run = rasa_patches.original(DaskGraphRunner, "run")
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


# ---- slot copies -------------------------------------------------------------------------------
def _slots() -> list[Slot]:
    """Our domain's slots and one of each other kind, with values."""
    from rasa.shared.core.slots import BooleanSlot, CategoricalSlot, FloatSlot, ListSlot

    slots = list(Domain.load(str(PROJECT_ROOT / "domain.yml")).slots)
    slots += [
        BooleanSlot("passed", [], initial_value=True),
        CategoricalSlot("kind", [], values=["a", "b"], initial_value="b"),
        FloatSlot("hours", [], max_value=10.0, initial_value=2.5),
        ListSlot("exams", [], initial_value=["itpass", "fe"]),
    ]
    for slot in slots:
        if slot.type_name == "any":
            slot.value = {"nested": ["value"]}
    return slots


def test_slot_copies_are_what_copy_copy_makes_of_them_without_the_patch() -> None:
    slots = _slots()
    assert len({type(slot) for slot in slots}) == 6
    ours = [copy.copy(slot) for slot in slots]
    with rasa_patches.applied(skip=["slot_copy"]):
        theirs = [copy.copy(slot) for slot in slots]
    for slot, mine, rasas in zip(slots, ours, theirs):
        assert type(mine) is type(rasas) is type(slot) and mine is not slot
        assert vars(mine) == vars(rasas) == vars(slot)
        assert all(vars(mine)[key] is vars(rasas)[key] for key in vars(slot))  # shallow, as copy.copy
        mine.value = "changed"
        assert slot.value != "changed"


def test_slot_copy_steps_aside_for_a_slot_with_its_own_copy_protocol() -> None:
    from rasa.shared.core.slots import TextSlot

    def check_with_a_guarded_slot() -> None:
        class Guarded(TextSlot):
            type_name = "manabi_guarded"

            def __reduce_ex__(self, protocol: Any) -> Any:
                return (type(self), ("guarded", []))

        rasa_patches.apply(skip=())
        assert "__copy__" not in vars(Slot)
        assert copy.copy(Guarded("x", [])).name == "guarded"

    rasa_patches.unapply()
    try:
        check_with_a_guarded_slot()
    finally:
        rasa_patches.unapply()
        gc.collect()  # the class is gone, so all_subclasses(Slot) no longer finds it
    assert "manabi_guarded" not in {cls.type_name for cls in all_subclasses(Slot)}


# ---- "is the domain empty?" --------------------------------------------------------------------
@pytest.mark.parametrize(
    "domain",
    [
        Domain.empty,
        lambda: Domain.from_yaml("version: '3.1'\nintents: [greet]"),
        lambda: Domain.from_yaml("version: '3.1'\nresponses:\n  utter_x:\n    - text: x"),
        lambda: Domain.load(str(PROJECT_ROOT / "domain.yml")),
    ],
)
def test_empty_domain_answers_as_rasa(domain: Any) -> None:
    instance = domain()
    assert instance.is_empty() == rasa_patches.original(Domain, "is_empty")(instance)


def test_a_changed_empty_domain_is_not_empty() -> None:
    empty = Domain.empty()
    assert empty.is_empty()
    empty.as_dict()["intents"] = ["greet"]  # the remembered serialisation is a copy, not the domain's own
    assert Domain.empty().is_empty()


# ---- the kept-alive action server connection ---------------------------------------------------
async def _requests_through_endpoint(count: int) -> tuple[list[Any], int, Any]:
    """``count`` requests through one EndpointConfig, as Rasa calls the action server: the answers,
    the number of TCP connections the server saw, and the error of a failing call."""
    from aiohttp import web
    from rasa.utils.endpoints import ClientResponseError, EndpointConfig

    peers: set[Any] = set()

    async def webhook(request: web.Request) -> web.Response:
        peers.add(request.transport.get_extra_info("peername") if request.transport else None)
        body = await request.json()
        return web.json_response(
            {"echo": body, "header": request.headers.get("X-Manabi-Test"), "q": request.query_string}
        )

    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=500, text="boom")

    app = web.Application()
    app.router.add_post("/webhook", webhook)
    app.router.add_post("/broken", broken)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        endpoint = EndpointConfig(f"http://127.0.0.1:{port}", headers={"X-Manabi-Test": "yes"}, token="t0k")
        answers = [await endpoint.request(json={"n": n}, subpath="webhook") for n in range(count)]
        try:
            await endpoint.request(json={}, subpath="broken")
            failure: Any = None
        except ClientResponseError as error:
            failure = (error.status, error.message, error.text)
        return answers, len(peers), failure
    finally:
        from bot.rasa_patches.keep_alive import close_shared_sessions

        await close_shared_sessions()
        await runner.cleanup()


def test_keep_alive_gives_rasas_answers_over_one_connection() -> None:
    ours, our_connections, our_failure = asyncio.run(_requests_through_endpoint(4))
    with rasa_patches.applied(skip=["keep_alive"]):
        theirs, their_connections, their_failure = asyncio.run(_requests_through_endpoint(4))
    assert ours == theirs and ours[0] == {"echo": {"n": 0}, "header": "yes", "q": "token=t0k"}
    assert our_failure == their_failure and our_failure[0] == 500
    assert (our_connections, their_connections) == (1, 4)


def test_stopping_the_server_closes_the_kept_sessions() -> None:
    import rasa.core.run
    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa_patches import keep_alive

    async def scenario() -> Any:
        session = EndpointConfig("http://127.0.0.1:9").session()
        async with session as shared:
            assert not shared.closed
        await rasa.core.run.close_resources(SimpleNamespace(ctx=SimpleNamespace()), None)  # no agent: Rasa returns
        return shared

    assert asyncio.run(scenario()).closed and keep_alive._SHARED_SESSIONS == []


# ---- the request size limit --------------------------------------------------------------------
def test_the_server_app_is_rasas_with_the_channel_size_limit() -> None:
    import rasa.core.run
    from sanic import Sanic

    from bot.channels.teams.channel import MAX_BODY_BYTES

    Sanic.test_mode = True  # the same app name twice
    ours = rasa.core.run.configure_app(enable_api=False)
    theirs = rasa_patches.original(rasa.core.run, "configure_app")(enable_api=False)
    assert ours.config.REQUEST_MAX_SIZE == MAX_BODY_BYTES < theirs.config.REQUEST_MAX_SIZE
    assert ours.name == theirs.name
    assert [route.path for route in ours.router.routes] == [route.path for route in theirs.router.routes]
    differences = {key for key in {*ours.config, *theirs.config} if ours.config.get(key) != theirs.config.get(key)}
    assert differences == {"REQUEST_MAX_SIZE"}
