"""The fade-in of a progressive GAN: `(1 - alpha) * old + alpha * new`."""

import keras
from keras import ops

from keras_gans import utils

__all__ = ["WeightedSum"]


@keras.saving.register_keras_serializable(package="keras_gans")
class WeightedSum(keras.layers.Layer):
    """Fade-in blend of two tensors: `(1 - alpha) * a + alpha * b`.

    Karras et al. 2018, "Progressive Growing of GANs", sec 3 and fig. 2: while
    a new resolution fades in, the output of the old path `a` (upsampled or
    downsampled) is blended with the new path `b` as `alpha` grows from 0 to 1.

    After the layer is built, `layer.alpha` is a non-trainable scalar
    variable, so a callback can change it with `layer.alpha.assign(0.5)`
    without retracing a compiled function, and `.keras` checkpoints keep its
    current value. `get_config()` stores the constructor's `alpha`.

    Args:
        alpha: float. Initial blend weight of `b`, in [0, 1].
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = WeightedSum(alpha=0.25)
    >>> y = layer([keras.ops.zeros((1, 2)), keras.ops.ones((1, 2))])
    >>> keras.ops.convert_to_numpy(y)
    array([[0.25, 0.25]], dtype=float32)
    """

    def __init__(self, alpha=0.0, **kwargs):
        super().__init__(**kwargs)
        self.initial_alpha = utils.check_float("alpha", alpha, 0.0, 1.0)

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(
                "`WeightedSum` must be called on a list of two tensors [a, b]. "
                f"Received input_shape={input_shape}"
            )
        self.alpha = self.add_weight(
            name="alpha",
            shape=(),
            initializer=keras.initializers.Constant(self.initial_alpha),
            trainable=False,
        )

    def call(self, inputs):
        a, b = inputs
        alpha = ops.cast(self.alpha, a.dtype)
        return (1.0 - alpha) * a + alpha * b

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {**super().get_config(), "alpha": self.initial_alpha}
