"""Entry point for the Rasa server: ``python -m bot.rasa_server run …`` = ``rasa run …`` plus speed fixes.

Each fix replaces one Rasa 3.6 function with one that gives the same result faster; the measured
effect of each is in docs/performance.md ("Optimisations").

1. **Action responses are validated with compiled schemas.** ``RemoteAction._validate_action_result``
   calls ``jsonschema.validate`` on every custom action, which re-checks the schema itself against
   the draft 2020-12 meta-schema each time (~40 ms per action). We validate with the same schema,
   compiled once, and first try each event against only the schema of its own type (the full
   schema tries all 23 and builds an error object for each that does not fit); a response that
   does not pass this way gets the full validation, so invalid responses are still rejected with
   Rasa's message.
2. **Event classes are looked up in a table.** ``Event.resolve_by_type`` walks the whole ``Event``
   class tree (``all_subclasses`` with ``inspect.isabstract`` on each class) for every event it
   deserialises: every event of an action server response, every stored event read back. We keep
   a name → class table, rebuilt when a name is not in it (a class imported later).
3. **The model's graph runs in a fixed order, without dask.** Every message is parsed, and every
   next action predicted, by running a graph of components; Rasa hands each run to ``dask.get``,
   which rebuilds and re-orders the task graph and formats a debug line with every input each
   time. The graphs are small chains, so we compute each target set's order once and call the
   same nodes in it, passing the same inputs; errors surface as they did.
4. **No copies for debug lines nobody sees.** The processor, the forms and the memoization and
   rule policies deep-copy events, states and slot values for every debug log call, even when
   debug logging is off (structlog drops the line only after the copy was made), and the rule
   policy formats all tracker states into a string for one. With debug logging off those copies
   are skipped (the value itself is passed); with ``--debug`` they are made as before.
5. **Rules are matched against the states that can still decide.** ``RulePolicy._get_possible_keys``
   tests every rule against every state of the conversation, newest first, re-reading and
   reversing each rule's states on every test. A rule whose states are all behind us always
   matches (Rasa's own ``turn_index >= len(rule)`` case), so we stop once every remaining rule is
   that short, and keep each rule's reversed states; the rules that remain are the same.
6. **DIET's prediction function is called directly.** Each message's prediction goes through
   TensorFlow's polymorphic ``tf.function`` dispatch (flattening and checking the inputs, looking
   up the traced function) although the function has a fixed input signature. We look up its one
   concrete function once and call it with the inputs converted to the signature's types; anything
   unexpected (no traced function yet, eager mode, other shapes or types) takes Rasa's own path.
7. **A conversation's history is replayed once, not for every prediction.** To predict an action,
   the rule policy turns the conversation into a list of states by replaying every event from the
   start (``Domain.states_for_tracker_history``), twice after a user message, and again for the next
   prediction, the next turn, and so on: the cost grows with the conversation. We keep where the
   replay stopped (per conversation) and continue it with the new events, as long as the events
   replayed so far are exactly the same objects (the tracker store hands out the same event objects
   turn after turn); anything else is replayed from the start as before. The filtered event list
   (``DialogueStateTracker.applied_events``) and the states are also remembered per tracker
   version, and callers get copies, so changing a result cannot change the next one.
8. **Slots are copied without the generic copy protocol.** Every tracker (and every intermediate
   tracker of a replay) copies all slots with ``copy.copy``, which goes through ``__reduce_ex__``;
   ``Slot.__copy__`` now makes the same shallow copy (new object, same attributes) directly.
9. **"Is the domain empty?" is answered without building an empty domain.** The processor asks
   it for every message (before checking the parsed intent against the domain), and Rasa answers
   by constructing ``Domain.empty()`` and serialising it each time; we serialise it once.
10. **The connection to the action server is kept open.** ``EndpointConfig.request`` opens a new
   aiohttp session, hence a new TCP connection, for every custom action. We keep one session per
   endpoint and event loop (idle connections closed after 2 s, before the action server's own
   5 s keep-alive ends them), closed when the server stops.

The fixes are applied only to the Rasa version they were written against; any other version runs
unpatched with a warning. ``MANABI_SPEED_FIXES_OFF=name,…`` leaves single fixes out (names in
``FIXES``).
"""
from __future__ import annotations

