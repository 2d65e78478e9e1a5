"""CycleGAN (Zhu et al. 2017): ResNet generators, PatchGAN discriminators,
the image history pool, the learning-rate schedule and the `CycleGAN`
model that trains them on unpaired images."""

from keras_gans.models import registry
from keras_gans.models.cyclegan.cyclegan import DIRECTIONS, CycleGAN
from keras_gans.models.cyclegan.cyclegan_grid import CycleGrid
from keras_gans.models.cyclegan.cyclegan_image_pool import ImagePool
from keras_gans.models.cyclegan.cyclegan_networks import (
    instance_norm,
    paper_residual_blocks,
    resnet_generator,
)
from keras_gans.models.cyclegan.cyclegan_presets import PRESETS
from keras_gans.models.cyclegan.cyclegan_schedule import LinearDecaySchedule

registry.register_presets(PRESETS, CycleGAN)

__all__ = [
    "DIRECTIONS",
    "CycleGAN",
    "CycleGrid",
    "ImagePool",
    "LinearDecaySchedule",
    "instance_norm",
    "paper_residual_blocks",
    "resnet_generator",
]
