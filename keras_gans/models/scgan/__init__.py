"""The self-conditioned GAN (Liu et al. 2020): a conditional GAN on k-means
cluster ids of unlabelled images, sampled by the clusters' frequencies."""

from keras_gans.models import registry
from keras_gans.models.scgan.scgan import SelfConditionedGAN
from keras_gans.models.scgan.scgan_presets import PRESETS

registry.register_presets(PRESETS, SelfConditionedGAN)

__all__ = ["SelfConditionedGAN"]
