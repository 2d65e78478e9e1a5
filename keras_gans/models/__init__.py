"""The models of the zoo, each a `keras.Model` trained with `fit()`."""

from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.cgan import ConditionalGAN
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.gan import GAN

__all__ = ["AdversarialModel", "ConditionalGAN", "DCGAN", "GAN"]
