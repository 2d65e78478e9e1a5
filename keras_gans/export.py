"""Export generators as SavedModels that TensorFlow Serving loads.

The export holds only TensorFlow graphs and variables: a process that never
imports `keras_gans` (or `keras`) loads it with `tf.saved_model.load`, and
`tensorflow_model_server` serves it from `<base>/<version>/`.

Signatures:
- `serving_default`: inputs `noise` float32 `(None, latent_dim)` (plus
  `labels` int32 `(None,)` for conditional models), output `images`
  `(None, H, W, C)`: float32 in [-1, 1], or uint8 in [0, 255] with
  `output="uint8"`.
- `sample`: inputs `batch_size` int32 scalar and `seed` int64 scalar (plus
  `labels` for conditional models), noise drawn inside the graph from the
  model's prior with a stateless RNG, so the same seed gives the same images.

Image-to-image networks (Pix2Pix's translator) are written by
`export_image_to_image`: `serving_default` maps `image` float32
`(None, None, None, C)` in [-1, 1] to `images`.
"""

import os
import re

import keras
import tensorflow as tf

OUTPUTS = ("float", "uint8")


def next_version(base_dir):
    """1 + the largest integer subfolder of `base_dir` (1 when there is none)."""
    if not os.path.isdir(base_dir):
        return 1
    versions = [int(d) for d in os.listdir(base_dir) if re.fullmatch(r"\d+", d)]
    return max(versions, default=0) + 1


def _to_output(images, output):
    images = tf.cast(images, tf.float32)
    if output == "uint8":
        pixels = tf.round((tf.clip_by_value(images, -1.0, 1.0) + 1.0) * 127.5)
        return tf.cast(pixels, tf.uint8)
    return images


def _version_path(export_dir, version):
    """`export_dir/<version>` (`None`: the next free version); must not exist."""
    if version is None:
        version = next_version(export_dir)
    if not isinstance(version, int) or version < 1:
        raise ValueError(
            f"`version` must be a positive int. Received: version={version!r}"
        )
    path = os.path.join(export_dir, str(version))
    if os.path.exists(path):
        raise ValueError(f"Export folder already exists: {path}")
    return path


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
    ]


def _check_labels(labels, num_classes):
    return [
        tf.debugging.assert_non_negative(labels, message="`labels` must be >= 0"),
        tf.debugging.assert_less(
            labels, num_classes, message=f"`labels` must be < num_classes={num_classes}"
        ),
    ]


def export_generator(
    model, export_dir, version=None, output="float", use_ema=True, dropout=None
):
    """Writes `model`'s generator as a SavedModel under `export_dir/<version>`.

    An image-to-image model (`model.image_to_image`, e.g. `Pix2Pix`) is
    written by `export_image_to_image`: its `serving_default` maps `image`
    to `images`, and `dropout` (default: the model's
    `test_time_dropout`) keeps its dropout layers active at serving time.

    Args:
        model: an `AdversarialModel` (GAN, DCGAN, ConditionalGAN, ...).
        export_dir: str. The base folder (TF Serving's model base path).
        version: int or `None`. `None` picks 1 + the largest existing version.
        output: str. `"float"` ([-1, 1] float32) or `"uint8"` ([0, 255]).
        use_ema: bool. Export the EMA generator when the model has one.
        dropout: bool or `None`. Image-to-image models only: dropout on at
            serving time (`None`: the model's default).

    Returns:
        The path of the written version folder.

    Example:
    >>> path = export_generator(model, "exports/dcgan")  # exports/dcgan/1
    >>> served = tf.saved_model.load(path)
    >>> served.signatures["serving_default"](noise=tf.zeros([2, 100]))["images"]
    """
    if output not in OUTPUTS:
        raise ValueError(
            f"`output` must be one of {OUTPUTS}. Received: output={output!r}"
        )
    if getattr(model, "image_to_image", False):
        if dropout is None:
            dropout = model.test_time_dropout
        return export_image_to_image(
            model.sampling_generator if use_ema else model.generator,
            export_dir,
            version=version,
            output=output,
            training="dropout" if dropout else False,
            size_multiple=model.size_multiple,
        )
    if dropout is not None:
        raise ValueError(
            "`dropout` is only used by image-to-image models. "
            f"Received: dropout={dropout!r} for {type(model).__name__}"
        )
    path = _version_path(export_dir, version)
    generator = model.sampling_generator if use_ema else model.generator
    latent_dim, num_classes = model.latent_dim, model.num_classes
    uniform = model.latent_distribution == "uniform"

    def prior(batch_size, seed):
        shape = tf.stack([batch_size, latent_dim])
        seed = tf.stack([seed, tf.constant(0, tf.int64)])
        if uniform:
            return tf.random.stateless_uniform(shape, seed, minval=-1.0, maxval=1.0)
        return tf.random.stateless_normal(shape, seed)

    archive = keras.export.ExportArchive()
    archive.track(generator)
    noise_spec = tf.TensorSpec([None, latent_dim], tf.float32, name="noise")
    size_spec = tf.TensorSpec([], tf.int32, name="batch_size")
    seed_spec = tf.TensorSpec([], tf.int64, name="seed")
    if num_classes is None:

        def serve(noise):
            noise = _after(_check_noise(noise, latent_dim), noise)
            return {"images": _to_output(generator(noise, training=False), output)}

        def sample(batch_size, seed):
            check = tf.debugging.assert_positive(
                batch_size, message="`batch_size` must be > 0"
            )
            return serve(prior(_after([check], batch_size), seed))

        archive.add_endpoint("serving_default", serve, [noise_spec])
        archive.add_endpoint("sample", sample, [size_spec, seed_spec])
    else:
        labels_spec = tf.TensorSpec([None], tf.int32, name="labels")

        def serve(noise, labels):
            checks = _check_noise(noise, latent_dim) + _check_labels(labels, num_classes)
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

        archive.add_endpoint("serving_default", serve, [noise_spec, labels_spec])
        archive.add_endpoint("sample", sample, [labels_spec, seed_spec])
    os.makedirs(export_dir, exist_ok=True)
    archive.write_out(path, verbose=False)
    return path


