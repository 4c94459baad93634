"""Rasa entity extractor that finds catalogue names (courses, exams, departments, …) in messages.

The names and aliases come from the built catalogue database at load time, so when the programme
office adds an alias and the catalogue is rebuilt, the next server start knows it without
retraining. Entity values are catalogue ids (``itpass``), matched with
:class:`bot.text.fuzzy.AliasMatcher` (width/kana-insensitive, small typos tolerated), then, in the
text no name was found in, by reading with :class:`bot.text.reading_match.ReadingMatcher` (names
typed in kana or mis-converted: 「りーだーけんしゅう」, 「応用上方」), using the readings our tokenizer
stores as each token's ``lemma``. The mentions are shared with the CatalogueMentionFeaturizer
(:mod:`bot.nlu.mentions`), so the matching runs once per message.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.component import Component, GraphPlace
from bot.nlu.mentions import MentionFinder, catalogue_path, mention_finder

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class CatalogueEntityExtractor(Component, EntityExtractorMixin):
    """Adds an entity for every catalogue name found in the message text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            # Path of catalogue.sqlite; default: MANABI_CATALOGUE_DB or var/catalogue.sqlite
            "catalogue_db": None,
            # Entity types to extract (alias kinds); None extracts every kind in the catalogue
            "kinds": None,
            # Also match names by their reading (needs bot.nlu.tokenizer.JapaneseTokenizer before)
            "match_readings": True,
        }

    def __init__(self, config: dict[str, Any], place: GraphPlace, state: None = None) -> None:
        db_path = catalogue_path(config.get("catalogue_db"))
        logger.debug("CatalogueEntityExtractor: catalogue %s", db_path)
        self._kinds: list[str] | None = config.get("kinds")
        self._finder: MentionFinder = mention_finder(db_path, bool(config.get("match_readings", True)))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if not message.get(TEXT):
                continue
            found = [
                {
                    "entity": match.kind,
                    "value": match.target,
                    "start": match.start,
                    "end": match.end,
                    "confidence_entity": match.confidence,
                }
                for match in self._finder.find(message, self._kinds)
            ]
            if found:
                entities = message.get(ENTITIES, []) + self.add_extractor_name(found)
                message.set(ENTITIES, entities, add_to_output=True)
        return messages
