"""The evaluation sets stay separate from the training data, and every label is a real one.

* No held-out or dev utterance may appear in data/nlu (compared after bot.text.normalize, ignoring
  case, punctuation and spaces: see bot.evaluation.examples.duplicate_key); otherwise the report
  would measure memorisation. Fix a failure by removing or rewording the *training* example.
* Every intent of the domain has held-out examples (and the sets use no other intents).
* Every (entity type, value) annotated anywhere is a (kind, target) of the catalogue's aliases,
  since the entity extractor's values are catalogue ids.
* No message of the behavioural suites (tests/conversations/*.yml) is in data/nlu either: they
  measure how unseen phrasings are understood (docs/understanding.md).
"""

import pytest
import yaml

from bot.evaluation.examples import duplicate_key, load_examples
from bot.settings import PROJECT_ROOT

TRAINING = PROJECT_ROOT / "data" / "nlu"
EVALUATION_SETS = {
    "heldout": PROJECT_ROOT / "tests" / "nlu" / "heldout.yml",
    "dev": PROJECT_ROOT / "tests" / "nlu" / "dev.yml",
}


@pytest.fixture(scope="module")
def training():
    return load_examples(TRAINING)


@pytest.fixture(scope="module")
def evaluation_sets():
    return {name: load_examples(path) for name, path in EVALUATION_SETS.items()}


def _domain_intents():
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {next(iter(item)) if isinstance(item, dict) else item for item in domain["intents"]}


@pytest.mark.parametrize("set_name", sorted(EVALUATION_SETS))
def test_no_evaluation_utterance_is_in_the_training_data(training, evaluation_sets, set_name):
    trained = {duplicate_key(example.text) for example in training}
    leaked = [example.text for example in evaluation_sets[set_name] if duplicate_key(example.text) in trained]
    assert not leaked, (
        f"{len(leaked)} {set_name} utterances also appear in data/nlu; remove or reword the "
        f"training examples: {leaked[:10]}"
    )


def test_no_conversation_suite_message_is_in_the_training_data(training):
    from bot.evaluation.conversations import load_suite

    trained = {duplicate_key(example.text) for example in training}
    leaked = [
        f"{path.name} {case.id}: {turn.say}"
        for path in sorted((PROJECT_ROOT / "tests" / "conversations").glob("*.yml"))
        for case in load_suite(path).cases
        for turn in case.turns
        if len(turn.say) > 4 and duplicate_key(turn.say) in trained  # 「はい」「自薦」 are everyone's
    ]
    assert not leaked, f"{len(leaked)} suite messages also appear in data/nlu: {leaked[:10]}"


def test_every_domain_intent_has_heldout_examples(evaluation_sets):
    intents = _domain_intents()
    heldout = {example.intent for example in evaluation_sets["heldout"]}
    assert intents - heldout == set(), "domain intents without held-out examples"
    for name, examples in evaluation_sets.items():
        assert {example.intent for example in examples} - intents == set(), f"{name} uses intents not in domain.yml"


def test_training_data_covers_every_domain_intent(training):
    assert _domain_intents() - {example.intent for example in training} == set()


@pytest.mark.parametrize("source", ["training"] + sorted(EVALUATION_SETS))
def test_entity_labels_are_catalogue_alias_targets(catalogue, training, evaluation_sets, source):
    targets = {(alias.kind, alias.target) for alias in catalogue.aliases()}
    examples = training if source == "training" else evaluation_sets[source]
    unknown = sorted({pair for example in examples for pair in example.entities} - targets)
    assert not unknown, f"{source}: entity labels that are no catalogue alias target: {unknown}"
