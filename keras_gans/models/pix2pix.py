"""`Pix2Pix`: image-to-image translation with a conditional GAN (Isola et al. 2017).

"Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017.
The generator is a U-Net (`unet_generator`), the discriminator a PatchGAN
(`patch_discriminator`) that classifies each NxN patch of concat(input,
output) as real or fake, and the generator's loss is the cGAN loss plus
λ·L1 to the target (λ = 100).
"""

import math
import numbers

import keras
import numpy as np
from keras import layers, ops

from keras_gans.models.adversarial import AdversarialModel

#: Isola et al. 2017, sec 6.2: "Weights were initialized from a Gaussian
#: distribution with mean 0 and standard deviation 0.02."
PIX2PIX_INIT = {"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": 0.02}}

NORMALIZATIONS = ("batch", "instance", "none")


def _check_normalization(normalization):
    if normalization not in NORMALIZATIONS:
        raise ValueError(
            f"`normalization` must be one of {NORMALIZATIONS}. "
            f"Received: normalization={normalization!r}"
        )


def _check_int(name, value, minimum):
    if (
        not isinstance(value, numbers.Integral)
        or isinstance(value, bool)
        or value < minimum
    ):
        raise ValueError(
            f"`{name}` must be an int >= {minimum}. Received: {name}={value!r}"
        )


def _norm(normalization, name):
    """BatchNorm (momentum 0.9, eps 1e-5 as in the reference code), instance
    norm (`GroupNormalization(groups=-1)`: one group per channel), or `None`."""
    if normalization == "batch":
        return layers.BatchNormalization(momentum=0.9, epsilon=1e-5, name=name)
    if normalization == "instance":
        return layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    return None


class _ActiveDropout(keras.layers.Dropout):
    """A `Dropout` that drops in inference too (only built by `with_active_dropout`)."""

    def call(self, inputs, training=None):
        return super().call(inputs, training=True)


def with_active_dropout(network):
    """A copy of `network` (same weights) whose `Dropout` layers always drop.

    Every other layer keeps its inference behaviour (BatchNorm uses its
    moving statistics), unlike calling the network with `training=True`:
    Pix2Pix's test-time dropout (Isola et al. 2017, sec 2.3). Works for
    functional and sequential networks.

    Raises:
        ValueError: `network` is a subclassed model (it cannot be cloned).
    """

    def clone(layer):
        config = layer.get_config()
        if isinstance(layer, keras.layers.Dropout):
            # A fresh random stream: a fixed seed would repeat the same masks
            # in every copy.
            return _ActiveDropout.from_config({**config, "seed": None})
        return layer.__class__.from_config(config)

    try:
        copy = keras.models.clone_model(network, clone_function=clone)
    except ValueError as error:
        raise ValueError(
            "`network` must be a functional or Sequential keras.Model to enable "
            f"dropout alone. Received: {type(network).__name__} ({error})"
        ) from None
    copy.set_weights(network.get_weights())
    return copy


def unet_depth(image_size):
    """Down-blocks of the U-Net for `image_size`: log2(size), a 1x1 bottleneck.

    256 -> 8 (the paper's C64-C128-C256-C512-C512-C512-C512-C512), 128 -> 7,
    64 -> 6, 32 -> 5.
    """
    if (
        not isinstance(image_size, numbers.Integral)
        or isinstance(image_size, bool)
        or image_size < 4
        or image_size & (image_size - 1)
    ):
        raise ValueError(
            "`image_size` must be a power of two >= 4 (e.g. 32, 64, 128, 256). "
            f"Received: image_size={image_size!r}"
        )
    return int(math.log2(image_size))


