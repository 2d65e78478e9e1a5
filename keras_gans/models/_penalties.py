"""The gradient penalties of a discriminator step, lazily if asked.

`PenaltiesMixin._gradient_penalties` is what `AdversarialModel`'s D step
adds to its loss: WGAN-GP (Gulrajani et al. 2017), R1 and R2 (Mescheder et
al. 2018; R1 + R2 is R3GAN's pair, Huang et al. 2024), with the lazy regularization of StyleGAN2 (Karras et al. 2020, sec
3.1) when `compile(d_reg_interval=N)` has N > 1. `generator_penalties` is
the G step's hook for regularisers of its own (StyleGAN2's path length).
"""

import tensorflow as tf
from keras import ops

from keras_gans import losses as losses_lib

__all__ = ["PenaltiesMixin"]


class PenaltiesMixin:
    """Gradient penalties for a model with `discriminate`, `_uniform`,
    `gp_weight`, `r1_weight`, `r2_weight`, `d_reg_interval` and
    `d_optimizer`."""

    def _critic(self, condition):
        def critic(images):
            return self.discriminate(images, condition)[0]

        return critic

    def _gradient_penalties(self, real, condition, fake):
        """`({name: (penalty, weight)}, {name: tracker weight})` of the
        enabled gradient penalties (WGAN-GP, R1 on `real`, R2 on `fake`), lazily every
        `d_reg_interval` D updates when that is > 1."""

        def compute():
            values = []
            if self.gp_weight:
                eps_shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
                values.append(
                    losses_lib.gradient_penalty(
                        self._critic(condition),
                        real,
                        fake,
                        eps=self._uniform(eps_shape),
                    )
                )
            if self.r1_weight:
                values.append(losses_lib.r1_penalty(self._critic(condition), real))
            if r2_weight:
                values.append(losses_lib.r2_penalty(self._critic(condition), fake))
            return tuple(values)

        r2_weight = getattr(self, "r2_weight", 0.0)

        names, weights = [], []
        if self.gp_weight:
            names.append("gp")
            weights.append(self.gp_weight)
        if self.r1_weight:
            names.append("r1")
            weights.append(0.5 * self.r1_weight)
        if r2_weight:
            names.append("r2")
            weights.append(0.5 * r2_weight)
        if not names:
            return {}, {}
        interval = getattr(self, "d_reg_interval", 1)
        if interval == 1:
            return dict(zip(names, zip(compute(), weights))), {}
        due = ops.equal(self.d_optimizer.iterations % interval, 0)
        values = tf.cond(due, compute, lambda: tuple(0.0 for _ in names))
        counted = ops.cast(due, "float32")
        penalties = {
            name: (value, interval * weight)
            for name, value, weight in zip(names, values, weights)
        }
        return penalties, {name: counted for name in names}

    def generator_penalties(self, g_inputs, condition):
        """Regularisers of the G step, computed inside G's tape from the
        step's generator inputs: `({name: (value, weight)}, {name: tracker
        weight})`, as `_gradient_penalties`. The step adds `weight * value`
        to G's loss and logs `value` (a tracker weight of 0 on the steps a
        lazy regulariser skips); the names are among `extra_loss_names()`.
        Default: none."""
        return {}, {}

    def _add_generator_penalties(self, logs, total, g_inputs, condition):
        """`total` plus the weighted `generator_penalties`, logged in `logs`."""
        penalties, weights = self.generator_penalties(g_inputs, condition)
        for name, (value, weight) in penalties.items():
            logs[name] = value
            total = total + weight * value
        if weights:  # of the trackers, merged with the D step's
            logs["_weights"] = {**logs.get("_weights", {}), **weights}
        return total
