"""The dense layer with an equalized learning rate (Karras et al. 2018, sec 4.1)."""

import math

import keras
from keras import ops

from keras_gans import utils
from keras_gans.layers._equalized_layer import EqualizedLayer

__all__ = ["EqualizedDense"]


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(EqualizedLayer):
    """Dense layer with an equalized learning rate.

    Karras et al. 2018, "Progressive Growing of GANs", sec 4.1: the kernel is
    initialised N(0, 1) and multiplied at run time by the constant
    `scale = gain / sqrt(input_dim) * lr_multiplier` (available as
    `layer.scale` after the layer is built); the bias starts at zero.
    `lr_multiplier` is StyleGAN's (Karras et al. 2019): the stored kernel is
    drawn N(0, 1 / lr_multiplier ** 2) and the bias is multiplied by
    `lr_multiplier` too.

    Args:
        units: int. Number of output units, >= 1.
        gain: float. He gain of the runtime scale, > 0; `sqrt(2)` suits
            (leaky) ReLU, 1 a linear output.
        use_bias: bool. Whether to add a bias.
        activation: str, callable or `None`. Activation applied to the output.
        lr_multiplier: float. Learning rate multiplier, > 0.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = EqualizedDense(4)
    >>> tuple(layer(keras.ops.ones((2, 8))).shape), round(layer.scale, 4)
    ((2, 4), 0.5)
    """

    def __init__(
        self,
        units,
        gain=math.sqrt(2.0),
        use_bias=True,
        activation=None,
        lr_multiplier=1.0,
        **kwargs,
    ):
        super().__init__(
            gain=gain,
            use_bias=use_bias,
            activation=activation,
            lr_multiplier=lr_multiplier,
            **kwargs,
        )
        self.units = utils.check_int("units", units, minimum=1)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self._build_weights((input_dim, self.units), input_dim, self.units)

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel * self.scale)  # (..., units)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
