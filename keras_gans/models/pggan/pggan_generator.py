"""`ProgressiveGenerator`: the growing PGGAN generator (Karras et al. 2018)."""

import math

import keras
from keras import ops

from keras_gans.layers import EqualizedConv2D, EqualizedDense, PixelNorm, WeightedSum
from keras_gans.models.pggan.pggan_network import (
    _lrelu,
    _ProgressiveNetwork,
    _upsample,
)

__all__ = ["ProgressiveGenerator"]


@keras.saving.register_keras_serializable(package="keras_gans")
class ProgressiveGenerator(_ProgressiveNetwork):
    """The growing PGGAN generator (Karras et al. 2018, table 2 and fig. 2).

    z (PixelNorm'd) -> 4x4: dense to 4x4xnf(1) (the paper's 4x4 "conv" on a
    1x1 input; gain sqrt(2)/4 as in the official code), LReLU, PixelNorm,
    conv 3x3, LReLU, PixelNorm -> per doubling: nearest-neighbour upsample,
    two conv 3x3 + LReLU + PixelNorm -> `to_rgb` (1x1 conv, gain 1, linear).
    All convolutions and dense layers use the equalized learning rate.

    While stage `s` fades in, the output is
    `(1 - α) · upsample(to_rgb[s-1](h[s-1])) + α · to_rgb[s](h[s])`.
    Outputs are linear while training (as in the paper); with
    `training=False` they are clipped to [-1, 1], the image range.

    Args:
        image_size: int. Final resolution, a power of two in [8, 1024]
            (default 128). `max_resolution=` is its deprecated name.
        channels: int. Image channels.
        latent_dim: int. Size of z, the input `(B, latent_dim)`.
        fmap_base: int. Feature maps of stage `s`: `min(fmap_base / 2**s,
            fmap_max)`.
        fmap_max: int. Largest number of feature maps.
        normalize_latents: bool. PixelNorm on z.
        **kwargs: `keras.Model` arguments (`name`, `dtype`: the policy of the
            network and of every layer in it).

    Call returns `(B, r, r, channels)` at the current stage's resolution `r`.

    Raises:
        ValueError: an argument is out of range (the message names it).

    Example:
    >>> g = ProgressiveGenerator(image_size=8, channels=1, latent_dim=4,
    ...                          fmap_base=16, fmap_max=8)
    >>> tuple(g(keras.ops.ones((2, 4))).shape)
    (2, 8, 8, 1)
    """

    def __init__(
        self,
        image_size=None,
        channels=3,
        latent_dim=512,
        fmap_base=8192,
        fmap_max=512,
        normalize_latents=True,
        **kwargs,
    ):
        kwargs.setdefault("name", "generator")
        super().__init__(
            image_size, channels, latent_dim, fmap_base, fmap_max, **kwargs
        )
        self.normalize_latents = normalize_latents
        dtype = self.dtype_policy
        channels, latent_dim = self.channels, self.latent_dim
        self.pixel_norm = PixelNorm(name="pixel_norm", dtype=dtype)
        nf1 = self.nf(1)
        self.dense = EqualizedDense(
            16 * nf1, gain=math.sqrt(2.0) / 4, name="dense_4x4", dtype=dtype
        )
        self.dense.build((None, latent_dim))
        # convs[0]: the 4x4 conv; convs[2s - 1], convs[2s]: stage s's two convs.
        self.convs = []
        self.to_rgb = []
        in_channels = nf1
        for stage in range(self.num_stages):
            r, nf = self.resolution_of(stage), self.nf(stage + 1)
            names = ["conv_4x4"] if stage == 0 else [f"conv0_{r}x{r}", f"conv1_{r}x{r}"]
            for name in names:
                conv = EqualizedConv2D(nf, 3, name=name, dtype=dtype)
                conv.build((None, r, r, in_channels))
                self.convs.append(conv)
                in_channels = nf
            to_rgb = EqualizedConv2D(
                channels, 1, gain=1.0, name=f"to_rgb_{r}x{r}", dtype=dtype
            )
            to_rgb.build((None, r, r, nf))
            self.to_rgb.append(to_rgb)
        self.fade = WeightedSum(alpha=1.0, name="fade", dtype=dtype)
        self.fade.build([(None, 4, 4, channels)] * 2)
        self.built = True

    def _stage_convs(self, stage):
        return (
            self.convs[:1] if stage == 0 else self.convs[2 * stage - 1 : 2 * stage + 1]
        )

    def active_layers(self):
        layers = [self.dense]
        for stage in range(self.stage + 1):
            layers += self._stage_convs(stage)
        layers.append(self.to_rgb[self.stage])
        if self.fading:
            layers.append(self.to_rgb[self.stage - 1])
        return layers

    def _conv_block(self, stage, x):
        for conv in self._stage_convs(stage):
            x = self.pixel_norm(_lrelu(conv(x)))
        return x

    def call(self, noise, training=False):
        x = ops.cast(noise, self.compute_dtype)  # (B, latent_dim)
        if self.normalize_latents:
            x = self.pixel_norm(x)
        x = self.dense(x)  # (B, 16 * nf(1))
        x = ops.reshape(x, (-1, 4, 4, self.nf(1)))  # (B, 4, 4, nf(1))
        x = self.pixel_norm(_lrelu(x))
        x = self._conv_block(0, x)
        previous = x
        for stage in range(1, self.stage + 1):
            previous = x
            x = self._conv_block(stage, _upsample(x))  # (B, r, r, nf(s + 1))
        images = self.to_rgb[self.stage](x)  # (B, r, r, channels)
        if self.fading:
            old = _upsample(self.to_rgb[self.stage - 1](previous))
            images = self.fade([old, images])  # (1 - α) old + α new
        images = self._output(images)
        if not training:
            images = ops.clip(images, -1.0, 1.0)
        return images

    def compute_output_shape(self, input_shape):
        r = self.resolution
        return (input_shape[0], r, r, self.channels)

    def get_config(self):
        return {**super().get_config(), "normalize_latents": self.normalize_latents}