def unet_generator(
    image_size=256,
    input_channels=3,
    output_channels=3,
    filters=64,
    normalization="batch",
    dropout=0.5,
    seed=None,
):
    """The U-Net generator of Isola et al. 2017 (sec 2.2.1 and 6.1.1).

    Encoder: C64-C128-C256-C512-C512-C512-C512-C512 for 256x256 (one 4x4,
    stride-2 conv block per halving down to 1x1; LeakyReLU 0.2; no
    normalisation on the first block). Decoder: CD512-CD512-CD512-C512-C256-
    C128-C64 (4x4 stride-2 transposed convs, normalisation, 50% dropout on
    the first three, ReLU), each block's output concatenated with the
    mirrored encoder block's output (skip from layer i to layer n - i), and a
    final transposed conv to `output_channels` with tanh. Channels are
    `filters * 2**i`, capped at `8 * filters` (`filters=64`: the paper's net).

    As in the authors' reference code, the innermost (1x1) encoder block has
    no normalisation: the statistics of a single position per channel are
    the value itself, and normalising would zero the bottleneck.

    The network takes inputs of any height and width that are multiples of
    `2**depth` (it is fully convolutional): a generator trained at 256x256
    translates 512x512 images.

    Args:
        image_size: int. Training size, a power of two; sets the depth
            (`unet_depth`).
        input_channels: int. Channels of the input image.
        output_channels: int. Channels of the translated image.
        filters: int. Channels of the first encoder block (paper: 64).
        normalization: str. `"batch"` (paper), `"instance"` or `"none"`.
        dropout: float in [0, 1). Dropout of the first three decoder blocks.
        seed: int or `None`. Seeds the dropout layers.

    Example:
    >>> g = unet_generator(32, 1, 1, filters=8)
    >>> g(np.zeros((2, 32, 32, 1), "float32")).shape
    TensorShape([2, 32, 32, 1])
    """
    depth = unet_depth(image_size)
    _check_int("input_channels", input_channels, 1)
    _check_int("output_channels", output_channels, 1)
    _check_int("filters", filters, 1)
    _check_normalization(normalization)
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"`dropout` must be in [0, 1). Received: dropout={dropout}")
    widths = [min(filters * 2**i, 8 * filters) for i in range(depth)]
    image = keras.Input((None, None, input_channels), name="image")
    x = image
    skips = []
    for i, width in enumerate(widths):  # (B, H / 2**(i+1), W / 2**(i+1), width)
        norm = None if i in (0, depth - 1) else _norm(normalization, f"down{i}_norm")
        x = layers.Conv2D(
            width,
            4,
            strides=2,
            padding="same",
            use_bias=norm is None,
            kernel_initializer=PIX2PIX_INIT,
            name=f"down{i}_conv",
        )(x)
        if norm is not None:
            x = norm(x)
        x = layers.LeakyReLU(0.2, name=f"down{i}_act")(x)
        skips.append(x)
    for k, i in enumerate(range(depth - 2, -1, -1)):  # up to the size of skips[i]
        norm = _norm(normalization, f"up{i}_norm")
        x = layers.Conv2DTranspose(
            widths[i],
            4,
            strides=2,
            padding="same",
            use_bias=norm is None,
            kernel_initializer=PIX2PIX_INIT,
            name=f"up{i}_conv",
        )(x)
        if norm is not None:
            x = norm(x)
        if k < 3 and dropout > 0:
            x = layers.Dropout(
                dropout, seed=None if seed is None else seed + k, name=f"up{i}_dropout"
            )(x)
        x = layers.ReLU(name=f"up{i}_act")(x)
        x = layers.Concatenate(name=f"up{i}_skip")([x, skips[i]])
    translated = layers.Conv2DTranspose(
        output_channels,
        4,
        strides=2,
        padding="same",
        activation="tanh",
        kernel_initializer=PIX2PIX_INIT,
        name="images",
    )(x)
    return keras.Model(image, translated, name="generator")


