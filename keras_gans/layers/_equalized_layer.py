"""The shared weights and arguments of the equalized learning rate layers."""

import math

import keras

from keras_gans import utils

__all__ = []


class EqualizedLayer(keras.layers.Layer):
    """Shared arguments and weights of the equalized learning rate layers.

    Karras et al. 2018, sec 4.1: weights are stored as N(0, 1) samples and
    scaled at run time by the He constant `gain / sqrt(fan_in)`, so that
    Adam's per-weight step size means the same for every layer. With
    StyleGAN's `lr_multiplier` (Karras et al. 2019, appendix C) the stored
    weights are N(0, 1 / lr_multiplier ** 2) and both kernel and bias are
    multiplied by `lr_multiplier` at run time: the effective initial weights
    are unchanged while their learning rate is scaled by `lr_multiplier`.
    """

    def __init__(
        self,
        gain=math.sqrt(2.0),
        use_bias=True,
        activation=None,
        lr_multiplier=1.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        utils.check_float("gain", gain, minimum=0.0, exclusive=True)
        utils.check_float("lr_multiplier", lr_multiplier, minimum=0.0, exclusive=True)
        self.gain = gain
        self.use_bias = use_bias
        self.activation = keras.activations.get(activation)
        self.lr_multiplier = lr_multiplier
        self.scale = None  # set in build(): gain / sqrt(fan_in) * lr_multiplier
        # Made here, not in build(), so that its seed is drawn when the layer
        # is created (inside a model's seeded construction).
        self._kernel_initializer = keras.initializers.RandomNormal(
            mean=0.0, stddev=1.0 / lr_multiplier
        )

    def _build_weights(self, kernel_shape, fan_in, bias_size):
        self.scale = self.gain / math.sqrt(fan_in) * self.lr_multiplier
        self.kernel = self.add_weight(
            name="kernel",
            shape=kernel_shape,
            initializer=self._kernel_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(bias_size,), initializer="zeros"
            )

    def _finish(self, outputs):
        if self.use_bias:
            outputs = outputs + self.bias * self.lr_multiplier
        return self.activation(outputs)

    def get_config(self):
        return {
            **super().get_config(),
            "gain": self.gain,
            "use_bias": self.use_bias,
            "activation": keras.activations.serialize(self.activation),
            "lr_multiplier": self.lr_multiplier,
        }
