"""StyleGAN2 (Karras et al. 2020, config F): networks, layers and model.

- `StyleGAN2Generator`, `StyleGAN2Discriminator`: the networks.
- `StyleGAN2`: the model (logistic loss, lazy R1 and path length, style
  mixing, EMA by half-life, truncation in W, projection, export).
- `ModulatedConv2D`, `ConstantInput` and the FIR resampling functions.
- `project`: an image into W.
"""

from keras_gans.models import registry
from keras_gans.models.stylegan2.stylegan2 import StyleGAN2, lazy_adam
from keras_gans.models.stylegan2.stylegan2_discriminator import StyleGAN2Discriminator
from keras_gans.models.stylegan2.stylegan2_generator import StyleGAN2Generator
from keras_gans.models.stylegan2.stylegan2_layers import (
    FIR_FILTER,
    ConstantInput,
    ModulatedConv2D,
    fir_blur,
    fir_downsample,
    fir_upsample,
)
from keras_gans.models.stylegan2.stylegan2_network import (
    MAX_RESOLUTION,
    MIN_RESOLUTION,
    num_channels,
)
from keras_gans.models.stylegan2.stylegan2_presets import PRESETS
from keras_gans.models.stylegan2.stylegan2_projector import project

registry.register_presets(PRESETS, StyleGAN2)

__all__ = [
    "FIR_FILTER",
    "MAX_RESOLUTION",
    "MIN_RESOLUTION",
    "ConstantInput",
    "ModulatedConv2D",
    "StyleGAN2",
    "StyleGAN2Discriminator",
    "StyleGAN2Generator",
    "fir_blur",
    "fir_downsample",
    "fir_upsample",
    "lazy_adam",
    "num_channels",
    "project",
]
