"""Catalogue names mentioned in a message, found once and shared by the NLU components.

Both :class:`bot.nlu.mention_featurizer.CatalogueMentionFeaturizer` (features for the intent
classifier) and :class:`bot.nlu.entity_extractor.CatalogueEntityExtractor` (entities) need the same
mentions. The first of them to look stores its result on the message, the other reuses it, so the
matching runs once per message. Matching is by characters (exact, then fuzzy, see
:mod:`bot.text.fuzzy`) and then, where nothing was found, by reading (:mod:`bot.text.reading_match`),
using the readings our tokenizer stores as each token's ``lemma``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.catalogue.queries import open_catalogue
from bot.settings import load_settings
from bot.text.fuzzy import AliasMatcher, Match
from bot.text.reading_match import ReadingMatcher, ReadingToken

MENTIONS = (
    "manabi_catalogue_mentions"  # message data key: [finder tag, [[kind, target, start, end, text, distance], …]]
)


class MentionFinder:
    def __init__(self, matcher: AliasMatcher, reading_matcher: ReadingMatcher | None, tag: str):
        self._matcher = matcher
        self._reading_matcher = reading_matcher
        self._tag = tag

    def find(self, message: Message, kinds: Sequence[str] | None = None, remember: bool = True) -> list[Match]:
        """Every mention in the message, optionally of some kinds only.

        With ``remember`` the result is stored on the message (as plain lists) for the next component;
        training messages are not marked (``remember=False``), so the training data stays as it was.
        """
        cached = message.get(MENTIONS)
        if cached and cached[0] == self._tag:
            mentions = [Match(*fields) for fields in cached[1]]
        else:
            mentions = self._find(message)
            if remember:
                message.set(
                    MENTIONS, [self._tag, [[m.kind, m.target, m.start, m.end, m.text, m.distance] for m in mentions]]
                )
        return [m for m in mentions if m.kind in kinds] if kinds else mentions

    def _find(self, message: Message) -> list[Match]:
        text = message.get(TEXT) or ""
        matches = self._matcher.find(text)
        tokens = message.get(TOKENS_NAMES[TEXT])
        if self._reading_matcher is None or not tokens or not text:
            return matches
        taken = [False] * len(text)
        for match in matches:
            taken[match.start : match.end] = [True] * (match.end - match.start)
        readings = [ReadingToken(token.lemma or token.text, token.start, token.end) for token in tokens]
        extra = [
            match for match in self._reading_matcher.find(text, readings) if not any(taken[match.start : match.end])
        ]
        return sorted(matches + extra, key=lambda match: match.start)


def catalogue_path(configured: str | None) -> str:
    return configured or str(load_settings().catalogue_db)


@lru_cache(maxsize=4)
def mention_finder(db_path: str, match_readings: bool = True) -> MentionFinder:
    """The finder over the catalogue at ``db_path`` (shared by every component that asks)."""
    catalogue = open_catalogue(db_path)
    reading_matcher = None
    if match_readings:
        from bot.nlu.tokenizer import reading_tokens

        reading_matcher = ReadingMatcher(
            (alias, "".join(token.reading for token in reading_tokens(alias.surface))) for alias in catalogue.aliases()
        )
    return MentionFinder(catalogue.matcher, reading_matcher, f"{db_path}|{match_readings}")
