"""The incremental state history (bot.rasa_patches.state_history) gives Rasa's states for every
conversation our rules and stories describe, prefix by prefix, with and without the options the
policies use."""

from __future__ import annotations

import random

import pytest
from rasa.shared.core.constants import RULE_ONLY_LOOPS, RULE_ONLY_SLOTS
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.generator import TrainingDataGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.importers.importer import TrainingDataImporter

from bot import rasa_patches
from bot.settings import PROJECT_ROOT

OPTIONS = [
    {},
    {"omit_unset_slots": True},
    {"ignore_rule_only_turns": True},
    {
        "ignore_rule_only_turns": True,
        "rule_only_data": {RULE_ONLY_SLOTS: ["requested_slot", "reg_halt"], RULE_ONLY_LOOPS: ["subsidy_form"]},
    },
]


pytestmark = pytest.mark.usefixtures("rasa_patches")


@pytest.fixture(scope="module")
def conversations():
    importer = TrainingDataImporter.load_from_dict(
        domain_path=str(PROJECT_ROOT / "domain.yml"),
        training_data_paths=[str(PROJECT_ROOT / p) for p in ("data/rules", "data/stories", "tests/stories")],
    )
    domain = importer.get_domain()
    trackers = TrainingDataGenerator(
        importer.get_stories(), domain, augmentation_factor=0, remove_duplicates=False
    ).generate()
    assert len(trackers) > 50
    return domain, trackers


def rasas(domain: Domain, tracker: DialogueStateTracker, **options):
    return rasa_patches.original(Domain, "states_for_tracker_history")(domain, tracker, **options)


def test_every_prefix_of_every_conversation(conversations) -> None:
    """As the server sees a conversation: a new tracker per turn, built from the same event objects."""
    domain, trackers = conversations
    compared = 0
    for index, story in enumerate(trackers):
        events = list(story.events)
        for end in range(1, len(events) + 1):
            if end < len(events) and not isinstance(events[end], ActionExecuted):
                continue  # predictions happen before actions
            tracker = DialogueStateTracker.from_events(
                f"c{index}", events[:end], domain.slots, story._max_event_history
            )
            tracker.is_rule_tracker = story.is_rule_tracker
            for options in OPTIONS:
                assert domain.states_for_tracker_history(tracker, **options) == rasas(domain, tracker, **options), (
                    story.sender_id,
                    end,
                    options,
                )
                compared += 1
    assert compared > 1000


def test_one_growing_tracker_and_unrelated_histories_under_one_sender(conversations) -> None:
    """The processor's pattern (events appended to one tracker), then histories that do not extend
    the remembered replay (so it must start again), all under the same sender id."""
    domain, trackers = conversations
    rng = random.Random(3)
    for story in rng.sample(trackers, 20):
        growing = DialogueStateTracker("same-sender", domain.slots)
        for event in story.events:
            growing.update(event)
            for options in OPTIONS[::2]:
                assert domain.states_for_tracker_history(growing, **options) == rasas(domain, growing, **options)
    for _ in range(200):
        story = rng.choice(trackers)
        events = list(story.events)[: rng.randint(1, len(story.events))]
        tracker = DialogueStateTracker.from_events("same-sender", events, domain.slots)
        options = rng.choice(OPTIONS)
        assert domain.states_for_tracker_history(tracker, **options) == rasas(domain, tracker, **options)


def test_results_are_copies(conversations) -> None:
    domain, trackers = conversations
    tracker = DialogueStateTracker.from_events("copies", list(trackers[0].events), domain.slots)
    first = domain.states_for_tracker_history(tracker)
    for state in first:
        state.clear()
    assert domain.states_for_tracker_history(tracker) == rasas(domain, tracker)


def test_applied_events_are_rasas_and_copies(conversations) -> None:
    domain, trackers = conversations
    rasas = rasa_patches.original(DialogueStateTracker, "applied_events")
    for index, story in enumerate(trackers[:40]):
        tracker = DialogueStateTracker("applied", domain.slots)
        for event in story.events:
            tracker.update(event)
            first = tracker.applied_events()
            assert first == rasas(tracker), (index, event)
            first.clear()
            assert tracker.applied_events() == rasas(tracker)
