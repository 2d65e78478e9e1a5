"""`LinearDecaySchedule`: CycleGAN's constant-then-linear learning rate."""

import keras
from keras import ops

from keras_gans.utils import check_float, check_int

__all__ = ["LinearDecaySchedule"]


@keras.saving.register_keras_serializable(package="keras_gans")
class LinearDecaySchedule(keras.optimizers.schedules.LearningRateSchedule):
    """Constant for the first part of training, then linearly down to 0.

    Zhu et al. 2017, sec 4: "We keep the same learning rate for the first
    100 epochs and linearly decay the rate to zero over the next 100
    epochs." Here in optimizer steps: with `T = total_steps` and
    `c = round(constant_fraction * T)`, the rate at step s is
    `initial_learning_rate` for s < c and
    `initial_learning_rate * max(0, (T - s) / (T - c))` after. The step is
    the optimizer's `iterations`, which Keras saves with the optimizer, so
    a resumed run continues on the same curve.

    `total_steps=None` keeps the rate constant; `CycleGAN.fit` sets it to
    the `fit` call's epochs x steps per epoch before training when it is
    `None` (the value is then saved in the optimizer's config).

    Args:
        initial_learning_rate: float > 0. Paper: 2e-4.
        total_steps: int >= 1 or `None`. Steps of the whole run.
        constant_fraction: float in [0, 1]. Part of the run at the constant
            rate (paper: 0.5).

    Example:
    >>> schedule = LinearDecaySchedule(2e-4, total_steps=10)
    >>> [round(float(schedule(s)) * 1e4, 3) for s in (0, 4, 5, 6, 10)]
    [2.0, 2.0, 2.0, 1.6, 0.0]
    """

    def __init__(
        self, initial_learning_rate=2e-4, total_steps=None, constant_fraction=0.5
    ):
        self.initial_learning_rate = check_float(
            "initial_learning_rate", initial_learning_rate, minimum=0.0, exclusive=True
        )
        if total_steps is not None:
            total_steps = check_int("total_steps", total_steps, minimum=1)
        self.total_steps = total_steps
        self.constant_fraction = check_float(
            "constant_fraction", constant_fraction, 0.0, 1.0
        )

    @property
    def constant_steps(self):
        """Steps at the constant rate (`None` while `total_steps` is)."""
        if self.total_steps is None:
            return None
        return int(round(self.constant_fraction * self.total_steps))

    def __call__(self, step):
        rate = ops.convert_to_tensor(self.initial_learning_rate, "float32")
        if self.total_steps is None:
            return rate
        total, constant = float(self.total_steps), float(self.constant_steps)
        step = ops.cast(step, "float32")
        decay = (total - step) / max(total - constant, 1.0)
        return rate * ops.clip(ops.minimum(decay, 1.0), 0.0, 1.0)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "total_steps": self.total_steps,
            "constant_fraction": self.constant_fraction,
        }
