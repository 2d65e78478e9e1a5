"""The original GAN (Goodfellow et al. 2014): MLP networks and the model."""

from keras_gans.models import registry
from keras_gans.models.gan.gan import GAN
from keras_gans.models.gan.gan_networks import gan_discriminator, gan_generator
from keras_gans.models.gan.gan_presets import PRESETS

registry.register_presets(PRESETS, GAN)

__all__ = ["GAN", "gan_discriminator", "gan_generator"]
