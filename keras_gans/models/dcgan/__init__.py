"""DCGAN (Radford et al. 2016): convolutional networks and the model."""

from keras_gans.models import registry
from keras_gans.models.dcgan.dcgan import DCGAN
from keras_gans.models.dcgan.dcgan_networks import (
    DCGAN_INIT,
    conv_trunk,
    dcgan_discriminator,
    dcgan_generator,
    num_upsamplings,
)
from keras_gans.models.dcgan.dcgan_presets import PRESETS

registry.register_presets(PRESETS, DCGAN)

__all__ = [
    "DCGAN",
    "DCGAN_INIT",
    "conv_trunk",
    "dcgan_discriminator",
    "dcgan_generator",
    "num_upsamplings",
]
