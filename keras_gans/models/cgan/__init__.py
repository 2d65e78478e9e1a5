"""The conditional GAN (Mirza & Osindero 2014): label-conditioned networks,
their conv/projection/AC-GAN variants, and the model."""

from keras_gans.models import registry
from keras_gans.models.cgan.cgan import ARCHITECTURES, ConditionalGAN
from keras_gans.models.cgan.cgan_networks import (
    CONV_HEADS,
    cgan_conv_discriminator,
    cgan_maxout_discriminator,
    cgan_mlp_generator,
)
from keras_gans.models.cgan.cgan_presets import PRESETS
from keras_gans.models.dcgan.dcgan_networks import (
    DCGAN_INIT,
    conv_trunk,
    dcgan_generator,
    num_upsamplings,
)

registry.register_presets(PRESETS, ConditionalGAN)

__all__ = [
    "ARCHITECTURES",
    "CONV_HEADS",
    "ConditionalGAN",
    "DCGAN_INIT",
    "cgan_conv_discriminator",
    "cgan_maxout_discriminator",
    "cgan_mlp_generator",
    "conv_trunk",
    "dcgan_generator",
    "num_upsamplings",
]
