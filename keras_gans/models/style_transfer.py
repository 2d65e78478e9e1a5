"""`NeuralStyleTransfer`: image style transfer by optimisation (Gatys et al. 2016).

Gatys, Ecker and Bethge, "Image Style Transfer Using Convolutional Neural
Networks", CVPR 2016. The generated image is the model's one trainable
weight; `fit` runs gradient steps on

    L_total = alpha * L_content + beta * L_style (+ tv_weight * L_tv)

- content: `L_content = 1/2 sum (F - P)^2` of VGG19 `conv4_2` features
  (`block4_conv2`) of the image (F) and the content image (P), eq. 1;
- style: Gram matrices `G_ij = sum_k F_ik F_jk` (eq. 3) of `conv1_1` ...
  `conv5_1` (`block{1..5}_conv1`), `E_l = 1/(4 N_l^2 M_l^2) sum (G - A)^2`
  (eq. 4) with N_l filters and M_l = height * width positions,
  `L_style = sum_l w_l E_l`, w_l = 1/5 (eq. 5);
- alpha/beta: the paper uses 1e-3 (Fig. 2, 3) to 1e-4;
- optional total variation (Mahendran & Vedaldi 2015), not in the paper.

This module also holds what `FastStyleTransfer` shares: the VGG19 feature
extractor with its offline weights logic, `gram_matrix`, the losses, and
`PerceptualLoss`, the layer that computes them.

Images are RGB float in [0, 255] (or uint8), the range VGG's own
preprocessing (`keras.applications.vgg19.preprocess_input`, "caffe": RGB ->
BGR, minus the ImageNet channel means) expects.

Weights: ImageNet VGG19 weights are never downloaded. `vgg_weights=
"imagenet"` reads the Keras cache file
`$KERAS_HOME/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`
(`KERAS_HOME` defaults to `~/.keras`), a path reads that file, and `None`
gives random weights (same FLOPs; for tests and benchmarks only, the images
it makes are meaningless). A missing file is a `FileNotFoundError` that
names the expected path and the download URL.

Deviations from the paper:
- Adam instead of L-BFGS, so that Keras' `fit` runs the optimisation (with
  its progress bar, callbacks and checkpoints); the image is clipped to
  [0, 255] after every step.
- VGG19 as trained on ImageNet, not the paper's rescaled copy (weights
  scaled so that every filter's mean activation is 1): the loss scales
  differ from the paper's, so alpha/beta may need tuning.
- Average pooling (the paper's choice, `pooling="avg"`, the default)
  reuses the max-pooling net's weights, as the paper does.
"""

import collections
import math
import numbers
import os

import keras
import numpy as np
import tensorflow as tf
from keras import ops

VGG19_WEIGHTS_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
VGG19_WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
    + VGG19_WEIGHTS_FILE
)
#: Gatys et al. 2016, sec 3: content from conv4_2, style from conv1_1..conv5_1.
CONTENT_LAYER = "block4_conv2"
STYLE_LAYERS = (
    "block1_conv1",
    "block2_conv1",
    "block3_conv1",
    "block4_conv1",
    "block5_conv1",
)
#: keras.applications.vgg19.preprocess_input ("caffe"): BGR channel means.
IMAGENET_MEAN_BGR = (103.939, 116.779, 123.68)
#: The convolutions of VGG19 (Simonyan & Zisserman 2015, configuration E).
VGG19_CONV_LAYERS = tuple(
    f"block{block}_conv{i}"
    for block, convs in enumerate((2, 2, 4, 4, 4), start=1)
    for i in range(1, convs + 1)
)
POOLINGS = ("avg", "max")
INITS = ("content", "noise")


# ----------------------------------------------------------------- weights
def keras_home():
    """The Keras cache folder: `$KERAS_HOME`, else `~/.keras` (`/tmp/.keras`
    when the home folder is not writable), read at call time."""
    home = os.environ.get("KERAS_HOME")
    if home:
        return os.path.expanduser(home)
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def cached_vgg19_weights_path():
    """Where Keras keeps the no-top VGG19 ImageNet weights file."""
    return os.path.join(keras_home(), "models", VGG19_WEIGHTS_FILE)