import asyncio
import importlib
import logging
import sqlite3
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Text, Tuple

logger = logging.getLogger(__name__)

PATCHED_RASA_VERSION = "3.6.21"


# ---- 1. compiled validation of action responses ---------------------------------------------
def compiled_action_result_validator(fast_path: bool = True):
    """A replacement for ``RemoteAction._validate_action_result`` using pre-compiled validators.

    The response schema checks each event against a ``oneOf`` of 23 event schemas, one per value of
    ``event`` (a ``const``): jsonschema evaluates all 23 and builds an error for each of the 22 that
    fail. An event whose ``event`` is X is valid exactly when it is valid against the common part and
    X's schema, so we check that first; anything that does not pass this way is validated with the
    full schema, which passes it or raises Rasa's error as before.
    """
    from jsonschema import ValidationError, validators
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of on every action
    validator = validator_class(schema)
    event_validators = _event_validators(validator_class, schema) if fast_path else {}

    def quickly_valid(result: Any) -> bool:
        if not isinstance(result, dict):
            return False
        events = result.get("events", [])
        responses = result.get("responses", [])
        if not isinstance(events, list) or not isinstance(responses, list):
            return False
        if not all(isinstance(response, dict) for response in responses):
            return False
        for event in events:
            if not isinstance(event, dict):
                return False
            check = event_validators.get(event.get("event")) if isinstance(event.get("event"), str) else None
            if check is None or not check.is_valid(event):
                return False
        return True

    def _validate_action_result(self: Any, result: Dict[str, Any]) -> bool:
        if event_validators and quickly_valid(result):
            return True
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, make sure your response "
                f"from the Action endpoint is valid. For more information about the format visit "
                f"{DOCS_BASE_URL}/custom-actions")
            raise error

    return _validate_action_result


def _event_validators(validator_class: Any, response_schema: Dict[str, Any]) -> Dict[str, Any]:
    """One validator per event type: the event schema's common part together with that type's schema.

    Returns {} (every response then takes the full validation) if the schema is not shaped as
    expected: a response object whose ``events`` are items with a ``oneOf`` of ``const``-keyed schemas.
    """
    try:
        event_schema = response_schema["properties"]["events"]["items"]
        alternatives = event_schema["oneOf"]
        responses = response_schema["properties"]["responses"]
        if response_schema.get("type") != "object" or set(response_schema) != {"type", "properties"}:
            return {}
        if set(response_schema["properties"]) != {"events", "responses"}:
            return {}
        if responses != {"type": "array", "items": {"type": "object"}}:
            return {}
        common = {key: value for key, value in event_schema.items() if key != "oneOf"}
        table: Dict[str, Any] = {}
        for alternative in alternatives:
            name = alternative["properties"]["event"]["const"]
            if name in table:
                return {}  # two schemas for one name: only the full check decides correctly
            table[name] = validator_class({"allOf": [common, alternative]})
        return table
    except (KeyError, TypeError):
        return {}


# ---- 2. event class table --------------------------------------------------------------------
def event_type_resolver():
    """A replacement for ``Event.resolve_by_type`` backed by a name → class table."""
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    original = Event.resolve_by_type
    table: Dict[str, type] = {}

    def rebuild() -> None:
        table.clear()
        for cls in all_subclasses(Event):  # the order Rasa searches in: first match wins
            table.setdefault(cls.type_name, cls)

    def resolve_by_type(type_name: Text, default: Optional[type] = None) -> Optional[type]:
        cls = table.get(type_name)
        if cls is None:
            rebuild()
            cls = table.get(type_name)
        if cls is not None:
            return cls
        return original(type_name, default)  # Rasa's own answer for unknown names ("topic", default, error)

    rebuild()
    return staticmethod(resolve_by_type)


# ---- 3. graph runner without dask ------------------------------------------------------------
def _execution_plan(schema: Any, targets: List[Text]) -> List[Tuple[Text, List[Text]]]:
    """The nodes ``targets`` depend on, each after its dependencies: [(node, [input names…])]."""
    minimal = schema.minimal_graph_schema(targets)
    order: List[Tuple[Text, List[Text]]] = []
    state: Dict[Text, int] = {}  # 1 visiting, 2 done

    def visit(name: Text) -> None:
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


