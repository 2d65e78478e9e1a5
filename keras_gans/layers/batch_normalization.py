"""`BatchNormalization`: Keras' BatchNormalization, one kernel per pass.

Keras 3 computes batch normalization in training from separate ops (mean,
squared difference, mean, then scale and shift, and as many in the
gradient). On the TensorFlow backend this layer runs a training-mode call
on a 4-D channels-last input as one `FusedBatchNormV3` op (and its fused
gradient), which oneDNN and cuDNN implement directly; every other call
(inference, other ranks and axes, masks, `synchronized`, `renorm`, other
backends) is Keras' own code. Its math is Keras' (Ioffe & Szegedy 2015):
`y = gamma * (x - mean) / sqrt(var + epsilon) + beta` with the batch's
biased variance, and the moving statistics
`moving = momentum * moving + (1 - momentum) * batch`, so weights and
`.keras` files are interchangeable with `keras.layers.BatchNormalization`.
"""

import keras
from keras import ops

__all__ = ["BatchNormalization"]


@keras.saving.register_keras_serializable(package="keras_gans")
class BatchNormalization(keras.layers.BatchNormalization):
    """`keras.layers.BatchNormalization` with a fused training kernel.

    Same arguments, weights, outputs (to float rounding) and moving-average
    updates as `keras.layers.BatchNormalization`, and the same class name, so
    that a network built with either loads the other's `.keras` weights
    (Keras files address a layer by its class name); see the module
    docstring for when the fused kernel runs. Inputs of any float dtype; the statistics
    are computed in float32 and the output has the layer's compute dtype.

    Example:
    >>> x = np.random.default_rng(0).normal(size=(8, 4, 4, 3)).astype("float32")
    >>> fused = BatchNormalization()
    >>> plain = keras.layers.BatchNormalization()
    >>> y_fused = fused(x, training=True)
    >>> y_plain = plain(x, training=True)
    >>> bool(np.allclose(y_fused, y_plain, atol=1e-5))
    True
    >>> bool(np.allclose(fused.moving_variance, plain.moving_variance))
    True
    """

    def _fused(self, inputs, training, mask):
        return (
            keras.backend.backend() == "tensorflow"
            and training
            and self.trainable
            and mask is None
            and not self.synchronized
            and not self.renorm
            and len(inputs.shape) == 4
            and self.axis in (-1, 3)
        )

    def call(self, inputs, training=None, mask=None):
        if not self._fused(inputs, training, mask):
            return super().call(inputs, training=training, mask=mask)
        import tensorflow as tf

        x = ops.cast(inputs, "float32")  # statistics in float32, as Keras does
        channels = x.shape[-1]
        gamma = ops.cast(self.gamma, "float32") if self.scale else ops.ones((channels,))
        beta = ops.cast(self.beta, "float32") if self.center else ops.zeros((channels,))
        empty = ops.zeros((0,), "float32")
        y, mean, variance, *_ = tf.raw_ops.FusedBatchNormV3(
            x=x,
            scale=gamma,
            offset=beta,
            mean=empty,
            variance=empty,
            epsilon=self.epsilon,
            exponential_avg_factor=1.0,
            data_format="NHWC",
            is_training=True,
        )
        # The kernel returns the unbiased variance; Keras averages the biased one.
        count = ops.cast(ops.size(x) // channels, "float32")
        variance = variance * (count - 1.0) / ops.maximum(count, 1.0)
        momentum = self.momentum
        self.moving_mean.assign(
            ops.cast(self.moving_mean, "float32") * momentum + mean * (1.0 - momentum)
        )
        self.moving_variance.assign(
            ops.cast(self.moving_variance, "float32") * momentum
            + variance * (1.0 - momentum)
        )
        return ops.cast(y, self.compute_dtype)
