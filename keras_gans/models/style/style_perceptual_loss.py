"""`PerceptualLoss`: Gatys et al.'s content, style and TV losses on VGG19.

Gatys, Ecker and Bethge, "Image Style Transfer Using Convolutional Neural
Networks", CVPR 2016; used as the loss network by Johnson, Alahi and
Fei-Fei, "Perceptual Losses for Real-Time Style Transfer and
Super-Resolution", ECCV 2016.
"""

import os

import keras

from keras_gans import utils
from keras_gans.models.style.style_losses import (
    content_loss,
    gram_matrix,
    num_positions,
    style_layer_loss,
    total_variation_loss,
)
from keras_gans.models.style.style_vgg import (
    CONTENT_LAYER,
    STYLE_LAYERS,
    vgg19_feature_extractor,
    vgg_preprocess,
)

__all__ = ["PerceptualLoss"]

#: VGG19 pools four times before conv5_1: images must be at least this big.
MIN_IMAGE_SIZE = 16


@keras.saving.register_keras_serializable(package="keras_gans")
class PerceptualLoss(keras.layers.Layer):
    """Gatys et al.'s content, style and total variation losses on VGG19.

    Gatys et al. 2016 (CVPR). The loss network (frozen) and the losses that
    `NeuralStyleTransfer` and `FastStyleTransfer` share. Images are RGB in
    [0, 255].

    `call(images, content_target, style_targets)` returns a dict of per-image
    `(B,)` losses: `content_loss` (eq. 1 at `content_layer`), `style_loss`
    (eq. 5: `sum_l w_l E_l` over `style_layers`), `tv_loss`, and
    `loss = content_weight * content_loss + style_weight * style_loss +
    tv_weight * tv_loss` (eq. 7, alpha and beta, plus total variation).

    Style targets are kept per position: `A_l / M_l` for the style image's
    M_l positions, so a style image of another size than the generated
    images can be used; `E_l` rescales them by the generated images' M_l,
    which gives eq. 4 exactly when the sizes agree.

    The loss network computes in float32 whatever the model's dtype policy:
    its inputs are cast (`vgg_preprocess`).

    Args:
        content_weight: float >= 0. alpha.
        style_weight: float >= 0. beta (alpha/beta: 1e-3 to 1e-4 in the paper).
        tv_weight: float >= 0. Weight of the total variation loss (0: none).
        content_layer: str. VGG19 layer of the content loss.
        style_layers: sequence of str. VGG19 layers of the style loss.
        style_layer_weights: sequence of float or `None` (w_l = 1 / L).
        pooling: str. `"avg"` or `"max"`.
        vgg_weights: `"imagenet"`, a file path or `None` (random; tests).
            See `style_vgg.resolve_vgg_weights`.

    Raises:
        ValueError: a negative weight, bad layer names or pooling.
        FileNotFoundError: the VGG19 weights file is missing.

    Example:
    >>> loss = PerceptualLoss(vgg_weights=None, content_layer="block1_conv2",
    ...                       style_layers=["block1_conv1"])
    >>> images = np.zeros((2, 32, 32, 3))
    >>> losses = loss(images, loss.content_features(images),
    ...               loss.style_targets(images))
    >>> keras.ops.convert_to_numpy(losses["loss"]).tolist()
    [0.0, 0.0]
    """

    def __init__(
        self,
        content_weight=1e-3,
        style_weight=1.0,
        tv_weight=0.0,
        content_layer=CONTENT_LAYER,
        style_layers=STYLE_LAYERS,
        style_layer_weights=None,
        pooling="avg",
        vgg_weights="imagenet",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.content_weight = utils.check_float(
            "content_weight", content_weight, minimum=0.0
        )
        self.style_weight = utils.check_float("style_weight", style_weight, minimum=0.0)
        self.tv_weight = utils.check_float("tv_weight", tv_weight, minimum=0.0)
        if isinstance(style_layers, str) or not style_layers:
            raise ValueError(
                "`style_layers` must be a non-empty list of VGG19 layer names. "
                f"Received: style_layers={style_layers!r}"
            )
        style_layers = list(style_layers)
        if style_layer_weights is None:
            style_layer_weights = [1.0 / len(style_layers)] * len(style_layers)
        style_layer_weights = list(style_layer_weights)
        if len(style_layer_weights) != len(style_layers):
            raise ValueError(
                f"`style_layer_weights` must have one weight per style layer "
                f"({len(style_layers)}). Received: style_layer_weights="
                f"{style_layer_weights!r}"
            )
        self.content_layer = content_layer
        self.style_layers = style_layers
        self.style_layer_weights = [
            utils.check_float("style_layer_weights", w, minimum=0.0)
            for w in style_layer_weights
        ]
        self.pooling = pooling
        self.vgg_weights = (
            vgg_weights if vgg_weights is None else os.fspath(vgg_weights)
        )
        self.extractor = vgg19_feature_extractor(
            [content_layer, *style_layers], weights=vgg_weights, pooling=pooling
        )
        self.trainable = False

    def build(self, *args, **kwargs):
        self.built = True

    # --- features and targets (RGB [0, 255] in)
    def features(self, images):
        """`{layer: (B, H_l, W_l, N_l)}` VGG19 features of RGB [0, 255] images."""
        return self.extractor(vgg_preprocess(images))

    def content_features(self, images):
        """Features at `content_layer` (the content target P). `(B, H, W, N)`."""
        return self.features(images)[self.content_layer]

    def style_targets(self, images):
        """Per-position Gram matrices `A_l / M_l` of the style image(s).

        Returns a list, one `(B, N_l, N_l)` per style layer.
        """
        features = self.features(images)
        return [
            gram_matrix(features[name]) / num_positions(features[name])
            for name in self.style_layers
        ]

    def target_shapes(self, image_size):
        """Shapes of the content target and the style targets at `image_size`.

        Args:
            image_size: int or `(height, width)`, each >= 16.

        Returns:
            `(content_shape, [style_shape, ...])`: `(1, H_l, W_l, N_l)` and
            one `(1, N_l, N_l)` per style layer.
        """
        h, w = utils.check_image_size(image_size, minimum=MIN_IMAGE_SIZE)
        shapes = self.extractor.compute_output_shape((1, h, w, 3))
        content = tuple(shapes[self.content_layer])
        styles = [(1, shapes[n][-1], shapes[n][-1]) for n in self.style_layers]
        return content, styles

    def call(self, images, content_target, style_targets):
        features = self.features(images)
        c_loss = content_loss(features[self.content_layer], content_target)
        s_loss = 0.0
        for name, weight, target in zip(
            self.style_layers, self.style_layer_weights, style_targets
        ):
            m = num_positions(features[name])
            gram = gram_matrix(features[name])
            s_loss = s_loss + weight * style_layer_loss(gram, target * m, m)
        tv_loss = total_variation_loss(images)
        loss = (
            self.content_weight * c_loss
            + self.style_weight * s_loss
            + self.tv_weight * tv_loss
        )
        return {
            "loss": loss,
            "content_loss": c_loss,
            "style_loss": s_loss,
            "tv_loss": tv_loss,
        }

    def get_config(self):
        return {
            **super().get_config(),
            "content_weight": self.content_weight,
            "style_weight": self.style_weight,
            "tv_weight": self.tv_weight,
            "content_layer": self.content_layer,
            "style_layers": list(self.style_layers),
            "style_layer_weights": list(self.style_layer_weights),
            "pooling": self.pooling,
            "vgg_weights": self.vgg_weights,
        }
