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


def _check_noise(noise, latent_dim):
    tf.debugging.assert_equal(
        tf.shape(noise)[-1],
        latent_dim,
        message=f"`noise` must have shape [batch, {latent_dim}]",
    )


def _check_labels(labels, num_classes):
    tf.debugging.assert_non_negative(labels, message="`labels` must be >= 0")
    tf.debugging.assert_less(
        labels, num_classes, message=f"`labels` must be < num_classes={num_classes}"
    )


def export_generator(model, export_dir, version=None, output="float", use_ema=True):
    """Writes `model`'s generator as a SavedModel under `export_dir/<version>`.

    Args:
        model: an `AdversarialModel` (GAN, DCGAN, ConditionalGAN, ...).
        export_dir: str. The base folder (TF Serving's model base path).
        version: int or `None`. `None` picks 1 + the largest existing version.
        output: str. `"float"` ([-1, 1] float32) or `"uint8"` ([0, 255]).
        use_ema: bool. Export the EMA generator when the model has one.

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
    if version is None:
        version = next_version(export_dir)
    if not isinstance(version, int) or version < 1:
        raise ValueError(
            f"`version` must be a positive int. Received: version={version!r}"
        )
    path = os.path.join(export_dir, str(version))
    if os.path.exists(path):
        raise ValueError(f"Export folder already exists: {path}")
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
            _check_noise(noise, latent_dim)
            return {"images": _to_output(generator(noise, training=False), output)}

        def sample(batch_size, seed):
            tf.debugging.assert_positive(batch_size, message="`batch_size` must be > 0")
            return serve(prior(batch_size, seed))

        archive.add_endpoint("serving_default", serve, [noise_spec])
        archive.add_endpoint("sample", sample, [size_spec, seed_spec])
    else:
        labels_spec = tf.TensorSpec([None], tf.int32, name="labels")

        def serve(noise, labels):
            _check_noise(noise, latent_dim)
            _check_labels(labels, num_classes)
            tf.debugging.assert_equal(
                tf.shape(noise)[0],
                tf.shape(labels)[0],
                message="`noise` and `labels` must have the same batch size",
            )
            images = generator([noise, labels], training=False)
            return {"images": _to_output(images, output)}

        def sample(labels, seed):
            return serve(prior(tf.shape(labels)[0], seed), labels)

        archive.add_endpoint("serving_default", serve, [noise_spec, labels_spec])
        archive.add_endpoint("sample", sample, [labels_spec, seed_spec])
    os.makedirs(export_dir, exist_ok=True)
    archive.write_out(path, verbose=False)
    return path
