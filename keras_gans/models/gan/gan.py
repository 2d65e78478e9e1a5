"""`GAN`: the original multilayer-perceptron GAN (Goodfellow et al. 2014)."""

import keras

from keras_gans.models._own_networks import OwnNetworksConfig
from keras_gans.models._seeds import layer_seeds
from keras_gans.models._shapes import image_geometry
from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.gan.gan_networks import gan_discriminator, gan_generator

__all__ = ["GAN"]


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(OwnNetworksConfig, AdversarialModel):
    """The multilayer-perceptron GAN of Goodfellow et al. 2014.

    "Generative Adversarial Nets", NeurIPS 2014. Generator: ReLU MLP
    (1200-1200) on uniform noise; discriminator: Maxout MLP (240x5,
    240x5) with dropout. Train with `loss="minimax"` for the paper's value
    function or `loss="non_saturating"` (the default) for the paper's
    practical recommendation (sec 3: maximise log D(G(z))).

    Deviations: tanh output for [-1, 1] images instead of sigmoid; the
    default optimizer is Adam(2e-4, beta_1=0.5) rather than the paper's SGD
    with momentum, which needed a hand-tuned schedule.

    Args:
        image_size: int or `(height, width)`. Size of the images.
        channels: int. Image channels.
        latent_dim: int. Size of the noise vector.
        generator_units: tuple of ints. Hidden layer sizes of G.
        discriminator_units: tuple of ints. Maxout layer sizes of D.
        pieces: int. Maxout pieces per unit.
        dropout: float. Dropout rate on D's hidden layers.
        latent_distribution: str. `"uniform"` (U(-1, 1), paper) or `"normal"`.
        spectral_norm: bool. Spectral normalization (Miyato et al. 2018) on
            D's layers (see the discriminator builder).
        seed: int or `None`. Seeds the weights, the dropout masks and the
            training noise: one seed, one model and one run.
        image_shape: deprecated `(height, width, channels)`; use
            `image_size` and `channels`.
        **kwargs: `keras.Model` arguments; `dtype` (a policy such as
            `"mixed_bfloat16"`) is also the policy of every layer of G and D.

    Raises:
        ValueError: a bad image size, channel count or latent distribution.

    Example:
    >>> model = GAN(latent_dim=8, generator_units=(16,), discriminator_units=(8,))
    >>> model.compile(loss="minimax")
    >>> model.generate(2, seed=0).shape
    (2, 28, 28, 1)
    """

    config_arguments = (
        "image_size",
        "channels",
        "generator_units",
        "discriminator_units",
        "pieces",
        "dropout",
        "spectral_norm",
    )

    def __init__(
        self,
        image_size=28,
        channels=1,
        latent_dim=100,
        generator_units=(1200, 1200),
        discriminator_units=(240, 240),
        pieces=5,
        dropout=0.5,
        latent_distribution="uniform",
        spectral_norm=False,
        seed=None,
        image_shape=None,
        **kwargs,
    ):
        size, hw, channels = image_geometry(image_size, channels, image_shape)
        self.image_size = size
        self.channels = channels
        self.generator_units = tuple(generator_units)
        self.discriminator_units = tuple(discriminator_units)
        self.pieces = pieces
        self.dropout = dropout
        self.spectral_norm = bool(spectral_norm)
        dtype = kwargs.get("dtype")
        with layer_seeds(seed):
            generator = gan_generator(
                latent_dim, hw, channels, self.generator_units, dtype=dtype
            )
            discriminator = gan_discriminator(
                hw,
                channels,
                self.discriminator_units,
                pieces,
                dropout,
                dtype=dtype,
                spectral_norm=self.spectral_norm,
            )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            **kwargs,
        )
