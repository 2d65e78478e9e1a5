"""The 2D convolution with an equalized learning rate (Karras et al. 2018, sec 4.1)."""

import math

import keras
from keras import ops

from keras_gans import utils
from keras_gans.layers._equalized_layer import EqualizedLayer

__all__ = ["EqualizedConv2D", "PADDINGS"]


PADDINGS = ("same", "valid")


def _conv_output_length(length, kernel, stride, padding):
    if length is None:
        return None
    if padding == "valid":
        length = length - kernel + 1
    return -(-length // stride)  # ceil(length / stride)


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedConv2D(EqualizedLayer):
    """2D convolution (NHWC) with an equalized learning rate.

    Karras et al. 2018, "Progressive Growing of GANs", sec 4.1: the kernel is
    initialised N(0, 1) and multiplied at run time by the constant
    `scale = gain / sqrt(kh * kw * in_channels) * lr_multiplier` (available
    as `layer.scale` after the layer is built); the bias starts at zero.
    `lr_multiplier` is StyleGAN's (Karras et al. 2019): the stored kernel is
    drawn N(0, 1 / lr_multiplier ** 2) and the bias is multiplied by
    `lr_multiplier` too.

    Args:
        filters: int. Number of output channels, >= 1.
        kernel_size: int or pair of ints. Height and width of the kernel.
        strides: int or pair of ints. Strides along height and width.
        padding: str. `"same"` or `"valid"`.
        gain: float. He gain of the runtime scale, > 0.
        use_bias: bool. Whether to add a bias.
        activation: str, callable or `None`. Activation applied to the output.
        lr_multiplier: float. Learning rate multiplier, > 0.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = EqualizedConv2D(8, 3)
    >>> tuple(layer(keras.ops.ones((2, 4, 4, 2))).shape)
    (2, 4, 4, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="same",
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
        self.filters = utils.check_int("filters", filters, minimum=1)
        self.kernel_size = utils.check_image_size(kernel_size, name="kernel_size")
        self.strides = utils.check_image_size(strides, name="strides")
        if isinstance(padding, str):
            padding = padding.lower()
        self.padding = utils.check_choice("padding", padding, PADDINGS)

    def build(self, input_shape):
        in_channels = input_shape[-1]
        kh, kw = self.kernel_size
        self._build_weights(
            (kh, kw, in_channels, self.filters), kh * kw * in_channels, self.filters
        )

    def call(self, inputs):
        outputs = ops.conv(
            inputs,
            self.kernel * self.scale,
            strides=self.strides,
            padding=self.padding,
            data_format="channels_last",
        )  # (B, H', W', filters)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = input_shape
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        return (
            batch,
            _conv_output_length(height, kh, sh, self.padding),
            _conv_output_length(width, kw, sw, self.padding),
            self.filters,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
        }