TRAINING_MODES = (False, True, "dropout")


class _ActiveDropout(keras.layers.Dropout):
    """A `Dropout` that drops in inference too (only built by `with_active_dropout`)."""

    def call(self, inputs, training=None):
        return super().call(inputs, training=True)


def with_active_dropout(network):
    """A copy of `network` (same weights) whose `Dropout` layers always drop.

    Every other layer keeps its inference behaviour (BatchNorm uses its
    moving statistics), unlike calling the network with `training=True`.
    Works for functional and sequential networks.
    """

    def clone(layer):
        config = layer.get_config()
        if isinstance(layer, keras.layers.Dropout):
            # A fresh random stream: a fixed seed would repeat the same masks
            # in every copy.
            return _ActiveDropout.from_config({**config, "seed": None})
        return layer.__class__.from_config(config)

    try:
        copy = keras.models.clone_model(network, clone_function=clone)
    except ValueError as error:
        raise ValueError(
            "`network` must be a functional or Sequential keras.Model to enable "
            f"dropout alone. Received: {type(network).__name__} ({error})"
        ) from None
    copy.set_weights(network.get_weights())
    return copy


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

    The `serving_default` signature takes `input_name` (default `image`),
    float32 `(None, None, None, C)` in [-1, 1] with dynamic batch and
    spatial size (a fully convolutional network serves every size it
    supports), and returns `images`: float32 in [-1, 1], or uint8 in
    [0, 255] with `output="uint8"`.

    Args:
        network: `keras.Model` with one image input of known channels C.
        export_dir: str. The base folder (TF Serving's model base path).
        version: int or `None`. `None` picks 1 + the largest existing version.
        output: str. `"float"` or `"uint8"`.
        training: `False`, `True` or `"dropout"`. `False`: inference mode
            (deterministic). `True`: the whole network in training mode, as
            in Pix2Pix's test protocol (Isola et al. 2017, sec 2.3: "we apply
            dropout at test time, and we apply batch normalization using the
            statistics of the test batch"); BatchNorm then normalises with
            the statistics of each request's batch (and the served graph
            also updates the exported moving averages, which it never reads).
            `"dropout"`: only the `Dropout` layers drop; BatchNorm uses its
            moving statistics (see `with_active_dropout`).
        input_name: str. Name of the signature's input.
        size_multiple: int. Height and width must be multiples of it (e.g.
            2**depth for a U-Net); checked with a named error.

    Returns:
        The path of the written version folder.

    Example:
    >>> path = export_image_to_image(unet, "exports/facades")
    >>> served = tf.saved_model.load(path).signatures["serving_default"]
    >>> served(image=tf.zeros([1, 256, 256, 3]))["images"].shape
    TensorShape([1, 256, 256, 3])
    """
    if output not in OUTPUTS:
        raise ValueError(
            f"`output` must be one of {OUTPUTS}. Received: output={output!r}"
        )
    if not any(training is mode for mode in TRAINING_MODES):
        raise ValueError(
            f"`training` must be one of {TRAINING_MODES}. Received: training={training!r}"
        )
    if not isinstance(input_name, str) or not input_name.isidentifier():
        raise ValueError(
            f"`input_name` must be an identifier. Received: input_name={input_name!r}"
        )
    if not isinstance(size_multiple, int) or size_multiple < 1:
        raise ValueError(
            f"`size_multiple` must be a positive int. Received: size_multiple={size_multiple!r}"
        )
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
    path = _version_path(export_dir, version)
    served = with_active_dropout(network) if training == "dropout" else network
    mode = training is True

    archive = keras.export.ExportArchive()
    archive.track(served)
    spec = tf.TensorSpec([None, None, None, channels], tf.float32, name=input_name)

    def serve(image):
        shape = tf.shape(image)
        checks = [
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
        with tf.control_dependencies(checks):
            image = tf.identity(image)
        return {"images": _to_output(served(image, training=mode), output)}

    archive.add_endpoint("serving_default", serve, [spec])
    os.makedirs(export_dir, exist_ok=True)
    archive.write_out(path, verbose=False)
    return path
