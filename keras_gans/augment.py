"""Differentiable discriminator augmentation for GANs trained on small data.

Two pipelines, both `keras.layers.Layer`s that transform a batch of images
in [-1, 1] with differentiable TF ops, so that the generator's gradient
flows through them:

- `DiffAugment` (Zhao et al. 2020, "Differentiable Augmentation for
  Data-Efficient GAN Training"): the official implementation's `color`
  (brightness, saturation, contrast), `translation` (1/8 of the size, zero
  padding) and `cutout` (a square of 1/2 the size) applied to every image.
- `AdaptiveAugment` (ADA, Karras et al. 2020, "Training Generative
  Adversarial Networks with Limited Data"): geometric and color stages each
  applied with probability `p`, and `p` adapted during training from the
  overfitting heuristic r_t = E[sign(D(real))].

An `AdversarialModel` compiled with `augment=` applies the pipeline to real
and fake images alike before its discriminator (see
`AdversarialModel.compile`); random numbers are then drawn from the model's
seed stream.
"""

import math

import keras
import tensorflow as tf
from keras import ops

from keras_gans.utils import check_float, check_int

__all__ = ["AdaptiveAugment", "DiffAugment", "get"]

DIFFAUGMENT_POLICIES = ("color", "translation", "cutout")


def _uniform(shape, seed, minval=0.0, maxval=1.0):
    if tf.is_tensor(seed):
        return tf.random.stateless_uniform(shape, seed, minval, maxval)
    return keras.random.uniform(shape, minval=minval, maxval=maxval, seed=seed)


def _normal(shape, seed, stddev=1.0):
    if tf.is_tensor(seed):
        return tf.random.stateless_normal(shape, seed, stddev=stddev)
    return keras.random.normal(shape, stddev=stddev, seed=seed)


def _randint(shape, seed, minval, maxval):
    """Integers uniform in [minval, maxval) (int32)."""
    draws = _uniform(shape, seed, float(minval), float(maxval))
    return tf.minimum(tf.cast(tf.floor(draws), "int32"), maxval - 1)


class _SeededStream:
    """Stateless seeds derived from a `(2,)` tensor, or the generator itself."""

    def __init__(self, seed):
        self.seed = seed
        self.count = 0

    def next(self):
        if tf.is_tensor(self.seed):
            self.count += 1
            return tf.random.experimental.stateless_fold_in(self.seed, self.count)
        return self.seed


