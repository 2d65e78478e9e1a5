"""`GAN`: the original multilayer-perceptron GAN (Goodfellow et al. 2014)."""

import math

import keras
from keras import layers

from keras_gans.layers import Maxout
from keras_gans.models.adversarial import AdversarialModel


def gan_generator(latent_dim=100, image_shape=(28, 28, 1), units=(1200, 1200)):
    """The paper's MNIST generator: ReLU MLP, then one output unit per pixel.

    Goodfellow et al. 2014, "Generative Adversarial Nets" (the released
    `mnist.yaml`: two ReLU layers of 1200 units). The output is `tanh`
    rather than the paper's sigmoid because images live in [-1, 1] here.
    """
    noise = keras.Input((latent_dim,), name="noise")
    x = noise
    for i, n in enumerate(units):
        x = layers.Dense(n, activation="relu", name=f"dense_{i}")(x)
    x = layers.Dense(math.prod(image_shape), activation="tanh", name="to_pixels")(x)
    images = layers.Reshape(image_shape, name="images")(x)
    return keras.Model(noise, images, name="generator")


def gan_discriminator(
    image_shape=(28, 28, 1), units=(240, 240), pieces=5, dropout=0.5, input_dropout=0.2
):
    """The paper's MNIST discriminator: two Maxout layers with dropout, one logit.

    Goodfellow et al. 2014 (`mnist.yaml`: Maxout 240 units x 5 pieces twice,
    dropout with input include probability 0.8 and 0.5 on hidden layers).
    """
    images = keras.Input(image_shape, name="images")
    x = layers.Flatten()(images)
    x = layers.Dropout(input_dropout)(x)
    for i, n in enumerate(units):
        x = Maxout(n, pieces, name=f"maxout_{i}")(x)
        x = layers.Dropout(dropout)(x)
    logits = layers.Dense(1, name="logit")(x)
    return keras.Model(images, logits, name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gans")
class GAN(AdversarialModel):
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
        image_shape: tuple. `(height, width, channels)` of the images.
        latent_dim: int. Size of the noise vector.
        generator_units: tuple of ints. Hidden layer sizes of G.
        discriminator_units: tuple of ints. Maxout layer sizes of D.
        pieces: int. Maxout pieces per unit.
        dropout: float. Dropout rate on D's hidden layers.
        latent_distribution: str. `"uniform"` (U(-1, 1), paper) or `"normal"`.
        seed: int or `None`. Seed of the training random stream.

    Example:
    >>> model = GAN(latent_dim=8, generator_units=(16,), discriminator_units=(8,))
    >>> model.compile(loss="minimax")
    >>> model.generate(2, seed=0).shape
    (2, 28, 28, 1)
    """

    builds_own_networks = True

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        generator_units=(1200, 1200),
        discriminator_units=(240, 240),
        pieces=5,
        dropout=0.5,
        latent_distribution="uniform",
        seed=None,
        **kwargs,
    ):
        image_shape = tuple(image_shape)
        if len(image_shape) != 3:
            raise ValueError(
                f"`image_shape` must be (height, width, channels). "
                f"Received: image_shape={image_shape}"
            )
        self.image_shape = image_shape
        self.generator_units = tuple(generator_units)
        self.discriminator_units = tuple(discriminator_units)
        self.pieces = pieces
        self.dropout = dropout
        super().__init__(
            generator=gan_generator(latent_dim, image_shape, self.generator_units),
            discriminator=gan_discriminator(
                image_shape, self.discriminator_units, pieces, dropout
            ),
            latent_dim=latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=self.image_shape,
            generator_units=self.generator_units,
            discriminator_units=self.discriminator_units,
            pieces=self.pieces,
            dropout=self.dropout,
        )
        return config
