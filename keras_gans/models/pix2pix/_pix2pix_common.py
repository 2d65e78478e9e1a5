"""Pieces shared by the Pix2Pix networks: weight init and normalisation."""

from keras import layers

from keras_gans.layers.batch_normalization import BatchNormalization
from keras_gans.utils import check_choice

__all__ = ["NORMALIZATIONS", "PIX2PIX_INIT"]

#: Isola et al. 2017, sec 6.2: "Weights were initialized from a Gaussian
#: distribution with mean 0 and standard deviation 0.02."
PIX2PIX_INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}

NORMALIZATIONS = ("batch", "instance", "none")


def _check_normalization(normalization):
    return check_choice("normalization", normalization, NORMALIZATIONS)


def _norm(normalization, name, dtype=None):
    """BatchNorm (momentum 0.9, eps 1e-5 as in the reference code; the fused
    kernel of `keras_gans.layers.BatchNormalization`), instance
    norm (`GroupNormalization(groups=-1)`: one group per channel), or `None`."""
    if normalization == "batch":
        return BatchNormalization(momentum=0.9, epsilon=1e-5, name=name, dtype=dtype)
    if normalization == "instance":
        return layers.GroupNormalization(
            groups=-1, epsilon=1e-5, name=name, dtype=dtype
        )
    return None
