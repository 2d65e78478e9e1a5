"""`FastStyleTransfer`: a feed-forward stylizer (Johnson et al. 2016).

Johnson, Alahi and Fei-Fei, "Perceptual Losses for Real-Time Style Transfer
and Super-Resolution", ECCV 2016. A transformation network
(`transformation_network`) is trained, for one style image, on a folder of
content images with the perceptual losses of Gatys et al.
(`PerceptualLoss`); then one forward pass stylizes an image.

Images are in [-1, 1] on both sides of the network (the package's data
convention: `keras_gans.data.from_image_folder` yields them); the losses see
them as RGB [0, 255] (`(x + 1) * 127.5`, kept as float so gradients flow),
which VGG's preprocessing expects. The SavedModel written by
`keras_gans.export.export_generator(model, dir)` takes `image` float32
`(None, H, W, 3)` in [-1, 1], H and W multiples of 4, and returns `images`
of the same shape in [-1, 1] (or uint8 [0, 255] with `output="uint8"`).

Deviations from the paper: those of `transformation_network` (instance
normalisation, zero padding, tanh output), and the loss network: VGG19 with
Gatys et al.'s layers and loss normalisations (content conv4_2, style
conv1_1..conv5_1, eq. 1 and 4), shared with `NeuralStyleTransfer`, where
the paper uses VGG-16 (content relu2_2, style relu1_2, relu2_2, relu3_3,
relu4_3; both set by `content_layer` and `style_layers`) and normalises by
C * H * W. Losses are averaged over the batch.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import export as export_lib
from keras_gans import utils
from keras_gans._deprecation import deprecate
from keras_gans.data.images import load_image
from keras_gans.models import _checks
from keras_gans.models._seeds import layer_seeds
from keras_gans.models.registry import PresetMixin
from keras_gans.models.style._style_saving import compile_from_config, without_vgg_file
from keras_gans.models.style.style_networks import (
    SIZE_MULTIPLE,
    transformation_network,
)
from keras_gans.models.style.style_perceptual_loss import PerceptualLoss
from keras_gans.models.style.style_vgg import CONTENT_LAYER, STYLE_LAYERS
from keras_gans.training.optimizers import FusedAdam

__all__ = ["FastStyleTransfer"]


def _to_pixels(images):
    """[-1, 1] -> float32 [0, 255], differentiable (not rounded, unlike
    `utils.to_uint8`): what the VGG loss network takes."""
    return (ops.cast(images, "float32") + 1.0) * 127.5


@keras.saving.register_keras_serializable(package="keras_gans")
class FastStyleTransfer(_checks.DataChecks, PresetMixin, keras.Model):
    """A feed-forward style transfer network trained with perceptual losses.

    Johnson, Alahi and Fei-Fei, "Perceptual Losses for Real-Time Style
    Transfer and Super-Resolution", ECCV 2016. `set_style(image)` stores the
    style targets; `fit` on batches of content images in [-1, 1] (`(images,)`
    or `images`) trains the `transformer` to minimise
    `content_weight * L_content(T(x), x) + style_weight * L_style(T(x), s)
    + tv_weight * L_tv(T(x))`; `translate(images)` stylizes images in
    [-1, 1]; `keras_gans.export.export_generator(model, dir)` writes the
    SavedModel that serves them. Paper settings: Adam(1e-3), batch 4,
    256x256 content images, 40k iterations; the preset
    `fast_style_johnson2016` holds them (a configuration without weights:
    `keras_gans.presets.build` makes the model). Deviations: see the module
    docstring.

    The `.keras` file holds the VGG weights too: `load_model` needs no
    weights file.

    Args:
        filters: int. Width of the transformation network (paper: 32).
        num_residual_blocks: int. Paper: 5.
        content_weight: float. Weight of the content loss.
        style_weight: float. Weight of the style loss.
        tv_weight: float. Weight of the total variation loss.
        pooling: str. Loss network pooling, `"max"` (as trained) or `"avg"`.
        vgg_weights: `"imagenet"` (Keras cache file), a path, or `None`
            (random weights: smoke tests and benchmarks only).
        content_layer: str. VGG19 layer of the content loss.
        style_layers: sequence of str. VGG19 layers of the style loss.
        style_layer_weights: sequence of float or `None` (1 / L each).
        seed: int or `None`. Seeds the transformation network's weights.
        **kwargs: `keras.Model` arguments: `name`, and `dtype` (a policy
            name such as `"mixed_bfloat16"`), which every layer of the
            transformation network takes; the loss network computes in
            float32.

    Raises:
        ValueError: bad network sizes, loss weights, layers or pooling.
        FileNotFoundError: the VGG19 weights file is missing.

    Example:
    >>> model = FastStyleTransfer(filters=8, num_residual_blocks=1,
    ...                           vgg_weights=None, seed=0)
    >>> model.set_style(np.full((32, 32, 3), 200.0))
    >>> model.compile()
    >>> images = np.random.uniform(-1, 1, (4, 32, 32, 3)).astype("float32")
    >>> _ = model.fit(images, batch_size=2, epochs=1, verbose=0)
    >>> out = model.translate(images)
    >>> out.shape, out.dtype
    ((4, 32, 32, 3), dtype('float32'))
    """

    def __init__(
        self,
        filters=32,
        num_residual_blocks=5,
        content_weight=1e-3,
        style_weight=1.0,
        tv_weight=0.0,
        pooling="max",
        vgg_weights="imagenet",
        content_layer=CONTENT_LAYER,
        style_layers=STYLE_LAYERS,
        style_layer_weights=None,
        seed=None,
        **kwargs,
    ):
        dtype = kwargs.get("dtype")
        super().__init__(**kwargs)
        self.filters = filters
        self.num_residual_blocks = num_residual_blocks
        self.seed = seed
        self.transformer = transformation_network(
            filters,
            num_residual_blocks,
            seed=seed,
            dtype=None if dtype is None else self.dtype_policy,
        )
        with layer_seeds(seed):  # a VGG without weights files: seeded too
            self.perceptual = PerceptualLoss(
                content_weight=content_weight,
                style_weight=style_weight,
                tv_weight=tv_weight,
                content_layer=content_layer,
                style_layers=style_layers,
                style_layer_weights=style_layer_weights,
                pooling=pooling,
                vgg_weights=vgg_weights,
                name="perceptual_loss",
            )
        self.vgg_weights = self.perceptual.vgg_weights
        _, style_shapes = self.perceptual.target_shapes(32)
        self.style_grams = [
            self.add_weight(
                shape=shape,
                initializer="zeros",
                trainable=False,
                name=f"style_gram_{i}",
                dtype="float32",
            )
            for i, shape in enumerate(style_shapes)
        ]
        self.loss_trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("loss", "content_loss", "style_loss", "tv_loss")
        }
        self.built = True

    def set_style(self, style):
        """Stores the style targets (per-position Gram matrices) of `style`.

        Args:
            style: image file path, or RGB array `(H, W, 3)` uint8 or float
                in [0, 255] (any size >= 16; its Gram matrices are
                normalised per position, so it need not match the content
                images' size, see `PerceptualLoss`).
        """
        pixels = load_image(style)[None]  # (1, H, W, 3)
        for variable, gram in zip(
            self.style_grams, self.perceptual.style_targets(pixels)
        ):
            variable.assign(gram)

    def compile(self, optimizer=None, **kwargs):
        """`optimizer` defaults to Adam(1e-3) (Johnson et al. 2016, sec 4.1)."""
        if optimizer is None:
            optimizer = FusedAdam(1e-3)
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        compile_from_config(self, config)

    @property
    def metrics(self):
        return list(self.loss_trackers.values())

    def call(self, images, training=False):
        """Stylizes `images` `(B, H, W, 3)` in [-1, 1] -> [-1, 1]."""
        return self.transformer(images, training=training)

    def compute_losses(self, images, stylized):
        """Batch-mean losses of `stylized` = T(`images`), both in [-1, 1]."""
        content_target = ops.stop_gradient(
            self.perceptual.content_features(_to_pixels(images))
        )
        losses = self.perceptual(_to_pixels(stylized), content_target, self.style_grams)
        return {name: ops.mean(value) for name, value in losses.items()}

    def check_batch_spec(self, spec):
        """Float RGB content images `(batch, H, W, 3)`, H and W multiples of 4
        (`fit` checks before training)."""
        _checks.check_image_spec("images", spec[0], (None, None, 3))
        shape = spec[0].shape
        if any(d is not None and d % SIZE_MULTIPLE for d in shape[1:3]):
            raise ValueError(
                f"`images` height and width must be multiples of {SIZE_MULTIPLE}. "
                f"Received: images.shape={tuple(shape)}"
            )

    def batch_value_checks(self, batch):
        """Finite content images."""
        batch = batch if isinstance(batch, (tuple, list)) else (batch,)
        return [_checks.finite_check("images", batch[0])]

    def train_step(self, data):
        images = data[0] if isinstance(data, (tuple, list)) else data
        with tf.GradientTape() as tape:
            stylized = self.transformer(images, training=True)
            losses = self.compute_losses(images, stylized)
        weights = self.transformer.trainable_weights
        grads = tape.gradient(losses["loss"], weights)
        self.optimizer.apply(grads, weights)
        for name, value in losses.items():
            self.loss_trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.loss_trackers.items()}

    def test_step(self, data):
        images = data[0] if isinstance(data, (tuple, list)) else data
        losses = self.compute_losses(images, self.transformer(images, training=False))
        for name, value in losses.items():
            self.loss_trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.loss_trackers.items()}

    def _forward(self, images, batch_size):
        """The network on float32 `(N, H, W, 3)` in [-1, 1], by batches."""
        outputs = [
            ops.convert_to_numpy(ops.cast(self(images[i : i + batch_size]), "float32"))
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(outputs)

    def translate(self, images, batch_size=16):
        """Stylizes images in [-1, 1]; returns float32 in [-1, 1].

        The image -> image sampling method (as `Pix2Pix.translate`).

        Args:
            images: `(n, H, W, 3)`, float in [-1, 1] (or uint8 in [0, 255],
                mapped to [-1, 1]); H and W multiples of 4.
            batch_size: int >= 1. Images per network call.

        Returns:
            float32 NumPy array `(n, H, W, 3)` in [-1, 1].

        Raises:
            ValueError: another shape, a float image outside [-1, 1], or a
                height or width that is not a multiple of 4.
        """
        utils.check_int("batch_size", batch_size, minimum=1)
        images = utils.check_unit_range(images, "images")
        if images.ndim != 4 or images.shape[-1] != 3 or not len(images):
            raise ValueError(
                "`images` must have shape (n, H, W, 3), n >= 1. "
                f"Received: images.shape={images.shape}"
            )
        if images.shape[1] % SIZE_MULTIPLE or images.shape[2] % SIZE_MULTIPLE:
            raise ValueError(
                f"`images` height and width must be multiples of {SIZE_MULTIPLE}. "
                f"Received: images.shape={images.shape}"
            )
        return self._forward(images, batch_size)

    def stylize(self, images, batch_size=4):
        """Deprecated: use `translate` (float [-1, 1] in and out).

        Stylizes RGB images `(N, H, W, 3)` or one `(H, W, 3)`, uint8 or float
        in [0, 255]; H and W multiples of 4. Returns uint8 `(N, H, W, 3)`.
        """
        deprecate(
            "FastStyleTransfer.stylize",
            "translate(images)",
            details="It takes and returns float images in [-1, 1] "
            "(`keras_gans.utils.to_unit_range` / `to_uint8` convert pixels).",
        )
        pixels = np.asarray(images, dtype="float32")
        if pixels.ndim == 3:
            pixels = pixels[None]
        return utils.to_uint8(self._forward(utils.to_unit_range(pixels), batch_size))

    def export_archive(self, output="float"):
        """A `keras.export.ExportArchive` serving the transformation network:
        `image` float32 `(None, H, W, 3)` in [-1, 1], H and W multiples of 4
        (checked) -> `images` `(None, H, W, 3)`, float32 in [-1, 1], or uint8
        in [0, 255] with `output="uint8"`. Written by
        `keras_gans.export.export_generator(model, dir)`.
        """
        return export_lib.image_to_image_archive(
            self.transformer,
            output=output,
            training=False,
            input_name="image",
            size_multiple=SIZE_MULTIPLE,
        )

    def get_config(self):
        p = self.perceptual
        return {
            **super().get_config(),
            "filters": self.filters,
            "num_residual_blocks": self.num_residual_blocks,
            "content_weight": p.content_weight,
            "style_weight": p.style_weight,
            "tv_weight": p.tv_weight,
            "pooling": p.pooling,
            "vgg_weights": self.vgg_weights,
            "content_layer": p.content_layer,
            "style_layers": list(p.style_layers),
            "style_layer_weights": list(p.style_layer_weights),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        return without_vgg_file(cls, config)
