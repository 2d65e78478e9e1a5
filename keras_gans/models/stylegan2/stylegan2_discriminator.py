"""`StyleGAN2Discriminator`: the residual discriminator (Karras et al. 2020)."""

import math

import keras
import numpy as np
from keras import ops

from keras_gans import layers, utils
from keras_gans.models.stylegan2.stylegan2_layers import (
    fir_blur,
    fir_downsample,
    lrelu,
)
from keras_gans.models.stylegan2.stylegan2_network import (
    check_architecture,
    network_config,
    num_channels,
)

__all__ = ["StyleGAN2Discriminator"]

_HALF = math.sqrt(0.5)  # the residual branches' gain


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN2Discriminator(keras.Model):
    """The StyleGAN2 discriminator, config F ("resnet", Karras et al. 2020, fig. 7).

    fromRGB (1x1 conv, leaky ReLU) at `image_size`; then per resolution `r`
    from `image_size` down to 8 a residual block: `(skip(x) + main(x)) ·
    sqrt(1/2)` with `main` = 3x3 conv, then FIR blur and a 3x3 conv with
    stride 2 (the official `down=2` conv), each with leaky ReLU (gain
    sqrt(2)), and `skip` = FIR downsampling then a 1x1 conv without bias.
    At 4x4 the epilogue: minibatch standard deviation (`MinibatchStdDev`,
    group size `mbstd_group_size`, one feature), 3x3 conv, dense, dense to
    one logit. Block `r` maps `min(channel_base // r, channel_max)`
    features to those of `r / 2`. All weights use the equalized learning
    rate (`EqualizedConv2D`, `EqualizedDense`, gain 1: the activation gain
    comes after the leaky ReLU, as in the official `bias_act`).

    Args:
        image_size: int. Input resolution, a power of two in [8, 1024].
        channels: int. Image channels.
        channel_base: int. See `StyleGAN2Generator`.
        channel_max: int. See `StyleGAN2Generator`.
        mbstd_group_size: int. Minibatch standard deviation group size
            (paper: 4); 0 or 1 turns the layer off.
        **kwargs: `keras.Model` arguments (`name`, `dtype`).

    Call returns float32 logits `(B, 1)`.

    Example:
    >>> d = StyleGAN2Discriminator(image_size=8, channels=1, channel_base=32,
    ...                            channel_max=4)
    >>> tuple(d(keras.ops.ones((2, 8, 8, 1))).shape)
    (2, 1)
    """

    def __init__(
        self,
        image_size=256,
        channels=3,
        channel_base=32768,
        channel_max=512,
        mbstd_group_size=4,
        **kwargs,
    ):
        kwargs.setdefault("name", "discriminator")
        super().__init__(**kwargs)
        image_size, channels, channel_base, channel_max = check_architecture(
            image_size, channels, channel_base, channel_max
        )
        self.image_size, self.channels = image_size, channels
        self.channel_base, self.channel_max = channel_base, channel_max
        self.mbstd_group_size = utils.check_int(
            "mbstd_group_size", mbstd_group_size, minimum=0
        )
        dtype = self.dtype_policy
        nc = self.nc
        log2 = int(np.log2(image_size))
        self.block_resolutions = [2**i for i in range(log2, 2, -1)]  # R .. 8

        def conv(filters, kernel, shape, name, **kwargs):
            layer = layers.EqualizedConv2D(
                filters, kernel, gain=1.0, name=name, dtype=dtype, **kwargs
            )
            layer.build(shape)
            return layer

        r = image_size
        self.from_rgb = conv(nc(r), 1, (None, r, r, channels), f"from_rgb_{r}x{r}")
        self.blocks = []
        for r in self.block_resolutions:
            tmp, out = nc(r), nc(r // 2)
            self.blocks.append(
                (
                    conv(tmp, 3, (None, r, r, tmp), f"conv0_{r}x{r}"),
                    conv(
                        out,
                        3,
                        (None, r + 1, r + 1, tmp),
                        f"conv1_{r}x{r}",
                        strides=2,
                        padding="valid",
                    ),
                    conv(
                        out,
                        1,
                        (None, r // 2, r // 2, tmp),
                        f"skip_{r}x{r}",
                        use_bias=False,
                    ),
                )
            )
        self.mbstd = None
        extra = 0
        if self.mbstd_group_size > 1:
            self.mbstd = layers.MinibatchStdDev(
                self.mbstd_group_size, name="mbstd", dtype=dtype
            )
            self.mbstd.build((None, 4, 4, nc(4)))
            extra = 1
        c4 = nc(4)
        self.conv_4x4 = conv(c4, 3, (None, 4, 4, c4 + extra), "conv_4x4")
        self.dense_4x4 = layers.EqualizedDense(
            c4, gain=1.0, name="dense_4x4", dtype=dtype
        )
        self.dense_4x4.build((None, 16 * c4))
        self.logit = layers.EqualizedDense(1, gain=1.0, name="logit", dtype=dtype)
        self.logit.build((None, c4))
        self.built = True

    def nc(self, resolution):
        """Feature maps of the block at `resolution`."""
        return num_channels(resolution, self.channel_base, self.channel_max)

    def call(self, images, training=False):
        x = lrelu(self.from_rgb(ops.cast(images, self.compute_dtype)))  # (B, R, R, nc)
        for conv0, conv1, skip in self.blocks:
            y = skip(fir_downsample(x)) * _HALF  # (B, r/2, r/2, nc(r/2))
            x = lrelu(conv0(x))
            x = lrelu(conv1(fir_blur(x, 2)), gain=_HALF)  # (B, r/2, r/2, nc(r/2))
            x = y + x
        if self.mbstd is not None:
            x = self.mbstd(x)  # (B, 4, 4, nc(4) + 1)
        x = lrelu(self.conv_4x4(x))
        x = ops.reshape(x, (ops.shape(x)[0], -1))  # (B, 16 nc(4))
        x = lrelu(self.dense_4x4(x))
        return ops.cast(self.logit(x), "float32")  # (B, 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)

    def get_config(self):
        return {
            **network_config(self),
            "image_size": self.image_size,
            "channels": self.channels,
            "channel_base": self.channel_base,
            "channel_max": self.channel_max,
            "mbstd_group_size": self.mbstd_group_size,
        }

    @classmethod
    def from_config(cls, config):
        return cls(**config)
