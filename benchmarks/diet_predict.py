"""For the stock baseline only: DIET's prediction function is called directly.

Our pipeline (config.yml) has no DIET, so this is not among Manabi's patches (bot/rasa_patches);
the benchmark's stock baseline (configs/baseline-stock.yml) has one, and its server applies this
patch as well as Manabi's (``benchmarks.baseline_server``), so that both are served as fast as Rasa
can serve them and the comparison measures the pipelines, not the patches.

Each message's prediction goes through TensorFlow's polymorphic ``tf.function`` dispatch (flattening
and checking the inputs, looking up the traced function) although the function has a fixed input
signature. We look up its one concrete function once and call it with the inputs converted to the
signature's types; anything unexpected (no traced function yet, eager mode, other shapes or types)
takes Rasa's own path. Written against TensorFlow 2.12.0, the version every Rasa 3.6 pins (so
bot.rasa_patches' Rasa version check covers it). Compared with Rasa's own path by
tests/dialogue/test_diet_predict.py.
"""

from __future__ import annotations

from typing import Any, cast

from bot.rasa_patches import Patch, Replacement


def replacements() -> list[Replacement]:
    """``RasaModel._rasa_predict`` calling the traced concrete function directly."""
    import tensorflow as tf
    from keras.utils import tf_utils  # type: ignore[import-untyped]
    from rasa.shared.constants import DIAGNOSTIC_DATA
    from rasa.utils.tensorflow.models import RasaModel

    original = RasaModel._rasa_predict

    def _rasa_predict(self: Any, batch_in: tuple[Any, ...]) -> dict[str, Any]:
        function = self._tf_predict_step
        if self._run_eagerly or function is None or not self.prepared_for_prediction:
            return cast(dict[str, Any], original(self, batch_in))
        state = self.__dict__.get("_manabi_direct")
        if state is None or state[0] is not function:
            concrete = function.get_concrete_function()
            specs = tf.nest.flatten(concrete.structured_input_signature[0])
            state = self.__dict__["_manabi_direct"] = (function, concrete, specs)
        _, concrete, specs = state
        if not isinstance(batch_in, (tuple, list)) or len(batch_in) != len(specs):
            return cast(dict[str, Any], original(self, batch_in))
        try:
            tensors = [tf.convert_to_tensor(value, dtype=spec.dtype) for value, spec in zip(batch_in, specs)]
        except (TypeError, ValueError):
            return cast(dict[str, Any], original(self, batch_in))
        if not all(spec.shape.is_compatible_with(tensor.shape) for spec, tensor in zip(specs, tensors)):
            return cast(dict[str, Any], original(self, batch_in))
        self._training = False
        outputs = tf_utils.sync_to_numpy_or_python_type(concrete._call_flat(tensors, concrete.captured_inputs))
        if DIAGNOSTIC_DATA in outputs:
            outputs[DIAGNOSTIC_DATA] = self._empty_lists_to_none_in_dict(outputs[DIAGNOSTIC_DATA])
        return cast(dict[str, Any], outputs)

    return [Replacement(RasaModel, "_rasa_predict", _rasa_predict)]


PATCH = Patch("diet_predict", replacements)
