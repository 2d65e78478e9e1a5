"""Pix2Pix (Isola et al. 2017): the U-Net generator, the PatchGAN
discriminator and the `Pix2Pix` model that trains them."""

from keras_gans.models import registry
from keras_gans.models.pix2pix._pix2pix_common import NORMALIZATIONS, PIX2PIX_INIT
from keras_gans.models.pix2pix.pix2pix import Pix2Pix
from keras_gans.models.pix2pix.pix2pix_discriminator import (
    patch_discriminator,
    receptive_field,
)
from keras_gans.models.pix2pix.pix2pix_dropout import with_active_dropout
from keras_gans.models.pix2pix.pix2pix_generator import unet_depth, unet_generator
from keras_gans.models.pix2pix.pix2pix_presets import PRESETS

registry.register_presets(PRESETS, Pix2Pix)

__all__ = [
    "NORMALIZATIONS",
    "PIX2PIX_INIT",
    "Pix2Pix",
    "patch_discriminator",
    "receptive_field",
    "unet_depth",
    "unet_generator",
    "with_active_dropout",
]
