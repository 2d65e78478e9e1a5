"""Saving and restoring a two-optimizer model's `compile()` arguments.

`CompileConfigMixin` is what `AdversarialModel` and `CycleGAN` share: their
compile configuration is the serialized G and D optimizers plus the plain
arguments `compile` stored in `self._compile_args`, so `model.save` then
`load_model` re-compiles the model as it was.
"""

import keras

__all__ = ["KERAS_COMPILE_KEYS", "CompileConfigMixin"]

#: The `keras.Model.compile` arguments these models keep in their config.
KERAS_COMPILE_KEYS = ("jit_compile", "steps_per_execution", "run_eagerly")


class CompileConfigMixin:
    """Saves and restores the compile configuration of a two-network model.

    Needs from the model: `g_optimizer`, `d_optimizer`, `_compile_args` (the
    plain `compile` arguments), `compiled` and
    `compile(g_optimizer=, d_optimizer=, ...)`.
    A model whose `loss_name` attribute is `None` (a custom loss pair) cannot
    be saved compiled."""

    def get_compile_config(self):
        if not self.compiled:
            return {}
        if getattr(self, "loss_name", "") is None:
            raise ValueError(
                "This model was compiled with a custom loss pair, which cannot be "
                "saved by name; compile with a loss name from "
                "keras_gans.losses.LOSSES, or re-compile after loading."
            )
        return {
            "g_optimizer": keras.saving.serialize_keras_object(self.g_optimizer),
            "d_optimizer": keras.saving.serialize_keras_object(self.d_optimizer),
            **self._compile_args,
        }

    def compile_from_config(self, config):
        config = dict(config)
        g_optimizer = keras.saving.deserialize_keras_object(config.pop("g_optimizer"))
        d_optimizer = keras.saving.deserialize_keras_object(config.pop("d_optimizer"))
        self.compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, **config)
