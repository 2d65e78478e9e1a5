"""`FusedAdam`: Keras' Adam with one TensorFlow kernel per variable update.

Keras 3's `Adam.update_step` is written in `keras.ops`: about twenty small
ops per variable and step (casts, the bias corrections, the two moment
updates, the weight update). On a CPU a small GAN's step is made of such
ops (the MLP cGAN reference: 52 variables in its two optimizers), and the
executor's cost per op, not the arithmetic, sets its speed. `FusedAdam`
computes the same update with TensorFlow's fused `ResourceApplyAdam` kernel
(Kingma & Ba 2015, Algorithm 1 with the bias corrections folded into the
step size, which is also Keras' formula), one op per variable:

    lr_t = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    m <- m + (g - m) * (1 - beta_1)
    v <- v + (g^2 - v) * (1 - beta_2)
    w <- w - lr_t * m / (sqrt(v) + epsilon)

Where the kernel does not apply it runs Keras' own `update_step`: AMSGrad,
sparse gradients (`tf.IndexedSlices`, e.g. of an `Embedding`), a variable
that is not a plain TensorFlow resource variable (e.g. one mirrored by a
`tf.distribute` strategy), or a backend other than TensorFlow. Everything
else (weight decay, clipping, EMA, loss scaling, its saved state) is Keras'.
"""

import keras
import tensorflow as tf

from keras_gans import _keras_compat

__all__ = ["FusedAdam"]


def _resource(variable):
    """The `tf.Variable` behind a Keras variable, when it is a plain
    resource variable (`None` otherwise, e.g. a mirrored one)."""
    value = variable.value if isinstance(variable, keras.Variable) else variable
    if not isinstance(value, tf.Variable) or not hasattr(value, "handle"):
        return None
    return None if isinstance(value, tf.distribute.DistributedValues) else value


@keras.saving.register_keras_serializable(package="keras_gans")
class FusedAdam(keras.optimizers.Adam):
    """`keras.optimizers.Adam` whose update is TensorFlow's fused kernel.

    Same arguments, same saved state and the same update as Keras' `Adam`
    (equal to float32 rounding: `tests/test_optimizers.py`), in one op per
    variable instead of about twenty: the MLP cGAN reference trained at
    2980 instead of 2471 images/s on 2 CPU cores (1.40x PyTorch instead of
    1.29x); DCGAN-64's large convolutions gain little (1.26x instead of
    1.23x) (BENCHMARKS.md, "The slow mode found and removed").

    Example:
    >>> opt = FusedAdam(learning_rate=2e-4, beta_1=0.5)
    >>> opt.get_config()["beta_1"]
    0.5
    """

    def update_step(self, gradient, variable, learning_rate):
        fused = (
            not self.amsgrad
            and keras.backend.backend() == "tensorflow"
            and not isinstance(gradient, tf.IndexedSlices)
        )
        var = _resource(variable) if fused else None
        m, v = _keras_compat.adam_slots(self, variable) if var is not None else (0, 0)
        m, v = (_resource(m), _resource(v)) if var is not None else (None, None)
        if var is None or m is None or v is None:
            return super().update_step(gradient, variable, learning_rate)
        dtype = var.dtype
        step = tf.cast(self.iterations + 1, dtype)
        beta_1 = tf.cast(self.beta_1, dtype)
        beta_2 = tf.cast(self.beta_2, dtype)
        tf.raw_ops.ResourceApplyAdam(
            var=var.handle,
            m=m.handle,
            v=v.handle,
            beta1_power=tf.pow(beta_1, step),
            beta2_power=tf.pow(beta_2, step),
            lr=tf.cast(learning_rate, dtype),
            beta1=beta_1,
            beta2=beta_2,
            epsilon=tf.cast(self.epsilon, dtype),
            grad=tf.cast(gradient, dtype),
            use_locking=False,
        )
