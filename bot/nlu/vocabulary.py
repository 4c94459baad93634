"""The vocabulary our sparse sentence featurizers learn, stored with the model, and the count
vector of one message over it (shared by the character n-gram and catalogue-mention featurizers)."""
from __future__ import annotations

import json
from typing import Dict, Iterable

import numpy as np
import scipy.sparse
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage

Vocabulary = Dict[str, int]


def build_vocabulary(names: Iterable[str]) -> Vocabulary:
    """Feature name → column, columns in sorted name order (so the same data gives the same model)."""
    return {name: index for index, name in enumerate(sorted(set(names)))}


def save_vocabulary(model_storage: ModelStorage, resource: Resource, file_name: str,
                    vocabulary: Vocabulary) -> None:
    with model_storage.write_to(resource) as directory:
        (directory / file_name).write_text(json.dumps(vocabulary, ensure_ascii=False), encoding="utf-8")


def load_vocabulary(model_storage: ModelStorage, resource: Resource, file_name: str) -> Vocabulary:
    """The stored vocabulary; empty when the component was never trained (no NLU data)."""
    try:
        with model_storage.read_from(resource) as directory:
            return json.loads((directory / file_name).read_text(encoding="utf-8"))
    except ValueError:  # Rasa's way of saying "nothing stored for this resource"
        return {}


def count_vector(names: Iterable[str], vocabulary: Vocabulary) -> scipy.sparse.coo_matrix:
    """A 1 × len(vocabulary) row counting each known name; unknown names are dropped."""
    counts: Dict[int, float] = {}
    for name in names:
        index = vocabulary.get(name)
        if index is not None:
            counts[index] = counts.get(index, 0.0) + 1.0
    columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    return scipy.sparse.coo_matrix((values, (np.zeros_like(columns), columns)), shape=(1, len(vocabulary)))
