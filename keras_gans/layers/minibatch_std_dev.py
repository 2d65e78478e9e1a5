"""The minibatch standard deviation layer (Karras et al. 2018, sec 3)."""

import keras
from keras import ops

from keras_gans import utils

__all__ = ["MinibatchStdDev"]


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStdDev(keras.layers.Layer):
    """Appends the minibatch standard deviation as one extra feature map.

    Karras et al. 2018, "Progressive Growing of GANs", sec 3: within each
    group of samples, take the standard deviation of every feature over the
    group's members, average it over (H, W, C), and append that one number,
    broadcast over H and W, as a new channel: (B, H, W, C) -> (B, H, W, C + 1).

    Groups. The official code reshapes the batch to `[G, M, ...]` with
    `G = min(group_size, B)` and `M = B // G`, so sample `i` belongs to group
    `i % M`, and it requires `B` to be a multiple of `G`. This layer takes
    `M = ceil(B / group_size)` groups and puts sample `i` in group `i % M`:
    identical to the official grouping when `B` is a multiple of `group_size`
    (or smaller than it), and defined for every other batch size too,
    including a batch size unknown until run time; groups then differ in size
    by at most one. Statistics are computed with segment sums, in float32:
    `std = sqrt(mean over the group of (x - group mean) ** 2 + epsilon)`, so a
    group of one sample gives `sqrt(epsilon)`.

    Args:
        group_size: int. Largest number of samples per group, >= 1.
        epsilon: float. Added to the variance before the square root, > 0.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = MinibatchStdDev(group_size=4)
    >>> tuple(layer(keras.ops.ones((6, 4, 4, 3))).shape)
    (6, 4, 4, 4)
    """

    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.group_size = utils.check_int("group_size", group_size, minimum=1)
        utils.check_float("epsilon", epsilon, minimum=0.0, exclusive=True)
        self.epsilon = epsilon

    def call(self, inputs):
        x = ops.cast(inputs, "float32")  # (B, H, W, C)
        batch = ops.shape(x)[0]
        num_groups = (batch + self.group_size - 1) // self.group_size  # M
        group = ops.mod(ops.arange(batch), num_groups)  # (B,) sample i -> i % M

        counts = ops.segment_sum(
            ops.ones((batch,), "float32"), group, num_segments=num_groups
        )  # (M,)

        def group_mean(values):  # (B, H, W, C) -> (M, H, W, C)
            sums = ops.segment_sum(values, group, num_segments=num_groups)
            return sums / ops.reshape(counts, (-1, 1, 1, 1))

        centred = x - ops.take(group_mean(x), group, axis=0)  # (B, H, W, C)
        std = ops.sqrt(group_mean(ops.square(centred)) + self.epsilon)  # (M, H, W, C)
        stat = ops.mean(std, axis=(1, 2, 3))  # (M,)
        stat = ops.reshape(ops.take(stat, group, axis=0), (-1, 1, 1, 1))  # (B, 1, 1, 1)
        feature = ops.ones_like(x[..., :1]) * stat  # (B, H, W, 1)
        outputs = ops.concatenate([x, feature], axis=-1)  # (B, H, W, C + 1)
        return ops.cast(outputs, inputs.dtype)

    def compute_output_shape(self, input_shape):
        channels = input_shape[-1]
        return (*input_shape[:-1], None if channels is None else channels + 1)

    def get_config(self):
        return {
            **super().get_config(),
            "group_size": self.group_size,
            "epsilon": self.epsilon,
        }
