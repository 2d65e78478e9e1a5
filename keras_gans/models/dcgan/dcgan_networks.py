"""The convolutional networks of DCGAN (Radford et al. 2016)."""

import keras
from keras import layers

from keras_gans.layers.batch_normalization import BatchNormalization
from keras_gans.layers.spectral_normalization import spectral
from keras_gans.models._shapes import image_geometry
from keras_gans.utils import check_image_size, check_int

__all__ = [
    "DCGAN_INIT",
    "conv_trunk",
    "dcgan_discriminator",
    "dcgan_generator",
    "num_upsamplings",
]

#: Radford et al. 2016, sec 4: "All weights were initialized from a zero-centered
#: Normal distribution with standard deviation 0.02."
DCGAN_INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}


def _stages(size):
    stages = 0
    while size % 2 == 0 and size // 2 >= 4:
        size //= 2
        stages += 1
    return stages


def num_upsamplings(image_size):
    """Stride-2 stages from the smallest start size (>= 4) up to `image_size`.

    Args:
        image_size: int or `(height, width)`. For a pair, the stages both
            sides allow (the fewer of the two).

    Returns:
        int: the number of stride-2 stages, >= 1.

    Raises:
        ValueError: a size below 4 or one that is not divisible by 2 with a
            start size >= 4.

    Example:
    >>> num_upsamplings(64), num_upsamplings(28), num_upsamplings((28, 32))
    (4, 2, 2)
    """
    height, width = check_image_size(image_size, minimum=4)
    stages = min(_stages(height), _stages(width))
    if stages == 0:
        raise ValueError(
            "`image_size` must be divisible by 2 at least once with a start size "
            f">= 4 (e.g. 28, 32, 64). Received: image_size={image_size!r}"
        )
    return stages


def dcgan_generator(
    latent_dim=100,
    image_size=64,
    channels=3,
    filters=128,
    kernel_size=5,
    num_classes=None,
    sync_batch_norm=False,
    dtype=None,
):
    """Fractionally-strided convolutions with BatchNorm and ReLU, tanh output.

    Radford et al. 2016, Fig. 1: project z to a small map with many
    channels, then each stride-2 transposed conv doubles the size and halves
    the channels; BatchNorm everywhere but the output layer. With
    `image_size=64, filters=128` this is the paper's 4x4x1024 -> 64x64x3 net.

    Args:
        latent_dim: int. Size of the noise input `(batch, latent_dim)`.
        image_size: int or `(height, width)`. Size of the images drawn (see
            `num_upsamplings`).
        channels: int. Image channels.
        filters: int. Channels of the last hidden map; each earlier map has
            twice the channels of the next.
        kernel_size: int. Transposed-convolution kernel size (paper: 5).
        num_classes: int or `None`. Adds a `labels` input `(batch,)` of
            int32 class ids, one-hot encoded and joined to z (a conditional
            DCGAN, as in Mirza & Osindero's conditioning).
        sync_batch_norm: bool. BatchNorm uses the statistics of the global
            batch under a `tf.distribute` strategy
            (`BatchNormalization(synchronized=True)`).
        dtype: dtype policy of every layer, or `None` for the global policy.

    Returns:
        A `keras.Model` mapping `noise` (and `labels`) to images
        `(batch, H, W, C)` in [-1, 1].

    Example:
    >>> dcgan_generator(latent_dim=4, image_size=8, channels=1,
    ...                 filters=4).output.shape
    (None, 8, 8, 1)
    """
    _, (height, width), channels = image_geometry(image_size, channels)
    stages = num_upsamplings((height, width))
    start_h, start_w = height // 2**stages, width // 2**stages
    width_0 = filters * 2 ** (stages - 1)
    noise = keras.Input((latent_dim,), name="noise")
    inputs = [noise]
    x = noise
    if num_classes is not None:
        num_classes = check_int("num_classes", num_classes, minimum=2)
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        one_hot = layers.CategoryEncoding(
            num_classes, output_mode="one_hot", dtype=dtype
        )(labels)
        x = layers.Concatenate(dtype=dtype)([noise, one_hot])
    x = layers.Dense(
        start_h * start_w * width_0,
        use_bias=False,
        kernel_initializer=DCGAN_INIT,
        dtype=dtype,
    )(x)
    x = layers.Reshape((start_h, start_w, width_0), dtype=dtype)(x)  # (B, h, w, C)
    x = BatchNormalization(synchronized=sync_batch_norm, dtype=dtype)(x)
    x = layers.ReLU(dtype=dtype)(x)
    for stage in range(1, stages):
        x = layers.Conv2DTranspose(
            width_0 // 2**stage,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=DCGAN_INIT,
            dtype=dtype,
        )(x)
        x = BatchNormalization(synchronized=sync_batch_norm, dtype=dtype)(x)
        x = layers.ReLU(dtype=dtype)(x)
    images = layers.Conv2DTranspose(
        channels,
        kernel_size,
        strides=2,
        padding="same",
        activation="tanh",
        kernel_initializer=DCGAN_INIT,
        dtype=dtype,
        name="images",
    )(x)
    return keras.Model(inputs if num_classes else noise, images, name="generator")


