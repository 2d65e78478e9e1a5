"""`ConditionalGAN`: conditional adversarial nets (Mirza & Osindero 2014)."""

import keras
from keras import ops

from keras_gans.models._own_networks import OwnNetworksConfig
from keras_gans.models._seeds import layer_seeds
from keras_gans.models._shapes import image_geometry
from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.cgan.cgan_networks import (
    CONV_HEADS,
    cgan_conv_discriminator,
    cgan_maxout_discriminator,
    cgan_mlp_generator,
)
from keras_gans.models.dcgan.dcgan_networks import dcgan_generator
from keras_gans.utils import check_choice, check_float

__all__ = ["ARCHITECTURES", "ConditionalGAN"]

ARCHITECTURES = ("maxout", "conv", "mlp_conv")


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalGAN(OwnNetworksConfig, AdversarialModel):
    """Conditional GAN of Mirza & Osindero 2014, with a conv variant.

    "Conditional Generative Adversarial Nets", arXiv:1411.1784. Both nets see
    the class label y. `architecture="maxout"` (default) is the paper's MNIST
    model: G joins z (-> 200 ReLU) and one-hot y (-> 1000 ReLU) into a 1200
    ReLU layer; D joins x (Maxout 240x5) and y (Maxout 50x5) into a Maxout
    240x4 layer; dropout 0.5; uniform z of size 100.

    `architecture="conv"`: a DCGAN-style generator with one-hot y joined to z,
    and a strided-conv discriminator conditioned by `conv_head`:
    `"projection"` (Miyato & Koyama 2018) or `"concat"` (label map as an extra
    input channel). `architecture="mlp_conv"`: the paper's MLP generator with
    that conv discriminator. `auxiliary_weight > 0` adds an AC-GAN class head
    (Odena et al. 2017) to either discriminator.

    Deviations: tanh output; Adam(2e-4, beta_1=0.5) by default instead of the
    paper's SGD with momentum and a decaying learning rate; z ~ U(-1, 1)
    rather than U(0, 1).

    Labels are int32 class ids, `(batch,)`; ids outside `[0, num_classes)`
    are rejected by `generate()` and the export with a `ValueError`.

    Args:
        num_classes: int. Number of classes.
        image_size: int or `(height, width)`. Size of the images
            (for the conv nets, one `num_upsamplings` accepts).
        channels: int. Image channels.
        latent_dim: int. Size of z.
        architecture: str. `"maxout"` (paper), `"conv"` or `"mlp_conv"`.
        dropout: float. Dropout of the Maxout model's hidden layers.
        generator_filters: int. Conv G: channels of the last hidden map.
        discriminator_filters: int. Conv D: channels of the first map.
        kernel_size: int. Conv kernel size.
        conv_head: str. `"projection"` or `"concat"`.
        discriminator_batch_norm: bool. BatchNorm in the conv D.
        sync_batch_norm: bool. BatchNorm layers (conv G, conv D) use the
            global batch's statistics under a `tf.distribute` strategy.
        minibatch_stddev: bool. Conv D: append the minibatch standard
            deviation map (Karras et al. 2018) to the last conv features,
            against mode collapse.
        auxiliary_weight: float. With a value > 0, D gets an auxiliary
            class head and both nets a class cross-entropy term of this
            weight (AC-GAN, Odena et al. 2017); 0 keeps the paper's model.
        latent_distribution: str. `"uniform"` (paper) or `"normal"`.
        spectral_norm: bool. Spectral normalization (Miyato et al. 2018) on
            D's layers (see the discriminator builder).
        seed: int or `None`.
        image_shape: deprecated `(height, width, channels)`.
        **kwargs: `keras.Model` arguments; `dtype` (a policy such as
            `"mixed_bfloat16"`) is also the policy of every layer of G and D.

    Raises:
        ValueError: an unknown `architecture` or `conv_head`, a bad image
            size, `num_classes` < 2, a negative `auxiliary_weight`, or an
            auxiliary head with `conv_head="concat"`.

    Example:
    >>> model = ConditionalGAN(num_classes=10, architecture="conv",
    ...                        generator_filters=8, discriminator_filters=8)
    >>> model.compile()
    >>> model.generate(3, labels=[0, 1, 2], seed=0).shape
    (3, 28, 28, 1)
    """

    config_arguments = (
        "num_classes",
        "image_size",
        "channels",
        "architecture",
        "dropout",
        "generator_filters",
        "discriminator_filters",
        "kernel_size",
        "conv_head",
        "discriminator_batch_norm",
        "sync_batch_norm",
        "minibatch_stddev",
        "auxiliary_weight",
        "spectral_norm",
    )

    def __init__(
        self,
        num_classes=10,
        image_size=28,
        channels=1,
        latent_dim=100,
        architecture="maxout",
        dropout=0.5,
        generator_filters=64,
        discriminator_filters=64,
        kernel_size=5,
        conv_head="projection",
        discriminator_batch_norm=False,
        sync_batch_norm=False,
        minibatch_stddev=False,
        auxiliary_weight=0.0,
        latent_distribution="uniform",
        spectral_norm=False,
        seed=None,
        image_shape=None,
        **kwargs,
    ):
        size, hw, channels = image_geometry(image_size, channels, image_shape)
        check_choice("architecture", architecture, ARCHITECTURES)
        check_choice("conv_head", conv_head, CONV_HEADS)
        auxiliary_weight = check_float("auxiliary_weight", auxiliary_weight, 0.0)
        if auxiliary_weight and architecture != "maxout" and conv_head == "concat":
            raise ValueError(
                '`auxiliary_weight` > 0 needs conv_head="projection": with '
                '"concat" the discriminator\'s features already see the label, '
                "so a class head on them would read the answer from its input. "
                f"Received: auxiliary_weight={auxiliary_weight}, conv_head={conv_head!r}"
            )
        self.auxiliary_weight = auxiliary_weight
        auxiliary = auxiliary_weight > 0
        self.image_size = size
        self.channels = channels
        self.architecture = architecture
        self.dropout = dropout
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.kernel_size = kernel_size
        self.conv_head = conv_head
        self.discriminator_batch_norm = discriminator_batch_norm
        self.sync_batch_norm = sync_batch_norm
        self.minibatch_stddev = minibatch_stddev
        self.spectral_norm = bool(spectral_norm)
        dtype = kwargs.get("dtype")
        with layer_seeds(seed):
            if architecture in ("maxout", "mlp_conv"):
                generator = cgan_mlp_generator(
                    latent_dim, num_classes, hw, channels, dropout=dropout, dtype=dtype
                )
            else:
                generator = dcgan_generator(
                    latent_dim,
                    hw,
                    channels,
                    generator_filters,
                    kernel_size,
                    num_classes,
                    sync_batch_norm=sync_batch_norm,
                    dtype=dtype,
                )
            if architecture == "maxout":
                discriminator = cgan_maxout_discriminator(
                    hw,
                    channels,
                    num_classes,
                    dropout=dropout,
                    auxiliary_classifier=auxiliary,
                    dtype=dtype,
                    spectral_norm=self.spectral_norm,
                )
            else:
                discriminator = cgan_conv_discriminator(
                    hw,
                    channels,
                    num_classes,
                    discriminator_filters,
                    kernel_size,
                    conv_head,
                    discriminator_batch_norm,
                    auxiliary,
                    sync_batch_norm,
                    minibatch_stddev,
                    dtype=dtype,
                    spectral_norm=self.spectral_norm,
                )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=latent_dim,
            num_classes=num_classes,
            latent_distribution=latent_distribution,
            seed=seed,
            **kwargs,
        )

    def unpack_batch(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                "ConditionalGAN trains on (images, labels) batches; the dataset "
                "yields images only."
            )
        return data[0], ops.cast(data[1], "int32")

    def extra_loss_names(self):
        return ("d_aux", "g_aux") if self.auxiliary_weight else ()

    def _class_loss(self, class_logits, labels):
        return ops.mean(
            keras.losses.sparse_categorical_crossentropy(
                labels, ops.cast(class_logits, "float32"), from_logits=True
            )
        )

    def extra_discriminator_losses(self, real_aux, fake_aux, condition):
        """AC-GAN: D's class head learns to classify the real images.

        Deviation from Odena et al. 2017 (eq. 2), who also train the head on
        generated images: a head trained on fakes lets G and D agree on class
        cues of their own that a classifier of real digits does not share.
        """
        if not self.auxiliary_weight:
            return {}
        return {"d_aux": self.auxiliary_weight * self._class_loss(real_aux, condition)}

    def extra_generator_losses(self, real, fake, condition, fake_aux=None):
        """AC-GAN: G makes its images classifiable as their label by D's head."""
        if not self.auxiliary_weight:
            return {}
        return {"g_aux": self.auxiliary_weight * self._class_loss(fake_aux, condition)}
