"""`DCGAN`: deep convolutional GAN (Radford et al. 2016)."""

import keras

from keras_gans.models._own_networks import OwnNetworksConfig
from keras_gans.models._seeds import layer_seeds
from keras_gans.models._shapes import image_geometry
from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.dcgan.dcgan_networks import (
    dcgan_discriminator,
    dcgan_generator,
)

__all__ = ["DCGAN"]


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGAN(OwnNetworksConfig, AdversarialModel):
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
        image_size: int or `(height, width)`. Image size (28, 32, 64, ...);
            see `num_upsamplings`.
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
        spectral_norm: bool. Spectral normalization (Miyato et al. 2018) on
            D's layers (see the discriminator builder).
        seed: int or `None`. Seeds the weights and the training noise.
        image_shape: deprecated `(height, width, channels)`.
        **kwargs: `keras.Model` arguments; `dtype` (a policy such as
            `"mixed_bfloat16"`) is also the policy of every layer of G and D.

    Raises:
        ValueError: an image size without a stride-2 start of at least 4x4,
            or a bad channel count or latent distribution.

    Example:
    >>> model = DCGAN(image_size=28, channels=1, generator_filters=8,
    ...               discriminator_filters=8)
    >>> model.compile()
    >>> model.generate(2, seed=0).shape
    (2, 28, 28, 1)
    """

    config_arguments = (
        "image_size",
        "channels",
        "generator_filters",
        "discriminator_filters",
        "kernel_size",
        "sync_batch_norm",
        "spectral_norm",
    )

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
        spectral_norm=False,
        seed=None,
        image_shape=None,
        **kwargs,
    ):
        size, hw, channels = image_geometry(image_size, channels, image_shape)
        self.image_size = size
        self.sync_batch_norm = sync_batch_norm
        self.spectral_norm = bool(spectral_norm)
        self.channels = channels
        dtype = kwargs.get("dtype")
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.kernel_size = kernel_size
        with layer_seeds(seed):
            generator = dcgan_generator(
                latent_dim,
                hw,
                channels,
                generator_filters,
                kernel_size,
                sync_batch_norm=sync_batch_norm,
                dtype=dtype,
            )
            discriminator = dcgan_discriminator(
                hw,
                channels,
                discriminator_filters,
                kernel_size,
                sync_batch_norm=sync_batch_norm,
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
