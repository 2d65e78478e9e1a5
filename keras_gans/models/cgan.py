"""`ConditionalGAN`: conditional adversarial nets (Mirza & Osindero 2014)."""

import math

import keras
from keras import layers, ops

from keras_gans.layers import Maxout, MinibatchStdDev
from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.dcgan import (
    DCGAN_INIT,
    conv_trunk,
    dcgan_generator,
    num_upsamplings,
)

ARCHITECTURES = ("maxout", "conv", "mlp_conv")
CONV_HEADS = ("projection", "concat")


def _labels_input():
    return keras.Input((), dtype="int32", name="labels")


def cgan_mlp_generator(
    latent_dim=100,
    num_classes=10,
    image_shape=(28, 28, 1),
    noise_units=200,
    label_units=1000,
    joint_units=1200,
    dropout=0.5,
):
    """Mirza & Osindero 2014, sec 4.1: z -> 200 ReLU, y -> 1000 ReLU, joined
    into 1200 ReLU, then one unit per pixel (tanh here, sigmoid in the paper),
    with dropout 0.5 on the hidden layers."""
    noise, labels = keras.Input((latent_dim,), name="noise"), _labels_input()
    y = layers.CategoryEncoding(num_classes, output_mode="one_hot", name="one_hot")(
        labels
    )
    hz = layers.Dropout(dropout)(layers.Dense(noise_units, activation="relu")(noise))
    hy = layers.Dropout(dropout)(layers.Dense(label_units, activation="relu")(y))
    h = layers.Concatenate()([hz, hy])
    h = layers.Dropout(dropout)(layers.Dense(joint_units, activation="relu")(h))
    x = layers.Dense(math.prod(image_shape), activation="tanh", name="to_pixels")(h)
    images = layers.Reshape(image_shape, name="images")(x)
    return keras.Model([noise, labels], images, name="generator")


def cgan_maxout_discriminator(
    image_shape=(28, 28, 1),
    num_classes=10,
    image_units=(240, 5),
    label_units=(50, 5),
    joint_units=(240, 4),
    dropout=0.5,
    auxiliary_classifier=False,
):
    """Mirza & Osindero 2014, sec 4.1: x -> Maxout 240x5, y -> Maxout 50x5,
    joined into Maxout 240x4, dropout 0.5, then one logit.

    `auxiliary_classifier=True` adds a second output, class logits from the
    image pathway (Odena et al. 2017, AC-GAN); the joint layer sees y, so a
    head on it could read the answer from its input."""
    images, labels = keras.Input(image_shape, name="images"), _labels_input()
    y = layers.CategoryEncoding(num_classes, output_mode="one_hot", name="one_hot")(
        labels
    )
    hx = Maxout(*image_units, name="maxout_x")(layers.Flatten()(images))
    hy = Maxout(*label_units, name="maxout_y")(y)
    h = layers.Concatenate()([layers.Dropout(dropout)(hx), layers.Dropout(dropout)(hy)])
    h = layers.Dropout(dropout)(Maxout(*joint_units, name="maxout_joint")(h))
    logits = layers.Dense(1, name="logit")(h)
    # The class head reads the image pathway only: the joint layer sees y.
    outputs = _with_class_head(logits, hx, num_classes, auxiliary_classifier)
    return keras.Model([images, labels], outputs, name="discriminator")


def _with_class_head(logits, features, num_classes, auxiliary_classifier):
    if not auxiliary_classifier:
        return logits
    class_logits = layers.Dense(num_classes, name="class_logits")(features)
    return [logits, class_logits]


