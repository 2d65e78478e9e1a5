"""`FastStyleTransfer`: a feed-forward stylizer (Johnson et al. 2016).

Johnson, Alahi and Fei-Fei, "Perceptual Losses for Real-Time Style Transfer
and Super-Resolution", ECCV 2016. A transformation network is trained, for
one style image, on a folder of content images with the perceptual losses
of Gatys et al. (`keras_gans.models.style_transfer.PerceptualLoss`); then
one forward pass stylizes an image.

Transformation network (Johnson et al. 2016, supplementary Table 1): a 9x9
conv (32), two stride-2 3x3 convs (64, 128), five residual blocks of two
3x3 convs (128), two stride-1/2 (transposed) 3x3 convs (64, 32), a 9x9 conv
to RGB; normalisation and ReLU after every conv but the last; no ReLU after
a residual sum.

Images are in [-1, 1] on both sides of the network (the package's data
convention: `keras_gans.data.from_image_folder` yields them); the losses see
them as RGB [0, 255] (`(x + 1) * 127.5`), which VGG's preprocessing expects.
The served SavedModel (`export`) takes `image` float32 `(None, H, W, 3)` in
[-1, 1], H and W multiples of 4, and returns `images` of the same shape in
[-1, 1] (or uint8 [0, 255] with `output="uint8"`).

Deviations from the paper, stated:
- Instance normalisation (Ulyanov et al. 2016, "Instance Normalization:
  The Missing Ingredient for Fast Stylization", the follow-up that Johnson's
  released code adopted) instead of batch normalisation.
- `"same"` zero padding in every conv, where the paper pads the input by 40
  pixels (reflection) and uses unpadded residual blocks; the output has the
  input's size without cropping.
- tanh output in [-1, 1] instead of the paper's scaled tanh in [0, 255].
- Loss network: VGG19 with Gatys et al.'s layers and loss normalisations
  (content conv4_2, style conv1_1..conv5_1, eq. 1 and 4), shared with
  `NeuralStyleTransfer`, where the paper uses VGG-16 (content relu2_2,
  style relu1_2, relu2_2, relu3_3, relu4_3; both set by `content_layer`
  and `style_layers`) and normalises by C * H * W. Losses are averaged over
  the batch.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from keras_gans import export as export_lib
from keras_gans.models.style_transfer import (
    CONTENT_LAYER,
    STYLE_LAYERS,
    PerceptualLoss,
    _without_vgg_file,
    compile_from_config,
    load_image,
)

#: The transformation network's height and width must be multiples of this.
SIZE_MULTIPLE = 4


def _norm_relu(x, relu=True):
    x = layers.GroupNormalization(groups=-1, epsilon=1e-5)(x)  # instance norm
    return layers.ReLU()(x) if relu else x


def transformation_network(filters=32, num_residual_blocks=5, channels=3):
    """Johnson et al. 2016's image transformation network, [-1, 1] -> [-1, 1].

    Args:
        filters: int. Channels of the first conv (paper: 32); the others are
            2x and 4x this.
        num_residual_blocks: int. Residual blocks (paper: 5).
        channels: int. Image channels.

    Returns:
        A functional `keras.Model` `(B, H, W, channels) -> (B, H, W,
        channels)`, H and W multiples of 4.

    Example:
    >>> net = transformation_network(filters=8, num_residual_blocks=1)
    >>> net(np.zeros((1, 32, 32, 3))).shape
    TensorShape([1, 32, 32, 3])
    """
    for name, value, low in (
        ("filters", filters, 1),
        ("num_residual_blocks", num_residual_blocks, 0),
        ("channels", channels, 1),
    ):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ValueError(
                f"`{name}` must be an int >= {low}. Received: {name}={value!r}"
            )
    images = keras.Input((None, None, channels), name="image")
    x = _norm_relu(layers.Conv2D(filters, 9, padding="same")(images))
    x = _norm_relu(layers.Conv2D(2 * filters, 3, strides=2, padding="same")(x))
    x = _norm_relu(layers.Conv2D(4 * filters, 3, strides=2, padding="same")(x))
    for _ in range(num_residual_blocks):  # (B, H/4, W/4, 4f)
        y = _norm_relu(layers.Conv2D(4 * filters, 3, padding="same")(x))
        y = _norm_relu(layers.Conv2D(4 * filters, 3, padding="same")(y), relu=False)
        x = layers.Add()([x, y])
    x = _norm_relu(layers.Conv2DTranspose(2 * filters, 3, strides=2, padding="same")(x))
    x = _norm_relu(layers.Conv2DTranspose(filters, 3, strides=2, padding="same")(x))
    outputs = layers.Conv2D(
        channels, 9, padding="same", activation="tanh", name="images"
    )(x)
    return keras.Model(images, outputs, name="transformer")


def to_pixels(images):
    """[-1, 1] -> [0, 255]."""
    return (ops.cast(images, "float32") + 1.0) * 127.5


@keras.saving.register_keras_serializable(package="keras_gans")
class FastStyleTransfer(keras.Model):
    """A feed-forward style transfer network trained with perceptual losses.

    Johnson, Alahi and Fei-Fei, "Perceptual Losses for Real-Time Style
    Transfer and Super-Resolution", ECCV 2016. `set_style(image)` stores the
    style targets; `fit` on batches of content images in [-1, 1] (`(images,)`
    or `images`) trains the `transformer` to minimise
    `content_weight * L_content(T(x), x) + style_weight * L_style(T(x), s)
    + tv_weight * L_tv(T(x))`; `call(images)` stylizes images in [-1, 1];
    `export(dir)` writes the SavedModel that serves them. Paper settings:
    Adam(1e-3), batch 4, 256x256 content images, 40k iterations. Deviations:
    see the module docstring.

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

    Example:
    >>> model = FastStyleTransfer(filters=8, num_residual_blocks=1,
    ...                           vgg_weights=None)
    >>> model.set_style(np.full((32, 32, 3), 200.0))
    >>> model.compile()
    >>> images = np.random.uniform(-1, 1, (4, 32, 32, 3)).astype("float32")
    >>> model.fit(images, batch_size=2, epochs=1, verbose=0)
    >>> model(images).shape
    TensorShape([4, 32, 32, 3])
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
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = filters
        self.num_residual_blocks = num_residual_blocks
        self.transformer = transformation_network(filters, num_residual_blocks)
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
            optimizer = keras.optimizers.Adam(1e-3)
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
            self.perceptual.content_features(to_pixels(images))
        )
        losses = self.perceptual(to_pixels(stylized), content_target, self.style_grams)
        return {name: ops.mean(value) for name, value in losses.items()}

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

    def stylize(self, images, batch_size=4):
        """Stylizes RGB images `(N, H, W, 3)` (uint8 or float in [0, 255]).

        H and W must be multiples of 4. Returns uint8 `(N, H, W, 3)`.
        """
        pixels = np.asarray(images, dtype="float32")
        if pixels.ndim == 3:
            pixels = pixels[None]
        out = [
            ops.convert_to_numpy(self(pixels[i : i + batch_size] / 127.5 - 1.0))
            for i in range(0, len(pixels), batch_size)
        ]
        return np.rint(np.clip((np.concatenate(out) + 1.0) * 127.5, 0, 255)).astype(
            "uint8"
        )

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
        }

    @classmethod
    def from_config(cls, config):
        return _without_vgg_file(cls, config)
