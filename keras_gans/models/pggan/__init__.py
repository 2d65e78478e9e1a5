"""ProgressiveGAN (Karras et al. 2018): networks, model and schedule.

- `ProgressiveGenerator`, `ProgressiveDiscriminator`: the growing networks.
- `ProgressiveGAN`: the model (WGAN-GP + drift, EMA generator, phases).
- `ProgressiveSchedule`: the callback that sets phase and fade-in α from
  the number of real images trained on.
"""

from keras_gans.models import registry
from keras_gans.models.pggan.pggan import ProgressiveGAN, paper_adam
from keras_gans.models.pggan.pggan_discriminator import ProgressiveDiscriminator
from keras_gans.models.pggan.pggan_generator import ProgressiveGenerator
from keras_gans.models.pggan.pggan_network import (
    LEAKINESS,
    MAX_RESOLUTION,
    MIN_RESOLUTION,
    num_features,
    phase_resolution,
    stage_resolution,
)
from keras_gans.models.pggan.pggan_presets import PRESETS
from keras_gans.models.pggan.pggan_schedule import ProgressiveSchedule

registry.register_presets(PRESETS, ProgressiveGAN)

__all__ = [
    "LEAKINESS",
    "MAX_RESOLUTION",
    "MIN_RESOLUTION",
    "ProgressiveDiscriminator",
    "ProgressiveGAN",
    "ProgressiveGenerator",
    "ProgressiveSchedule",
    "num_features",
    "paper_adam",
    "phase_resolution",
    "stage_resolution",
]
