"""Johnson et al. 2016's image transformation network.

Johnson, Alahi and Fei-Fei, "Perceptual Losses for Real-Time Style Transfer
and Super-Resolution", ECCV 2016, supplementary Table 1: a 9x9 conv (32),
two stride-2 3x3 convs (64, 128), five residual blocks of two 3x3 convs
(128), two stride-1/2 (transposed) 3x3 convs (64, 32), a 9x9 conv to RGB;
normalisation and ReLU after every conv but the last; no ReLU after a
residual sum.

Deviations from the paper:
- Instance normalisation (Ulyanov et al. 2016, "Instance Normalization:
  The Missing Ingredient for Fast Stylization", which Johnson's released
  code adopted) instead of batch normalisation.
- `"same"` zero padding in every conv, where the paper pads the input by 40
  pixels (reflection) and uses unpadded residual blocks; the output has the
  input's size without cropping.
- tanh output in [-1, 1] instead of the paper's scaled tanh in [0, 255].
"""

import keras
from keras import layers

from keras_gans import utils

__all__ = ["SIZE_MULTIPLE", "transformation_network"]

#: The transformation network's height and width must be multiples of this.
SIZE_MULTIPLE = 4


def transformation_network(
    filters=32, num_residual_blocks=5, channels=3, seed=None, dtype=None
):
    """Johnson et al. 2016's image transformation network, [-1, 1] -> [-1, 1].

    Args:
        filters: int >= 1. Channels of the first conv (paper: 32); the
            others are 2x and 4x this.
        num_residual_blocks: int >= 0. Residual blocks (paper: 5).
        channels: int >= 1. Image channels.
        seed: int or `None`. Seeds the convolution kernels' initialisation
            (Glorot uniform, as Keras' default): one seed, one network.
            `None` draws from Keras' global random state.
        dtype: dtype policy name (e.g. `"mixed_bfloat16"`) or `None` (the
            global policy), given to every layer.

    Returns:
        A functional `keras.Model` `(B, H, W, channels) -> (B, H, W,
        channels)`, H and W multiples of `SIZE_MULTIPLE` (4).

    Raises:
        ValueError: a bad `filters`, `num_residual_blocks` or `channels`.

    Example:
    >>> net = transformation_network(filters=8, num_residual_blocks=1)
    >>> net(np.zeros((1, 32, 32, 3))).shape
    TensorShape([1, 32, 32, 3])
    """
    utils.check_int("filters", filters, minimum=1)
    utils.check_int("num_residual_blocks", num_residual_blocks, minimum=0)
    utils.check_int("channels", channels, minimum=1)
    if seed is not None:
        seed = utils.check_int("seed", seed)
    count = iter(range(1_000_000))

    def kernel_init():
        if seed is None:
            return "glorot_uniform"
        return keras.initializers.GlorotUniform(seed=seed + next(count))

    def conv(n, size, strides=1, **kw):
        return layers.Conv2D(
            n,
            size,
            strides=strides,
            padding="same",
            kernel_initializer=kernel_init(),
            dtype=dtype,
            **kw,
        )

    def norm_relu(x, relu=True):
        x = layers.GroupNormalization(groups=-1, epsilon=1e-5, dtype=dtype)(x)
        return layers.ReLU(dtype=dtype)(x) if relu else x  # instance norm above

    def up(n):
        return layers.Conv2DTranspose(
            n,
            3,
            strides=2,
            padding="same",
            kernel_initializer=kernel_init(),
            dtype=dtype,
        )

    images = keras.Input((None, None, channels), name="image")
    x = norm_relu(conv(filters, 9)(images))
    x = norm_relu(conv(2 * filters, 3, strides=2)(x))
    x = norm_relu(conv(4 * filters, 3, strides=2)(x))
    for _ in range(num_residual_blocks):  # (B, H/4, W/4, 4f)
        y = norm_relu(conv(4 * filters, 3)(x))
        y = norm_relu(conv(4 * filters, 3)(y), relu=False)
        x = layers.Add(dtype=dtype)([x, y])
    x = norm_relu(up(2 * filters)(x))  # (B, H/2, W/2, 2f)
    x = norm_relu(up(filters)(x))  # (B, H, W, f)
    outputs = conv(channels, 9, activation="tanh", name="images")(x)
    return keras.Model(images, outputs, name="transformer")
