"""Style transfer: Gatys et al. 2016 (`NeuralStyleTransfer`, optimises the
image) and Johnson et al. 2016 (`FastStyleTransfer`, a feed-forward
stylizer), sharing the VGG19 perceptual loss.

- `vgg_features`: VGG19 feature extractor and its offline weights;
- `style_losses`: Gram matrix, content, style and total variation losses;
- `perceptual_loss`: `PerceptualLoss`, the loss network and its losses;
- `neural_style_transfer`: `NeuralStyleTransfer` and `stylize`;
- `transformation_network`: Johnson et al.'s network builder;
- `fast_style_transfer`: `FastStyleTransfer`.

Image files are read with `keras_gans.images.load_image`.
"""

from keras_gans.models.style.fast_style_transfer import FastStyleTransfer
from keras_gans.models.style.neural_style_transfer import (
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
from keras_gans.models.style.transformation_network import (
    SIZE_MULTIPLE,
    transformation_network,
)
from keras_gans.models.style.vgg_features import (
    CONTENT_LAYER,
    STYLE_LAYERS,
    VGG19_WEIGHTS_FILE,
    VGG19_WEIGHTS_URL,
    cached_vgg19_weights_path,
    resolve_vgg_weights,
    vgg19_feature_extractor,
    vgg_preprocess,
)

__all__ = [
    "CONTENT_LAYER",
    "FastStyleTransfer",
    "NeuralStyleTransfer",
    "PerceptualLoss",
    "SIZE_MULTIPLE",
    "STYLE_LAYERS",
    "Stylized",
    "VGG19_WEIGHTS_FILE",
    "VGG19_WEIGHTS_URL",
    "cached_vgg19_weights_path",
    "content_loss",
    "gram_matrix",
    "num_positions",
    "resolve_vgg_weights",
    "style_layer_loss",
    "stylize",
    "total_variation_loss",
    "transformation_network",
    "vgg19_feature_extractor",
    "vgg_preprocess",
]
