"""Reflection padding of height and width (CycleGAN's ResNet generator)."""

import keras

from keras_gans import utils

__all__ = ["ReflectionPadding2D"]


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by mirroring the image at its border.

    Reflection padding (the edge pixel itself is not repeated, as
    `torch.nn.ReflectionPad2d` and `tf.pad(mode="REFLECT")`) is what the
    CycleGAN ResNet generator uses before its 7x7 and 3x3 convolutions (Zhu
    et al. 2017, sec 4 and appendix 7.2) to reduce border artifacts.

    Args:
        padding: int >= 0. Pixels added on each side of height and width;
            must be smaller than the input's height and width.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> x = keras.ops.reshape(keras.ops.arange(3.0), (1, 1, 3, 1))
    >>> y = ReflectionPadding2D(1)(keras.ops.tile(x, (1, 3, 1, 1)))
    >>> keras.ops.convert_to_numpy(y)[0, 0, :, 0]
    array([1., 0., 1., 2., 1.], dtype=float32)
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = utils.check_int("padding", padding, minimum=0)

    def call(self, inputs):
        p = self.padding
        if not p:
            return inputs
        import tensorflow as tf

        return tf.pad(inputs, [[0, 0], [p, p], [p, p], [0, 0]], mode="REFLECT")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        grow = 2 * self.padding
        return (
            batch,
            None if height is None else height + grow,
            None if width is None else width + grow,
            channels,
        )

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}
