"""The label-conditioned networks of the conditional GAN (Mirza & Osindero
2014) and its conv, projection and auxiliary-classifier variants."""

import keras
from keras import layers

from keras_gans.layers import Maxout, MinibatchStdDev
from keras_gans.layers.spectral_normalization import spectral
from keras_gans.models._shapes import image_geometry
from keras_gans.models.dcgan.dcgan_networks import (
    DCGAN_INIT,
    conv_trunk,
    num_upsamplings,
)
from keras_gans.utils import check_choice

__all__ = [
    "CONV_HEADS",
    "cgan_conv_discriminator",
    "cgan_maxout_discriminator",
    "cgan_mlp_generator",
]

CONV_HEADS = ("projection", "concat")


def _labels_input():
    return keras.Input((), dtype="int32", name="labels")


def _one_hot(labels, num_classes, dtype):
    return layers.CategoryEncoding(
        num_classes, output_mode="one_hot", dtype=dtype, name="one_hot"
    )(labels)


def cgan_mlp_generator(
    latent_dim=100,
    num_classes=10,
    image_size=28,
    channels=1,
    noise_units=200,
    label_units=1000,
    joint_units=1200,
    dropout=0.5,
    dtype=None,
    image_shape=None,
):
    """The paper's MNIST generator: z and one-hot y joined in an MLP.

    Mirza & Osindero 2014, sec 4.1: z -> 200 ReLU, y -> 1000 ReLU, joined
    into 1200 ReLU, then one unit per pixel (tanh here, sigmoid in the
    paper), with dropout 0.5 on the hidden layers.

    Args:
        latent_dim: int. Size of the noise input `(batch, latent_dim)`.
        num_classes: int. Labels `(batch,)` are int32 ids in
            `[0, num_classes)`.
        image_size: int or `(height, width)`. Size of the images drawn.
        channels: int. Image channels.
        noise_units, label_units, joint_units: int. Widths of the z, y and
            joint hidden layers.
        dropout: float in [0, 1). Dropout rate of the hidden layers.
        dtype: dtype policy of every layer, or `None` for the global policy.
        image_shape: deprecated `(height, width, channels)`.

    Returns:
        A `keras.Model` mapping `[noise, labels]` to images
        `(batch, H, W, C)` in [-1, 1].

    Example:
    >>> g = cgan_mlp_generator(latent_dim=4, num_classes=3, image_size=8,
    ...                        noise_units=4, label_units=4, joint_units=8)
    >>> g.output.shape
    (None, 8, 8, 1)
    """
    _, (height, width), channels = image_geometry(image_size, channels, image_shape)
    noise, labels = keras.Input((latent_dim,), name="noise"), _labels_input()
    y = _one_hot(labels, num_classes, dtype)

    def hidden(units, x):
        x = layers.Dense(units, activation="relu", dtype=dtype)(x)
        return layers.Dropout(dropout, dtype=dtype)(x)

    hz = hidden(noise_units, noise)
    hy = hidden(label_units, y)
    h = hidden(joint_units, layers.Concatenate(dtype=dtype)([hz, hy]))
    x = layers.Dense(
        height * width * channels, activation="tanh", dtype=dtype, name="to_pixels"
    )(h)
    images = layers.Reshape((height, width, channels), dtype=dtype, name="images")(x)
    return keras.Model([noise, labels], images, name="generator")


def cgan_maxout_discriminator(
    image_size=28,
    channels=1,
    num_classes=10,
    image_units=(240, 5),
    label_units=(50, 5),
    joint_units=(240, 4),
    dropout=0.5,
    auxiliary_classifier=False,
    dtype=None,
    image_shape=None,
    spectral_norm=False,
):
    """The paper's MNIST discriminator: x and y joined through Maxout layers.

    Mirza & Osindero 2014, sec 4.1: x -> Maxout 240x5, y -> Maxout 50x5,
    joined into Maxout 240x4, dropout 0.5, then one logit.

    Args:
        image_size: int or `(height, width)`. Size of the images judged.
        channels: int. Image channels.
        num_classes: int. Labels are int32 ids in `[0, num_classes)`.
        image_units, label_units, joint_units: `(units, pieces)` of the x,
            y and joint Maxout layers.
        dropout: float in [0, 1). Dropout rate of the hidden layers.
        auxiliary_classifier: bool. Adds a second output, class logits
            `(batch, num_classes)` from the image pathway (Odena et al. 2017,
            AC-GAN); the joint layer sees y, so a head on it could read the
            answer from its input.
        dtype: dtype policy of every layer, or `None` for the global policy.
        image_shape: deprecated `(height, width, channels)`.
        spectral_norm: bool. Wraps every Maxout and dense layer in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018).

    Returns:
        A `keras.Model` mapping `[images, labels]` to logits `(batch, 1)`
        (and class logits).

    Example:
    >>> d = cgan_maxout_discriminator(image_size=8, num_classes=3,
    ...     image_units=(8, 2), label_units=(4, 2), joint_units=(8, 2))
    >>> d.output.shape
    (None, 1)
    """
    _, (height, width), channels = image_geometry(image_size, channels, image_shape)
    images = keras.Input((height, width, channels), name="images")
    labels = _labels_input()
    y = _one_hot(labels, num_classes, dtype)
    sn = spectral_norm
    hx = spectral(Maxout(*image_units, dtype=dtype, name="maxout_x"), sn, dtype)(
        layers.Flatten(dtype=dtype)(images)
    )
    hy = spectral(Maxout(*label_units, dtype=dtype, name="maxout_y"), sn, dtype)(y)
    h = layers.Concatenate(dtype=dtype)(
        [
            layers.Dropout(dropout, dtype=dtype)(hx),
            layers.Dropout(dropout, dtype=dtype)(hy),
        ]
    )
    h = spectral(Maxout(*joint_units, dtype=dtype, name="maxout_joint"), sn, dtype)(h)
    h = layers.Dropout(dropout, dtype=dtype)(h)
    logits = spectral(layers.Dense(1, dtype=dtype, name="logit"), sn, dtype)(h)
    # The class head reads the image pathway only: the joint layer sees y.
    outputs = _with_class_head(logits, hx, num_classes, auxiliary_classifier, dtype, sn)
    return keras.Model([images, labels], outputs, name="discriminator")


