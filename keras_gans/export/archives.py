"""Export generators as SavedModels that TensorFlow Serving loads.

The export holds only TensorFlow graphs and variables: a process that never
imports `keras_gans` (or `keras`) loads it with `tf.saved_model.load`, and
`tensorflow_model_server` serves it from `<base>/<version>/`.

`export_generator(model, dir)` asks the model what to serve: every servable
model has an `export_archive(output=..., **options)` method that returns a
`keras.export.ExportArchive` with its endpoints, built with one of the two
builders here:

- `noise_to_image_archive` (noise -> image models):
  - `serving_default`: inputs `noise` float32 `(None, latent_dim)` (plus
    `labels` int32 `(None,)` for conditional models), output `images`
    `(None, H, W, C)`: float32 in [-1, 1], or uint8 in [0, 255] with
    `output="uint8"`.
  - `sample`: inputs `batch_size` int32 scalar and `seed` int64 scalar (plus
    `labels` for conditional models instead of `batch_size`), noise drawn
    inside the graph from the model's prior with a stateless RNG, so the same
    seed gives the same images.
- `image_to_image_archive` (translators): `serving_default` maps `image`
  float32 `(None, None, None, C)` in [-1, 1] to `images`.

Paths go through `tf.io.gfile`, so `export_dir` may be a local folder or any
file system TensorFlow knows (`gs://`, `s3://`, `ram://`). A version folder
appears whole or not at all: it is written under a temporary name that TF
Serving ignores, then renamed (local disks) or copied with `saved_model.pb`
last (object stores, which have no atomic folder rename). No local folder
is ever made for a `scheme://` path.
"""

import inspect

import keras
import tensorflow as tf

from keras_gans import _keras_compat
from keras_gans.export._files import (
    next_version,
    write_archive,
    write_onnx,
)
from keras_gans.utils import check_choice, is_int, to_uint8

__all__ = [
    "FORMATS",
    "OUTPUTS",
    "export_generator",
    "export_image_to_image",
    "image_to_image_archive",
    "next_version",
    "noise_to_image_archive",
]

OUTPUTS = ("float", "uint8")
FORMATS = ("tf_saved_model", "onnx")
TRAINING_MODES = (False, True)


def _check_output(output):
    if output not in OUTPUTS:
        raise ValueError(
            f"`output` must be one of {OUTPUTS}. Received: output={output!r}"
        )


def _to_output(images, output):
    images = tf.cast(images, tf.float32)
    return to_uint8(images) if output == "uint8" else images


def _after(checks, tensor):
    """`tensor`, computed only after the assertion ops `checks` have passed,
    so a bad request fails with the check's message rather than later in a
    kernel of the generator (e.g. "Matrix size-incompatible")."""
    with tf.control_dependencies([op for op in checks if op is not None]):
        return tf.identity(tensor)


def _check_noise(noise, latent_dim):
    return [
        tf.debugging.assert_rank(noise, 2, message="`noise` must have rank 2"),
        tf.debugging.assert_equal(
            tf.shape(noise)[-1],
            latent_dim,
            message=f"`noise` must have shape [batch, {latent_dim}]",
        ),
        tf.debugging.assert_positive(
            tf.shape(noise)[0],
            message="`noise` must hold at least one row (batch >= 1)",
        ),
    ]


def _check_labels(labels, num_classes):
    return [
        tf.debugging.assert_non_negative(labels, message="`labels` must be >= 0"),
        tf.debugging.assert_less(
            labels, num_classes, message=f"`labels` must be < num_classes={num_classes}"
        ),
    ]


