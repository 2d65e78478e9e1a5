"""Deprecated: `keras_gans.models.style_transfer` moved to
`keras_gans.models.style` (and `load_image` to `keras_gans.images`).

This module re-exports the old public names for one release.
"""

import warnings

from keras_gans.data.images import load_image
from keras_gans.models.style._saving import compile_from_config
from keras_gans.models.style.neural_style_transfer import (
    INITS,
    NeuralStyleTransfer,
    Stylized,
    stylize,
)
from keras_gans.models.style.perceptual_loss import PerceptualLoss
from keras_gans.models.style.style_losses import (
    content_loss,
    gram_matrix,
    num_positions,
    style_layer_loss,
    total_variation_loss,
)
from keras_gans.models.style.vgg_features import (
    CONTENT_LAYER,
    IMAGENET_MEAN_BGR,
    POOLINGS,
    STYLE_LAYERS,
    VGG19_CONV_LAYERS,
    VGG19_WEIGHTS_FILE,
    VGG19_WEIGHTS_URL,
    cached_vgg19_weights_path,
    resolve_vgg_weights,
    vgg19_feature_extractor,
    vgg_preprocess,
)
from keras_gans.utils import keras_home

__all__ = [
    "CONTENT_LAYER",
    "IMAGENET_MEAN_BGR",
    "INITS",
    "NeuralStyleTransfer",
    "POOLINGS",
    "PerceptualLoss",
    "STYLE_LAYERS",
    "Stylized",
    "VGG19_CONV_LAYERS",
    "VGG19_WEIGHTS_FILE",
    "VGG19_WEIGHTS_URL",
    "cached_vgg19_weights_path",
    "compile_from_config",
    "content_loss",
    "gram_matrix",
    "keras_home",
    "load_image",
    "num_positions",
    "resolve_vgg_weights",
    "style_layer_loss",
    "stylize",
    "total_variation_loss",
    "vgg19_feature_extractor",
    "vgg_preprocess",
]

warnings.warn(
    "`keras_gans.models.style_transfer` is deprecated: import from "
    "`keras_gans.models.style` (and `load_image` from `keras_gans.images`).",
    DeprecationWarning,
    stacklevel=2,
)