def sequential_graph_run():
    """A replacement for ``DaskGraphRunner.run`` that calls the nodes in a precomputed order."""
    from rasa.engine.exceptions import GraphRunError

    def run(self: Any, inputs: Optional[Dict[Text, Any]] = None,
            targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
        run_targets = list(targets) if targets else list(self._graph_schema.target_names)
        plans = self.__dict__.setdefault("_manabi_plans", {})
        key = tuple(run_targets)
        plan = plans.get(key)
        if plan is None:
            try:
                plan = plans[key] = _execution_plan(self._graph_schema, run_targets)
            except RuntimeError as error:
                raise GraphRunError("Error running runner.") from error
        results: Dict[Text, Any] = {}
        for input_name, input_value in (inputs or {}).items():
            if isinstance(input_value, str) and input_value in self._graph_schema.nodes:
                raise GraphRunError(
                    f"Input value '{input_value}' clashes with a node name. Make sure "
                    f"that none of the input names passed to the `run` method are the "
                    f"same as node names in the graph schema.")
            results[input_name] = (input_name, input_value)
        nodes = self._instantiated_nodes
        try:
            for node_name, needs in plan:
                # like dask: a dependency nobody provided is passed as its name (the node reports it)
                results[node_name] = nodes[node_name](*[results.get(need, need) for need in needs])
        except RuntimeError as error:
            raise GraphRunError("Error running runner.") from error
        return dict(results[target] for target in run_targets)

    return run


# ---- 4. no copies for debug lines that are dropped -----------------------------------------
def _debug_enabled() -> bool:
    return logging.getLogger().isEnabledFor(logging.DEBUG) or logging.getLogger("rasa").isEnabledFor(logging.DEBUG)


class _DebugOnlyCopy:
    """Stands in for the ``copy`` module in Rasa modules that deep-copy only for debug log lines."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        import copy

        return copy.deepcopy(value, memo) if _debug_enabled() else value

    def __getattr__(self, name: str) -> Any:
        import copy

        return getattr(copy, name)


# Every ``copy.deepcopy`` in these modules only builds an argument of a structlog debug call
# (checked for Rasa 3.6.21; see docs/performance.md).
DEBUG_ONLY_COPY_MODULES = ("rasa.core.processor", "rasa.core.actions.forms",
                           "rasa.core.policies.memoization", "rasa.core.policies.rule_policy")


def debug_only_format_tracker_states(original):
    def format_tracker_states(states: List[Dict]) -> Text:
        return original(states) if _debug_enabled() else ""

    return staticmethod(format_tracker_states)


# ---- 5. rule matching -----------------------------------------------------------------------
def fast_possible_keys():
    """A replacement for ``RulePolicy._get_possible_keys`` with the same result (see module doc)."""
    import functools
    import json

    from rasa.core.policies.rule_policy import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
    from rasa.shared.nlu.constants import ACTION_NAME

    @functools.lru_cache(maxsize=None)
    def reversed_rule(rule_key: Text) -> Tuple[Dict[Text, Any], ...]:
        return tuple(reversed(json.loads(rule_key)))

    indexes: Dict[int, Tuple[Dict[Text, Any], Dict[Optional[Text], set], set]] = {}

    def index_of(lookup: Dict[Text, Text]) -> Tuple[Dict[Optional[Text], set], set]:
        """Rules by the previous action their newest state requires (exact name), and the others."""
        entry = indexes.get(id(lookup))
        if entry is None or entry[0] is not lookup:
            by_action: Dict[Optional[Text], set] = {}
            others = set()
            for key in lookup:
                rule = reversed_rule(key)
                name = rule[0].get(PREVIOUS_ACTION, {}).get(ACTION_NAME) if rule else None
                if name and name != SHOULD_NOT_BE_SET:
                    by_action.setdefault(name, set()).add(key)
                else:
                    others.add(key)
            entry = indexes[id(lookup)] = (lookup, by_action, others)
        return entry[1], entry[2]

    def _get_possible_keys(self: Any, lookup: Dict[Text, Text], states: List[Dict[Text, Any]]) -> set:
        if not states:
            return set(lookup.keys())
        by_action, others = index_of(lookup)
        # A rule naming the previous action of its newest state can only match a conversation whose
        # newest state has that previous action (Rasa's check at turn 0 would drop it otherwise).
        newest_action = (states[-1].get(PREVIOUS_ACTION) or {}).get(ACTION_NAME)
        possible = others | by_action.get(newest_action, set())
        matches = self._does_rule_match_state
        for index, state in enumerate(reversed(states)):
            if not possible or all(len(reversed_rule(key)) <= index for key in possible):
                break  # an empty set stays empty; rules already passed match at every older turn
            current_previous_action = state.get(PREVIOUS_ACTION)
            kept = set()
            for key in possible:
                rule = reversed_rule(key)
                if index >= len(rule):
                    kept.add(key)
                    continue
                rule_previous_action = rule[index].get(PREVIOUS_ACTION)
                if not rule_previous_action and not current_previous_action:
                    kept.add(key)
                elif rule_previous_action and current_previous_action and matches(rule[index], state):
                    kept.add(key)
            possible = kept
        return possible

    return _get_possible_keys


# ---- 6. DIET's prediction without tf.function dispatch ----------------------------------------
PATCHED_TENSORFLOW_VERSION = "2.12.0"


def direct_rasa_predict(original):
    """A replacement for ``RasaModel._rasa_predict`` calling the traced concrete function directly."""
    import tensorflow as tf
    from keras.utils import tf_utils
    from rasa.shared.constants import DIAGNOSTIC_DATA

    def _rasa_predict(self: Any, batch_in: Tuple[Any, ...]) -> Dict[Text, Any]:
        function = self._tf_predict_step
        if self._run_eagerly or function is None or not self.prepared_for_prediction:
            return original(self, batch_in)
        state = self.__dict__.get("_manabi_direct")
        if state is None or state[0] is not function:
            concrete = function.get_concrete_function()
            specs = tf.nest.flatten(concrete.structured_input_signature[0])
            state = self.__dict__["_manabi_direct"] = (function, concrete, specs)
        _, concrete, specs = state
        if not isinstance(batch_in, (tuple, list)) or len(batch_in) != len(specs):
            return original(self, batch_in)
        try:
            tensors = [tf.convert_to_tensor(value, dtype=spec.dtype) for value, spec in zip(batch_in, specs)]
        except (TypeError, ValueError):
            return original(self, batch_in)
        if not all(spec.shape.is_compatible_with(tensor.shape) for spec, tensor in zip(specs, tensors)):
            return original(self, batch_in)
        self._training = False
        outputs = tf_utils.sync_to_numpy_or_python_type(concrete._call_flat(tensors, concrete.captured_inputs))
        if DIAGNOSTIC_DATA in outputs:
            outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
        return outputs

    return _rasa_predict


# ---- 7. a tracker's history, worked out once per version ----------------------------------------
def _tracker_version(tracker: Any) -> Tuple[int, int, int]:
    events = tracker.events
    return id(events), len(events), id(events[-1]) if events else 0


def memoised_applied_events(original):
    """A replacement for ``DialogueStateTracker.applied_events`` remembering the last answer."""

    def applied_events(self: Any) -> List[Any]:
        version = _tracker_version(self)
        cached = self.__dict__.get("_manabi_applied")
        # the events themselves are kept in the entry, so their ids cannot be reused meanwhile
        if cached is None or cached[0] != version or cached[1] is not (self.events[-1] if self.events else None):
            cached = (version, self.events[-1] if self.events else None, original(self))
            self.__dict__["_manabi_applied"] = cached
        return list(cached[2])

    return applied_events


def _copy_states(states: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """States are dicts of sub-state dicts of immutable values: two levels make an independent copy."""
    return [{name: dict(sub_state) if isinstance(sub_state, dict) else sub_state
             for name, sub_state in state.items()} for state in states]


class _Replay:
    """Where the last replay of a conversation's history stopped: the applied events so far, the
    replay tracker after them, the states of the turns among them, and the loop variables."""

    __slots__ = ("applied", "tracker", "states", "last_ml_action", "turn_was_hidden")

    def __init__(self, applied: Tuple[Any, ...], tracker: Any, states: List[Dict[Text, Any]],
                 last_ml_action: Any, turn_was_hidden: bool) -> None:
        self.applied, self.tracker, self.states = applied, tracker, states
        self.last_ml_action, self.turn_was_hidden = last_ml_action, turn_was_hidden


MAX_REPLAYS = 2_000  # conversations whose replay is kept (least recently used dropped)


def incremental_states_for_tracker_history(original):
    """A replacement for ``Domain.states_for_tracker_history`` that replays only new events.

    Rasa's version (Rasa 3.6.21, domain.py) is a left fold over ``tracker.applied_events()``: a
    replay tracker is updated event by event, and before each ``ActionExecuted`` (and once at the
    end) a state is computed from it. The fold is the same code here, split so it can stop and
    resume: the replay of a conversation is kept (per sender, domain and options), and a later call
    whose applied events begin with exactly the same event objects continues from it instead of
    starting again. Any other call (different events, events undone by a form, a new session, a
    reloaded model) replays from the start, as Rasa does. Results are also remembered per tracker
    version (same deque, length, last event) and handed out as copies.
    """
    import json
    import operator
    from collections import OrderedDict

    from rasa.shared.core.constants import PREVIOUS_ACTION
    from rasa.shared.core.events import ActionExecuted

    replays: "OrderedDict[Tuple[Any, ...], _Replay]" = OrderedDict()

    def step(domain: Any, replay_tracker: Any, hide_rule_turn: bool, states: List[Dict[Text, Any]],
             last_ml_action: Any, turn_was_hidden: bool, omit_unset_slots: bool, ignore_rule_only_turns: bool,
             rule_only_data: Optional[Dict[Text, Any]]) -> Tuple[Any, bool]:
        """One iteration of Rasa's loop over ``generate_all_prior_trackers`` (same statements)."""
        tr = replay_tracker
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and not tr.latest_action_name == tr.active_loop_name:
                turn_was_hidden = hide_rule_turn
            if turn_was_hidden:
                return last_ml_action, turn_was_hidden
        state = domain.get_active_state(tr, omit_unset_slots=omit_unset_slots)
        if ignore_rule_only_turns:
            domain._remove_rule_only_features(state, rule_only_data)
            if states:
                domain._substitute_rule_only_user_input(state, states[-1])
            if last_ml_action:
                state[PREVIOUS_ACTION] = last_ml_action
        states.append(domain._clean_state(state))
        return last_ml_action, turn_was_hidden

    def compute(domain: Any, tracker: Any, omit_unset_slots: bool, ignore_rule_only_turns: bool,
                rule_only_data: Optional[Dict[Text, Any]], key: Tuple[Any, ...]) -> List[Dict[Text, Any]]:
        applied = tracker.applied_events()
        replay = replays.pop(key, None)  # taken out: its tracker is about to move on
        if (replay is not None and len(applied) >= len(replay.applied)
                and all(map(operator.is_, replay.applied, applied))):
            replay_tracker, states = replay.tracker, replay.states
            last_ml_action, turn_was_hidden = replay.last_ml_action, replay.turn_was_hidden
            start = len(replay.applied)
        else:
            replay_tracker, states, last_ml_action, turn_was_hidden, start = tracker.init_copy(), [], None, False, 0
        options = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        for event in applied[start:]:
            if isinstance(event, ActionExecuted):
                last_ml_action, turn_was_hidden = step(domain, replay_tracker, event.hide_rule_turn, states,
                                                       last_ml_action, turn_was_hidden, *options)
            replay_tracker.update(event)
        replays[key] = _Replay(tuple(applied), replay_tracker, states, last_ml_action, turn_was_hidden)
        while len(replays) > MAX_REPLAYS:
            replays.popitem(last=False)
        result = list(states)
        step(domain, replay_tracker, False, result, last_ml_action, turn_was_hidden, *options)  # the final yield
        return result

    def states_for_tracker_history(self: Any, tracker: Any, omit_unset_slots: bool = False,
                                   ignore_rule_only_turns: bool = False,
                                   rule_only_data: Optional[Dict[Text, Any]] = None) -> List[Dict[Text, Any]]:
        try:
            options = (omit_unset_slots, ignore_rule_only_turns,
                       json.dumps(rule_only_data, sort_keys=True, default=str))
        except (TypeError, ValueError):
            return original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        version = _tracker_version(tracker)
        last = tracker.events[-1] if tracker.events else None
        memo = tracker.__dict__.get("_manabi_states")
        if memo is None or memo[0] != version or memo[1] is not last or memo[2] is not self:
            memo = (version, last, self, {})
            tracker.__dict__["_manabi_states"] = memo
        states = memo[3].get(options)
        if states is None:
            key = (tracker.sender_id, id(self), type(tracker), tracker.is_rule_tracker,
                   tracker._max_event_history, *options)
            states = memo[3][options] = compute(self, tracker, omit_unset_slots, ignore_rule_only_turns,
                                                rule_only_data, key)
        return _copy_states(states)

    return states_for_tracker_history


# ---- 8. slot copies ------------------------------------------------------------------------------
def _slot_copy(self: Any) -> Any:
    """What ``copy.copy`` makes of a Slot (no custom reduce/state protocol): same class, same attributes."""
    new = self.__class__.__new__(self.__class__)
    new.__dict__.update(self.__dict__)
    return new


# ---- 9. the empty domain, serialised once -------------------------------------------------------
def cached_is_empty():
    """A replacement for ``Domain.is_empty`` comparing with a once-serialised empty domain."""
    import copy

    from rasa.shared.core.domain import Domain

    empty = copy.deepcopy(Domain.empty().as_dict())

    def is_empty(self: Any) -> bool:
        return self.as_dict() == empty

    return is_empty


# ---- 10. one kept-alive session per endpoint --------------------------------------------------
_SHARED_SESSIONS: List[Any] = []
CLIENT_KEEPALIVE_SECONDS = 2.0  # below Sanic's KEEP_ALIVE_TIMEOUT (5 s) on the action server


class _KeptSession:
    """``async with`` yields the shared session and leaves it open."""

    def __init__(self, session: Any) -> None:
        self._session = session

    async def __aenter__(self) -> Any:
        return self._session

    async def __aexit__(self, *_: Any) -> None:
        return None


def kept_alive_session():
    """A replacement for ``EndpointConfig.session`` returning one long-lived session per loop."""
    import aiohttp
    from rasa.utils.endpoints import DEFAULT_REQUEST_TIMEOUT

    def session(self: Any) -> _KeptSession:
        loop = asyncio.get_running_loop()
        current = self.__dict__.get("_manabi_session")
        if current is None or current.closed or current._loop is not loop:
            auth = (aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"])
                    if self.basic_auth else None)
            current = aiohttp.ClientSession(
                headers=self.headers, auth=auth,
                timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                connector=aiohttp.TCPConnector(keepalive_timeout=CLIENT_KEEPALIVE_SECONDS))
            self.__dict__["_manabi_session"] = current
            _SHARED_SESSIONS.append(current)
        return _KeptSession(current)

    return session


async def close_shared_sessions() -> None:
    while _SHARED_SESSIONS:
        session = _SHARED_SESSIONS.pop()
        if not session.closed:
            await session.close()


def _closing_resources(original):
    async def close_resources(*args: Any, **kwargs: Any) -> None:
        try:
            await close_shared_sessions()
        finally:
            await original(*args, **kwargs)

    return close_resources


# ---- installing them ---------------------------------------------------------------------------
# Replaced attributes: (owner, attribute name) -> the original value, for tests and comparisons.
ORIGINALS: Dict[Tuple[Any, str], Any] = {}


def _replace(owner: Any, attribute: str, value: Any) -> None:
    ORIGINALS.setdefault((owner, attribute), owner.__dict__.get(attribute, getattr(owner, attribute, None)))
    setattr(owner, attribute, value)


def original(owner: Any, attribute: str) -> Any:
    """The attribute as Rasa defines it, whether or not the fixes are installed."""
    return ORIGINALS.get((owner, attribute), owner.__dict__.get(attribute, getattr(owner, attribute, None)))


# The fixes by name, in the order of the module docstring. ``MANABI_SPEED_FIXES_OFF=name,name``
# (or ``apply_patches(skip=…)``) leaves some out: for measuring each one's effect
# (``python -m benchmarks.ablation``), or to rule one out when hunting a problem.
FIXES = ("validation", "event_table", "graph_runner", "debug_copies", "rule_matching", "direct_predict",
         "history_memo", "slot_copy", "empty_domain", "keep_alive")


def apply_patches(skip: Optional[Iterable[str]] = None) -> bool:
    """Install the fixes (once); returns False (and warns) on an unexpected Rasa version."""
    import os

    import rasa
    import rasa.core.run
    import tensorflow
    from rasa.core.actions.action import RemoteAction
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.engine.runner.dask import DaskGraphRunner
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import Event
    from rasa.shared.core.slots import Slot
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.utils.common import all_subclasses
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.tensorflow.models import RasaModel

    if rasa.__version__ != PATCHED_RASA_VERSION:
        logger.warning("rasa %s is not %s: running without Manabi's speed fixes",
                       rasa.__version__, PATCHED_RASA_VERSION)
        return False
    if ORIGINALS:
        return True
    off = set(skip if skip is not None else filter(None, os.environ.get("MANABI_SPEED_FIXES_OFF", "").split(",")))
    unknown = off - set(FIXES)
    if unknown:
        raise ValueError(f"unknown speed fix(es) {sorted(unknown)}; known: {', '.join(FIXES)}")
    if off:
        logger.warning("running without these speed fixes: %s", ", ".join(sorted(off)))
    # the compiled schema itself predates these fixes and always stays; "validation" is the fast path
    _replace(RemoteAction, "_validate_action_result",
             compiled_action_result_validator(fast_path="validation" not in off))
    if "event_table" not in off:
        _replace(Event, "resolve_by_type", event_type_resolver())
    if "graph_runner" not in off:
        _replace(DaskGraphRunner, "run", sequential_graph_run())
    if "debug_copies" not in off:
        for module_name in DEBUG_ONLY_COPY_MODULES:
            _replace(importlib.import_module(module_name), "copy", _DebugOnlyCopy())
        _replace(RulePolicy, "format_tracker_states",
                 debug_only_format_tracker_states(RulePolicy.format_tracker_states))
    if "rule_matching" not in off:
        _replace(RulePolicy, "_get_possible_keys", fast_possible_keys())
    if "direct_predict" not in off:
        if tensorflow.__version__ == PATCHED_TENSORFLOW_VERSION:
            _replace(RasaModel, "_rasa_predict", direct_rasa_predict(RasaModel._rasa_predict))
        else:
            logger.warning("tensorflow %s is not %s: DIET predictions take the tf.function path",
                           tensorflow.__version__, PATCHED_TENSORFLOW_VERSION)
    if "history_memo" not in off:
        _replace(DialogueStateTracker, "applied_events",
                 memoised_applied_events(DialogueStateTracker.applied_events))
        _replace(Domain, "states_for_tracker_history",
                 incremental_states_for_tracker_history(Domain.states_for_tracker_history))
    if "slot_copy" not in off and not any(
            name in vars(cls) for cls in [Slot, *all_subclasses(Slot)]
            for name in ("__copy__", "__reduce__", "__reduce_ex__", "__setstate__", "__slots__")):
        _replace(Slot, "__copy__", _slot_copy)
    if "empty_domain" not in off:
        _replace(Domain, "is_empty", cached_is_empty())
    if "keep_alive" not in off:
        _replace(EndpointConfig, "session", kept_alive_session())
        _replace(rasa.core.run, "close_resources", _closing_resources(rasa.core.run.close_resources))
    return True


def prepare_tracker_db(path: Path) -> None:
    """Create the tracker database in WAL mode (the mode is stored in the file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path))
    try:
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def _profile_if_asked() -> None:
    """``MANABI_PROFILE=<file>``: profile the server (CPU time) from the first message it handles
    (start-up and model loading left out) and write pstats there when it exits."""
    import os

    target = os.environ.get("MANABI_PROFILE")
    if not target:
        return
    import atexit
    import cProfile
    import functools
    import time

    from rasa.core.processor import MessageProcessor

    profiler = cProfile.Profile(time.process_time)
    handle_message = MessageProcessor.handle_message

    @functools.wraps(handle_message)
    async def first_message_starts_profiling(self: Any, message: Any) -> Any:
        MessageProcessor.handle_message = handle_message
        profiler.enable()
        return await handle_message(self, message)

    MessageProcessor.handle_message = first_message_starts_profiling
    atexit.register(lambda: (profiler.disable(), profiler.dump_stats(target)))


def main() -> None:
    _profile_if_asked()
    apply_patches()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