def export_generator(
    model,
    export_dir,
    version=None,
    output="float",
    format="tf_saved_model",
    **options,
):
    """Writes what `model` serves as a SavedModel under `export_dir/<version>`.

    The model decides its signatures through its `export_archive(output=...,
    **options)` method: noise -> image models (GAN, DCGAN, ConditionalGAN,
    ProgressiveGAN) serve `noise` (and `labels`) -> `images` plus a `sample`
    signature; translators (Pix2Pix, FastStyleTransfer) serve `image` ->
    `images`.

    Args:
        model: a keras_gans model with an `export_archive` method.
        export_dir: str or path. The base folder (TF Serving's model base
            path); local or any `tf.io.gfile` file system (`gs://...`).
        version: int or `None`. `None` picks 1 + the largest existing version.
        output: str. `"float"` ([-1, 1] float32) or `"uint8"` ([0, 255]).
        format: str. `"tf_saved_model"`, or `"onnx"`: the `serving_default`
            signature converted by tf2onnx (as Keras' `model.export(...,
            format="onnx")` does) to `export_dir/<version>/model.onnx`, with
            the same input and output names (`noise`, `labels`, `image`,
            `images`; dynamic batch). Needs the `onnx` extra (`pip install
            keras-gans[onnx]`). Every servable model converts (GAN, DCGAN,
            ConditionalGAN, ProgressiveGAN at its current phase, Pix2Pix,
            FastStyleTransfer); the input checks of the SavedModel become
            no-ops in ONNX (tf2onnx drops `Assert`).
        **options: passed to the model's `export_archive`: `use_ema` (bool,
            export the EMA generator when there is one; adversarial models),
            `dropout` (bool, Pix2Pix: dropout on at serving time).

    Returns:
        str: the path of the written version folder (the `.onnx` file for
        `format="onnx"`).

    Raises:
        ValueError: a bad `output` or `version`, an existing version folder,
            an option the model does not take, or a model that cannot be
            exported.

    Example:
    >>> model = keras_gans.DCGAN(image_size=8, channels=1, latent_dim=4,
    ...                          generator_filters=4, discriminator_filters=4)
    >>> import os, tempfile
    >>> base = os.path.join(tempfile.mkdtemp(), "dcgan")
    >>> path = export_generator(model, base)
    >>> os.path.relpath(path, base)
    '1'
    >>> served = tf.saved_model.load(path).signatures["serving_default"]
    >>> served(noise=tf.zeros([2, 4]))["images"].shape
    TensorShape([2, 8, 8, 1])
    """
    _check_output(output)
    make_archive = getattr(model, "export_archive", None)
    if not callable(make_archive):
        raise ValueError(
            "`model` must be a keras_gans model with an `export_archive` method. "
            f"Received: {type(model).__name__}"
        )
    _check_options(make_archive, options, model)
    check_choice("format", format, FORMATS)
    archive = make_archive(output=output, **options)
    if format == "onnx":
        return write_onnx(archive, export_dir, version)
    return write_archive(archive, export_dir, version)


def _check_options(make_archive, options, model):
    """A named `ValueError` for options `make_archive` does not take."""
    try:
        parameters = inspect.signature(make_archive).parameters
    except (TypeError, ValueError):  # no signature to read: let the call decide
        return
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return
    taken = [name for name in parameters if name != "output"]
    for name in options:
        if name not in taken:
            raise ValueError(
                f"`{name}` is not an export option of {type(model).__name__} "
                f"(it takes {taken}). Received: {name}={options[name]!r}"
            )


