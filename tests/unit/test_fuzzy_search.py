"""The bounded fuzzy search: the same closest match as a full alignment, and cheap on long messages."""

import random
import time

import pytest

from bot.catalogue.queries import FUZZY_KINDS
from bot.text.fuzzy import (
    Alias,
    AliasMatcher,
    _close_substrings,
    _closest_per_mention,
    _FuzzyKey,
    _places,
    allowed_typos,
)


def full_alignment(key: str, text: str) -> tuple[int, int, int]:
    """Reference: Sellers' algorithm over the whole text (what the matcher computed before it used
    rapidfuzz): the smallest distance, then the latest end, then the earliest start."""
    previous = [(0, j) for j in range(len(text) + 1)]
    for i, key_char in enumerate(key, 1):
        current = [(i, 0)]
        for j, text_char in enumerate(text, 1):
            current.append(
                min(
                    (previous[j - 1][0] + (key_char != text_char), previous[j - 1][1]),
                    (previous[j][0] + 1, previous[j][1]),
                    (current[j - 1][0] + 1, current[j - 1][1]),
                )
            )
        previous = current
    end = min(range(len(text) + 1), key=lambda j: (previous[j][0], -j))
    return previous[end][0], previous[end][1], end


def bounded_search(key: str, text: str) -> list[tuple[int, int, int]]:
    """The closest substring of each mention the matcher finds (``text`` holds no exact ``key``)."""
    fuzzy = _FuzzyKey(key, Alias("exam", "x", key))
    close = [
        found
        for first, last in _places(fuzzy, text)
        for found in _close_substrings(key, text, first, last, fuzzy.allowed, exact=[])
    ]
    return _closest_per_mention(close)


def test_the_bounded_search_finds_what_a_full_alignment_finds():
    rng = random.Random(15)
    checked = 0
    for _ in range(3000):
        key = "".join(rng.choice("アイウ研修ab") for _ in range(rng.randint(4, 12)))
        text = "".join(rng.choice("アイウ研修abの") for _ in range(rng.randint(0, 30)))
        if rng.random() < 0.7:  # most texts hold the key, maybe mistyped
            position = rng.randint(0, len(text))
            typed = list(key)
            for _ in range(rng.randint(0, 2)):
                typed[rng.randrange(len(typed))] = rng.choice("アイウ研修ab")
            text = text[:position] + "".join(typed) + text[position:]
        if key in text:
            continue  # a correct occurrence: no typo to look for
        allowed = allowed_typos(key)
        if not allowed:
            continue  # matched exactly only
        distance, start, end = full_alignment(key, text)
        places = bounded_search(key, text)
        if distance <= allowed:
            checked += 1
            assert min(places, key=lambda found: (found[0], -found[2])) == (distance, start, end), (key, text)
        else:
            assert places == [], (key, text)
    assert checked > 800  # the property was exercised, not only the "nothing there" case


@pytest.fixture(scope="module")
def matcher(catalogue):
    return AliasMatcher(catalogue.aliases(), fuzzy_kinds=FUZZY_KINDS)


def test_a_name_typed_right_and_wrong_is_found_both_times(matcher):
    found = matcher.find("ITパスポートとITパスポードの違いは？")
    assert [(m.target, m.text, m.distance) for m in found] == [
        ("itpass", "ITパスポート", 0),
        ("itpass", "ITパスポード", 1),
    ]


def test_a_name_mistyped_twice_is_found_twice(matcher):
    found = matcher.find("リーダー研俢とリーダ研修")
    assert [(m.target, m.text) for m in found] == [("leader", "リーダー研俢"), ("leader", "リーダ研修")]


def long_message(matcher, catalogue, length=9000):
    """Sentences of one catalogue name each (some mistyped), and where each sentence starts."""
    rng = random.Random(9)
    names = [alias.surface for alias in catalogue.aliases() if alias.kind in FUZZY_KINDS]
    sentences, starts, size = [], [], 0
    while size < length:
        name = rng.choice(names)
        if len(name) > 5 and rng.random() < 0.3:
            index = rng.randrange(len(name))
            name = name[:index] + "ぬ" + name[index + 1 :]
        sentence = f"{name}の日程を教えてください。よろしくお願いします。"
        starts.append(size)
        sentences.append(sentence)
        size += len(sentence)
    return sentences, starts


def test_a_long_message_is_matched_as_its_sentences_are(matcher, catalogue):
    sentences, starts = long_message(matcher, catalogue)
    expected = [
        (m.kind, m.target, m.start + start, m.end + start, m.text, m.distance)
        for sentence, start in zip(sentences, starts)
        for m in matcher.find(sentence)
    ]
    found = matcher.find("".join(sentences))
    assert [(m.kind, m.target, m.start, m.end, m.text, m.distance) for m in found] == expected
    assert len(expected) >= len(sentences) * 0.9  # nearly every sentence names something


def test_a_long_message_costs_little(matcher, catalogue):
    """9,000 characters of catalogue names: tens of milliseconds (the full alignment took ~12 s)."""
    message = "".join(long_message(matcher, catalogue)[0])
    matcher.find(message)
    timings = []
    for _ in range(3):
        started = time.process_time()
        matcher.find(message)
        timings.append(time.process_time() - started)
    assert sorted(timings)[1] < 0.5
