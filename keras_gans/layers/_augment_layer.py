"""The base of the discriminator augmentation layers and their seeded draws.

Random numbers come from a stateless `(2,)` seed tensor (folded in once per
draw) or from a `keras.random.SeedGenerator`, so an augmented run repeats.
"""

import keras
import tensorflow as tf
from keras import ops

__all__ = ["AugmentLayer", "SeededStream", "normal", "randint", "uniform"]


def uniform(shape, seed, minval=0.0, maxval=1.0):
    if tf.is_tensor(seed):
        return tf.random.stateless_uniform(shape, seed, minval, maxval)
    return keras.random.uniform(shape, minval=minval, maxval=maxval, seed=seed)


def normal(shape, seed, stddev=1.0):
    if tf.is_tensor(seed):
        return tf.random.stateless_normal(shape, seed, stddev=stddev)
    return keras.random.normal(shape, stddev=stddev, seed=seed)


def randint(shape, seed, minval, maxval):
    """Integers uniform in [minval, maxval) (int32)."""
    draws = uniform(shape, seed, float(minval), float(maxval))
    return tf.minimum(tf.cast(tf.floor(draws), "int32"), maxval - 1)


class SeededStream:
    """Stateless seeds derived from a `(2,)` tensor, or the generator itself."""

    def __init__(self, seed):
        self.seed = seed
        self.count = 0

    def next(self):
        if tf.is_tensor(self.seed):
            self.count += 1
            return tf.random.experimental.stateless_fold_in(self.seed, self.count)
        return self.seed


class AugmentLayer(keras.layers.Layer):
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
        stream = SeededStream(self.seed_generator if seed is None else seed)
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
