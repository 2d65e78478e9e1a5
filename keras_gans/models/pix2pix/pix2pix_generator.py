"""The U-Net generator of Pix2Pix (Isola et al. 2017, sec 2.2.1 and 6.1.1)."""

import math
import numbers

import keras
from keras import layers

from keras_gans._deprecation import renamed_arguments
from keras_gans.models.pix2pix._pix2pix_common import (
    PIX2PIX_INIT,
    _check_normalization,
    _norm,
)
from keras_gans.utils import check_int, is_int

__all__ = ["unet_depth", "unet_generator"]


def _is_power_of_two(value):
    return is_int(value) and value >= 4 and not value & (value - 1)


def unet_depth(image_size):
    """Down-blocks of the U-Net for `image_size`: log2 of its smaller side.

    The encoder halves the image down to a 1-pixel-high (or wide) bottleneck:
    256 -> 8 blocks (the paper's C64-C128-C256-C512-C512-C512-C512-C512),
    128 -> 7, 64 -> 6, 32 -> 5; `(32, 64)` -> 5 (a 1x2 bottleneck).

    Args:
        image_size: int or `(height, width)`. Powers of two >= 4.

    Returns:
        int: the number of stride-2 encoder blocks. Inputs' height and width
        must be multiples of `2**depth`.

    Raises:
        ValueError: `image_size` is not a power of two >= 4 (or a pair of them).

    Example:
    >>> unet_depth(256), unet_depth((32, 64))
    (8, 5)
    """
    pair = image_size if isinstance(image_size, (tuple, list)) else (image_size,)
    if len(pair) not in (1, 2) or not all(_is_power_of_two(v) for v in pair):
        raise ValueError(
            "`image_size` must be a power of two >= 4 (e.g. 32, 64, 128, 256) or "
            f"a pair (height, width) of them. Received: image_size={image_size!r}"
        )
    return int(math.log2(min(pair)))


def unet_generator(
    image_size=256,
    input_channels=3,
    channels=3,
    filters=64,
    normalization="batch",
    dropout=0.5,
    seed=None,
    dtype=None,
    **kwargs,
):
    """The U-Net generator of Isola et al. 2017 (sec 2.2.1 and 6.1.1).

    Encoder: C64-C128-C256-C512-C512-C512-C512-C512 for 256x256 (one 4x4,
    stride-2 conv block per halving down to 1x1; LeakyReLU 0.2; no
    normalisation on the first block). Decoder: CD512-CD512-CD512-C512-C256-
    C128-C64 (4x4 stride-2 transposed convs, normalisation, 50% dropout on
    the first three, ReLU), each block's output concatenated with the
    mirrored encoder block's output (skip from layer i to layer n - i), and a
    final transposed conv to `channels` with tanh. Channels are
    `filters * 2**i`, capped at `8 * filters` (`filters=64`: the paper's net).

    As in the authors' reference code, the innermost (1x1) encoder block has
    no normalisation: the statistics of a single position per channel are
    the value itself, and normalising would zero the bottleneck.

    The network takes inputs of any height and width that are multiples of
    `2**depth` (it is fully convolutional): a generator trained at 256x256
    translates 512x512 images.

    Args:
        image_size: int or `(height, width)`. Training size, powers of two;
            sets the depth (`unet_depth`).
        input_channels: int >= 1. Channels of the input image.
        channels: int >= 1. Channels of the translated image.
        filters: int >= 1. Channels of the first encoder block (paper: 64).
        normalization: str. `"batch"` (paper), `"instance"` or `"none"`.
        dropout: float in [0, 1). Dropout of the first three decoder blocks.
        seed: int or `None`. Seeds the dropout layers.
        dtype: dtype policy (e.g. `"mixed_bfloat16"`) or `None` (the global
            policy) of every layer.
        **kwargs: `output_channels`, the deprecated name of `channels`.

    Returns:
        A functional `keras.Model` mapping `image` `(batch, H, W,
        input_channels)` in [-1, 1] to `(batch, H, W, channels)` in [-1, 1].

    Raises:
        ValueError: a bad argument, named.

    Example:
    >>> g = unet_generator(32, 1, 1, filters=8)
    >>> g(np.zeros((2, 32, 32, 1), "float32")).shape
    TensorShape([2, 32, 32, 1])
    """
    (channels,) = renamed_arguments(
        unet_generator, kwargs, {"output_channels": "channels"}, channels
    )
    depth = unet_depth(image_size)
    check_int("input_channels", input_channels, minimum=1)
    check_int("channels", channels, minimum=1)
    check_int("filters", filters, minimum=1)
    _check_normalization(normalization)
    if not isinstance(dropout, numbers.Real) or not 0.0 <= dropout < 1.0:
        raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout!r}")
    widths = [min(filters * 2**i, 8 * filters) for i in range(depth)]
    image = keras.Input((None, None, input_channels), name="image")
    x = image
    skips = []
    for i, width in enumerate(widths):  # (B, H / 2**(i+1), W / 2**(i+1), width)
        norm = (
            None
            if i in (0, depth - 1)
            else _norm(normalization, f"down{i}_norm", dtype)
        )
        x = layers.Conv2D(
            width,
            4,
            strides=2,
            padding="same",
            use_bias=norm is None,
            kernel_initializer=PIX2PIX_INIT,
            name=f"down{i}_conv",
            dtype=dtype,
        )(x)
        if norm is not None:
            x = norm(x)
        x = layers.LeakyReLU(0.2, name=f"down{i}_act", dtype=dtype)(x)
        skips.append(x)
    for k, i in enumerate(range(depth - 2, -1, -1)):  # up to the size of skips[i]
        norm = _norm(normalization, f"up{i}_norm", dtype)
        x = layers.Conv2DTranspose(
            widths[i],
            4,
            strides=2,
            padding="same",
            use_bias=norm is None,
            kernel_initializer=PIX2PIX_INIT,
            name=f"up{i}_conv",
            dtype=dtype,
        )(x)
        if norm is not None:
            x = norm(x)
        if k < 3 and dropout > 0:
            x = layers.Dropout(
                dropout,
                seed=None if seed is None else seed + k,
                name=f"up{i}_dropout",
                dtype=dtype,
            )(x)
        x = layers.ReLU(name=f"up{i}_act", dtype=dtype)(x)
        x = layers.Concatenate(name=f"up{i}_skip", dtype=dtype)([x, skips[i]])
    translated = layers.Conv2DTranspose(
        channels,
        4,
        strides=2,
        padding="same",
        activation="tanh",
        kernel_initializer=PIX2PIX_INIT,
        name="images",
        dtype=dtype,
    )(x)
    return keras.Model(image, translated, name="generator")