class _Augment(keras.layers.Layer):
    """Base: `transform(images, seed)`; `call` augments in training only."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="augment_seed")

    def call(self, images, training=True):
        if not training:
            return images
        return self.transform(images)

    def transform(self, images, seed=None):
        """Augments `images` `(B, H, W, C)` in [-1, 1] (float).

        Args:
            images: float tensor `(batch, height, width, channels)`.
            seed: a `keras.random.SeedGenerator`, an int, a stateless `(2,)`
                int tensor, or `None` for the layer's own stream.
        """
        stream = _SeededStream(self.seed_generator if seed is None else seed)
        return self._transform(ops.convert_to_tensor(images), stream)

    def update(self, real_logits):
        """Adapts the pipeline from D's logits on real images (a no-op here);
        returns `{name: scalar}` to log."""
        return {}

    def log_names(self):
        """Names of the values `update` returns."""
        return ()

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_gans")
class DiffAugment(_Augment):
    """DiffAugment (Zhao et al. 2020): color, translation and cutout.

    The operations of the official TensorFlow implementation, for images in
    [-1, 1]: `color` adds a brightness offset U(-0.5, 0.5), scales the
    saturation (distance to the channel mean) by U(0, 2) and the contrast
    (distance to the image mean) by U(0.5, 1.5); `translation` shifts each
    image by a random integer number of pixels up to 1/8 of its size, filling
    with zeros; `cutout` zeroes a random square of half the image size. All
    parameters are drawn per image; every operation is differentiable with
    respect to the images.

    Args:
        policy: str. Comma-separated subset of `"color"`, `"translation"`,
            `"cutout"` (applied in this order); `""` is the identity.
        translation_ratio: float in [0, 1). Largest shift as a fraction of
            the size.
        cutout_ratio: float in (0, 1]. Cutout side as a fraction of the size.
        seed: int or `None`. Seed of the layer's own stream (used when no
            seed is passed to `transform`).

    Example:
    >>> aug = DiffAugment(seed=0)
    >>> x = np.zeros((2, 8, 8, 3), "float32")
    >>> tuple(aug.transform(x).shape)
    (2, 8, 8, 3)
    """

    def __init__(
        self,
        policy="color,translation,cutout",
        translation_ratio=0.125,
        cutout_ratio=0.5,
        seed=None,
        **kwargs,
    ):
        super().__init__(seed=seed, **kwargs)
        names = [p.strip() for p in policy.split(",") if p.strip()]
        for name in names:
            if name not in DIFFAUGMENT_POLICIES:
                raise ValueError(
                    f"`policy` must name operations from {DIFFAUGMENT_POLICIES}. "
                    f"Received: policy={policy!r}"
                )
        self.policy = ",".join(names)
        self.translation_ratio = check_float(
            "translation_ratio", translation_ratio, 0.0, 1.0
        )
        self.cutout_ratio = check_float("cutout_ratio", cutout_ratio, 0.0, 1.0)

    def _transform(self, x, stream):
        for name in self.policy.split(",") if self.policy else ():
            x = getattr(self, f"_{name}")(x, stream)
        return x

    def _color(self, x, stream):
        batch = tf.shape(x)[0]
        dtype = x.dtype
        shape = (batch, 1, 1, 1)
        x = x + ops.cast(_uniform(shape, stream.next()) - 0.5, dtype)
        mean = tf.reduce_mean(x, axis=3, keepdims=True)
        x = (x - mean) * ops.cast(_uniform(shape, stream.next()) * 2.0, dtype) + mean
        mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
        x = (x - mean) * ops.cast(_uniform(shape, stream.next()) + 0.5, dtype) + mean
        return x

    def _translation(self, x, stream):
        batch, height, width = tf.shape(x)[0], x.shape[1], x.shape[2]
        sy = int(height * self.translation_ratio + 0.5)
        sx = int(width * self.translation_ratio + 0.5)
        ty = _randint((batch, 1), stream.next(), -sy, sy + 1)
        tx = _randint((batch, 1), stream.next(), -sx, sx + 1)
        x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
        rows = tf.clip_by_value(tf.range(height)[None] + ty + 1, 0, height + 1)
        cols = tf.clip_by_value(tf.range(width)[None] + tx + 1, 0, width + 1)
        x = tf.gather(x, rows, axis=1, batch_dims=1)
        return tf.gather(x, cols, axis=2, batch_dims=1)

    def _cutout(self, x, stream):
        batch, height, width = tf.shape(x)[0], x.shape[1], x.shape[2]
        ch = int(height * self.cutout_ratio + 0.5)
        cw = int(width * self.cutout_ratio + 0.5)
        oy = _randint((batch, 1, 1), stream.next(), 0, height + (1 - ch % 2))
        ox = _randint((batch, 1, 1), stream.next(), 0, width + (1 - cw % 2))
        rows = tf.range(height)[None, :, None] - (oy - ch // 2)
        cols = tf.range(width)[None, None, :] - (ox - cw // 2)
        inside = (rows >= 0) & (rows < ch) & (cols >= 0) & (cols < cw)
        mask = 1.0 - tf.cast(inside, x.dtype)
        return x * mask[..., None]

    def get_config(self):
        return {
            **super().get_config(),
            "policy": self.policy,
            "translation_ratio": self.translation_ratio,
            "cutout_ratio": self.cutout_ratio,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class AdaptiveAugment(_Augment):
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
        return tf.cast(_uniform((batch,), stream.next()) < self.p, dtype)

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
        flip = 1.0 - 2.0 * g * tf.floor(_uniform((batch,), stream.next()) * 2.0)
        m = m @ matrix([flip, zero, zero, zero, one, zero, zero, zero, one])
        # rotation by k * 90 degrees
        g = self._gate(batch, stream, f32)
        k = g * tf.floor(_uniform((batch,), stream.next()) * 4.0)
        c, s = tf.round(tf.cos(k * math.pi / 2)), tf.round(tf.sin(k * math.pi / 2))
        m = m @ matrix([c, -s, zero, s, c, zero, zero, zero, one])
        # integer translation
        g = self._gate(batch, stream, f32)
        tx = g * tf.round(_uniform((batch,), stream.next(), -0.125, 0.125) * width)
        g = self._gate(batch, stream, f32)
        ty = g * tf.round(_uniform((batch,), stream.next(), -0.125, 0.125) * height)
        m = m @ matrix([one, zero, tx, zero, one, ty, zero, zero, one])
        # isotropic scaling
        g = self._gate(batch, stream, f32)
        iso = tf.exp(g * _normal((batch,), stream.next(), 0.2 * math.log(2)))
        m = m @ matrix([iso, zero, zero, zero, iso, zero, zero, zero, one])
        # rotation
        g = self._gate(batch, stream, f32)
        angle = g * _uniform((batch,), stream.next(), -math.pi, math.pi)
        c, s = tf.cos(angle), tf.sin(angle)
        m = m @ matrix([c, -s, zero, s, c, zero, zero, zero, one])
        # anisotropic scaling
        g = self._gate(batch, stream, f32)
        an = tf.exp(g * _normal((batch,), stream.next(), 0.2 * math.log(2)))
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
        x = x + g * _normal(shape, stream.next(), 0.2)
        g = tf.reshape(self._gate(batch, stream, f32), shape)
        contrast = tf.exp(g * _normal(shape, stream.next(), 0.5 * math.log(2)))
        mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
        x = (x - mean) * contrast + mean
        g = tf.reshape(self._gate(batch, stream, f32), shape)
        saturation = tf.exp(g * _normal(shape, stream.next(), math.log(2)))
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


_NAMES = {"diffaugment": DiffAugment, "ada": AdaptiveAugment}


def get(augment):
    """An augmentation layer from a name, a config dict or a layer.

    Args:
        augment: `None`, `"diffaugment"`, `"ada"`, a serialized layer (dict)
            or an augmentation layer (`DiffAugment`, `AdaptiveAugment` or a
            `keras.layers.Layer` with `transform(images, seed)`).

    Returns:
        The layer, or `None`.

    Raises:
        ValueError: for an unknown name or object.

    Example:
    >>> type(get("ada")).__name__
    'AdaptiveAugment'
    """
    if augment is None:
        return None
    if isinstance(augment, str):
        if augment.lower() not in _NAMES:
            raise ValueError(
                f"`augment` must be one of {tuple(_NAMES)}, an augmentation "
                f"layer or None. Received: augment={augment!r}"
            )
        return _NAMES[augment.lower()]()
    if isinstance(augment, dict):
        return keras.saving.deserialize_keras_object(augment)
    if isinstance(augment, keras.layers.Layer) and hasattr(augment, "transform"):
        return augment
    raise ValueError(
        "`augment` must be one of ('diffaugment', 'ada'), an augmentation "
        f"layer or None. Received: augment={augment!r}"
    )
