"""Adaptive discriminator augmentation (ADA, Karras et al. 2020, "Training
Generative Adversarial Networks with Limited Data")."""

import math

import keras
import tensorflow as tf
from keras import ops

from keras_gans.layers._augment_layer import AugmentLayer, normal, uniform
from keras_gans.utils import check_float, check_int

__all__ = ["AdaptiveAugment"]


@keras.saving.register_keras_serializable(package="keras_gans")
class AdaptiveAugment(AugmentLayer):
    """ADA (Karras et al. 2020): stages applied with an adaptive probability p.

    The stages of the paper's pipeline that map to TF ops, each applied to
    each image independently with probability `p`: x-flip, rotation by a
    multiple of 90°, integer translation (up to 1/8 of the size), isotropic
    scaling (log-normal, σ = 0.2·ln 2), rotation (uniform in ±180°),
    anisotropic scaling (log-normal, σ = 0.2·ln 2), then brightness (offset
    N(0, 0.2²)), contrast (log-normal, σ = 0.5·ln 2) and saturation
    (log-normal, σ = ln 2). The geometric stages compose into one affine
    resampling per image (bilinear, reflect padding), which is
    differentiable with respect to the images.

    `p` adapts during training: every `interval` discriminator updates,
    r_t = E[sign(D(real))] over those updates is compared with `target`, and
    `p` moves by `sign(r_t - target) · batch · interval / speed_images`
    (clipped to [0, 1]). The paper adjusts every 4 minibatches with a speed
    such that `p` can go from 0 to 1 in 500k images; a run that sees far
    fewer images (a few thousand training images for minutes) needs a
    smaller `speed_images` (e.g. 20k) for `p` to move at all.

    `p` is a non-trainable variable of the layer: saved in `.keras` files and
    checkpoints with the model that holds the layer, and logged by the model
    as the metric `augment_p`.

    Args:
        target: float in (0, 1). Target of the overfitting heuristic r_t.
        interval: int. Discriminator updates between adjustments of `p`.
        speed_images: int. Images over which `p` can go from 0 to 1.
        initial_p: float in [0, 1]. Starting probability.
        seed: int or `None`. Seed of the layer's own stream.

    Example:
    >>> ada = AdaptiveAugment(initial_p=0.5, seed=0)
    >>> x = np.zeros((2, 8, 8, 1), "float32")
    >>> tuple(ada.transform(x).shape)
    (2, 8, 8, 1)
    """

    def __init__(
        self,
        target=0.6,
        interval=4,
        speed_images=500_000,
        initial_p=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        self.target = check_float("target", target, 0.0, 1.0, exclusive=True)
        self.interval = check_int("interval", interval, minimum=1)
        self.speed_images = check_int("speed_images", speed_images, minimum=1)
        self.initial_p = check_float("initial_p", initial_p, 0.0, 1.0)
        self.p = self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(self.initial_p),
            trainable=False,
            name="p",
            dtype="float32",
        )
        self.sign_sum = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="sign_sum"
        )
        self.sign_count = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="sign_count"
        )
        self.updates = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="updates"
        )
        self.built = True

    # ----------------------------------------------------------- adaptation
    def log_names(self):
        return ("augment_p",)

    def update(self, real_logits):
        """Accumulates sign(D(real)); every `interval` calls adjusts `p`.

        Returns `{"augment_p": p}` (after the update)."""
        logits = ops.cast(
            ops.reshape(real_logits, (ops.shape(real_logits)[0], -1)), "float32"
        )
        logits = ops.mean(logits, axis=1)
        batch = ops.cast(ops.shape(logits)[0], "float32")
        self.sign_sum.assign_add(ops.sum(ops.sign(logits)))
        self.sign_count.assign_add(batch)
        self.updates.assign_add(1.0)
        due = ops.equal(self.updates % self.interval, 0.0)
        r_t = self.sign_sum / ops.maximum(self.sign_count, 1.0)
        step = ops.sign(r_t - self.target) * self.sign_count / self.speed_images
        self.p.assign(ops.where(due, ops.clip(self.p + step, 0.0, 1.0), self.p))
        zero = ops.zeros_like(self.sign_sum)
        self.sign_sum.assign(ops.where(due, zero, self.sign_sum))
        self.sign_count.assign(ops.where(due, zero, self.sign_count))
        return {"augment_p": ops.convert_to_tensor(self.p)}

    # ------------------------------------------------------------ transform
    def _gate(self, batch, stream, dtype):
        return tf.cast(uniform((batch,), stream.next()) < self.p, dtype)

    def _transform(self, x, stream):
        batch = tf.shape(x)[0]
        height, width = x.shape[1], x.shape[2]
        dtype = x.dtype
        f32 = "float32"
        eye = tf.eye(3, batch_shape=[batch])

        def matrix(rows):
            return tf.reshape(tf.stack(rows, axis=1), (-1, 3, 3))

        one, zero = tf.ones((batch,)), tf.zeros((batch,))
        # Output -> input pixel mapping, built around the image centre.
        cy, cx = (height - 1) / 2.0, (width - 1) / 2.0
        m = eye
        # x-flip
        g = self._gate(batch, stream, f32)
        flip = 1.0 - 2.0 * g * tf.floor(uniform((batch,), stream.next()) * 2.0)
        m = m @ matrix([flip, zero, zero, zero, one, zero, zero, zero, one])
        # rotation by k * 90 degrees
        g = self._gate(batch, stream, f32)
        k = g * tf.floor(uniform((batch,), stream.next()) * 4.0)
        c, s = tf.round(tf.cos(k * math.pi / 2)), tf.round(tf.sin(k * math.pi / 2))
        m = m @ matrix([c, -s, zero, s, c, zero, zero, zero, one])
        # integer translation
        g = self._gate(batch, stream, f32)
        tx = g * tf.round(uniform((batch,), stream.next(), -0.125, 0.125) * width)
        g = self._gate(batch, stream, f32)
        ty = g * tf.round(uniform((batch,), stream.next(), -0.125, 0.125) * height)
        m = m @ matrix([one, zero, tx, zero, one, ty, zero, zero, one])
        # isotropic scaling
        g = self._gate(batch, stream, f32)
        iso = tf.exp(g * normal((batch,), stream.next(), 0.2 * math.log(2)))
        m = m @ matrix([iso, zero, zero, zero, iso, zero, zero, zero, one])
        # rotation
        g = self._gate(batch, stream, f32)
        angle = g * uniform((batch,), stream.next(), -math.pi, math.pi)
        c, s = tf.cos(angle), tf.sin(angle)
        m = m @ matrix([c, -s, zero, s, c, zero, zero, zero, one])
        # anisotropic scaling
        g = self._gate(batch, stream, f32)
        an = tf.exp(g * normal((batch,), stream.next(), 0.2 * math.log(2)))
        m = m @ matrix([an, zero, zero, zero, 1.0 / an, zero, zero, zero, one])
        centre = tf.constant([[1.0, 0.0, cx], [0.0, 1.0, cy], [0.0, 0.0, 1.0]])
        uncentre = tf.constant([[1.0, 0.0, -cx], [0.0, 1.0, -cy], [0.0, 0.0, 1.0]])
        m = centre[None] @ m @ uncentre[None]
        transform = tf.reshape(m, (-1, 9))[:, :8] / m[:, 2:3, 2]
        x = ops.cast(x, f32)
        x = keras.ops.image.affine_transform(
            x, transform, interpolation="bilinear", fill_mode="reflect"
        )
        # color
        shape = (batch, 1, 1, 1)
        g = tf.reshape(self._gate(batch, stream, f32), shape)
        x = x + g * normal(shape, stream.next(), 0.2)
        g = tf.reshape(self._gate(batch, stream, f32), shape)
        contrast = tf.exp(g * normal(shape, stream.next(), 0.5 * math.log(2)))
        mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
        x = (x - mean) * contrast + mean
        g = tf.reshape(self._gate(batch, stream, f32), shape)
        saturation = tf.exp(g * normal(shape, stream.next(), math.log(2)))
        mean = tf.reduce_mean(x, axis=3, keepdims=True)
        x = (x - mean) * saturation + mean
        return ops.cast(x, dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "target": self.target,
            "interval": self.interval,
            "speed_images": self.speed_images,
            "initial_p": self.initial_p,
        }