def noise_to_image_archive(
    generator,
    latent_dim,
    num_classes=None,
    latent_distribution="normal",
    output="float",
):
    """An `ExportArchive` serving a noise (and label) -> image generator.

    Args:
        generator: `keras.Model` mapping `noise` `(batch, latent_dim)` (and
            `labels` int `(batch,)` when `num_classes` is set) to images in
            [-1, 1].
        latent_dim: int. Size of the noise vector.
        num_classes: int or `None`. Labels must be in `[0, num_classes)`.
        latent_distribution: `"normal"` (N(0, 1)) or `"uniform"` (U(-1, 1)):
            the prior of the `sample` signature.
        output: `"float"` or `"uint8"`.

    Returns:
        A `keras.export.ExportArchive` with `serving_default`, `sample`
        (`batch_size` or `labels`, and `seed`) and `sample_truncated`: the
        same inputs plus `truncation`, a float ψ in [0, 1] (1 = the plain
        prior; see `keras_gans.latent.truncated_noise` for what ψ < 1
        draws). TF signatures have no optional inputs, so the truncated
        sampler is a signature of its own and `sample` keeps its inputs.
    """
    _check_output(output)
    uniform = latent_distribution == "uniform"

    def prior(batch_size, seed, truncation=None):
        shape = tf.stack([batch_size, latent_dim])
        seed = tf.stack([seed, tf.constant(0, tf.int64)])
        if uniform:
            z = tf.random.stateless_uniform(shape, seed, minval=-1.0, maxval=1.0)
            return z if truncation is None else z * truncation
        z = tf.random.stateless_normal(shape, seed)
        if truncation is None:
            return z
        # BigGAN: N(0, 1) resampled beyond |z| > 2, scaled by ψ; ψ = 1 is N(0, 1).
        cut = tf.random.stateless_truncated_normal(shape, seed) * truncation
        return tf.where(truncation >= 1.0, z, cut)

    archive = keras.export.ExportArchive()
    archive.track(generator)
    noise_spec = tf.TensorSpec([None, latent_dim], tf.float32, name="noise")
    size_spec = tf.TensorSpec([], tf.int32, name="batch_size")
    seed_spec = tf.TensorSpec([], tf.int64, name="seed")
    psi_spec = tf.TensorSpec([], tf.float32, name="truncation")

    def check_psi(truncation):
        return [
            tf.debugging.assert_greater_equal(
                truncation, 0.0, message="`truncation` must be in [0, 1]"
            ),
            tf.debugging.assert_less_equal(
                truncation, 1.0, message="`truncation` must be in [0, 1]"
            ),
        ]

    if num_classes is None:

        def serve(noise):
            noise = _after(_check_noise(noise, latent_dim), noise)
            return {"images": _to_output(generator(noise, training=False), output)}

        def sample(batch_size, seed):
            check = tf.debugging.assert_positive(
                batch_size, message="`batch_size` must be > 0"
            )
            return serve(prior(_after([check], batch_size), seed))

        def sample_truncated(batch_size, seed, truncation):
            truncation = _after(check_psi(truncation), truncation)
            return serve(prior(batch_size, seed, truncation))

        archive.add_endpoint("serving_default", serve, [noise_spec])
        archive.add_endpoint("sample", sample, [size_spec, seed_spec])
        archive.add_endpoint(
            "sample_truncated", sample_truncated, [size_spec, seed_spec, psi_spec]
        )
    else:
        labels_spec = tf.TensorSpec([None], tf.int32, name="labels")

        def serve(noise, labels):
            checks = _check_noise(noise, latent_dim) + _check_labels(
                labels, num_classes
            )
            checks.append(
                tf.debugging.assert_equal(
                    tf.shape(noise)[0],
                    tf.shape(labels)[0],
                    message="`noise` and `labels` must have the same batch size",
                )
            )
            noise, labels = _after(checks, noise), _after(checks, labels)
            images = generator([noise, labels], training=False)
            return {"images": _to_output(images, output)}

        def sample(labels, seed):
            return serve(prior(tf.shape(labels)[0], seed), labels)

        def sample_truncated(labels, seed, truncation):
            truncation = _after(check_psi(truncation), truncation)
            return serve(prior(tf.shape(labels)[0], seed, truncation), labels)

        archive.add_endpoint("serving_default", serve, [noise_spec, labels_spec])
        archive.add_endpoint("sample", sample, [labels_spec, seed_spec])
        archive.add_endpoint(
            "sample_truncated", sample_truncated, [labels_spec, seed_spec, psi_spec]
        )
    return archive


def image_to_image_archive(
    network, output="float", training=False, input_name="image", size_multiple=1
):
    """An `ExportArchive` serving an image -> image network.

    The `serving_default` signature takes `input_name` (default `image`),
    float32 `(None, None, None, C)` in [-1, 1] with dynamic batch and
    spatial size (a fully convolutional network serves every size it
    supports), and returns `images`: float32 in [-1, 1], or uint8 in
    [0, 255] with `output="uint8"`.

    Args:
        network: `keras.Model` with one image input of known channels C. To
            serve with dropout on (Pix2Pix's test protocol), pass a network
            whose dropout layers always drop:
            `keras_gans.models.pix2pix.with_active_dropout(network)`.
        output: str. `"float"` or `"uint8"`.
        training: bool. `False`: inference mode (deterministic). `True`: the
            whole network in training mode, as in Pix2Pix's test protocol
            (Isola et al. 2017, sec 2.3: "we apply dropout at test time, and
            we apply batch normalization using the statistics of the test
            batch"); BatchNorm then normalises with the statistics of each
            request's batch.
        input_name: str. Name of the signature's input.
        size_multiple: int. Height and width must be multiples of it (e.g.
            2**depth for a U-Net); checked with a named error.

    Returns:
        A `keras.export.ExportArchive` with `serving_default`.

    Raises:
        ValueError: a bad argument, or a network without one 4-D input of
            known channels.
    """
    _check_output(output)
    if not any(training is mode for mode in TRAINING_MODES):
        raise ValueError(
            f"`training` must be one of {TRAINING_MODES}. Received: training={training!r}"
        )
    if not isinstance(input_name, str) or not input_name.isidentifier():
        raise ValueError(
            f"`input_name` must be an identifier. Received: input_name={input_name!r}"
        )
    if not is_int(size_multiple) or size_multiple < 1:
        raise ValueError(
            f"`size_multiple` must be a positive int. Received: size_multiple={size_multiple!r}"
        )
    size_multiple = int(size_multiple)
    inputs = getattr(network, "inputs", None)
    if not inputs or len(inputs) != 1 or len(inputs[0].shape) != 4:
        raise ValueError(
            "`network` must have one input of shape (batch, H, W, C). Received: "
            f"inputs={inputs}"
        )
    channels = inputs[0].shape[-1]
    if channels is None:
        raise ValueError("`network` must have a known number of input channels.")
    channels = int(channels)

    archive = keras.export.ExportArchive()
    archive.track(network)
    spec = tf.TensorSpec([None, None, None, channels], tf.float32, name=input_name)

    def serve(image):
        shape = tf.shape(image)
        checks = [
            tf.debugging.assert_rank(
                image, 4, message=f"`{input_name}` must have rank 4 (batch, H, W, C)"
            ),
            tf.debugging.assert_positive(
                shape[0],
                message=f"`{input_name}` must hold at least one image (batch >= 1)",
            ),
            tf.debugging.assert_equal(
                shape[-1],
                channels,
                message=f"`{input_name}` must have {channels} channels",
            ),
            tf.debugging.assert_equal(
                (shape[1] % size_multiple) + (shape[2] % size_multiple),
                0,
                message=f"`{input_name}` height and width must be multiples of {size_multiple}",
            ),
        ]
        image = _after(checks, image)
        return {"images": _to_output(network(image, training=training), output)}

    archive.add_endpoint("serving_default", serve, [spec])
    return archive


