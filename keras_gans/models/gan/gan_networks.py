"""The MLP networks of the original GAN (Goodfellow et al. 2014)."""

import keras
from keras import layers

from keras_gans.layers import Maxout
from keras_gans.layers.spectral_normalization import spectral
from keras_gans.models._shapes import image_geometry

__all__ = ["gan_discriminator", "gan_generator"]


def gan_generator(
    latent_dim=100,
    image_size=28,
    channels=1,
    units=(1200, 1200),
    dtype=None,
    image_shape=None,
):
    """The paper's MNIST generator: ReLU MLP, then one output unit per pixel.

    Goodfellow et al. 2014, "Generative Adversarial Nets" (the released
    `mnist.yaml`: two ReLU layers of 1200 units). Deviation: the output is
    `tanh` rather than the paper's sigmoid because images live in [-1, 1].

    Args:
        latent_dim: int. Size of the noise input `(batch, latent_dim)`.
        image_size: int or `(height, width)`. Size of the images drawn.
        channels: int. Image channels.
        units: tuple of ints. Hidden layer widths.
        dtype: dtype policy (e.g. `"mixed_bfloat16"`) of every layer, or
            `None` for the global policy.
        image_shape: deprecated `(height, width, channels)`.

    Returns:
        A `keras.Model` mapping `noise` to images `(batch, H, W, C)` in
        [-1, 1].

    Example:
    >>> gan_generator(latent_dim=4, image_size=8, units=(16,)).output.shape
    (None, 8, 8, 1)
    """
    _, (height, width), channels = image_geometry(image_size, channels, image_shape)
    noise = keras.Input((latent_dim,), name="noise")
    x = noise
    for i, n in enumerate(units):
        x = layers.Dense(n, activation="relu", dtype=dtype, name=f"dense_{i}")(x)
    pixels = height * width * channels
    x = layers.Dense(pixels, activation="tanh", dtype=dtype, name="to_pixels")(x)
    images = layers.Reshape((height, width, channels), dtype=dtype, name="images")(x)
    return keras.Model(noise, images, name="generator")


def gan_discriminator(
    image_size=28,
    channels=1,
    units=(240, 240),
    pieces=5,
    dropout=0.5,
    input_dropout=0.2,
    dtype=None,
    image_shape=None,
    spectral_norm=False,
):
    """The paper's MNIST discriminator: two Maxout layers with dropout, one logit.

    Goodfellow et al. 2014 (`mnist.yaml`: Maxout 240 units x 5 pieces twice,
    dropout with input include probability 0.8 and 0.5 on hidden layers).

    Args:
        image_size: int or `(height, width)`. Size of the images judged.
        channels: int. Image channels.
        units: tuple of ints. Maxout layer widths.
        pieces: int. Maxout pieces per unit.
        dropout: float in [0, 1). Dropout rate after each Maxout layer.
        input_dropout: float in [0, 1). Dropout rate on the input pixels.
        spectral_norm: bool. Wraps every Maxout and the logit layer in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018).
        dtype: dtype policy of every layer, or `None` for the global policy.
        image_shape: deprecated `(height, width, channels)`.

    Returns:
        A `keras.Model` mapping images `(batch, H, W, C)` to logits
        `(batch, 1)`.

    Example:
    >>> gan_discriminator(image_size=8, units=(8,), pieces=2).output.shape
    (None, 1)
    """
    _, (height, width), channels = image_geometry(image_size, channels, image_shape)
    images = keras.Input((height, width, channels), name="images")
    x = layers.Flatten(dtype=dtype)(images)
    x = layers.Dropout(input_dropout, dtype=dtype)(x)
    for i, n in enumerate(units):
        maxout = Maxout(n, pieces, dtype=dtype, name=f"maxout_{i}")
        x = spectral(maxout, spectral_norm, dtype)(x)
        x = layers.Dropout(dropout, dtype=dtype)(x)
    logits = spectral(layers.Dense(1, dtype=dtype, name="logit"), spectral_norm, dtype)
    return keras.Model(images, logits(x), name="discriminator")
