"""The PatchGAN discriminator of Pix2Pix (Isola et al. 2017, sec 2.2.2 and 6.1.2)."""

import keras
from keras import layers

from keras_gans._deprecation import renamed_arguments
from keras_gans.layers.spectral_normalization import spectral
from keras_gans.models.pix2pix._pix2pix_common import (
    PIX2PIX_INIT,
    _check_normalization,
    _norm,
)
from keras_gans.utils import check_int

__all__ = ["patch_discriminator", "receptive_field"]


def patch_discriminator(
    num_layers=3,
    input_channels=3,
    channels=3,
    filters=64,
    normalization="batch",
    conditional=True,
    dtype=None,
    spectral_norm=False,
    **kwargs,
):
    """The PatchGAN discriminator of Isola et al. 2017 (sec 2.2.2 and 6.1.2).

    With `num_layers=3`: C64-C128-C256-C512, then a conv to one logit per
    patch; 4x4 convs, stride 2 for the first three blocks and 1 for the
    last two, padding 1 as in the reference code, LeakyReLU 0.2, no
    normalisation on C64. Each logit sees a 70x70 receptive field
    (`receptive_field`). The paper's ablation (Table 3): `num_layers=0` is
    the 1x1 "PixelGAN" (1x1 convs C64-C128), `1` gives 16x16 patches and
    `5` the 286x286 "ImageGAN" at 256x256.

    The input is concat(input image, target or translated image) along the
    channels (the conditional D of the paper), or the image alone with
    `conditional=False` (the paper's unconditional-D ablation, "L1+GAN").

    Args:
        num_layers: int >= 0. Stride-2 blocks.
        input_channels: int >= 1. Channels of the input image (the condition).
        channels: int >= 1. Channels of the target (or translated) image.
        filters: int >= 1. Channels of the first block (paper: 64); later
            blocks double it up to `8 * filters`.
        normalization: str. `"batch"`, `"instance"` or `"none"`.
        conditional: bool. Whether D sees the input image too.
        dtype: dtype policy (e.g. `"mixed_bfloat16"`) or `None` (the global
            policy) of every layer.
        spectral_norm: bool. Wraps every conv in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018); the
            normalization layers stay as `normalization` says.
        **kwargs: the deprecated names `n_layers` (of `num_layers`) and
            `target_channels` (of `channels`).

    Returns:
        A functional `keras.Model` mapping `pair` `(batch, H, W,
        input_channels + channels)` (or `channels` when not `conditional`)
        to logits `(batch, h, w, 1)`, one per patch.

    Raises:
        ValueError: a bad argument, named.

    Example:
    >>> d = patch_discriminator(3, 3, 3, filters=8)
    >>> d(np.zeros((1, 256, 256, 6), "float32")).shape
    TensorShape([1, 30, 30, 1])
    """
    num_layers, channels = renamed_arguments(
        patch_discriminator,
        kwargs,
        {"n_layers": "num_layers", "target_channels": "channels"},
        num_layers,
        channels,
    )
    check_int("num_layers", num_layers, minimum=0)
    check_int("input_channels", input_channels, minimum=1)
    check_int("channels", channels, minimum=1)
    check_int("filters", filters, minimum=1)
    _check_normalization(normalization)
    pair_channels = channels + (input_channels if conditional else 0)
    pair = keras.Input((None, None, pair_channels), name="pair")

    def block(x, width, kernel, stride, norm_name, index):
        norm = _norm(normalization, norm_name, dtype) if norm_name else None
        if kernel > 1:
            x = layers.ZeroPadding2D(1, name=f"pad{index}", dtype=dtype)(x)
        conv = layers.Conv2D(
            width,
            kernel,
            strides=stride,
            padding="valid",
            use_bias=norm is None,
            kernel_initializer=PIX2PIX_INIT,
            name=f"conv{index}",
            dtype=dtype,
        )
        x = spectral(conv, spectral_norm, dtype)(x)
        if norm is not None:
            x = norm(x)
        return layers.LeakyReLU(0.2, name=f"act{index}", dtype=dtype)(x)

    if num_layers == 0:  # PixelGAN: 1x1 convs, one logit per pixel
        x = block(pair, filters, 1, 1, None, 0)
        x = block(x, 2 * filters, 1, 1, "norm1", 1)
        kernel, pad = 1, False
    else:
        x = block(pair, filters, 4, 2, None, 0)
        for n in range(1, num_layers):
            x = block(x, filters * min(2**n, 8), 4, 2, f"norm{n}", n)
        last = num_layers
        x = block(x, filters * min(2**last, 8), 4, 1, f"norm{last}", last)
        kernel, pad = 4, True
    if pad:
        x = layers.ZeroPadding2D(1, name="pad_logits", dtype=dtype)(x)
    logits = layers.Conv2D(
        1,
        kernel,
        padding="valid",
        kernel_initializer=PIX2PIX_INIT,
        name="logits",
        dtype=dtype,
    )
    logits = spectral(logits, spectral_norm, dtype)(x)
    return keras.Model(pair, logits, name="discriminator")


def receptive_field(network):
    """Receptive field (in input pixels) of one output of a conv network.

    Walks the network's `Conv2D` layers in order: r = 1 + Σ (k_i - 1)·j_i
    with j_i the product of the strides before layer i (padding only moves
    the field, it does not change its size).

    Args:
        network: `keras.Model` whose `layers` are in order (functional or
            Sequential).

    Returns:
        int: the side of the square of input pixels one output sees.

    Example:
    >>> receptive_field(patch_discriminator(3, 1, 1, filters=2))
    70
    """
    field, jump = 1, 1
    for layer in network.layers:
        if isinstance(layer, layers.SpectralNormalization):
            layer = layer.layer
        if isinstance(layer, layers.Conv2D):
            field += (layer.kernel_size[0] - 1) * jump
            jump *= layer.strides[0]
    return field
