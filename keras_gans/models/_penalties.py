"""The regularisers of the train step, as named phases in one table.

Each D-step regulariser is a `Regulariser`: a name (what the step logs and
tracks), the compile argument holding its weight, the factor the step
multiplies that weight by, whether it is lazy, and the function computing
its value (as StyleGAN2-ADA's `training/loss.py` names its phases `Dr1`,
`Greg`, ... with their intervals):

| phase | paper | the D step adds | lazy |
|---|---|---|---|
| `gp` | WGAN-GP, Gulrajani et al. 2017 | `gp_weight * GP(x̂)` | yes |
| `r1` | Mescheder et al. 2018 | `r1_weight / 2 * R1(real)` | yes |
| `r2` | Mescheder et al. 2018 (R1 + R2: R3GAN, Huang et al. 2024) | `r2_weight / 2 * R2(fake)` | yes |
| `drift` | PGGAN, Karras et al. 2018 | `drift_weight * E[D(real)^2]` | no |

A lazy phase (StyleGAN2's lazy regularization, Karras et al. 2020, sec
3.1) runs every `compile(d_reg_interval=N)` D updates when N > 1, with its
weight multiplied by N; the drift term stays on every update.
`generator_penalties` is the G step's hook for regularisers of its own
(StyleGAN2's path length).
"""

import dataclasses

import tensorflow as tf
from keras import ops

from keras_gans import losses as losses_lib

__all__ = ["D_REGULARISERS", "PenaltiesMixin", "Regulariser"]


@dataclasses.dataclass(frozen=True)
class Regulariser:
    """One named regulariser phase of the D step.

    Args:
        name: str. What the step logs and tracks (`"r1"`).
        weight: str. The compile argument (a model attribute) of its weight.
        scale: float. The step adds `scale * weight * value`.
        lazy: bool. Runs every `d_reg_interval` D updates when that is > 1.
        penalty: `(model, real, fake, condition, real_logits) -> scalar`.
    """

    name: str
    weight: str
    scale: float
    lazy: bool
    penalty: object


def _gradient_penalty(model, real, fake, condition, real_logits):
    eps_shape = (ops.shape(real)[0],) + (1,) * (len(real.shape) - 1)
    return losses_lib.gradient_penalty(
        model._critic(condition), real, fake, eps=model._uniform(eps_shape)
    )


def _r1(model, real, fake, condition, real_logits):
    return losses_lib.r1_penalty(model._critic(condition), real)


def _r2(model, real, fake, condition, real_logits):
    return losses_lib.r2_penalty(model._critic(condition), fake)


def _drift(model, real, fake, condition, real_logits):
    return losses_lib.drift_penalty(real_logits)


#: The D step's regularisers, in the order the step adds them to its loss.
D_REGULARISERS = (
    Regulariser("gp", "gp_weight", 1.0, True, _gradient_penalty),
    Regulariser("r1", "r1_weight", 0.5, True, _r1),
    Regulariser("r2", "r2_weight", 0.5, True, _r2),
    Regulariser("drift", "drift_weight", 1.0, False, _drift),
)


class PenaltiesMixin:
    """The regulariser phases of `AdversarialModel`'s train step.

    Needs from the model: `discriminate(images, condition)` (D's logits
    first), `_uniform(shape)` (the model's seeded uniform draws), the
    weights `gp_weight`, `r1_weight`, `r2_weight`, `drift_weight` (a missing
    one counts as 0), `d_reg_interval` (1 when missing) and `d_optimizer`
    (its `iterations` time the lazy phases).
    """

    def _critic(self, condition):
        def critic(images):
            return self.discriminate(images, condition)[0]

        return critic

    def enabled_regularisers(self):
        """The `D_REGULARISERS` whose weight is not 0, in order."""
        return tuple(r for r in D_REGULARISERS if getattr(self, r.weight, 0.0))

    def _discriminator_regularisers(self, real, condition, fake, real_logits):
        """`({name: (value, weight)}, {name: tracker weight})` of the enabled
        D-step regularisers: the step adds `weight * value` to D's loss in
        this order. Lazy phases run every `d_reg_interval` D updates when
        that is > 1, their weight multiplied by it; their tracker weight is
        0 on the updates they skip."""
        enabled = self.enabled_regularisers()
        if not enabled:
            return {}, {}
        args = (real, fake, condition, real_logits)
        lazy = [r for r in enabled if r.lazy]
        interval = getattr(self, "d_reg_interval", 1)

        def compute():
            return tuple(r.penalty(self, *args) for r in lazy)

        penalties, counts = {}, {}
        if interval == 1 or not lazy:
            values = compute()
            factor = 1
        else:
            due = ops.equal(self.d_optimizer.iterations % interval, 0)
            values = tf.cond(due, compute, lambda: tuple(0.0 for _ in lazy))
            counts = {r.name: ops.cast(due, "float32") for r in lazy}
            factor = interval
        lazy_values = dict(zip((r.name for r in lazy), values))
        for r in enabled:
            weight = r.scale * getattr(self, r.weight)
            if r.lazy:
                value = lazy_values[r.name]
                weight = factor * weight if factor != 1 else weight
            else:
                value = r.penalty(self, *args)
            penalties[r.name] = (value, weight)
        return penalties, counts

    def generator_penalties(self, g_inputs, condition):
        """Regularisers of the G step, computed inside G's tape from the
        step's generator inputs: `({name: (value, weight)}, {name: tracker
        weight})`, as `_discriminator_regularisers`. The step adds `weight *
        value` to G's loss and logs `value` (a tracker weight of 0 on the
        steps a lazy regulariser skips); the names are among
        `extra_loss_names()`. Default: none."""
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
