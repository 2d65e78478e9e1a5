"""`Pix2Pix`: image-to-image translation with a conditional GAN (Isola et al. 2017).

"Image-to-Image Translation with Conditional Adversarial Networks", CVPR 2017.
The generator is a U-Net (`unet_generator`), the discriminator a PatchGAN
(`patch_discriminator`) that classifies each NxN patch of concat(input,
output) as real or fake, and the generator's loss is the cGAN loss plus
λ·L1 to the target (λ = 100).
"""

import numbers

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _deprecation, losses
from keras_gans.models import _checks
from keras_gans.models._seeds import layer_seeds
from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.pix2pix.pix2pix_discriminator import patch_discriminator
from keras_gans.models.pix2pix.pix2pix_dropout import with_active_dropout
from keras_gans.models.pix2pix.pix2pix_generator import unet_depth, unet_generator
from keras_gans.utils import check_image_size, check_int, check_unit_range, is_int

__all__ = ["Pix2Pix"]

_PAIRS_MESSAGE = "Pix2Pix trains on `(inputs, targets)` batches of images."
#: Old argument, config key and attribute names -> today's.
_RENAMED = {"output_channels": "channels", "n_layers": "num_discriminator_layers"}


def _shape(value):
    """A static shape as a tuple of ints and `None` (`None`: unknown rank)."""
    shape = tf.TensorShape(value)
    return None if shape.rank is None else tuple(shape.as_list())


