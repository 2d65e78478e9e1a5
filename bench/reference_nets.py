"""The two reference networks compared with PyTorch, built with keras_gans.

- `dcgan64_reference()`: the DCGAN-64 of the PyTorch DCGAN example
  (ngf = ndf = 64, kernel 4): G 100 -> 4x4x512 -> 8x8x256 -> 16x16x128 ->
  32x32x64 -> 64x64x3 (BatchNorm + ReLU, tanh), D mirrored (LeakyReLU 0.2,
  BatchNorm but on the first conv), one logit; Adam(2e-4, 0.5), BCE
  (non-saturating). That is `keras_gans.models.DCGAN(image_size=64,
  channels=3, generator_filters=64, discriminator_filters=64,
  kernel_size=4)`: its Dense projection of z to 4x4x512 is the reference's
  1x1 -> 4x4 transposed conv, and its Flatten + Dense(1) on the 4x4x512 map
  is the reference's 4x4 valid conv.
- `mlp_cgan_reference()`: PyTorch-GAN's `cgan` (Linder-Norén) as an
  `AdversarialModel` with Keras networks: G embeds the label (10 -> 10),
  joins it to z (110) and runs 128 (no BatchNorm) - 256 - 512 - 1024 with
  BatchNorm(eps 0.8) and LeakyReLU(0.2), then 784 tanh; D joins the
  flattened image and the label embedding (794) and runs 512 - 512 -
  512 (dropout 0.4 on the last two) - 1 with LeakyReLU(0.2); LSGAN loss,
  Adam(2e-4, 0.5).

Both are used by `bench/train_throughput.py` and `bench/peers/compare.py`.
"""

import keras
from keras import layers

from keras_gans import models
from keras_gans.training import FusedAdam

__all__ = ["dcgan64_reference", "mlp_cgan_reference", "compile_reference"]


def dcgan64_reference(seed=0, dtype=None):
    """The DCGAN-64 reference networks as a `DCGAN` (not compiled)."""
    kwargs = {} if dtype is None else {"dtype": dtype}
    return models.DCGAN(
        image_size=64,
        channels=3,
        generator_filters=64,
        discriminator_filters=64,
        kernel_size=4,
        seed=seed,
        **kwargs,
    )


def _mlp_generator(latent_dim=100, num_classes=10):
    noise = keras.Input((latent_dim,), name="noise")
    labels = keras.Input((), dtype="int32", name="labels")
    x = layers.Concatenate()(
        [layers.Embedding(num_classes, num_classes)(labels), noise]
    )
    for units, normalize in [(128, False), (256, True), (512, True), (1024, True)]:
        x = layers.Dense(units)(x)
        if normalize:  # torch BatchNorm1d(out, 0.8): eps 0.8, momentum 0.1
            x = layers.BatchNormalization(epsilon=0.8, momentum=0.9)(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Dense(28 * 28, activation="tanh")(x)
    images = layers.Reshape((28, 28, 1))(x)
    return keras.Model([noise, labels], images, name="generator")


def _mlp_discriminator(num_classes=10):
    images = keras.Input((28, 28, 1), name="images")
    labels = keras.Input((), dtype="int32", name="labels")
    embedded = layers.Embedding(num_classes, num_classes)(labels)
    x = layers.Concatenate()([layers.Flatten()(images), embedded])
    for i in range(3):
        x = layers.Dense(512)(x)
        if i > 0:
            x = layers.Dropout(0.4)(x)
        x = layers.LeakyReLU(0.2)(x)
    logits = layers.Dense(1)(x)
    return keras.Model([images, labels], logits, name="discriminator")


def mlp_cgan_reference(seed=0):
    """PyTorch-GAN's `cgan` networks as an `AdversarialModel` (not compiled)."""
    keras.utils.set_random_seed(seed)
    return models.AdversarialModel(
        _mlp_generator(),
        _mlp_discriminator(),
        latent_dim=100,
        num_classes=10,
        latent_distribution="normal",
        seed=seed,
    )


def compile_reference(model, loss, **kwargs):
    """`model.compile` with the references' Adam(2e-4, beta_1=0.5) and `loss`:
    the package's Adam (`FusedAdam`, the same update in one kernel per
    variable), as `AdversarialModel.compile` and the recipes make it."""

    def adam():
        return FusedAdam(learning_rate=2e-4, beta_1=0.5)

    model.compile(g_optimizer=adam(), d_optimizer=adam(), loss=loss, **kwargs)
    return model
