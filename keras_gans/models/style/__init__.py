"""Style transfer: Gatys et al. 2016 (`NeuralStyleTransfer`, optimises the
image) and Johnson et al. 2016 (`FastStyleTransfer`, a feed-forward
stylizer), sharing the VGG19 perceptual loss.

- `style_vgg`: VGG19 feature extractor and its offline weights;
- `style_losses`: Gram matrix, content, style and total variation losses;
- `style_perceptual_loss`: `PerceptualLoss`, the loss network and its losses;
- `style_neural`: `NeuralStyleTransfer` and `stylize`;
- `style_networks`: Johnson et al.'s transformation network builder;
- `style_fast`: `FastStyleTransfer`;
- `style_presets`: the papers' settings as presets (configurations, no
  weights), registered here: `Model.from_preset` and
  `keras_gans.presets.build` know them.

Image files are read with `keras_gans.images.load_image`.
"""

from keras_gans.models import registry
from keras_gans.models.style.style_fast import FastStyleTransfer
from keras_gans.models.style.style_losses import (
    content_loss,
    gram_matrix,
    num_positions,
    style_layer_loss,
    total_variation_loss,
)
from keras_gans.models.style.style_networks import (
    SIZE_MULTIPLE,
    transformation_network,
)
from keras_gans.models.style.style_neural import (
    INITS,
    NeuralStyleTransfer,
    Stylized,
    stylize,
)
from keras_gans.models.style.style_perceptual_loss import PerceptualLoss
from keras_gans.models.style.style_presets import PRESETS
from keras_gans.models.style.style_vgg import (
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

registry.register_presets(PRESETS, FastStyleTransfer, NeuralStyleTransfer)

__all__ = [
    "CONTENT_LAYER",
    "FastStyleTransfer",
    "IMAGENET_MEAN_BGR",
    "INITS",
    "NeuralStyleTransfer",
    "POOLINGS",
    "PerceptualLoss",
    "SIZE_MULTIPLE",
    "STYLE_LAYERS",
    "Stylized",
    "VGG19_CONV_LAYERS",
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
