"""`DCGAN`: deep convolutional GAN (Radford et al. 2016)."""

import keras
from keras import layers

from keras_gans.models.adversarial import AdversarialModel

#: Radford et al. 2016, sec 4: "All weights were initialized from a zero-centered
#: Normal distribution with standard deviation 0.02."
DCGAN_INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}


def num_upsamplings(image_size):
    """Stride-2 stages from the smallest start size (>= 4) up to `image_size`.

    64 -> 4 stages (4, 8, 16, 32, 64); 28 -> 2 stages (7, 14, 28).
    """
    if image_size < 4:
        raise ValueError(
            f"`image_size` must be >= 4. Received: image_size={image_size}"
        )
    stages, size = 0, image_size
    while size % 2 == 0 and size // 2 >= 4:
        size //= 2
        stages += 1
    if stages == 0:
        raise ValueError(
            "`image_size` must be divisible by 2 at least once with a start size "
            f">= 4 (e.g. 28, 32, 64). Received: image_size={image_size}"
        )
    return stages


def dcgan_generator(
    latent_dim=100,
    image_size=64,
    channels=3,
    filters=128,
    kernel_size=5,
    num_classes=None,
    sync_batch_norm=False,
):
    """Fractionally-strided convolutions with BatchNorm and ReLU, tanh output.

    Radford et al. 2016, Fig. 1: project z to a small map with many
    channels, then each stride-2 transposed conv doubles the size and halves
    the channels; BatchNorm everywhere but the output layer. With
    `image_size=64, filters=128` this is the paper's 4x4x1024 -> 64x64x3 net.
    `num_classes` adds a one-hot label input joined to z (a conditional
    DCGAN, as in Mirza & Osindero's conditioning). `sync_batch_norm` makes
    BatchNorm use the statistics of the global batch under a
    `tf.distribute` strategy (`BatchNormalization(synchronized=True)`).
    """
    stages = num_upsamplings(image_size)
    start = image_size // 2**stages
    width = filters * 2 ** (stages - 1)
    noise = keras.Input((latent_dim,), name="noise")
    inputs = [noise]
    x = noise
    if num_classes is not None:
        labels = keras.Input((), dtype="int32", name="labels")
        inputs.append(labels)
        one_hot = layers.CategoryEncoding(num_classes, output_mode="one_hot")(labels)
        x = layers.Concatenate()([noise, one_hot])
    x = layers.Dense(
        start * start * width, use_bias=False, kernel_initializer=DCGAN_INIT
    )(x)
    x = layers.Reshape((start, start, width))(x)
    x = layers.BatchNormalization(synchronized=sync_batch_norm)(x)
    x = layers.ReLU()(x)
    for stage in range(1, stages):
        x = layers.Conv2DTranspose(
            width // 2**stage,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=False,
            kernel_initializer=DCGAN_INIT,
        )(x)
        x = layers.BatchNormalization(synchronized=sync_batch_norm)(x)
        x = layers.ReLU()(x)
    images = layers.Conv2DTranspose(
        channels,
        kernel_size,
        strides=2,
        padding="same",
        activation="tanh",
        kernel_initializer=DCGAN_INIT,
        name="images",
    )(x)
    return keras.Model(inputs if num_classes else noise, images, name="generator")


def conv_trunk(
    images, stages, filters=64, kernel_size=5, batch_norm=True, sync_batch_norm=False
):
    """D's body: `stages` stride-2 convs, channels doubling, LeakyReLU(0.2).

    BatchNorm follows every conv but the first (Radford et al. 2016, sec 3).
    Returns the last feature map.
    """
    x = images
    for stage in range(stages):
        x = layers.Conv2D(
            filters * 2**stage,
            kernel_size,
            strides=2,
            padding="same",
            use_bias=stage == 0 or not batch_norm,
            kernel_initializer=DCGAN_INIT,
        )(x)
        if batch_norm and stage > 0:
            x = layers.BatchNormalization(synchronized=sync_batch_norm)(x)
        x = layers.LeakyReLU(0.2)(x)
    return x


def dcgan_discriminator(
    image_size=64, channels=3, filters=64, kernel_size=5, sync_batch_norm=False
):
    """Strided convolutions with LeakyReLU(0.2), BatchNorm after the first.

    Radford et al. 2016, sec 3: no pooling, BatchNorm in every layer but the
    discriminator's input layer, LeakyReLU (slope 0.2) throughout, one logit
    from the flattened last map.
    """
    images = keras.Input((image_size, image_size, channels), name="images")
    x = conv_trunk(
        images,
        num_upsamplings(image_size),
        filters,
        kernel_size,
        sync_batch_norm=sync_batch_norm,
    )
    x = layers.Flatten()(x)
    logits = layers.Dense(1, kernel_initializer=DCGAN_INIT, name="logit")(x)
    return keras.Model(images, logits, name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGAN(AdversarialModel):
    """Deep convolutional GAN of Radford et al. 2016.

    "Unsupervised Representation Learning with Deep Convolutional Generative
    Adversarial Networks", ICLR 2016. G: project and reshape z, then
    stride-2 transposed convolutions with BatchNorm and ReLU, tanh output.
    D: stride-2 convolutions with BatchNorm (not on the first layer) and
    LeakyReLU(0.2). Weights N(0, 0.02); Adam(2e-4, beta_1=0.5); uniform z.

    `image_size` 64 (faces, 3 channels) gives the paper's net; 28 (digits,
    1 channel) starts from 7x7. `generator_filters=128` is the paper's
    1024-channel first map at 64x64; smaller values give smaller nets.

    Args:
        image_size: int. Height and width (28, 32, 64, ...).
        channels: int. Image channels.
        latent_dim: int. Size of z.
        generator_filters: int. Channels of G's last hidden map.
        discriminator_filters: int. Channels of D's first map.
        kernel_size: int. Convolution kernel size (paper: 5).
        latent_distribution: str. `"uniform"` (paper) or `"normal"`.
        sync_batch_norm: bool. Under a `tf.distribute` strategy, BatchNorm
            normalises with the statistics of the global batch rather than
            each replica's share (costs an all-reduce per BatchNorm layer;
            worth it when per-replica batches are small).
        seed: int or `None`.

    Example:
    >>> model = DCGAN(image_size=28, channels=1, generator_filters=8,
    ...               discriminator_filters=8)
    >>> model.compile()
    >>> model.generate(2, seed=0).shape
    (2, 28, 28, 1)
    """

    builds_own_networks = True

    def __init__(
        self,
        image_size=64,
        channels=3,
        latent_dim=100,
        generator_filters=128,
        discriminator_filters=64,
        kernel_size=5,
        latent_distribution="uniform",
        sync_batch_norm=False,
        seed=None,
        **kwargs,
    ):
        self.image_size = image_size
        self.sync_batch_norm = sync_batch_norm
        self.channels = channels
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.kernel_size = kernel_size
        super().__init__(
            generator=dcgan_generator(
                latent_dim,
                image_size,
                channels,
                generator_filters,
                kernel_size,
                sync_batch_norm=sync_batch_norm,
            ),
            discriminator=dcgan_discriminator(
                image_size,
                channels,
                discriminator_filters,
                kernel_size,
                sync_batch_norm=sync_batch_norm,
            ),
            latent_dim=latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            image_size=self.image_size,
            channels=self.channels,
            generator_filters=self.generator_filters,
            discriminator_filters=self.discriminator_filters,
            kernel_size=self.kernel_size,
            sync_batch_norm=self.sync_batch_norm,
        )
        return config
