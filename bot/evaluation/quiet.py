"""Keep the evaluation's output to our own progress lines.

:func:`silence` must run before TensorFlow or Rasa is imported: it sets the environment variables
they read at import time (TensorFlow's C++ log level, Rasa's log level, which also turns off Rasa's
tqdm progress bars), filters Rasa's structlog events below ERROR, and disables Rasa's training
cache, so every training run is timed from scratch. :func:`captured_output` swallows what Rasa
prints during training/loading and hands it back, so a failure can still show it.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from collections.abc import Iterator

QUIET_ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "LOG_LEVEL": "ERROR",  # Rasa: log level, and no tqdm progress bars
    "LOG_LEVEL_LIBRARIES": "ERROR",
    "RASA_TELEMETRY_ENABLED": "false",
    "RASA_MAX_CACHE_SIZE": "0",  # no training cache: timings are of real training
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore",
    "TQDM_DISABLE": "1",
}

NOISY_LOGGERS = ("rasa", "tensorflow", "absl", "h5py", "matplotlib", "sanic", "asyncio", "spacy", "urllib3")


def silence() -> None:
    """Set the quiet environment (without overriding explicit settings) and quieten loggers."""
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ["RASA_MAX_CACHE_SIZE"] = "0"
    warnings.filterwarnings("ignore")
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:  # Rasa's structured logs (one debug line per parsed message) go through structlog
        import structlog
    except ImportError:
        return
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))


@contextlib.contextmanager
def captured_output() -> Iterator[io.StringIO]:
    """Redirect Python-level stdout/stderr into a buffer for the duration of the block."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer
