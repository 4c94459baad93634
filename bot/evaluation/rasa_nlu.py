"""Train a Rasa NLU pipeline from a config file, load a model, and parse messages with timings.

Training is in-process (``rasa.model_training.train_nlu``) with Rasa's training cache disabled
(see :mod:`bot.evaluation.quiet`), so the time reported is the time to train from scratch,
without the ~10 s of importing TensorFlow and Rasa. Parsing goes through ``Agent.parse_message``,
the same code path the Rasa server runs for every incoming message.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

from bot.evaluation.predictions import Prediction, from_rasa_parse
from bot.evaluation.quiet import captured_output

WARMUP_MESSAGES = 5


class EvaluationError(RuntimeError):
    """A step of the evaluation failed; the message is one line for the user."""


def train(config: Path, nlu_data: Path, domain: Path, out_dir: Path, name: str) -> tuple[Path, float]:
    """Train an NLU-only model into ``out_dir/<name>.tar.gz``; returns (path, seconds)."""
    from rasa.model_training import train_nlu

    started = time.perf_counter()
    with captured_output() as output:
        try:
            model = train_nlu(
                config=str(config),
                nlu_data=str(nlu_data),
                output=str(out_dir),
                fixed_model_name=name,
                domain=str(domain),
            )
        except Exception as error:  # Rasa raises many kinds; the user needs one line
            raise EvaluationError(f"training {name} with {config} failed: {error}") from error
    seconds = time.perf_counter() - started
    if not model:
        last = (output.getvalue().strip().splitlines() or ["no output"])[-1]
        raise EvaluationError(f"training {name} with {config} produced no model: {last}")
    return Path(model), seconds


class RasaModel:
    """A loaded Rasa model that parses one message at a time, as the server does."""

    def __init__(self, model_path: Path):
        from rasa.core.agent import Agent

        if not Path(model_path).exists():
            raise EvaluationError(f"model not found: {model_path}")
        with captured_output():
            try:
                self._agent = Agent.load(str(model_path))
            except Exception as error:
                raise EvaluationError(f"could not load {model_path}: {error}") from error
        self.path = Path(model_path)

    def parse_all(self, texts: Sequence[str]) -> list[Prediction]:
        """Parse each text separately, timing each; a few warm-up parses come first, untimed."""
        return asyncio.run(self._parse_all(texts))

    async def _parse_all(self, texts: Sequence[str]) -> list[Prediction]:
        for text in list(texts)[:WARMUP_MESSAGES]:
            await self._agent.parse_message(text)
        predictions = []
        for text in texts:
            started = time.perf_counter()
            result = await self._agent.parse_message(text)
            predictions.append(from_rasa_parse(result, time.perf_counter() - started))
        return predictions
