"""VGG19 as a feature extractor for the style losses, with offline weights.

Gatys et al. 2016 and Johnson et al. 2016 measure content and style with
the convolutional layers of VGG19 (Simonyan & Zisserman 2015). Images are
RGB float in [0, 255] (or uint8), the range VGG's own preprocessing
(`keras.applications.vgg19.preprocess_input`, "caffe": RGB -> BGR, minus
the ImageNet channel means) expects.

Weights: ImageNet VGG19 weights are never downloaded. `weights="imagenet"`
reads the Keras cache file
`$KERAS_HOME/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`
(`keras_gans.utils.keras_home()`, default `~/.keras`), a path reads that
file, and `None` gives random weights (same FLOPs; for tests and
benchmarks only, the images it makes are meaningless). A missing file is a
`FileNotFoundError` that names the expected path and the download URL.
"""

import os

import keras
from keras import ops

from keras_gans import utils

__all__ = [
    "CONTENT_LAYER",
    "IMAGENET_MEAN_BGR",
    "POOLINGS",
    "STYLE_LAYERS",
    "VGG19_CONV_LAYERS",
    "VGG19_WEIGHTS_FILE",
    "VGG19_WEIGHTS_URL",
    "cached_vgg19_weights_path",
    "resolve_vgg_weights",
    "vgg19_feature_extractor",
    "vgg_preprocess",
]

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


def cached_vgg19_weights_path():
    """Where Keras keeps the no-top VGG19 ImageNet weights file.

    `<keras_home()>/models/vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    with `keras_gans.utils.keras_home()` read at call time.
    """
    return os.path.join(utils.keras_home(), "models", VGG19_WEIGHTS_FILE)


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

    Example:
    >>> resolve_vgg_weights(None) is None
    True
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
            f"`vgg_weights=None` gives random weights, for smoke tests only. "
            f"Received: vgg_weights='imagenet'"
        )
    path = os.fspath(weights)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"`vgg_weights` file not found: {path}. Expected the Keras VGG19 "
            f"no-top weights file ({VGG19_WEIGHTS_FILE}, from "
            f"{VGG19_WEIGHTS_URL}). Received: vgg_weights={weights!r}"
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

    Raises:
        ValueError: a bad `pooling`, or no or unknown layer names.
        FileNotFoundError: see `resolve_vgg_weights`.

    Example:
    >>> net = vgg19_feature_extractor(["block1_conv1"], weights=None)
    >>> net(np.zeros((1, 32, 32, 3)))["block1_conv1"].shape
    TensorShape([1, 32, 32, 64])
    """
    utils.check_choice("pooling", pooling, POOLINGS)
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

    Args:
        images: `(..., 3)` RGB in [0, 255].

    Returns:
        float32 `(..., 3)`.

    Example:
    >>> x = ops.convert_to_numpy(vgg_preprocess(np.full((1, 3), [255.0, 0.0, 0.0])))
    >>> [round(float(v), 2) for v in x[0]]  # B, G, R
    [-103.94, -116.78, 131.32]
    """
    images = ops.cast(images, "float32")
    return ops.flip(images, axis=-1) - ops.convert_to_tensor(IMAGENET_MEAN_BGR)
