"""The models of the zoo, each a `keras.Model` trained with `fit()`."""

from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.cgan import ConditionalGAN
from keras_gans.models.cyclegan import CycleGAN
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.gan import GAN
from keras_gans.models.pggan import ProgressiveGAN
from keras_gans.models.pix2pix import Pix2Pix
from keras_gans.models.scgan import SelfConditionedGAN
from keras_gans.models.style import FastStyleTransfer, NeuralStyleTransfer
from keras_gans.models.stylegan2 import StyleGAN2

__all__ = [
    "AdversarialModel",
    "ConditionalGAN",
    "CycleGAN",
    "DCGAN",
    "FastStyleTransfer",
    "GAN",
    "NeuralStyleTransfer",
    "Pix2Pix",
    "ProgressiveGAN",
    "SelfConditionedGAN",
    "StyleGAN2",
]
