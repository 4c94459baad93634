"""A conversation's history is replayed once, not for every prediction.

To predict an action, the rule policy turns the conversation into a list of states by replaying every
event from the start (``Domain.states_for_tracker_history``), twice after a user message, and again
for the next prediction, the next turn, and so on: the cost grows with the conversation. We keep where
the replay stopped (per conversation) and continue it with the new events, as long as the events
replayed so far are exactly the same objects (the tracker store hands out the same event objects turn
after turn); anything else is replayed from the start as before. The filtered event list
(``DialogueStateTracker.applied_events``) and the states are also remembered per tracker version, and
callers get copies, so changing a result cannot change the next one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.rasa_patches.patch import Replacement


def _tracker_version(tracker: Any) -> tuple[int, int, int]:
    events = tracker.events
    return id(events), len(events), id(events[-1]) if events else 0


def replacements() -> list[Replacement]:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    applied_events = memoised_applied_events(DialogueStateTracker.applied_events)
    return [
        Replacement(DialogueStateTracker, "applied_events", applied_events),
        Replacement(
            Domain,
            "states_for_tracker_history",
            incremental_states_for_tracker_history(Domain.states_for_tracker_history),
        ),
    ]


def memoised_applied_events(original: Callable[[Any], list[Any]]) -> Callable[[Any], list[Any]]:
    """``DialogueStateTracker.applied_events`` remembering the last answer."""

    def applied_events(self: Any) -> list[Any]:
        version = _tracker_version(self)
        cached = self.__dict__.get("_manabi_applied")
        # the events themselves are kept in the entry, so their ids cannot be reused meanwhile
        if cached is None or cached[0] != version or cached[1] is not (self.events[-1] if self.events else None):
            cached = (version, self.events[-1] if self.events else None, original(self))
            self.__dict__["_manabi_applied"] = cached
        return list(cached[2])

    return applied_events


def _copy_states(states: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """States are dicts of sub-state dicts of immutable values: two levels make an independent copy."""
    return [
        {name: dict(sub_state) if isinstance(sub_state, dict) else sub_state for name, sub_state in state.items()}
        for state in states
    ]


class _Replay:
    """Where the last replay of a conversation's history stopped: the applied events so far, the
    replay tracker after them, the states of the turns among them, and the loop variables."""

    __slots__ = ("applied", "tracker", "states", "last_ml_action", "turn_was_hidden")

    def __init__(
        self,
        applied: tuple[Any, ...],
        tracker: Any,
        states: list[dict[str, Any]],
        last_ml_action: Any,
        turn_was_hidden: bool,
    ) -> None:
        self.applied, self.tracker, self.states = applied, tracker, states
        self.last_ml_action, self.turn_was_hidden = last_ml_action, turn_was_hidden


MAX_REPLAYS = 2_000  # conversations whose replay is kept (least recently used dropped)


def incremental_states_for_tracker_history(original: Callable[..., Any]) -> Callable[..., list[dict[str, Any]]]:
    """``Domain.states_for_tracker_history`` replaying only new events.

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

    replays: OrderedDict[tuple[Any, ...], _Replay] = OrderedDict()

    def step(
        domain: Any,
        replay_tracker: Any,
        hide_rule_turn: bool,
        states: list[dict[str, Any]],
        last_ml_action: Any,
        turn_was_hidden: bool,
        omit_unset_slots: bool,
        ignore_rule_only_turns: bool,
        rule_only_data: dict[str, Any] | None,
    ) -> tuple[Any, bool]:
        """One iteration of Rasa's loop over ``generate_all_prior_trackers`` (same statements)."""
        tr = replay_tracker
        if ignore_rule_only_turns:
            if not turn_was_hidden:
                last_ml_action = domain._get_prev_action_sub_state(tr)
            if not tr.followup_action and tr.latest_action_name != tr.active_loop_name:
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

    def compute(
        domain: Any,
        tracker: Any,
        omit_unset_slots: bool,
        ignore_rule_only_turns: bool,
        rule_only_data: dict[str, Any] | None,
        key: tuple[Any, ...],
    ) -> list[dict[str, Any]]:
        applied = tracker.applied_events()
        replay = replays.pop(key, None)  # taken out: its tracker is about to move on
        if (
            replay is not None
            and len(applied) >= len(replay.applied)
            and all(map(operator.is_, replay.applied, applied))
        ):
            replay_tracker, states = replay.tracker, replay.states
            last_ml_action, turn_was_hidden = replay.last_ml_action, replay.turn_was_hidden
            start = len(replay.applied)
        else:
            replay_tracker, states, last_ml_action, turn_was_hidden, start = tracker.init_copy(), [], None, False, 0
        options = (omit_unset_slots, ignore_rule_only_turns, rule_only_data)
        for event in applied[start:]:
            if isinstance(event, ActionExecuted):
                last_ml_action, turn_was_hidden = step(
                    domain, replay_tracker, event.hide_rule_turn, states, last_ml_action, turn_was_hidden, *options
                )
            replay_tracker.update(event)
        replays[key] = _Replay(tuple(applied), replay_tracker, states, last_ml_action, turn_was_hidden)
        while len(replays) > MAX_REPLAYS:
            replays.popitem(last=False)
        result = list(states)
        step(domain, replay_tracker, False, result, last_ml_action, turn_was_hidden, *options)  # the final yield
        return result

    def states_for_tracker_history(
        self: Any,
        tracker: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[dict[str, Any]]:
        try:
            options = (
                omit_unset_slots,
                ignore_rule_only_turns,
                json.dumps(rule_only_data, sort_keys=True, default=str),
            )
        except (TypeError, ValueError):
            return list(original(self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data))
        version = _tracker_version(tracker)
        last = tracker.events[-1] if tracker.events else None
        memo = tracker.__dict__.get("_manabi_states")
        if memo is None or memo[0] != version or memo[1] is not last or memo[2] is not self:
            memo = (version, last, self, {})
            tracker.__dict__["_manabi_states"] = memo
        states = memo[3].get(options)
        if states is None:
            key = (
                tracker.sender_id,
                id(self),
                type(tracker),
                tracker.is_rule_tracker,
                tracker._max_event_history,
                *options,
            )
            states = memo[3][options] = compute(
                self, tracker, omit_unset_slots, ignore_rule_only_turns, rule_only_data, key
            )
        return _copy_states(states)

    return states_for_tracker_history