def cgan_conv_discriminator(
    image_size=28,
    channels=1,
    num_classes=10,
    filters=64,
    kernel_size=5,
    head="projection",
    batch_norm=False,
    auxiliary_classifier=False,
    sync_batch_norm=False,
    minibatch_stddev=False,
):
    """A strided-conv discriminator conditioned on the label.

    `head="concat"`: a learned label embedding, reshaped to one image-sized
    map, is joined to the image as an extra channel (the conv form of
    Mirza & Osindero's joint input). `head="projection"` (Miyato & Koyama
    2018, "cGANs with Projection Discriminator"): logit =
    w·φ(x) + <embed(y), φ(x)>, with φ the flattened conv features.
    `auxiliary_classifier=True` adds class logits from φ as a second output
    (Odena et al. 2017, "Conditional Image Synthesis with Auxiliary
    Classifier GANs").
    """
    images, labels = (
        keras.Input((image_size, image_size, channels), name="images"),
        (_labels_input()),
    )
    stages = num_upsamplings(image_size)
    x = images
    if head == "concat":
        y = layers.Embedding(num_classes, image_size * image_size, name="label_map")(
            labels
        )
        y = layers.Reshape((image_size, image_size, 1))(y)
        x = layers.Concatenate()([images, y])
    trunk = conv_trunk(x, stages, filters, kernel_size, batch_norm, sync_batch_norm)
    if minibatch_stddev:
        # Karras et al. 2018, sec 3: the spread of the batch as one more map,
        # so D can tell a collapsed batch of fakes from real digits.
        trunk = MinibatchStdDev(name="minibatch_stddev")(trunk)
    features = layers.Flatten()(trunk)
    logits = layers.Dense(1, kernel_initializer=DCGAN_INIT, name="logit")(features)
    if head == "projection":
        embed = layers.Embedding(
            num_classes,
            features.shape[-1],
            embeddings_initializer=DCGAN_INIT,
            name="embed",
        )(labels)
        projection = layers.Dot(axes=-1, name="projection")([embed, features])
        logits = layers.Add(name="logit_plus_projection")([logits, projection])
    outputs = _with_class_head(logits, features, num_classes, auxiliary_classifier)
    return keras.Model([images, labels], outputs, name="discriminator")


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalGAN(AdversarialModel):
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
    that conv discriminator. Measured here on the embedded digits: the
    paper's Maxout D learns clean digits that ignore their labels; the
    projection head follows them. With an AC-GAN head (`auxiliary_weight`)
    and an EMA generator, the MLP generator draws the requested digit but
    about one digit per class; the conv generator draws it 99% of the time
    with real variety (digit FD 0.28 against 0.14 for real vs real; see
    `recipes/cgan_mnist.py` and BENCHMARKS.md).

    Deviations: tanh output; Adam(2e-4, beta_1=0.5) by default instead of the
    paper's SGD with momentum and a decaying learning rate; z ~ U(-1, 1)
    rather than U(0, 1).

    Labels are int32 class ids, `(batch,)`; ids outside `[0, num_classes)`
    are rejected by `generate()` and the export with a `ValueError`.

    Args:
        num_classes: int. Number of classes.
        image_shape: tuple. `(height, width, channels)`; square for `"conv"`.
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
        seed: int or `None`.

    Example:
    >>> model = ConditionalGAN(num_classes=10, architecture="conv",
    ...                        generator_filters=8, discriminator_filters=8)
    >>> model.compile()
    >>> model.generate(3, labels=[0, 1, 2], seed=0).shape
    (3, 28, 28, 1)
    """

    builds_own_networks = True

    def __init__(
        self,
        num_classes=10,
        image_shape=(28, 28, 1),
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
        seed=None,
        **kwargs,
    ):
        image_shape = tuple(image_shape)
        if architecture not in ARCHITECTURES:
            raise ValueError(
                f"`architecture` must be one of {ARCHITECTURES}. "
                f"Received: architecture={architecture!r}"
            )
        if conv_head not in CONV_HEADS:
            raise ValueError(
                f"`conv_head` must be one of {CONV_HEADS}. Received: conv_head={conv_head!r}"
            )
        if len(image_shape) != 3:
            raise ValueError(
                f"`image_shape` must be (height, width, channels). "
                f"Received: image_shape={image_shape}"
            )
        if architecture != "maxout" and image_shape[0] != image_shape[1]:
            raise ValueError(
                f"`image_shape` must be square for a conv discriminator. "
                f"Received: image_shape={image_shape}"
            )
        if auxiliary_weight < 0:
            raise ValueError(
                f"`auxiliary_weight` must be >= 0. Received: auxiliary_weight={auxiliary_weight}"
            )
        if auxiliary_weight and architecture != "maxout" and conv_head == "concat":
            raise ValueError(
                '`auxiliary_weight` > 0 needs conv_head="projection": with '
                '"concat" the discriminator\'s features already see the label, '
                "so a class head on them would read the answer from its input. "
                f"Received: auxiliary_weight={auxiliary_weight}, conv_head={conv_head!r}"
            )
        self.auxiliary_weight = float(auxiliary_weight)
        auxiliary = self.auxiliary_weight > 0
        self.image_shape = image_shape
        self.architecture = architecture
        self.dropout = dropout
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.kernel_size = kernel_size
        self.conv_head = conv_head
        self.discriminator_batch_norm = discriminator_batch_norm
        self.sync_batch_norm = sync_batch_norm
        self.minibatch_stddev = minibatch_stddev
        size, channels = image_shape[0], image_shape[2]
        if architecture in ("maxout", "mlp_conv"):
            generator = cgan_mlp_generator(
                latent_dim, num_classes, image_shape, dropout=dropout
            )
        else:
            generator = dcgan_generator(
                latent_dim,
                size,
                channels,
                generator_filters,
                kernel_size,
                num_classes,
                sync_batch_norm=sync_batch_norm,
            )
        if architecture == "maxout":
            discriminator = cgan_maxout_discriminator(
                image_shape,
                num_classes,
                dropout=dropout,
                auxiliary_classifier=auxiliary,
            )
        else:
            discriminator = cgan_conv_discriminator(
                size,
                channels,
                num_classes,
                discriminator_filters,
                kernel_size,
                conv_head,
                discriminator_batch_norm,
                auxiliary,
                sync_batch_norm,
                minibatch_stddev,
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

    def get_config(self):
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "image_shape": self.image_shape,
            "architecture": self.architecture,
            "dropout": self.dropout,
            "generator_filters": self.generator_filters,
            "discriminator_filters": self.discriminator_filters,
            "kernel_size": self.kernel_size,
            "conv_head": self.conv_head,
            "discriminator_batch_norm": self.discriminator_batch_norm,
            "sync_batch_norm": self.sync_batch_norm,
            "minibatch_stddev": self.minibatch_stddev,
            "auxiliary_weight": self.auxiliary_weight,
        }