@keras.saving.register_keras_serializable(package="keras_gans")
class Pix2Pix(_deprecation.RenamedAttributes, AdversarialModel):
    """Image-to-image translation with a conditional GAN (Isola et al. 2017).

    Trains on `(inputs, targets)` batches in [-1, 1]. G: a U-Net
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
    not see the input), and `num_discriminator_layers` picks the patch size
    (0: 1x1, 1: 16x16, 3: 70x70, 5: 286x286).

    Test-time dropout: the paper runs the generator at test time exactly as
    in training, dropout included (sec 2.3). `translate(..., dropout=True)`
    and `export_generator(model, dir, dropout=True)` do that for the dropout
    layers; the default, `test_time_dropout=False`, serves a deterministic
    translator (the paper notes the dropout noise changes the outputs only
    slightly). With BatchNorm, the paper also normalises with the test
    batch's statistics: `keras_gans.export.export_image_to_image(
    with_active_dropout(model.generator), dir, training=True)` serves
    exactly that.

    Logged terms: `d_loss` (halved), `g_loss` (× `gan_weight`) and `l1`
    (λ·L1, absent when `l1_weight=0`).

    Args:
        image_size: int or `(height, width)`. Training size, powers of two
            (256 in the paper); sets the U-Net's depth. Inputs' height and
            width must be multiples of `size_multiple` (`2**depth`).
        input_channels: int >= 1 or `None`. Channels of the input images;
            `None`: the same as `channels`.
        channels: int >= 1. Channels of the target (translated) images.
        generator_filters: int. The U-Net's first width (paper: 64).
        discriminator_filters: int. The PatchGAN's first width (paper: 64).
        num_discriminator_layers: int. PatchGAN stride-2 blocks (3: 70x70
            patches).
        normalization: str. `"batch"` (paper), `"instance"` or `"none"`.
        dropout: float in [0, 1). Dropout rate of the U-Net decoder (paper:
            0.5).
        l1_weight: float >= 0. λ of the L1 term (paper: 100).
        gan_weight: float >= 0. Weight of the generator's adversarial loss.
        conditional_discriminator: bool. D sees concat(input, image).
        test_time_dropout: bool. Default of `translate` and of the exported
            translator.
        spectral_norm: bool. Spectral normalization (Miyato et al. 2018) on
            D's layers (see the discriminator builder).
        seed: int or `None`.
        dtype: dtype policy of the model and of every layer of G and D
            (e.g. `"mixed_bfloat16"`); `None`: the global policy.
        **kwargs: passed to `keras.Model` (`name`). `output_channels` and
            `n_layers` are deprecated names of `channels` and
            `num_discriminator_layers`.

    Raises:
        ValueError: a bad argument, named.

    Example:
    >>> model = Pix2Pix(image_size=32, input_channels=1, channels=1,
    ...                 generator_filters=8, discriminator_filters=8)
    >>> model.compile()
    >>> model.translate(np.zeros((2, 32, 32, 1), "float32")).shape
    (2, 32, 32, 1)
    """

    builds_own_networks = True
    renamed_attributes = _RENAMED

    def __init__(
        self,
        image_size=256,
        input_channels=None,
        channels=3,
        generator_filters=64,
        discriminator_filters=64,
        num_discriminator_layers=3,
        normalization="batch",
        dropout=0.5,
        l1_weight=100.0,
        gan_weight=1.0,
        conditional_discriminator=True,
        test_time_dropout=False,
        spectral_norm=False,
        seed=None,
        dtype=None,
        **kwargs,
    ):
        channels, num_discriminator_layers = _deprecation.renamed_arguments(
            Pix2Pix, kwargs, _RENAMED, channels, num_discriminator_layers
        )
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
        unet_depth(image_size)  # a named error before anything is built
        channels = check_int("channels", channels, minimum=1)
        if input_channels is None:
            input_channels = channels
        input_channels = check_int("input_channels", input_channels, minimum=1)
        self.image_size = (
            int(image_size) if is_int(image_size) else check_image_size(image_size)
        )
        self.input_channels = input_channels
        self.channels = channels
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.num_discriminator_layers = check_int(
            "num_discriminator_layers", num_discriminator_layers, minimum=0
        )
        self.normalization = normalization
        self.dropout = dropout
        self.l1_weight = float(l1_weight)
        self.gan_weight = float(gan_weight)
        self.conditional_discriminator = bool(conditional_discriminator)
        self.test_time_dropout = bool(test_time_dropout)
        self.spectral_norm = bool(spectral_norm)
        # The networks' layers take the model's policy (a serialized policy
        # from a config included); `None` leaves them on the global policy.
        policy = None if dtype is None else keras.dtype_policies.get(dtype)
        kwargs.pop("latent_dim", None)  # saved by the base config; no noise here
        kwargs.setdefault("name", "pix2pix")
        with layer_seeds(seed):
            generator = unet_generator(
                self.image_size,
                input_channels,
                channels,
                generator_filters,
                normalization,
                dropout,
                seed,
                dtype=policy,
            )
            discriminator = patch_discriminator(
                num_discriminator_layers,
                input_channels,
                channels,
                discriminator_filters,
                normalization,
                conditional_discriminator,
                dtype=policy,
                spectral_norm=bool(spectral_norm),
            )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=None,
            seed=seed,
            dtype=policy,
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

        def weighted_g_loss(fake_logits, *real_logits):
            return gan_weight * g_loss_fn(fake_logits, *real_logits)

        weighted_g_loss.needs_real_logits = losses.needs_real_logits(g_loss_fn)
        self.d_loss_fn = halved_d_loss
        self.g_loss_fn = weighted_g_loss

    # -------------------------------------------------------------- data checks
    def check_batch_shapes(self, inputs_shape, targets_shape):
        """Raises a named `ValueError` unless `(inputs, targets)` batches of
        these static shapes can train: rank 4 `(batch, H, W, C)`,
        `input_channels` and `channels` channels, H and W multiples of
        `size_multiple` and equal in both. Unknown dimensions pass.

        Example:
        >>> model = Pix2Pix(32, 1, 1, generator_filters=2, discriminator_filters=2)
        >>> model.check_batch_shapes((8, 48, 48, 1), (8, 48, 48, 1))
        Traceback (most recent call last):
        ...
        ValueError: `inputs` height and width must be multiples of 32. Received: inputs.shape=(8, 48, 48, 1)
        """
        m = self.size_multiple
        sizes = []
        for name, shape, channels in (
            ("inputs", _shape(inputs_shape), self.input_channels),
            ("targets", _shape(targets_shape), self.channels),
        ):
            if shape is None:
                continue
            if len(shape) != 4 or shape[-1] not in (None, channels):
                raise ValueError(
                    f"`{name}` must have shape (batch, H, W, {channels}). "
                    f"Received: {name}.shape={shape}"
                )
            if any(d is not None and d % m for d in shape[1:3]):
                raise ValueError(
                    f"`{name}` height and width must be multiples of {m}. "
                    f"Received: {name}.shape={shape}"
                )
            sizes.append(shape[1:3])
        if len(sizes) == 2 and None not in sizes[0] + sizes[1]:
            if sizes[0] != sizes[1]:
                raise ValueError(
                    "`inputs` and `targets` must have the same height and width. "
                    f"Received: inputs.shape={_shape(inputs_shape)}, "
                    f"targets.shape={_shape(targets_shape)}"
                )

    def check_batch_spec(self, spec):
        """`(inputs, targets)` pairs whose shapes `check_batch_shapes` takes."""
        if len(spec) != 2:
            raise ValueError(f"{_PAIRS_MESSAGE} Received: a dataset of {spec}")
        self.check_batch_shapes(spec[0].shape, spec[1].shape)
        for name, s in zip(("inputs", "targets"), spec):
            if not tf.as_dtype(s.dtype).is_floating:
                raise ValueError(
                    f"`{name}` must be float images in [-1, 1]. "
                    f"Received: {name}.dtype={tf.as_dtype(s.dtype).name}"
                )

    def batch_value_checks(self, batch):
        """Finite `inputs` and `targets`."""
        return [
            _checks.finite_check(n, x) for n, x in zip(("inputs", "targets"), batch)
        ]

    # ------------------------------------------------------------------- hooks
    def unpack_batch(self, data):
        """`(inputs, targets)` -> `(real=targets, condition=inputs)`."""
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                f"{_PAIRS_MESSAGE} Received: {type(data).__name__} of length "
                f"{len(data) if isinstance(data, (tuple, list)) else 1}"
            )
        inputs, targets = data
        # Static shapes, at trace time: before the graph runs.
        self.check_batch_shapes(
            getattr(inputs, "shape", None), getattr(targets, "shape", None)
        )
        shape = tf.TensorShape(getattr(inputs, "shape", None))
        if shape.rank is None or None in shape.as_list()[1:3]:
            # Sizes known only when the graph runs: a named check in it.
            m = self.size_multiple
            size = tf.shape(inputs)[1:3]
            check = tf.debugging.assert_equal(
                tf.reduce_sum(size % m),
                0,
                message=f"`inputs` height and width must be multiples of {m}",
            )
            with tf.control_dependencies([check]):
                inputs = tf.identity(inputs)
        return targets, inputs

    def generator_inputs(self, batch_size, condition, seed=None):
        """G's input is the condition image itself (no z: the noise is dropout)."""
        return condition

    def discriminator_inputs(self, images, condition):
        """concat(input, image) along channels, or the image alone."""
        if not self.conditional_discriminator:
            return images
        condition = ops.cast(condition, images.dtype)
        return ops.concatenate([condition, images], axis=-1)  # (B, H, W, Cin + C)

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

    def _check_images(self, images, name="images"):
        images = check_unit_range(images, name)
        if (
            images.ndim != 4
            or images.shape[-1] != self.input_channels
            or not len(images)
        ):
            raise ValueError(
                f"`{name}` must have shape (n, H, W, {self.input_channels}), n >= 1. "
                f"Received: {name}.shape={images.shape}"
            )
        m = self.size_multiple
        if images.shape[1] % m or images.shape[2] % m:
            raise ValueError(
                f"`{name}` height and width must be multiples of {m}. "
                f"Received: {name}.shape={images.shape}"
            )
        return images

    def translate(self, images, dropout=None, use_ema=True, batch_size=64):
        """Translates images; returns float32 NumPy images in [-1, 1].

        Args:
            images: array `(n, H, W, input_channels)`, float in [-1, 1] or
                uint8 in [0, 255]; H and W multiples of `size_multiple`.
            dropout: bool or `None`. Keep dropout on (the paper's test
                protocol); `None` uses `test_time_dropout`.
            use_ema: bool. Use the EMA generator when there is one.
            batch_size: int. Images per generator call.

        Returns:
            `np.ndarray` `(n, H, W, channels)`, float32 in [-1, 1].

        Raises:
            ValueError: images of another shape, size, dtype or range.
        """
        images = self._check_images(images)
        batch_size = check_int("batch_size", batch_size, minimum=1)
        network = self.translator(dropout, use_ema)
        outputs = [
            ops.convert_to_numpy(network(images[i : i + batch_size], training=False))
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(outputs).astype(np.float32)

    def evaluate_l1(self, data, batch_size=64, dropout=None, use_ema=True):
        """Mean absolute error of the translations on held-out pairs, in
        [0, 1] pixel units: mean |G(x) - y| / 2 over every pixel and channel
        (images in [-1, 1], so a difference of 2 is the full range).

        Args:
            data: `(inputs, targets)` arrays, or a `tf.data.Dataset` (or any
                iterable) of `(inputs, targets)` batches. `inputs`
                `(n, H, W, input_channels)` and `targets` `(n, H, W,
                channels)`, float in [-1, 1] or uint8 in [0, 255].
            batch_size: int. Images per generator call.
            dropout: bool or `None`. As `translate`.
            use_ema: bool. As `translate`.

        Returns:
            dict: `{"l1": float, "num_pairs": int}`.

        Raises:
            ValueError: no pairs, or images of the wrong shape or range.

        Example:
        >>> model = Pix2Pix(32, 1, 1, generator_filters=2, discriminator_filters=2)
        >>> x = np.zeros((3, 32, 32, 1), "float32")
        >>> result = model.evaluate_l1((x, x))
        >>> result["num_pairs"], 0.0 <= result["l1"] <= 1.0
        (3, True)
        """
        is_pair = isinstance(data, (tuple, list)) and len(data) == 2
        if is_pair and all(isinstance(v, np.ndarray) or tf.is_tensor(v) for v in data):
            batches = [data]
        else:
            batches = data
        total, count, pairs = 0.0, 0, 0
        for batch in batches:
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                raise ValueError(
                    "`data` must hold `(inputs, targets)` pairs of images. "
                    f"Received: an element of type {type(batch).__name__}"
                )
            inputs = self._check_images(batch[0], "inputs")
            targets = check_unit_range(batch[1], "targets")
            expected = inputs.shape[:3] + (self.channels,)
            if targets.shape != expected:
                raise ValueError(
                    f"`targets` must have shape {expected}. "
                    f"Received: targets.shape={targets.shape}"
                )
            translated = self.translate(inputs, dropout, use_ema, batch_size)
            total += float(np.sum(np.abs(translated - targets), dtype=np.float64))
            count += targets.size
            pairs += len(targets)
        if not pairs:
            raise ValueError("`data` must hold at least one pair. Received: none")
        return {"l1": total / count / 2, "num_pairs": pairs}

    @property
    def sample_shape(self):
        """`(height, width, channels)` of the translated images."""
        height, width = check_image_size(self.image_size)
        return (height, width, self.channels)

    def export_archive(self, output="float", use_ema=True, dropout=None):
        """A `keras.export.ExportArchive` serving the translator: `image`
        float32 `(None, H, W, input_channels)` in [-1, 1], H and W multiples
        of `size_multiple` -> `images` (see
        `keras_gans.export.image_to_image_archive`). Written by
        `keras_gans.export.export_generator(model, dir, dropout=...)`.

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
            channels=self.channels,
            generator_filters=self.generator_filters,
            discriminator_filters=self.discriminator_filters,
            num_discriminator_layers=self.num_discriminator_layers,
            normalization=self.normalization,
            dropout=self.dropout,
            l1_weight=self.l1_weight,
            gan_weight=self.gan_weight,
            conditional_discriminator=self.conditional_discriminator,
            test_time_dropout=self.test_time_dropout,
            spectral_norm=self.spectral_norm,
        )
        return config

    @classmethod
    def from_config(cls, config):
        # Configs saved before the renames (the shipped presets') load silently.
        return super().from_config(_deprecation.renamed_config_keys(config, _RENAMED))