def export_image_to_image(
    network,
    export_dir,
    version=None,
    output="float",
    training=False,
    input_name="image",
    size_multiple=1,
):
    """Writes an image -> image network as a SavedModel at `export_dir/<version>`.

    For a plain `keras.Model`; keras_gans translators go through
    `export_generator(model, dir)`. Arguments as `image_to_image_archive`,
    plus `export_dir` and `version` as `export_generator`.

    Returns:
        str: the path of the written version folder.

    Example:
    >>> unet = keras.Sequential([keras.Input((None, None, 3)),
    ...                          keras.layers.Conv2D(3, 3, padding="same")])
    >>> import tempfile
    >>> path = export_image_to_image(unet, tempfile.mkdtemp())
    >>> served = tf.saved_model.load(path).signatures["serving_default"]
    >>> served(image=tf.zeros([1, 8, 8, 3]))["images"].shape
    TensorShape([1, 8, 8, 3])
    """
    archive = image_to_image_archive(
        network,
        output=output,
        training=training,
        input_name=input_name,
        size_multiple=size_multiple,
    )
    return write_archive(archive, export_dir, version)


def image_to_image_endpoints_archive(
    networks, default, output="float", training=False, size_multiple=1
):
    """An `ExportArchive` serving several image -> image networks by name.

    One SavedModel has one `serving_default`; a model with several
    translators (CycleGAN's A -> B and B -> A) serves each under a named
    signature too. Every signature takes `image` float32 `(None, None,
    None, C)` in [-1, 1] and returns `images`, as `image_to_image_archive`.

    Args:
        networks: dict of signature name (an identifier) -> `keras.Model`
            with one image input of known channels.
        default: str. The key of `networks` also served as
            `serving_default`.
        output: str. `"float"` or `"uint8"`.
        training: bool. As `image_to_image_archive`.
        size_multiple: int. Height and width must be multiples of it.

    Returns:
        A `keras.export.ExportArchive` with `serving_default` and one
        signature per key of `networks`.

    Raises:
        ValueError: a bad argument, named.

    Example:
    >>> net = keras.Sequential([keras.Input((None, None, 1)),
    ...                         keras.layers.Conv2D(1, 1)])
    >>> archive = image_to_image_endpoints_archive({"AtoB": net}, "AtoB")
    >>> import tempfile
    >>> path = write_archive(archive, tempfile.mkdtemp(), None)
    >>> sorted(tf.saved_model.load(path).signatures)
    ['AtoB', 'serving_default']
    """
    if not isinstance(networks, dict) or default not in networks:
        raise ValueError(
            "`networks` must be a dict of name -> network holding `default`. "
            f"Received: networks={networks!r}, default={default!r}"
        )
    names = [default] + [name for name in networks if name != default]
    for name in names:
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"Signature names must be identifiers. Received: {name!r}")
    first = image_to_image_archive(
        networks[default],
        output=output,
        training=training,
        size_multiple=size_multiple,
    )
    archive = keras.export.ExportArchive()
    for name in names:
        # Each sub-archive checks its network and builds its serving function.
        sub = (
            first
            if name == default
            else image_to_image_archive(
                networks[name],
                output=output,
                training=training,
                size_multiple=size_multiple,
            )
        )
        archive.track(networks[name])
        fn = _keras_compat.archive_endpoint(sub, "serving_default")
        if name == default:
            archive.add_endpoint("serving_default", fn)
        archive.add_endpoint(name, fn)
    return archive


__all__.append("image_to_image_endpoints_archive")