def resolve_vgg_weights(weights):
    """Finds the VGG19 weights file for `weights`, never downloading.

    Args:
        weights: `"imagenet"` (the Keras cache file, see
            `cached_vgg19_weights_path`), a path to a weights file (the
            Keras no-top `.h5` file, or a `.weights.h5` file of the same
            net), or `None` (random weights: returns `None`).

    Returns:
        The path of an existing file, or `None`.

    Raises:
        FileNotFoundError: the file is not there; the message names the
            expected path and where to download it.
        ValueError: `weights` is of another type.
    """
    if weights is None:
        return None
    if not isinstance(weights, (str, os.PathLike)):
        raise ValueError(
            '`vgg_weights` must be "imagenet", a file path or None. '
            f"Received: vgg_weights={weights!r}"
        )
    if weights == "imagenet":
        path = cached_vgg19_weights_path()
        if os.path.isfile(path):
            return path
        raise FileNotFoundError(
            f"VGG19 ImageNet weights not found at {path} (the Keras cache, "
            f"$KERAS_HOME/models, default ~/.keras/models). keras_gans never "
            f"downloads them: fetch {VGG19_WEIGHTS_URL} (80 MB) on a machine "
            f"with network access and put it at that path, or pass the file "
            f"as `vgg_weights=PATH` (`--vgg-weights PATH` in the recipes). "
            f"`vgg_weights=None` gives random weights, for smoke tests only."
        )
    path = os.fspath(weights)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"`vgg_weights` file not found: {path}. Expected the Keras VGG19 "
            f"no-top weights file ({VGG19_WEIGHTS_FILE}, from "
            f"{VGG19_WEIGHTS_URL})."
        )
    return path


def vgg19_feature_extractor(layer_names, weights="imagenet", pooling="max"):
    """VGG19's convolutional layers as a model returning named feature maps.

    Built from `keras.applications.VGG19(include_top=False)` and cut after
    the deepest requested layer (later layers cost time and are unused).
    With `pooling="avg"` every `MaxPooling2D` becomes an `AveragePooling2D`
    of the same size and stride, over the same convolution weights (Gatys
    et al. 2016, sec 2: "replacing the max-pooling operation by average
    pooling yields slightly more appealing results").

    Args:
        layer_names: sequence of str. VGG19 layer names, e.g. `"block4_conv2"`.
        weights: `"imagenet"`, a file path or `None`; see `resolve_vgg_weights`.
        pooling: str. `"max"` (VGG19 as trained) or `"avg"`.

    Returns:
        A non-trainable `keras.Model` taking VGG-preprocessed images
        `(B, H, W, 3)` (see `vgg_preprocess`) and returning a dict
        `{name: (B, H_l, W_l, N_l)}`.

    Example:
    >>> net = vgg19_feature_extractor(["block1_conv1"], weights=None)
    >>> net(np.zeros((1, 32, 32, 3)))["block1_conv1"].shape
    TensorShape([1, 32, 32, 64])
    """
    if pooling not in POOLINGS:
        raise ValueError(
            f"`pooling` must be one of {POOLINGS}. Received: pooling={pooling!r}"
        )
    names = list(dict.fromkeys(layer_names))
    if not names:
        raise ValueError("`layer_names` must name at least one VGG19 layer.")
    unknown = [name for name in names if name not in VGG19_CONV_LAYERS]
    if unknown:
        raise ValueError(
            f"Unknown VGG19 layer(s) {unknown}: layer names must be among "
            f"{list(VGG19_CONV_LAYERS)}."
        )
    path = resolve_vgg_weights(weights)
    vgg = keras.applications.VGG19(
        include_top=False, weights=None, input_shape=(None, None, 3)
    )
    if path is not None:
        vgg.load_weights(path)
    inputs = keras.Input((None, None, 3), name="image")
    x, features = inputs, {}
    for layer in vgg.layers[1:]:
        if pooling == "avg" and isinstance(layer, keras.layers.MaxPooling2D):
            x = keras.layers.AveragePooling2D(
                layer.pool_size, layer.strides, layer.padding, name=layer.name
            )(x)
        else:
            x = layer(x)  # the same layer object: the same weights
        if layer.name in names:
            features[layer.name] = x
            if len(features) == len(names):
                break
    extractor = keras.Model(
        inputs, {name: features[name] for name in names}, name=f"vgg19_{pooling}"
    )
    extractor.trainable = False
    return extractor


