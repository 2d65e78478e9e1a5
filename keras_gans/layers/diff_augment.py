"""DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for
Data-Efficient GAN Training"): color, translation and cutout, differentiable."""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.layers._augment_layer import AugmentLayer, randint, uniform
from keras_gans.utils import check_float

__all__ = ["DIFFAUGMENT_POLICIES", "DiffAugment"]

DIFFAUGMENT_POLICIES = ("color", "translation", "cutout")


@keras.saving.register_keras_serializable(package="keras_gans")
class DiffAugment(AugmentLayer):
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
        x = x + ops.cast(uniform(shape, stream.next()) - 0.5, dtype)
        mean = tf.reduce_mean(x, axis=3, keepdims=True)
        x = (x - mean) * ops.cast(uniform(shape, stream.next()) * 2.0, dtype) + mean
        mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
        x = (x - mean) * ops.cast(uniform(shape, stream.next()) + 0.5, dtype) + mean
        return x

    def _translation(self, x, stream):
        batch, height, width = tf.shape(x)[0], x.shape[1], x.shape[2]
        sy = int(height * self.translation_ratio + 0.5)
        sx = int(width * self.translation_ratio + 0.5)
        ty = randint((batch, 1), stream.next(), -sy, sy + 1)
        tx = randint((batch, 1), stream.next(), -sx, sx + 1)
        x = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
        rows = tf.clip_by_value(tf.range(height)[None] + ty + 1, 0, height + 1)
        cols = tf.clip_by_value(tf.range(width)[None] + tx + 1, 0, width + 1)
        x = tf.gather(x, rows, axis=1, batch_dims=1)
        return tf.gather(x, cols, axis=2, batch_dims=1)

    def _cutout(self, x, stream):
        batch, height, width = tf.shape(x)[0], x.shape[1], x.shape[2]
        ch = int(height * self.cutout_ratio + 0.5)
        cw = int(width * self.cutout_ratio + 0.5)
        oy = randint((batch, 1, 1), stream.next(), 0, height + (1 - ch % 2))
        ox = randint((batch, 1, 1), stream.next(), 0, width + (1 - cw % 2))
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
