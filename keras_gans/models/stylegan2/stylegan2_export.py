"""The SavedModel signatures a `StyleGAN2` serves.

`stylegan2_archive(generator)` returns a `keras.export.ExportArchive`
(written by `keras_gans.export.export_generator(model, dir)`) with:

- `serving_default`: `noise` float32 `(None, latent_dim)` -> `images`
  (ψ = 1, the constant noise maps);
- `truncated`: `noise` and `truncation` (float32 scalar ψ in [0, 1],
  against `w_avg`) -> `images`;
- `mapping`: `noise`, `truncation` -> `w` float32 `(None, num_ws, w_dim)`;
- `w`: `w` `(None, num_ws, w_dim)` -> `images` (projected or mixed latents);
- `sample`: `batch_size` int32, `seed` int64 -> `images` (stateless N(0, 1)
  latents), and `sample_truncated` with `truncation` as well.

Images are float32 in [-1, 1], or uint8 in [0, 255] with `output="uint8"`.
Only TensorFlow ops: a process that never imports keras_gans serves it.
"""

import keras
import tensorflow as tf

from keras_gans import utils

__all__ = ["stylegan2_archive"]

OUTPUTS = ("float", "uint8")


def _after(checks, tensor):
    with tf.control_dependencies(checks):
        return tf.identity(tensor)


def _check_batch(tensor, name, shape):
    """Rank, trailing dimensions and a non-empty batch of a request."""
    checks = [
        tf.debugging.assert_rank(
            tensor, len(shape) + 1, message=f"`{name}` must have rank {len(shape) + 1}"
        )
    ]
    for axis, size in enumerate(shape, start=1):
        checks.append(
            tf.debugging.assert_equal(
                tf.shape(tensor)[axis],
                size,
                message=f"`{name}` must have shape [batch, {', '.join(map(str, shape))}]",
            )
        )
    checks.append(
        tf.debugging.assert_positive(
            tf.shape(tensor)[0], message=f"`{name}` must hold at least one row"
        )
    )
    return _after(checks, tensor)


def _check_psi(truncation):
    message = "`truncation` must be in [0, 1]"
    return _after(
        [
            tf.debugging.assert_greater_equal(truncation, 0.0, message=message),
            tf.debugging.assert_less_equal(truncation, 1.0, message=message),
        ],
        truncation,
    )


def stylegan2_archive(generator, output="float"):
    """The `ExportArchive` of a `StyleGAN2Generator` (see the module)."""
    utils.check_choice("output", output, OUTPUTS)
    latent_dim, num_ws, w_dim = generator.latent_dim, generator.num_ws, generator.w_dim

    def to_output(images):
        images = tf.clip_by_value(tf.cast(images, tf.float32), -1.0, 1.0)
        return {"images": utils.to_uint8(images) if output == "uint8" else images}

    def ws_of(noise, truncation):
        noise = _check_batch(noise, "noise", (latent_dim,))
        ws = generator.broadcast(generator.mapping(noise))
        return generator.truncate(ws, _check_psi(truncation))

    def serve(noise):
        noise = _check_batch(noise, "noise", (latent_dim,))
        return to_output(generator(noise, training=False))

    def truncated(noise, truncation):
        return to_output(generator.synthesis(ws_of(noise, truncation), "const"))

    def mapping(noise, truncation):
        return {"w": ws_of(noise, truncation)}

    def from_w(w):
        w = _check_batch(w, "w", (num_ws, w_dim))
        return to_output(generator.synthesis(w, "const"))

    def prior(batch_size, seed):
        batch_size = _after(
            [
                tf.debugging.assert_positive(
                    batch_size, message="`batch_size` must be > 0"
                )
            ],
            batch_size,
        )
        seed = tf.stack([seed, tf.constant(0, tf.int64)])
        return tf.random.stateless_normal(tf.stack([batch_size, latent_dim]), seed)

    def sample(batch_size, seed):
        return serve(prior(batch_size, seed))

    def sample_truncated(batch_size, seed, truncation):
        return truncated(prior(batch_size, seed), truncation)

    noise = tf.TensorSpec([None, latent_dim], tf.float32, name="noise")
    psi = tf.TensorSpec([], tf.float32, name="truncation")
    w = tf.TensorSpec([None, num_ws, w_dim], tf.float32, name="w")
    size = tf.TensorSpec([], tf.int32, name="batch_size")
    seed = tf.TensorSpec([], tf.int64, name="seed")
    archive = keras.export.ExportArchive()
    archive.track(generator)
    archive.add_endpoint("serving_default", serve, [noise])
    archive.add_endpoint("truncated", truncated, [noise, psi])
    archive.add_endpoint("mapping", mapping, [noise, psi])
    archive.add_endpoint("w", from_w, [w])
    archive.add_endpoint("sample", sample, [size, seed])
    archive.add_endpoint("sample_truncated", sample_truncated, [size, seed, psi])
    return archive
