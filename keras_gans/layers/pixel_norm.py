"""Pixelwise feature normalization (Karras et al. 2018, sec 4.2)."""

import keras
from keras import ops

from keras_gans import utils

__all__ = ["PixelNorm"]


@keras.saving.register_keras_serializable(package="keras_gans")
class PixelNorm(keras.layers.Layer):
    """Pixelwise feature vector normalization.

    Karras et al. 2018, "Progressive Growing of GANs for Improved Quality,
    Stability, and Variation", sec 4.2:
    `b = a / sqrt(mean(a ** 2 over channels) + epsilon)`, so each pixel's
    feature vector has unit root mean square. No weights.

    Args:
        epsilon: float. Added to the mean square before the square root, > 0.
        axis: int or tuple of ints. The channel axis (or axes) averaged over.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> x = keras.ops.convert_to_tensor([[3.0, 4.0]])
    >>> keras.ops.convert_to_numpy(PixelNorm()(x)).round(4)
    array([[0.8485, 1.1314]], dtype=float32)
    """

    def __init__(self, epsilon=1e-8, axis=-1, **kwargs):
        super().__init__(**kwargs)
        utils.check_float("epsilon", epsilon, minimum=0.0, exclusive=True)
        self.epsilon = epsilon
        self.axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis

    def call(self, inputs):
        mean_square = ops.mean(ops.square(inputs), axis=self.axis, keepdims=True)
        return inputs * ops.rsqrt(mean_square + self.epsilon)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {**super().get_config(), "epsilon": self.epsilon, "axis": axis}