def conv_trunk(
    images,
    stages,
    filters=64,
    kernel_size=5,
    batch_norm=True,
    sync_batch_norm=False,
    dtype=None,
    spectral_norm=False,
):
    """D's body: `stages` stride-2 convs, channels doubling, LeakyReLU(0.2).

    BatchNorm follows every conv but the first (Radford et al. 2016, sec 3).

    Args:
        images: a symbolic tensor `(batch, H, W, C)`.
        stages: int. Number of stride-2 convolutions.
        filters: int. Channels of the first conv; each next one doubles.
        kernel_size: int. Convolution kernel size.
        batch_norm: bool. BatchNorm after every conv but the first.
        sync_batch_norm: bool. Synchronized BatchNorm under a strategy.
        dtype: dtype policy of every layer, or `None` for the global policy.
        spectral_norm: bool. Wraps every conv in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018).

    Returns:
        The last feature map `(batch, H / 2**stages, W / 2**stages, F)`.
    """
    x = images
    for stage in range(stages):
        conv = layers.Conv2D(
            filters * 2**stage,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=stage == 0 or not batch_norm,
            kernel_initializer=DCGAN_INIT,
            dtype=dtype,
        )
        x = spectral(conv, spectral_norm, dtype)(x)
        if batch_norm and stage > 0:
            x = BatchNormalization(synchronized=sync_batch_norm, dtype=dtype)(x)
        x = layers.LeakyReLU(0.2, dtype=dtype)(x)
    return x


def dcgan_discriminator(
    image_size=64,
    channels=3,
    filters=64,
    kernel_size=5,
    sync_batch_norm=False,
    dtype=None,
    spectral_norm=False,
):
    """Strided convolutions with LeakyReLU(0.2), BatchNorm after the first.

    Radford et al. 2016, sec 3: no pooling, BatchNorm in every layer but the
    discriminator's input layer, LeakyReLU (slope 0.2) throughout, one logit
    from the flattened last map.

    Args:
        image_size: int or `(height, width)`. Size of the images judged.
        channels: int. Image channels.
        filters: int. Channels of the first conv.
        kernel_size: int. Convolution kernel size (paper: 5).
        sync_batch_norm: bool. Synchronized BatchNorm under a strategy.
        dtype: dtype policy of every layer, or `None` for the global policy.
        spectral_norm: bool. Wraps every conv and the logit layer in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018) and
            drops D's BatchNorm (the SN discriminator has none).

    Returns:
        A `keras.Model` mapping images `(batch, H, W, C)` to logits
        `(batch, 1)`.

    Example:
    >>> dcgan_discriminator(image_size=8, channels=1, filters=4).output.shape
    (None, 1)
    """
    _, (height, width), channels = image_geometry(image_size, channels)
    images = keras.Input((height, width, channels), name="images")
    x = conv_trunk(
        images,
        num_upsamplings((height, width)),
        filters,
        kernel_size,
        batch_norm=not spectral_norm,
        sync_batch_norm=sync_batch_norm,
        dtype=dtype,
        spectral_norm=spectral_norm,
    )
    x = layers.Flatten(dtype=dtype)(x)
    logit = layers.Dense(1, kernel_initializer=DCGAN_INIT, dtype=dtype, name="logit")
    logits = spectral(logit, spectral_norm, dtype)(x)
    return keras.Model(images, logits, name="discriminator")
