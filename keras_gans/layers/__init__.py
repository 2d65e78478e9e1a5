"""The custom layers of the zoo, one file each.

The papers' layers: `Maxout` (Goodfellow et al. 2013), `PixelNorm`,
`EqualizedDense`, `EqualizedConv2D`, `MinibatchStdDev` and the fade-in
`WeightedSum` (Karras et al. 2018), `ReflectionPadding2D` (CycleGAN's
generator); the builders' `BatchNormalization` (Keras' with one fused
training kernel); `spectral` (Miyato et al. 2018) for discriminator layers;
and the discriminator augmentation layers `DiffAugment` and
`AdaptiveAugment` (`keras_gans.augment`).
"""

from keras_gans.layers.adaptive_augment import AdaptiveAugment
from keras_gans.layers.batch_normalization import BatchNormalization
from keras_gans.layers.diff_augment import DiffAugment
from keras_gans.layers.equalized_conv2d import EqualizedConv2D
from keras_gans.layers.equalized_dense import EqualizedDense
from keras_gans.layers.maxout import Maxout
from keras_gans.layers.minibatch_std_dev import MinibatchStdDev
from keras_gans.layers.pixel_norm import PixelNorm
from keras_gans.layers.reflection_padding_2d import ReflectionPadding2D
from keras_gans.layers.spectral_normalization import spectral
from keras_gans.layers.weighted_sum import WeightedSum

__all__ = [
    "AdaptiveAugment",
    "BatchNormalization",
    "DiffAugment",
    "EqualizedConv2D",
    "EqualizedDense",
    "Maxout",
    "MinibatchStdDev",
    "PixelNorm",
    "ReflectionPadding2D",
    "WeightedSum",
    "spectral",
]