def patch_discriminator(
    n_layers=3,
    input_channels=3,
    target_channels=3,
    filters=64,
    normalization="batch",
    conditional=True,
):
    """The PatchGAN discriminator of Isola et al. 2017 (sec 2.2.2 and 6.1.2).

    With `n_layers=3`: C64-C128-C256-C512, then a conv to one logit per
    patch; 4x4 convs, stride 2 for the first three blocks and 1 for the
    last two, padding 1 as in the reference code, LeakyReLU 0.2, no
    normalisation on C64. Each logit sees a 70x70 receptive field
    (`receptive_field`). The paper's ablation (Table 3): `n_layers=0` is
    the 1x1 "PixelGAN" (1x1 convs C64-C128), `1` gives 16x16 patches and
    `5` the 286x286 "ImageGAN" at 256x256.

    The input is concat(input image, target or translated image) along the
    channels (the conditional D of the paper), or the image alone with
    `conditional=False` (the paper's unconditional-D ablation, "L1+GAN").

    Args:
        n_layers: int >= 0. Stride-2 blocks.
        input_channels: int. Channels of the input image (the condition).
        target_channels: int. Channels of the target image.
        filters: int. Channels of the first block (paper: 64); later blocks
            double it up to `8 * filters`.
        normalization: str. `"batch"`, `"instance"` or `"none"`.
        conditional: bool. Whether D sees the input image too.

    Example:
    >>> d = patch_discriminator(3, 3, 3, filters=8)
    >>> d(np.zeros((1, 256, 256, 6), "float32")).shape
    TensorShape([1, 30, 30, 1])
    """
    _check_int("n_layers", n_layers, 0)
    _check_int("input_channels", input_channels, 1)
    _check_int("target_channels", target_channels, 1)
    _check_int("filters", filters, 1)
    _check_normalization(normalization)
    channels = target_channels + (input_channels if conditional else 0)
    pair = keras.Input((None, None, channels), name="pair")

    def block(x, width, kernel, stride, norm_name, index):
        norm = _norm(normalization, norm_name) if norm_name else None
        if kernel > 1:
            x = layers.ZeroPadding2D(1, name=f"pad{index}")(x)
        x = layers.Conv2D(
            width,
            kernel,
            strides=stride,
            padding="valid",
            use_bias=norm is None,
            kernel_initializer=PIX2PIX_INIT,
            name=f"conv{index}",
        )(x)
        if norm is not None:
            x = norm(x)
        return layers.LeakyReLU(0.2, name=f"act{index}")(x)

    if n_layers == 0:  # PixelGAN: 1x1 convs, one logit per pixel
        x = block(pair, filters, 1, 1, None, 0)
        x = block(x, 2 * filters, 1, 1, "norm1", 1)
        kernel, pad = 1, False
    else:
        x = block(pair, filters, 4, 2, None, 0)
        for n in range(1, n_layers):
            x = block(x, filters * min(2**n, 8), 4, 2, f"norm{n}", n)
        x = block(x, filters * min(2**n_layers, 8), 4, 1, f"norm{n_layers}", n_layers)
        kernel, pad = 4, True
    if pad:
        x = layers.ZeroPadding2D(1, name="pad_logits")(x)
    logits = layers.Conv2D(
        1, kernel, padding="valid", kernel_initializer=PIX2PIX_INIT, name="logits"
    )(x)
    return keras.Model(pair, logits, name="discriminator")


def receptive_field(network):
    """Receptive field (in input pixels) of one output of a conv network.

    Walks the network's `Conv2D` layers in order: r = 1 + Σ (k_i - 1)·j_i
    with j_i the product of the strides before layer i (padding only moves
    the field, it does not change its size).
    """
    field, jump = 1, 1
    for layer in network.layers:
        if isinstance(layer, layers.Conv2D):
            field += (layer.kernel_size[0] - 1) * jump
            jump *= layer.strides[0]
    return field


