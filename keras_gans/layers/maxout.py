"""The Maxout unit (Goodfellow et al. 2013), the paper cGAN's discriminator layer."""

import keras
from keras import ops

from keras_gans import utils

__all__ = ["Maxout"]


@keras.saving.register_keras_serializable(package="keras_gans")
class Maxout(keras.layers.Layer):
    """Maxout unit: the maximum of `pieces` affine maps, for each output unit.

    Goodfellow et al. 2013, "Maxout Networks" (eq. 1):
    `output[..., u] = max_k (x @ W_k + b_k)[u]` for `k = 0 .. pieces - 1`.
    The `k` affine maps share one `(input_dim, units * pieces)` kernel, in
    which column `u * pieces + k` belongs to piece `k` of unit `u` (the
    layout of `Dense(units * pieces)` followed by a grouped max over
    consecutive channels).

    Args:
        units: int. Number of output units, >= 1.
        pieces: int. Number of affine pieces each unit maximises over, >= 2.
        use_bias: bool. Whether each piece adds a bias.
        kernel_initializer: str or `keras.initializers.Initializer`. Initializer
            of the `(input_dim, units * pieces)` kernel.
        bias_initializer: str or `keras.initializers.Initializer`. Initializer
            of the `(units * pieces,)` bias.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = Maxout(units=3, pieces=2)
    >>> tuple(layer(keras.ops.ones((2, 5))).shape)
    (2, 3)
    """

    def __init__(
        self,
        units,
        pieces,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = utils.check_int("units", units, minimum=1)
        self.pieces = utils.check_int("pieces", pieces, minimum=2)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units * self.pieces),
            initializer=self.kernel_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units * self.pieces,),
                initializer=self.bias_initializer,
            )

    def call(self, inputs):
        z = ops.matmul(inputs, self.kernel)  # (..., units * pieces)
        if self.use_bias:
            z = z + self.bias
        z = ops.reshape(z, (*ops.shape(z)[:-1], self.units, self.pieces))
        return ops.max(z, axis=-1)  # (..., units)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "pieces": self.pieces,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }
