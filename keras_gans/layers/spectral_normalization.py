"""Spectral normalization of discriminator layers (Miyato et al. 2018)."""

import keras

__all__ = ["spectral"]


def spectral(layer, enabled, dtype=None):
    """`layer` wrapped in `keras.layers.SpectralNormalization` when `enabled`.

    Miyato et al. 2018, "Spectral Normalization for Generative Adversarial
    Networks": each training call runs one power iteration and divides the
    layer's kernel (reshaped to `(-1, units)`) by its estimated largest
    singular value. The wrapper is named `sn_<layer name>`.

    Args:
        layer: a layer with a `kernel` (Dense, Conv2D, Maxout, ...).
        enabled: bool.
        dtype: dtype policy of the wrapper.

    Example:
    >>> spectral(keras.layers.Dense(2, name="d"), True).name
    'sn_d'
    """
    if not enabled:
        return layer
    return keras.layers.SpectralNormalization(
        layer, dtype=dtype, name=f"sn_{layer.name}"
    )