@keras.saving.register_keras_serializable(package="keras_gans")
class Pix2Pix(AdversarialModel):
    """Image-to-image translation with a conditional GAN (Isola et al. 2017).

    Trains on `(input, target)` batches in [-1, 1]. G: a U-Net
    (`unet_generator`) whose only noise is dropout. D: a PatchGAN
    (`patch_discriminator`) on concat(input, image). Objective (eq. 4):
    G* = arg min_G max_D L_cGAN(G, D) + λ·L1(G), λ = `l1_weight` = 100,
    with the non-saturating G loss (sec 2.3, "maximize log D(x, G(x))") and
    D's objective divided by 2 "to slow down the rate at which D learns
    relative to G" (sec 2.3). Adam(2e-4, β1=0.5), one D step per G step.

    Batch size 1 with BatchNorm is what the paper trains facades with; BatchNorm
    at batch size 1 normalises each image on its own, which
    `normalization="instance"` does at every batch size (and which also
    keeps a multi-replica run equal to one device). Instance norm is the
    recommended choice for batch size 1 or several replicas.

    The paper's ablations need no code changes: `l1_weight=0` is "cGAN"
    alone, `gan_weight=0` "L1" alone (D still trains and is logged, but
    does not reach G), `conditional_discriminator=False` "L1+GAN" (D does
    not see the input), and `n_layers` picks the patch size (0: 1x1, 1:
    16x16, 3: 70x70, 5: 286x286).

    Test-time dropout: the paper runs the generator at test time exactly as
    in training, dropout included (sec 2.3). `translate(..., dropout=True)`
    and the exported translator's `dropout` option do that for the dropout
    layers; the default, `test_time_dropout=False`, serves a deterministic
    translator (the paper notes the dropout noise changes the outputs only
    slightly). With BatchNorm, the paper also normalises with the test
    batch's statistics: `keras_gans.export.export_image_to_image(
    model.generator, dir, training=True)` serves exactly that.

    Logged terms: `d_loss` (halved), `g_loss` (× `gan_weight`) and `l1`
    (λ·L1, absent when `l1_weight=0`).

    Args:
        image_size: int. Training height and width (power of two; 256 in
            the paper), which sets the U-Net's depth.
        input_channels: int. Channels of the input images.
        output_channels: int. Channels of the target images.
        generator_filters: int. The U-Net's first width (paper: 64).
        discriminator_filters: int. The PatchGAN's first width (paper: 64).
        n_layers: int. PatchGAN stride-2 blocks (3: 70x70 patches).
        normalization: str. `"batch"` (paper), `"instance"` or `"none"`.
        dropout: float. Dropout rate of the U-Net decoder (paper: 0.5).
        l1_weight: float. λ of the L1 term (paper: 100).
        gan_weight: float. Weight of the generator's adversarial loss.
        conditional_discriminator: bool. D sees concat(input, image).
        test_time_dropout: bool. Default of `translate` and of the exported
            translator.
        seed: int or `None`.

    Example:
    >>> model = Pix2Pix(image_size=32, input_channels=1, output_channels=1,
    ...                 generator_filters=8, discriminator_filters=8)
    >>> model.compile()
    >>> model.translate(np.zeros((2, 32, 32, 1), "float32")).shape
    (2, 32, 32, 1)
    """

    builds_own_networks = True

    def __init__(
        self,
        image_size=256,
        input_channels=3,
        output_channels=3,
        generator_filters=64,
        discriminator_filters=64,
        n_layers=3,
        normalization="batch",
        dropout=0.5,
        l1_weight=100.0,
        gan_weight=1.0,
        conditional_discriminator=True,
        test_time_dropout=False,
        seed=None,
        **kwargs,
    ):
        for name, value in (("l1_weight", l1_weight), ("gan_weight", gan_weight)):
            if not isinstance(value, numbers.Real) or value < 0:
                raise ValueError(
                    f"`{name}` must be a number >= 0. Received: {name}={value!r}"
                )
        if l1_weight == 0 and gan_weight == 0:
            raise ValueError(
                "`l1_weight` and `gan_weight` cannot both be 0: the generator "
                "would have no loss."
            )
        self.image_size = image_size
        self.input_channels = input_channels
        self.output_channels = output_channels
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.n_layers = n_layers
        self.normalization = normalization
        self.dropout = dropout
        self.l1_weight = float(l1_weight)
        self.gan_weight = float(gan_weight)
        self.conditional_discriminator = bool(conditional_discriminator)
        self.test_time_dropout = bool(test_time_dropout)
        kwargs.pop("latent_dim", None)  # saved by the base config; no noise here
        kwargs.setdefault("name", "pix2pix")
        super().__init__(
            generator=unet_generator(
                image_size,
                input_channels,
                output_channels,
                generator_filters,
                normalization,
                dropout,
                seed,
            ),
            discriminator=patch_discriminator(
                n_layers,
                input_channels,
                output_channels,
                discriminator_filters,
                normalization,
                conditional_discriminator,
            ),
            latent_dim=None,
            seed=seed,
            **kwargs,
        )

    @property
    def size_multiple(self):
        """Height and width of inputs must be multiples of this (2**depth)."""
        return 2 ** unet_depth(self.image_size)

    def compile(
        self, g_optimizer=None, d_optimizer=None, loss="non_saturating", **kwargs
    ):
        """As `AdversarialModel.compile`; D's loss is halved (Isola et al.
        2017, sec 2.3) and G's adversarial loss scaled by `gan_weight`."""
        super().compile(
            g_optimizer=g_optimizer, d_optimizer=d_optimizer, loss=loss, **kwargs
        )
        g_loss_fn, d_loss_fn = self.g_loss_fn, self.d_loss_fn
        gan_weight = self.gan_weight

        def halved_d_loss(real_logits, fake_logits):
            return 0.5 * d_loss_fn(real_logits, fake_logits)

        def weighted_g_loss(fake_logits):
            return gan_weight * g_loss_fn(fake_logits)

        self.d_loss_fn = halved_d_loss
        self.g_loss_fn = weighted_g_loss

    # ------------------------------------------------------------------- hooks
    def unpack_batch(self, data):
        """`(inputs, targets)` -> `(real=targets, condition=inputs)`."""
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                "Pix2Pix trains on `(inputs, targets)` batches of images. "
                f"Received: {type(data).__name__} of length "
                f"{len(data) if isinstance(data, (tuple, list)) else 1}"
            )
        return data[1], data[0]

    def generator_inputs(self, batch_size, condition, seed=None):
        """G's input is the condition image itself (no z: the noise is dropout)."""
        return condition

    def discriminator_inputs(self, images, condition):
        """concat(input, image) along channels, or the image alone."""
        if not self.conditional_discriminator:
            return images
        condition = ops.cast(condition, images.dtype)
        return ops.concatenate([condition, images], axis=-1)  # (B, H, W, Cin + Cout)

    def extra_loss_names(self):
        return ("l1",) if self.l1_weight else ()

    def extra_generator_losses(self, real, fake, condition, fake_aux=None):
        """λ·L1 = λ·mean|y - G(x)| (eq. 3)."""
        if not self.l1_weight:
            return {}
        l1 = ops.mean(ops.abs(ops.cast(real, "float32") - ops.cast(fake, "float32")))
        return {"l1": self.l1_weight * l1}

    # ------------------------------------------------------------------ sample
    def translator(self, dropout=None, use_ema=True):
        """The generator to translate with; with `dropout`, a copy whose
        dropout layers stay active (`with_active_dropout`)."""
        dropout = self.test_time_dropout if dropout is None else dropout
        network = self.sampling_generator if use_ema else self.generator
        return with_active_dropout(network) if dropout else network

    def translate(self, images, dropout=None, use_ema=True, batch_size=64):
        """Translates images in [-1, 1] `(n, H, W, C)`; returns a NumPy array.

        Args:
            images: array `(n, H, W, input_channels)`, H and W multiples of
                `size_multiple`.
            dropout: bool or `None`. Keep dropout on (the paper's test
                protocol); `None` uses `test_time_dropout`.
            use_ema: bool. Use the EMA generator when there is one.
            batch_size: int. Images per generator call.
        """
        images = np.asarray(ops.convert_to_numpy(images), dtype=np.float32)
        if (
            images.ndim != 4
            or images.shape[-1] != self.input_channels
            or not len(images)
        ):
            raise ValueError(
                f"`images` must have shape (n, H, W, {self.input_channels}), n >= 1. "
                f"Received: images.shape={images.shape}"
            )
        m = self.size_multiple
        if images.shape[1] % m or images.shape[2] % m:
            raise ValueError(
                f"`images` height and width must be multiples of {m}. "
                f"Received: images.shape={images.shape}"
            )
        network = self.translator(dropout, use_ema)
        outputs = [
            ops.convert_to_numpy(network(images[i : i + batch_size], training=False))
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(outputs).astype(np.float32)

    @property
    def sample_shape(self):
        """`(height, width, channels)` of the translated images."""
        return (self.image_size, self.image_size, self.output_channels)

    def export_archive(self, output="float", use_ema=True, dropout=None):
        """A `keras.export.ExportArchive` serving the translator: `image`
        float32 `(None, H, W, input_channels)` in [-1, 1], H and W multiples
        of `size_multiple` -> `images` (see
        `keras_gans.export.image_to_image_archive`).

        Args:
            output: `"float"` ([-1, 1]) or `"uint8"` ([0, 255]) images.
            use_ema: bool. Serve the EMA generator when there is one.
            dropout: bool or `None`. Dropout on at serving time (the paper's
                test protocol); `None` uses `test_time_dropout`.
        """
        from keras_gans import export

        return export.image_to_image_archive(
            self.translator(dropout, use_ema),
            output=output,
            training=False,
            input_name="image",
            size_multiple=self.size_multiple,
        )

    def generate(self, n, labels=None, seed=None, use_ema=True, batch_size=256):
        raise ValueError(
            "Pix2Pix translates images rather than sampling noise: use "
            "`model.translate(images)`."
        )

    # ------------------------------------------------------------------ config
    def get_config(self):
        config = super().get_config()
        config.update(
            image_size=self.image_size,
            input_channels=self.input_channels,
            output_channels=self.output_channels,
            generator_filters=self.generator_filters,
            discriminator_filters=self.discriminator_filters,
            n_layers=self.n_layers,
            normalization=self.normalization,
            dropout=self.dropout,
            l1_weight=self.l1_weight,
            gan_weight=self.gan_weight,
            conditional_discriminator=self.conditional_discriminator,
            test_time_dropout=self.test_time_dropout,
        )
        return config