def _with_class_head(
    logits, features, num_classes, auxiliary_classifier, dtype, spectral_norm=False
):
    if not auxiliary_classifier:
        return logits
    head = layers.Dense(num_classes, dtype=dtype, name="class_logits")
    return [logits, spectral(head, spectral_norm, dtype)(features)]


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
    dtype=None,
    spectral_norm=False,
):
    """A strided-conv discriminator conditioned on the label.

    `head="concat"`: a learned label embedding, reshaped to one image-sized
    map, is joined to the image as an extra channel (the conv form of
    Mirza & Osindero's joint input). `head="projection"` (Miyato & Koyama
    2018, "cGANs with Projection Discriminator"): logit =
    w·φ(x) + <embed(y), φ(x)>, with φ the flattened conv features.

    Args:
        image_size: int or `(height, width)`. Size of the images judged (see
            `num_upsamplings`).
        channels: int. Image channels.
        num_classes: int. Labels are int32 ids in `[0, num_classes)`.
        filters: int. Channels of the first conv; each next one doubles.
        kernel_size: int. Convolution kernel size.
        head: str. `"projection"` or `"concat"`.
        batch_norm: bool. BatchNorm after every conv but the first.
        auxiliary_classifier: bool. Adds class logits from φ as a second
            output (Odena et al. 2017, "Conditional Image Synthesis with
            Auxiliary Classifier GANs").
        sync_batch_norm: bool. Synchronized BatchNorm under a strategy.
        minibatch_stddev: bool. Appends the minibatch standard deviation
            map (Karras et al. 2018, sec 3) to the last conv features.
        dtype: dtype policy of every layer, or `None` for the global policy.
        spectral_norm: bool. Wraps every conv and dense layer in
            `keras.layers.SpectralNormalization` (Miyato et al. 2018). The
            label embeddings stay unnormalized: Keras' wrapper casts its
            output to the (integer) input dtype, so it cannot wrap an
            `Embedding`.

    Returns:
        A `keras.Model` mapping `[images, labels]` to logits `(batch, 1)`
        (and class logits).

    Raises:
        ValueError: an unknown `head` or a size `num_upsamplings` refuses.

    Example:
    >>> d = cgan_conv_discriminator(image_size=8, num_classes=3, filters=4)
    >>> d.output.shape
    (None, 1)
    """
    check_choice("head", head, CONV_HEADS)
    _, (height, width), channels = image_geometry(image_size, channels)
    images = keras.Input((height, width, channels), name="images")
    labels = _labels_input()
    stages = num_upsamplings((height, width))
    x = images
    if head == "concat":
        y = layers.Embedding(
            num_classes, height * width, dtype=dtype, name="label_map"
        )(labels)
        y = layers.Reshape((height, width, 1), dtype=dtype)(y)  # (B, H, W, 1)
        x = layers.Concatenate(dtype=dtype)([images, y])
    trunk = conv_trunk(
        x,
        stages,
        filters,
        kernel_size,
        batch_norm,
        sync_batch_norm,
        dtype=dtype,
        spectral_norm=spectral_norm,
    )
    if minibatch_stddev:
        # Karras et al. 2018, sec 3: the spread of the batch as one more map,
        # so D can tell a collapsed batch of fakes from real digits.
        trunk = MinibatchStdDev(dtype=dtype, name="minibatch_stddev")(trunk)
    features = layers.Flatten(dtype=dtype)(trunk)  # φ(x): (B, F)
    logit = layers.Dense(1, kernel_initializer=DCGAN_INIT, dtype=dtype, name="logit")
    logits = spectral(logit, spectral_norm, dtype)(features)
    if head == "projection":
        embed = layers.Embedding(
            num_classes,
            features.shape[-1],
            embeddings_initializer=DCGAN_INIT,
            dtype=dtype,
            name="embed",
        )(labels)
        projection = layers.Dot(axes=-1, dtype=dtype, name="projection")(
            [embed, features]
        )
        logits = layers.Add(dtype=dtype, name="logit_plus_projection")(
            [logits, projection]
        )
    outputs = _with_class_head(
        logits, features, num_classes, auxiliary_classifier, dtype, spectral_norm
    )
    return keras.Model([images, labels], outputs, name="discriminator")