def vgg_preprocess(images):
    """RGB [0, 255] -> VGG19's input: BGR minus the ImageNet channel means.

    The same as `keras.applications.vgg19.preprocess_input` ("caffe" mode),
    written with `keras.ops` so that gradients flow through it.
    """
    images = ops.cast(images, "float32")
    return ops.flip(images, axis=-1) - ops.convert_to_tensor(IMAGENET_MEAN_BGR)


# ------------------------------------------------------------------ losses
def gram_matrix(features):
    """Gram matrices of feature maps (Gatys et al. 2016, eq. 3).

    `G_ij = sum_k F_ik F_jk` over the M = H * W positions k, unnormalised.

    Args:
        features: `(B, H, W, N)` feature maps.

    Returns:
        `(B, N, N)`.

    Example:
    >>> f = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 2, 1, 2)
    >>> ops.convert_to_numpy(gram_matrix(f)).tolist()
    [[[10.0, 14.0], [14.0, 20.0]]]
    """
    features = ops.cast(features, "float32")
    return ops.einsum("bhwi,bhwj->bij", features, features)  # (B, N, N)


def num_positions(features):
    """M = H * W of `(B, H, W, N)` feature maps, as a float32 scalar."""
    shape = ops.shape(features)
    return ops.cast(shape[1] * shape[2], "float32")


def content_loss(features, target):
    """`1/2 sum (F - P)^2` per image (Gatys et al. 2016, eq. 1).

    Args:
        features: `(B, H, W, N)` features of the generated images (F).
        target: `(B or 1, H, W, N)` features of the content images (P).

    Returns:
        `(B,)`.
    """
    return 0.5 * ops.sum(ops.square(features - target), axis=(1, 2, 3))


def style_layer_loss(gram, target_gram, num_positions):
    """`E_l = 1/(4 N_l^2 M_l^2) sum_ij (G_ij - A_ij)^2` (Gatys et al. 2016, eq. 4).

    Computed as `sum ((G - A) / (2 N M))^2`, which keeps the intermediate
    values of float32 small.

    Args:
        gram: `(B, N, N)` Gram matrices of the generated images (G).
        target_gram: `(B or 1, N, N)` Gram matrices of the style image (A),
            over the same number of positions M.
        num_positions: M_l, the number of positions (height * width) the
            Gram matrices sum over.

    Returns:
        `(B,)`.
    """
    n = ops.cast(ops.shape(gram)[-1], "float32")
    scale = 2.0 * n * ops.cast(num_positions, "float32")
    return ops.sum(ops.square((gram - target_gram) / scale), axis=(1, 2))


def total_variation_loss(images):
    """`sum (x[i+1, j] - x[i, j])^2 + (x[i, j+1] - x[i, j])^2` per image.

    The squared total variation regulariser (Mahendran & Vedaldi 2015,
    beta = 2), as Johnson et al. 2016 use it for smooth outputs.

    Args:
        images: `(B, H, W, C)`.

    Returns:
        `(B,)`.
    """
    images = ops.cast(images, "float32")
    down = images[:, 1:, :, :] - images[:, :-1, :, :]  # (B, H-1, W, C)
    right = images[:, :, 1:, :] - images[:, :, :-1, :]  # (B, H, W-1, C)
    return ops.sum(ops.square(down), axis=(1, 2, 3)) + ops.sum(
        ops.square(right), axis=(1, 2, 3)
    )


