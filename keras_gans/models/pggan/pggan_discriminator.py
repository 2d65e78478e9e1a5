"""`ProgressiveDiscriminator`: the growing PGGAN discriminator (Karras et al. 2018)."""

import keras
from keras import ops

from keras_gans import utils
from keras_gans.layers import (
    EqualizedConv2D,
    EqualizedDense,
    MinibatchStdDev,
    WeightedSum,
)
from keras_gans.models.pggan.pggan_network import (
    _downsample,
    _lrelu,
    _ProgressiveNetwork,
)

__all__ = ["ProgressiveDiscriminator"]


@keras.saving.register_keras_serializable(package="keras_gans")
class ProgressiveDiscriminator(_ProgressiveNetwork):
    """The growing PGGAN discriminator, the generator's mirror image.

    Karras et al. 2018, table 2: `from_rgb` (1x1 conv + LReLU) at the input
    resolution -> per halving: two conv 3x3 + LReLU (the second to the next
    stage's width), 2x2 average pooling -> 4x4: minibatch standard deviation
    (group `mbstd_group_size`; 0 or 1 turns it off, as in the official
    code), conv 3x3, conv 4x4 (valid) + LReLU, dense to one linear logit. All
    with the equalized learning rate.

    While stage `s` fades in, the features entering stage `s - 1` are
    `(1 - α) · from_rgb[s-1](avgpool(x)) + α · block[s](from_rgb[s](x))`.

    There is no `spectral_norm` option: the equalized-LR layers store
    unit-variance weights and multiply them by He's constant at run time,
    so `keras.layers.SpectralNormalization` (which divides the stored
    kernel) would not bound the spectral norm of the weights in use, and
    the two normalizations of the weights' scale conflict.

    Args:
        image_size: int. Final resolution, a power of two in [8, 1024]
            (default 128). `max_resolution=` is its deprecated name.
        channels: int. Image channels.
        latent_dim: int. Unused (kept so both networks share one config).
        fmap_base: int. Feature maps of stage `s`: `min(fmap_base / 2**s,
            fmap_max)`.
        fmap_max: int. Largest number of feature maps.
        mbstd_group_size: int >= 0. Minibatch standard deviation group size;
            0 or 1 turns the layer off.
        **kwargs: `keras.Model` arguments (`name`, `dtype`: the policy of the
            network and of every layer in it).

    Call takes `(B, r, r, channels)` images at the current stage's
    resolution `r` and returns `(B, 1)` logits.

    Raises:
        ValueError: an argument is out of range (the message names it).

    Example:
    >>> d = ProgressiveDiscriminator(image_size=8, channels=1,
    ...                              fmap_base=16, fmap_max=8)
    >>> tuple(d(keras.ops.ones((2, 8, 8, 1))).shape)
    (2, 1)
    """

    def __init__(
        self,
        image_size=None,
        channels=3,
        latent_dim=512,
        fmap_base=8192,
        fmap_max=512,
        mbstd_group_size=4,
        **kwargs,
    ):
        kwargs.setdefault("name", "discriminator")
        super().__init__(
            image_size, channels, latent_dim, fmap_base, fmap_max, **kwargs
        )
        mbstd_group_size = utils.check_int("mbstd_group_size", mbstd_group_size, 0)
        self.mbstd_group_size = mbstd_group_size
        dtype = self.dtype_policy
        self.from_rgb = []
        self.convs = []  # convs[2s - 2], convs[2s - 1]: stage s's two convs (s >= 1)
        for stage in range(self.num_stages):
            r = self.resolution_of(stage)
            from_rgb = EqualizedConv2D(
                self.nf(stage + 1), 1, name=f"from_rgb_{r}x{r}", dtype=dtype
            )
            from_rgb.build((None, r, r, self.channels))
            self.from_rgb.append(from_rgb)
            if stage == 0:
                continue
            conv0 = EqualizedConv2D(
                self.nf(stage + 1), 3, name=f"conv0_{r}x{r}", dtype=dtype
            )
            conv0.build((None, r, r, self.nf(stage + 1)))
            conv1 = EqualizedConv2D(
                self.nf(stage), 3, name=f"conv1_{r}x{r}", dtype=dtype
            )
            conv1.build((None, r, r, self.nf(stage + 1)))
            self.convs += [conv0, conv1]
        self.mbstd = None
        extra = 0
        if mbstd_group_size > 1:
            self.mbstd = MinibatchStdDev(
                group_size=mbstd_group_size, name="mbstd", dtype=dtype
            )
            extra = 1
        self.conv_4x4 = EqualizedConv2D(self.nf(1), 3, name="conv_4x4", dtype=dtype)
        self.conv_4x4.build((None, 4, 4, self.nf(1) + extra))
        self.conv_4x4_valid = EqualizedConv2D(
            self.nf(0), 4, padding="valid", name="conv_4x4_valid", dtype=dtype
        )
        self.conv_4x4_valid.build((None, 4, 4, self.nf(1)))
        self.logit = EqualizedDense(1, gain=1.0, name="logit", dtype=dtype)
        self.logit.build((None, self.nf(0)))
        self.fade = WeightedSum(alpha=1.0, name="fade", dtype=dtype)
        self.fade.build([(None, 4, 4, self.nf(1))] * 2)
        self.built = True

    def _stage_convs(self, stage):
        return self.convs[2 * stage - 2 : 2 * stage]

    def active_layers(self):
        layers = [self.from_rgb[self.stage]]
        if self.fading:
            layers.append(self.from_rgb[self.stage - 1])
        for stage in range(1, self.stage + 1):
            layers += self._stage_convs(stage)
        return layers + [self.conv_4x4, self.conv_4x4_valid, self.logit]

    def _conv_block(self, stage, x):
        for conv in self._stage_convs(stage):
            x = _lrelu(conv(x))
        return _downsample(x)  # (B, r/2, r/2, nf(s))

    def call(self, images, training=False):
        x = ops.cast(images, self.compute_dtype)  # (B, r, r, channels)
        h = _lrelu(self.from_rgb[self.stage](x))
        if self.stage > 0:
            h = self._conv_block(self.stage, h)
            if self.fading:
                old = _lrelu(self.from_rgb[self.stage - 1](_downsample(x)))
                h = self.fade([old, h])  # (1 - α) old + α new
            for stage in range(self.stage - 1, 0, -1):
                h = self._conv_block(stage, h)
        if self.mbstd is not None:
            h = self.mbstd(h)  # (B, 4, 4, nf(1) + 1)
        h = _lrelu(self.conv_4x4(h))
        h = _lrelu(self.conv_4x4_valid(h))  # (B, 1, 1, nf(0))
        logits = self.logit(ops.reshape(h, (-1, self.nf(0))))  # (B, 1)
        return self._output(logits)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)

    def get_config(self):
        return {**super().get_config(), "mbstd_group_size": self.mbstd_group_size}