def _check_non_negative(name, value):
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(
            f"`{name}` must be a finite number >= 0. Received: {name}={value!r}"
        )


def _check_positive_int(name, value):
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"`{name}` must be an int >= 1. Received: {name}={value!r}")


def _size_pair(name, size):
    pair = (size, size) if isinstance(size, numbers.Integral) else size
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in pair
        )
        or min(pair) < 16
    ):
        raise ValueError(
            f"`{name}` must be an int >= 16 or a (height, width) pair of them "
            f"(VGG19 pools four times before conv5_1). Received: {name}={size!r}"
        )
    return int(pair[0]), int(pair[1])


@keras.saving.register_keras_serializable(package="keras_gans")
class PerceptualLoss(keras.layers.Layer):
    """Gatys et al.'s content, style and total variation losses on VGG19.

    The loss network (frozen) and the losses that `NeuralStyleTransfer` and
    `FastStyleTransfer` share. Images are RGB in [0, 255].

    `call(images, content_target, style_targets)` returns a dict of per-image
    `(B,)` losses: `content_loss` (eq. 1 at `content_layer`), `style_loss`
    (eq. 5: `sum_l w_l E_l` over `style_layers`), `tv_loss`, and
    `loss = content_weight * content_loss + style_weight * style_loss +
    tv_weight * tv_loss` (eq. 7, alpha and beta, plus total variation).

    Style targets are kept per position: `A_l / M_l` for the style image's
    M_l positions, so a style image of another size than the generated
    images can be used; `E_l` rescales them by the generated images' M_l,
    which gives eq. 4 exactly when the sizes agree.

    Args:
        content_weight: float. alpha.
        style_weight: float. beta (alpha/beta: 1e-3 to 1e-4 in the paper).
        tv_weight: float. Weight of the total variation loss (0: none).
        content_layer: str. VGG19 layer of the content loss.
        style_layers: sequence of str. VGG19 layers of the style loss.
        style_layer_weights: sequence of float or `None` (w_l = 1 / L).
        pooling: str. `"avg"` or `"max"`.
        vgg_weights: `"imagenet"`, a file path or `None` (random; tests).

    Example:
    >>> loss = PerceptualLoss(vgg_weights=None, content_layer="block1_conv2",
    ...                       style_layers=["block1_conv1"])
    >>> images = np.zeros((2, 32, 32, 3))
    >>> losses = loss(images, loss.content_features(images),
    ...               loss.style_targets(images))
    >>> ops.convert_to_numpy(losses["loss"]).tolist()
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
        for name, value in (
            ("content_weight", content_weight),
            ("style_weight", style_weight),
            ("tv_weight", tv_weight),
        ):
            _check_non_negative(name, value)
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
        for w in style_layer_weights:
            _check_non_negative("style_layer_weights", w)
        self.content_weight = float(content_weight)
        self.style_weight = float(style_weight)
        self.tv_weight = float(tv_weight)
        self.content_layer = content_layer
        self.style_layers = style_layers
        self.style_layer_weights = [float(w) for w in style_layer_weights]
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
        """Shapes of the content target and the style targets at `image_size`."""
        h, w = _size_pair("image_size", image_size)
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


# ------------------------------------------------------------------ images
def load_image(image, size=None):
    """An image file or array as float32 RGB `(H, W, 3)` in [0, 255].

    Args:
        image: a path (JPEG, PNG, GIF, BMP), or an array `(H, W, 3)` (or
            `(1, H, W, 3)`) of uint8 or float in [0, 255]; grey images
            `(H, W)` / `(H, W, 1)` are repeated to RGB.
        size: optional int or `(height, width)`: bilinear (antialiased)
            resize to it.
    """
    if isinstance(image, (str, os.PathLike)):
        path = os.fspath(image)
        if not os.path.isfile(path):
            raise ValueError(f"Image file not found: {path}")
        image = tf.io.decode_image(
            tf.io.read_file(path), channels=3, expand_animations=False
        ).numpy()
    array = np.asarray(image)
    if array.ndim == 4 and array.shape[0] == 1:
        array = array[0]
    if array.ndim == 2:
        array = array[..., None]
    if array.ndim != 3 or array.shape[-1] not in (1, 3):
        raise ValueError(
            "`image` must have shape (H, W, 3), (H, W, 1) or (H, W). Received: "
            f"image.shape={array.shape}"
        )
    if array.shape[-1] == 1:
        array = np.repeat(array, 3, axis=-1)
    array = array.astype("float32")
    if size is not None:
        h, w = _size_pair("image_size", size)
        array = tf.image.resize(array, (h, w), antialias=True).numpy()
    return np.clip(array, 0.0, 255.0)


def _ticks():
    """The dataset `fit` iterates: one dummy element, forever."""
    return tf.data.Dataset.from_tensors(0.0).repeat()


# ------------------------------------------------------------------- model
@keras.saving.register_keras_serializable(package="keras_gans")
class NeuralStyleTransfer(keras.Model):
    """Image style transfer by optimising the image (Gatys et al. 2016).

    "Image Style Transfer Using Convolutional Neural Networks", CVPR 2016.
    The model's one trainable weight is the generated image `(1, H, W, 3)`,
    RGB in [0, 255]; `set_images(content, style)` stores the content target
    (conv4_2 features) and the style targets (Gram matrices of conv1_1 ...
    conv5_1) and initialises the image from the content image or white
    noise. Each `train_step` (one `fit` step; the data is ignored) takes one
    Adam step on `PerceptualLoss` and clips the image to [0, 255].
    `optimize(steps)` runs `fit` for you; `call()` returns the image.

    The `.keras` file holds the VGG weights too, so `load_model` needs no
    weights file: `from_config` builds the net with random weights, which
    the saved ones then replace.

    Deviations from the paper (see the module docstring): Adam, not
    L-BFGS; ImageNet VGG19 without the paper's activation rescaling.

    Args:
        image_size: int or `(height, width)`. Size of the generated image
            (and the content image).
        style_size: int, `(height, width)` or `None` (= `image_size`). Size
            of the style image.
        content_weight: float. alpha.
        style_weight: float. beta. alpha/beta: 1e-3 to 1e-4 in the paper.
        tv_weight: float. Total variation weight (0 in the paper).
        pooling: str. `"avg"` (paper) or `"max"`.
        init: str. `"content"`: start from the content image; `"noise"`:
            from white noise, uniform in [0, 255] (the paper's figures).
        vgg_weights: `"imagenet"` (Keras cache file), a path, or `None`
            (random weights: smoke tests and benchmarks only).
        content_layer: str. VGG19 layer of the content loss.
        style_layers: sequence of str. VGG19 layers of the style loss.
        style_layer_weights: sequence of float or `None` (1 / L each).
        seed: int or `None`. Seeds the noise initialisation.

    Example:
    >>> model = NeuralStyleTransfer(image_size=32, vgg_weights=None)
    >>> model.set_images(np.zeros((32, 32, 3)), np.ones((32, 32, 3)) * 255)
    >>> model.compile()
    >>> history, snapshots = model.optimize(steps=4, progress_every=2, verbose=0)
    >>> model.generated_image().shape, len(snapshots)
    ((32, 32, 3), 2)
    """

    def __init__(
        self,
        image_size=256,
        style_size=None,
        content_weight=1e-3,
        style_weight=1.0,
        tv_weight=0.0,
        pooling="avg",
        init="content",
        vgg_weights="imagenet",
        content_layer=CONTENT_LAYER,
        style_layers=STYLE_LAYERS,
        style_layer_weights=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if init not in INITS:
            raise ValueError(f"`init` must be one of {INITS}. Received: init={init!r}")
        self.image_size = _size_pair("image_size", image_size)
        self.style_size = (
            self.image_size
            if style_size is None
            else _size_pair("style_size", style_size)
        )
        self.init = init
        self.seed = seed
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
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")
        h, w = self.image_size
        content_shape, style_shapes = self.perceptual.target_shapes(self.image_size)
        self.image = self.add_weight(
            shape=(1, h, w, 3), initializer="zeros", trainable=True, name="image"
        )
        self.content_image = self.add_weight(
            shape=(1, h, w, 3),
            initializer="zeros",
            trainable=False,
            name="content_image",
        )
        self.content_target = self.add_weight(
            shape=content_shape,
            initializer="zeros",
            trainable=False,
            name="content_target",
        )
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

    # --- setup
    def set_images(self, content, style):
        """Stores the targets and initialises the image (per `init`).

        Args:
            content: array `(H, W, 3)` or `(1, H, W, 3)`, RGB uint8 or float
                in [0, 255], of size `image_size`; or an image file path
                (resized to `image_size`).
            style: the same, of size `style_size` (files are resized).
        """
        content = self._prepare("content", content, self.image_size)
        style = self._prepare("style", style, self.style_size)
        self.content_image.assign(content)
        self.content_target.assign(self.perceptual.content_features(content))
        for variable, gram in zip(
            self.style_grams, self.perceptual.style_targets(style)
        ):
            variable.assign(gram)
        self.reset_image()

    @staticmethod
    def _prepare(name, image, size):
        is_file = isinstance(image, (str, os.PathLike))
        array = load_image(image, size if is_file else None)
        if array.shape[:2] != size:
            raise ValueError(
                f"`{name}` must be {size[0]}x{size[1]} (the model's size). "
                f"Received: {name}.shape={np.shape(image)}"
            )
        return array[None]  # (1, H, W, 3)

    def reset_image(self):
        """Sets the image to its start (content image or white noise)."""
        if self.init == "content":
            self.image.assign(self.content_image)
        else:
            noise = keras.random.uniform(
                self.image.shape, 0.0, 255.0, seed=self.seed_generator
            )
            self.image.assign(noise)

    # --- Keras API
    def compile(self, optimizer=None, **kwargs):
        """`optimizer` defaults to Adam(5.0, beta_1=0.99, epsilon=0.1).

        The image lives in [0, 255]: a learning rate of 5 moves a pixel by
        at most about 5 grey levels a step (TensorFlow's tutorial settings,
        0.02 on [0, 1] images, rescaled).
        """
        if optimizer is None:
            optimizer = keras.optimizers.Adam(5.0, beta_1=0.99, epsilon=0.1)
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        compile_from_config(self, config)

    @property
    def metrics(self):
        return list(self.loss_trackers.values())

    def call(self, inputs=None, training=False):
        """The generated image `(1, H, W, 3)`, RGB in [0, 255]; ignores `inputs`."""
        return ops.convert_to_tensor(self.image)

    def compute_losses(self, image=None):
        """The loss dict (scalars) of `image` (default: the generated image)."""
        image = self.image if image is None else image
        losses = self.perceptual(
            ops.convert_to_tensor(image), self.content_target, self.style_grams
        )
        return {name: ops.mean(value) for name, value in losses.items()}

    def train_step(self, data):
        del data  # the image is the weight; `fit`'s data only counts steps
        with tf.GradientTape() as tape:
            losses = self.compute_losses()
        grads = tape.gradient(losses["loss"], [self.image])
        self.optimizer.apply(grads, [self.image])
        self.image.assign(ops.clip(self.image, 0.0, 255.0))
        for name, value in losses.items():
            self.loss_trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.loss_trackers.items()}

    def optimize(self, steps, progress_every=None, callbacks=(), verbose="auto"):
        """Runs `steps` optimisation steps with `fit`.

        `fit` runs `ceil(steps / progress_every)` epochs of `progress_every`
        steps (the last one shorter when it does not divide `steps`), and
        the image is recorded after each.

        Args:
            steps: int. Number of steps.
            progress_every: int or `None` (= `steps`: one epoch, no
                intermediate images).
            callbacks: extra Keras callbacks.
            verbose: `fit` verbosity.

        Returns:
            `(history, snapshots)`: the `fit` history (a dict of lists, one
            value per epoch) and a list of `(step, uint8 image (H, W, 3))`.
        """
        _check_positive_int("steps", steps)
        if progress_every is not None:
            _check_positive_int("progress_every", progress_every)
        every = steps if progress_every is None else min(progress_every, steps)
        snapshots, history = [], collections.defaultdict(list)
        done = 0
        while done < steps:
            chunk = min(every, steps - done)
            result = self.fit(
                _ticks(),
                epochs=1,
                steps_per_epoch=chunk,
                shuffle=False,  # Keras warns on shuffle=True with a dataset
                callbacks=list(callbacks),
                verbose=verbose,
            )
            done += chunk
            for name, values in result.history.items():
                history[name].extend(values)
            snapshots.append((done, self.generated_image()))
        return dict(history), snapshots

    def generated_image(self):
        """The image as uint8 `(H, W, 3)`."""
        pixels = np.rint(np.clip(ops.convert_to_numpy(self.image)[0], 0.0, 255.0))
        return pixels.astype("uint8")

    def get_config(self):
        p = self.perceptual
        return {
            **super().get_config(),
            "image_size": list(self.image_size),
            "style_size": list(self.style_size),
            "content_weight": p.content_weight,
            "style_weight": p.style_weight,
            "tv_weight": p.tv_weight,
            "pooling": p.pooling,
            "init": self.init,
            "vgg_weights": self.vgg_weights,
            "content_layer": p.content_layer,
            "style_layers": list(p.style_layers),
            "style_layer_weights": list(p.style_layer_weights),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        # The VGG weights are restored from the saved file: no weights file
        # is needed to load a model.
        return _without_vgg_file(cls, config)


def compile_from_config(model, config):
    """Re-compiles a loaded `model` (whose `compile` is overridden) from its
    saved compile config, and builds the optimizer so that its saved state
    (moments, iterations) is restored."""
    model.compile(**keras.saving.deserialize_keras_object(config))
    if model.built:
        model.optimizer.build(model.trainable_variables)


def _without_vgg_file(cls, config):
    """`cls(**config)` built with random VGG weights, keeping the config's source."""
    config = dict(config)
    source = config.get("vgg_weights")
    config["vgg_weights"] = None
    model = cls(**config)
    model.vgg_weights = source
    return model


Stylized = collections.namedtuple(
    "Stylized", ["image", "snapshots", "history", "model"]
)


def stylize(
    content,
    style,
    steps=500,
    image_size=256,
    progress_every=None,
    optimizer=None,
    verbose="auto",
    **model_kwargs,
):
    """Gatys et al. 2016 style transfer in one call.

    Both images are resized to `image_size` (the style image to
    `style_size` when given in `model_kwargs`).

    Args:
        content: image file path or RGB array (uint8 or float in [0, 255]).
        style: the same.
        steps: int. Optimisation steps.
        image_size: int or `(height, width)`.
        progress_every: int or `None`. Keep the image every this many steps.
        optimizer: a Keras optimizer or `None` (`NeuralStyleTransfer.compile`'s default).
        verbose: `fit` verbosity.
        **model_kwargs: `NeuralStyleTransfer` arguments (`content_weight`,
            `style_weight`, `tv_weight`, `pooling`, `init`, `vgg_weights`,
            `seed`, ...).

    Returns:
        `Stylized(image, snapshots, history, model)`: the uint8 `(H, W, 3)`
        image, `[(step, uint8 image), ...]`, the loss history per recorded
        chunk, and the model.

    Example:
    >>> result = stylize("photo.jpg", "starry_night.jpg", steps=300)
    >>> keras.utils.save_img("out.png", result.image)
    """
    model = NeuralStyleTransfer(image_size=image_size, **model_kwargs)
    size = model.image_size
    content = load_image(content, size)
    style = load_image(style, model.style_size)
    model.set_images(content, style)
    model.compile(optimizer=optimizer)
    history, snapshots = model.optimize(steps, progress_every, verbose=verbose)
    return Stylized(model.generated_image(), snapshots, history, model)
