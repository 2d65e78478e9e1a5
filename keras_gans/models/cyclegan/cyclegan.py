"""`CycleGAN`: unpaired image-to-image translation (Zhu et al. 2017)."""

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import _deprecation, _keras_compat, losses
from keras_gans.data import without_autotune_stall
from keras_gans.models._compile_config import KERAS_COMPILE_KEYS, CompileConfigMixin
from keras_gans.models._seeds import layer_seeds
from keras_gans.models.cyclegan.cyclegan_image_pool import ImagePool
from keras_gans.models.cyclegan.cyclegan_networks import (
    paper_residual_blocks,
    resnet_generator,
)
from keras_gans.models.cyclegan.cyclegan_schedule import LinearDecaySchedule
from keras_gans.models.pix2pix.pix2pix_discriminator import patch_discriminator
from keras_gans.models.registry import PresetMixin
from keras_gans.training.optimizers import FusedAdam
from keras_gans.utils import (
    check_choice,
    check_float,
    check_image_size,
    check_int,
    check_unit_range,
    is_int,
)

__all__ = ["CycleGAN", "DIRECTIONS"]

DIRECTIONS = ("AtoB", "BtoA")
#: Old argument, config key and attribute names -> today's.
_RENAMED = {
    "channels": "channels_a",
    "residual_blocks": "num_residual_blocks",
    "n_layers": "num_discriminator_layers",
}
_SIZE_MULTIPLE = 4  # two stride-2 downsamplings in each generator
_DATA_MESSAGE = "CycleGAN trains on `(a, b)` batches of unpaired images."


def _shape(value):
    shape = tf.TensorShape(value)
    return None if shape.rank is None else tuple(shape.as_list())


def _l1(x, y):
    return ops.mean(ops.abs(ops.cast(x, "float32") - ops.cast(y, "float32")))


def _lsgan_generator_loss(logits):
    """E[(D(G(x)) - 1)^2] (Zhu et al. 2017, sec 4: the LSGAN loss)."""
    return 2.0 * losses.least_squares_generator_loss(logits)  # it holds 1/2


@keras.saving.register_keras_serializable(package="keras_gans")
class CycleGAN(
    _deprecation.RenamedAttributes, CompileConfigMixin, PresetMixin, keras.Model
):
    """Unpaired image-to-image translation with cycle consistency.

    Zhu, Park, Isola & Efros 2017, "Unpaired Image-to-Image Translation
    using Cycle-Consistent Adversarial Networks", ICCV 2017. Two ResNet
    generators, G: A -> B (`generator_ab`) and F: B -> A (`generator_ba`)
    (`resnet_generator`), and two PatchGAN discriminators, D_A on A images
    and D_B on B images (Pix2Pix's `patch_discriminator`, unconditional,
    instance norm, 70x70 with `num_discriminator_layers=3`). Trains on
    `(a, b)` batches of unpaired images in [-1, 1]. Per step (the official
    code's order):

    1. G step (one optimizer for G and F): LSGAN terms
       E[(D_B(G(a)) - 1)^2] + E[(D_A(F(b)) - 1)^2], cycle consistency
       λ·(|F(G(a)) - a|₁ + |G(F(b)) - b|₁) with λ = `cycle_weight` = 10,
       and identity `identity_weight`·λ·(|G(b) - b|₁ + |F(a) - a|₁) with
       `identity_weight` = 0.5 (sec 5.2; means over pixels).
    2. D step (one optimizer for D_A and D_B): each D's LSGAN objective
       halved, 1/2·(E[(D(real) - 1)^2] + E[D(fake)^2]) (sec 4: "we divide
       the objective by 2 while optimizing D"), on fakes drawn from a
       history pool of `pool_size` = 50 images per D (`ImagePool`).

    This is a `keras.Model` with its own `train_step`, beside
    `AdversarialModel` rather than on it: that base trains one generator
    against one discriminator, and two of each with cycle and identity
    terms and image pools would be special cases in it.

    `compile()` defaults to the paper's Adam(2e-4, β1=0.5) for both
    optimizers with a `LinearDecaySchedule` (constant for the first half of
    training, then linear decay to 0); `fit` sets the schedule's length to
    its epochs x steps. The image pools, their random draws (the model's
    `SeedGenerator`) and the optimizers' step counts are saved with the
    model, so a resumed run continues exactly.

    Logged: `d_loss` (D_A + D_B), `g_loss` (G's whole objective), and its
    parts `d_a`, `d_b`, `g_ab`, `g_ba`, `cycle_a`, `cycle_b` and (when
    `identity_weight > 0`) `identity_a`, `identity_b`.

    Args:
        image_size: int or `(height, width)`. Training size, multiples of 4
            (paper: 256). Training batches must have it (the pools hold
            images of this size); `translate` takes any multiple of 4.
        channels_a: int >= 1. Channels of domain A.
        channels_b: int >= 1 or `None` (the same as `channels_a`). Channels
            of domain B.
        generator_filters: int. The generators' first width (paper: 64).
        discriminator_filters: int. The PatchGANs' first width (paper: 64).
        num_residual_blocks: int or `None`. Residual blocks of each
            generator; `None`: the paper's 6 at 128x128 and below, 9 above.
        num_discriminator_layers: int. PatchGAN stride-2 blocks (3: 70x70
            patches).
        cycle_weight: float >= 0. λ (paper: 10).
        identity_weight: float >= 0. The identity loss's weight as a
            fraction of λ (paper: 0.5); needs `channels_b == channels_a`.
        pool_size: int >= 0. Generated images kept per D (paper: 50).
        seed: int or `None`. Seeds the weights and the pools' draws.
        dtype: dtype policy of the model and of every layer of the four
            networks (e.g. `"mixed_bfloat16"`); `None`: the global policy.
        **kwargs: passed to `keras.Model` (`name`). `channels`,
            `residual_blocks` and `n_layers` are deprecated names of
            `channels_a`, `num_residual_blocks` and
            `num_discriminator_layers`.

    Raises:
        ValueError: a bad argument, named.

    Example:
    >>> model = CycleGAN(image_size=8, channels_a=1, generator_filters=2,
    ...                  discriminator_filters=2, num_residual_blocks=1, seed=0)
    >>> model.compile()
    >>> x = np.zeros((2, 8, 8, 1), "float32")
    >>> model.translate(x).shape, model.translate(x, direction="BtoA").shape
    ((2, 8, 8, 1), (2, 8, 8, 1))
    """

    renamed_attributes = _RENAMED

    def __init__(
        self,
        image_size=256,
        channels_a=3,
        channels_b=None,
        generator_filters=64,
        discriminator_filters=64,
        num_residual_blocks=None,
        num_discriminator_layers=3,
        cycle_weight=10.0,
        identity_weight=0.5,
        pool_size=50,
        seed=None,
        dtype=None,
        **kwargs,
    ):
        height, width = check_image_size(image_size)
        if height % _SIZE_MULTIPLE or width % _SIZE_MULTIPLE:
            raise ValueError(
                f"`image_size` must be multiples of {_SIZE_MULTIPLE}. "
                f"Received: image_size={image_size!r}"
            )
        renamed = (channels_a, num_residual_blocks, num_discriminator_layers)
        channels_a, num_residual_blocks, num_discriminator_layers = (
            _deprecation.renamed_arguments(CycleGAN, kwargs, _RENAMED, *renamed)
        )
        channels_a = check_int("channels_a", channels_a, minimum=1)
        channels_b = channels_a if channels_b is None else channels_b
        channels_b = check_int("channels_b", channels_b, minimum=1)
        if num_residual_blocks is None:
            num_residual_blocks = paper_residual_blocks(max(height, width))
        self.cycle_weight = check_float("cycle_weight", cycle_weight, minimum=0.0)
        self.identity_weight = check_float(
            "identity_weight", identity_weight, minimum=0.0
        )
        if self.identity_weight and channels_b != channels_a:
            raise ValueError(
                "`identity_weight` must be 0 when the domains' channels differ "
                "(G(b) must be comparable to b). Received: "
                f"identity_weight={identity_weight!r}, channels_a={channels_a}, "
                f"channels_b={channels_b}"
            )
        self.image_size = int(image_size) if is_int(image_size) else (height, width)
        self.channels_a, self.channels_b = channels_a, channels_b
        self.generator_filters = check_int(
            "generator_filters", generator_filters, minimum=1
        )
        self.discriminator_filters = check_int(
            "discriminator_filters", discriminator_filters, minimum=1
        )
        self.num_residual_blocks = check_int(
            "num_residual_blocks", num_residual_blocks, minimum=0
        )
        self.num_discriminator_layers = check_int(
            "num_discriminator_layers", num_discriminator_layers, minimum=0
        )
        self.pool_size = check_int("pool_size", pool_size, minimum=0)
        self.seed = seed
        policy = None if dtype is None else keras.dtype_policies.get(dtype)
        kwargs.setdefault("name", "cycle_gan")
        super().__init__(dtype=policy, **kwargs)

        def seed_of(k):
            return None if seed is None else seed + 1000 * k

        def generator(c_in, c_out, k, name):
            return resnet_generator(
                c_in,
                c_out,
                self.generator_filters,
                self.num_residual_blocks,
                seed=seed_of(k),
                dtype=policy,
                name=name,
            )

        def discriminator(c, k):
            with layer_seeds(seed_of(k)):  # the PatchGAN builder is unseeded
                return patch_discriminator(
                    self.num_discriminator_layers,
                    c,
                    c,
                    self.discriminator_filters,
                    "instance",
                    conditional=False,
                    dtype=policy,
                )

        self.generator_ab = generator(channels_a, channels_b, 0, "generator_ab")
        self.generator_ba = generator(channels_b, channels_a, 1, "generator_ba")
        self.discriminator_a = discriminator(channels_a, 2)
        self.discriminator_b = discriminator(channels_b, 3)
        self.pool_a = ImagePool(pool_size, (height, width, channels_a), name="pool_a")
        self.pool_b = ImagePool(pool_size, (height, width, channels_b), name="pool_b")
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")
        self.built = True

    # ------------------------------------------------------------- networks
    @property
    def generator(self):
        """G: A -> B (`generator_ab`)."""
        return self.generator_ab

    @property
    def size_multiple(self):
        """Height and width of images must be multiples of this."""
        return _SIZE_MULTIPLE

    def generator_variables(self):
        return self.generator_ab.trainable_variables + (
            self.generator_ba.trainable_variables
        )

    def discriminator_variables(self):
        return self.discriminator_a.trainable_variables + (
            self.discriminator_b.trainable_variables
        )

    def call(self, inputs, training=False):
        """G(a): A -> B."""
        return self.generator_ab(inputs, training=training)

    # -------------------------------------------------------------- compile
    def default_optimizer(self, total_steps=None):
        """Adam(2e-4, β1=0.5) on a `LinearDecaySchedule` (a new instance)."""
        return FusedAdam(
            learning_rate=LinearDecaySchedule(2e-4, total_steps), beta_1=0.5
        )

    def compile(self, g_optimizer=None, d_optimizer=None, total_steps=None, **kwargs):
        """Configures training.

        Args:
            g_optimizer: optimizer of G and F together (the official code's
                one optimizer for both generators); `None`:
                `default_optimizer(total_steps)`.
            d_optimizer: optimizer of D_A and D_B together; same default.
            total_steps: int or `None`. Length of the default optimizers'
                schedule; `None`: set by the first `fit`.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, `run_eagerly`).
        """
        for name in ("optimizer", "loss", "loss_weights", "metrics"):
            if kwargs.get(name) is not None:
                raise ValueError(
                    f"`{name}` is not used by CycleGAN; use `g_optimizer` and "
                    "`d_optimizer`."
                )
        g_optimizer = g_optimizer or self.default_optimizer(total_steps)
        d_optimizer = d_optimizer or self.default_optimizer(total_steps)
        if g_optimizer is d_optimizer:
            raise ValueError("`g_optimizer` and `d_optimizer` must be two optimizers.")
        if self.dtype_policy.name == "mixed_float16":
            scale = keras.optimizers.LossScaleOptimizer
            if not isinstance(g_optimizer, scale):
                g_optimizer = scale(g_optimizer, name="g_loss_scale_optimizer")
            if not isinstance(d_optimizer, scale):
                d_optimizer = scale(d_optimizer, name="d_loss_scale_optimizer")
        self.g_optimizer, self.d_optimizer = g_optimizer, d_optimizer
        super().compile(optimizer=None, loss=None, **kwargs)
        with self.distribute_strategy.scope():
            self.g_optimizer.build(self.generator_variables())
            self.d_optimizer.build(self.discriminator_variables())
        names = ["d_loss", "g_loss", "d_a", "d_b", "g_ab", "g_ba", "cycle_a", "cycle_b"]
        if self.identity_weight:
            names += ["identity_a", "identity_b"]
        self._trackers = {n: keras.metrics.Mean(name=n) for n in names}
        self._compile_args = {
            k: v for k, v in kwargs.items() if k in KERAS_COMPILE_KEYS
        }

    @property
    def metrics(self):
        return list(getattr(self, "_trackers", {}).values())

    # ---------------------------------------------------------------- train
    def _unpack(self, data):
        if not isinstance(data, (tuple, list)) or len(data) != 2:
            raise ValueError(
                f"{_DATA_MESSAGE} Received: {type(data).__name__} of length "
                f"{len(data) if isinstance(data, (tuple, list)) else 1}"
            )
        a, b = data
        self.check_batch_shapes(getattr(a, "shape", None), getattr(b, "shape", None))
        dtype = self.compute_dtype
        return ops.cast(a, dtype), ops.cast(b, dtype)

    def generator_losses(self, a, b, training=True):
        """G's objective's terms on one batch: `(terms, fake_a, fake_b)`,
        `terms` a dict of float32 scalars (see the class doc)."""
        g, f = self.generator_ab, self.generator_ba
        fake_b = g(a, training=training)  # (B, H, W, C_b)
        fake_a = f(b, training=training)  # (B, H, W, C_a)
        lam = self.cycle_weight
        terms = {
            "g_ab": _lsgan_generator_loss(
                self.discriminator_b(fake_b, training=training)
            ),
            "g_ba": _lsgan_generator_loss(
                self.discriminator_a(fake_a, training=training)
            ),
            "cycle_a": lam * _l1(f(fake_b, training=training), a),
            "cycle_b": lam * _l1(g(fake_a, training=training), b),
        }
        if self.identity_weight:
            weight = self.identity_weight * lam
            terms["identity_a"] = weight * _l1(f(a, training=training), a)
            terms["identity_b"] = weight * _l1(g(b, training=training), b)
        return terms, fake_a, fake_b

    def discriminator_losses(self, a, b, fake_a, fake_b, training=True):
        """`{"d_a": ..., "d_b": ...}`: each D's halved LSGAN objective."""
        d_a, d_b = self.discriminator_a, self.discriminator_b
        ls = losses.least_squares_discriminator_loss  # 1/2 (real + fake) terms
        return {
            "d_a": ls(d_a(a, training=training), d_a(fake_a, training=training)),
            "d_b": ls(d_b(b, training=training), d_b(fake_b, training=training)),
        }

    def train_step(self, data):
        a, b = self._unpack(data)
        scale = 1.0 / tf.distribute.get_strategy().num_replicas_in_sync
        g_vars = self.generator_variables()
        with tf.GradientTape() as tape:
            terms, fake_a, fake_b = self.generator_losses(a, b)
            g_loss = sum(terms.values())
            scaled = self.g_optimizer.scale_loss(g_loss * scale)
        self.g_optimizer.apply(tape.gradient(scaled, g_vars), g_vars)
        # D trains on the history of generated images (fakes of this step's
        # G, before its update, as in the official code).
        fake_a = self.pool_a.query(fake_a, self.seed_generator)
        fake_b = self.pool_b.query(fake_b, self.seed_generator)
        d_vars = self.discriminator_variables()
        with tf.GradientTape() as tape:
            d_terms = self.discriminator_losses(a, b, fake_a, fake_b)
            d_loss = d_terms["d_a"] + d_terms["d_b"]
            scaled = self.d_optimizer.scale_loss(d_loss * scale)
        self.d_optimizer.apply(tape.gradient(scaled, d_vars), d_vars)
        return self._log({"d_loss": d_loss, "g_loss": g_loss, **d_terms, **terms})

    def test_step(self, data):
        """`evaluate()`: the losses on held-out data, no update, no pool."""
        a, b = self._unpack(data)
        terms, fake_a, fake_b = self.generator_losses(a, b, training=False)
        d_terms = self.discriminator_losses(a, b, fake_a, fake_b, training=False)
        logs = {
            "d_loss": d_terms["d_a"] + d_terms["d_b"],
            "g_loss": sum(terms.values()),
            **d_terms,
            **terms,
        }
        return self._log(logs)

    def _log(self, logs):
        for name, value in logs.items():
            self._trackers[name].update_state(value)
        return {m.name: m.result() for m in self.metrics}

    # ---------------------------------------------------------- data checks
    def check_batch_shapes(self, a_shape, b_shape):
        """Raises a named `ValueError` unless `(a, b)` batches of these
        static shapes can train: rank 4 `(batch, H, W, C)` with
        `(H, W) == image_size` and the domains' channels. Unknown
        dimensions pass.

        Example:
        >>> model = CycleGAN(8, 1, generator_filters=2, discriminator_filters=2,
        ...                  num_residual_blocks=0)
        >>> model.check_batch_shapes((1, 8, 8, 3), (1, 8, 8, 1))
        Traceback (most recent call last):
        ...
        ValueError: `a` must have shape (batch, 8, 8, 1). Received: a.shape=(1, 8, 8, 3)
        """
        height, width = check_image_size(self.image_size)
        for name, shape, channels in (
            ("a", _shape(a_shape), self.channels_a),
            ("b", _shape(b_shape), self.channels_b),
        ):
            if shape is None:
                continue
            expected = (height, width, channels)
            if len(shape) != 4 or any(
                d is not None and d != e for d, e in zip(shape[1:], expected)
            ):
                raise ValueError(
                    f"`{name}` must have shape (batch, {height}, {width}, "
                    f"{channels}). Received: {name}.shape={shape}"
                )

    def _check_fit_data(self, x, y):
        if isinstance(x, tf.data.Dataset):
            spec = x.element_spec
            if not isinstance(spec, (tuple, list)) or len(spec) != 2:
                raise ValueError(f"{_DATA_MESSAGE} Received: a dataset of {spec}")
            if all(isinstance(s, tf.TensorSpec) for s in spec):
                self.check_batch_shapes(spec[0].shape, spec[1].shape)
        elif y is not None and all(
            isinstance(v, np.ndarray) or tf.is_tensor(v) for v in (x, y)
        ):
            self.check_batch_shapes(x.shape, y.shape)
            if len(x) != len(y):
                raise ValueError(
                    "`x` (domain A) and `y` (domain B) arrays must hold as many "
                    f"images. Received: x.shape={x.shape}, y.shape={y.shape}"
                )

    def _steps_per_epoch(self, x, batch_size, steps_per_epoch):
        if steps_per_epoch is not None:
            return steps_per_epoch
        if isinstance(x, tf.data.Dataset):
            n = int(x.cardinality())
            return n if n > 0 else None
        if hasattr(x, "shape"):
            return math.ceil(len(x) / (batch_size or 32))
        return None

    def _set_schedule_length(self, total_steps):
        for optimizer in (self.g_optimizer, self.d_optimizer):
            schedule = _keras_compat.learning_rate_schedule(optimizer)
            if isinstance(schedule, LinearDecaySchedule) and (
                schedule.total_steps is None
            ):
                schedule.total_steps = int(total_steps)
                self.train_function = None  # retrace with the new length

    def fit(self, x=None, y=None, batch_size=None, epochs=1, *args, **kwargs):
        """`keras.Model.fit` on unpaired `(a, b)`: a `tf.data.Dataset` of
        batches (e.g. `keras_gans.unpaired.unpaired_folder_dataset`), or
        arrays `x=a`, `y=b` of equal length, in [-1, 1].

        Before training, a `LinearDecaySchedule` without a length gets
        `epochs` x steps per epoch (`steps_per_epoch`, or the dataset's
        known cardinality).

        Raises:
            ValueError: before training, when the data's structure, rank,
                size or channels cannot train (see `check_batch_shapes`).
        """
        self._check_fit_data(x, y)
        steps = self._steps_per_epoch(x, batch_size, kwargs.get("steps_per_epoch"))
        if steps and getattr(self, "g_optimizer", None) is not None:
            self._set_schedule_length(epochs * steps)
        x = without_autotune_stall(x) if isinstance(x, tf.data.Dataset) else x
        return super().fit(x, y, batch_size, epochs, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        """`keras.Model.evaluate`, with the data checks of `fit`."""
        self._check_fit_data(x, y)
        x = without_autotune_stall(x) if isinstance(x, tf.data.Dataset) else x
        return super().evaluate(x, y, *args, **kwargs)

    # ------------------------------------------------------------ translate
    def translator(self, direction="AtoB"):
        """G (`"AtoB"`) or F (`"BtoA"`)."""
        check_choice("direction", direction, DIRECTIONS)
        return self.generator_ab if direction == "AtoB" else self.generator_ba

    def translate(self, images, direction="AtoB", batch_size=64):
        """Translates images A -> B (G) or B -> A (F).

        Args:
            images: array `(n, H, W, C)` of the source domain, float in
                [-1, 1] (or uint8 in [0, 255]); H and W multiples of 4.
            direction: `"AtoB"` or `"BtoA"`.
            batch_size: int. Images per generator call.

        Returns:
            `np.ndarray` `(n, H, W, C_target)`, float32 in [-1, 1].

        Raises:
            ValueError: a bad direction, or images of another shape, size,
                dtype or range.
        """
        network = self.translator(direction)
        batch_size = check_int("batch_size", batch_size, minimum=1)
        images = check_unit_range(images, "images")
        channels = self.channels_a if direction == "AtoB" else self.channels_b
        if images.ndim != 4 or images.shape[-1] != channels or not len(images):
            raise ValueError(
                f"`images` ({direction}) must have shape (n, H, W, {channels}), "
                f"n >= 1. Received: images.shape={images.shape}"
            )
        if images.shape[1] % _SIZE_MULTIPLE or images.shape[2] % _SIZE_MULTIPLE:
            raise ValueError(
                f"`images` height and width must be multiples of {_SIZE_MULTIPLE}. "
                f"Received: images.shape={images.shape}"
            )
        outputs = [
            ops.convert_to_numpy(network(images[i : i + batch_size], training=False))
            for i in range(0, len(images), batch_size)
        ]
        return np.concatenate(outputs).astype(np.float32)

    @property
    def sample_shape(self):
        """`(height, width, channels_b)` of the A -> B translations."""
        height, width = check_image_size(self.image_size)
        return (height, width, self.channels_b)

    def export_archive(self, output="float", direction=None):
        """A `keras.export.ExportArchive` serving the translators: `image`
        float32 `(None, H, W, C)` in [-1, 1] (H, W multiples of 4) ->
        `images`. `direction=None`: `serving_default` is A -> B and named
        signatures `AtoB` and `BtoA` serve each direction; `"AtoB"` or
        `"BtoA"`: that direction alone, as `serving_default` and by name.
        Written by `keras_gans.export.export_generator(model, dir)`.
        """
        from keras_gans import export

        if direction is not None:
            check_choice("direction", direction, DIRECTIONS)
        names = DIRECTIONS if direction is None else (direction,)
        return export.image_to_image_endpoints_archive(
            {name: self.translator(name) for name in names},
            default=direction or "AtoB",
            output=output,
            size_multiple=_SIZE_MULTIPLE,
        )

    def generate(self, n, labels=None, seed=None, **kwargs):
        raise ValueError(
            "CycleGAN translates images rather than sampling noise: use "
            "`model.translate(images, direction=...)`."
        )

    # ---------------------------------------------------------------- state
    _SEED_STATE_KEY = "seed_generator_state"

    def save_own_variables(self, store):
        # Keras does not save a model's own SeedGenerator; the pools' draws
        # come from it.
        super().save_own_variables(store)
        store[self._SEED_STATE_KEY] = ops.convert_to_numpy(self.seed_generator.state)

    def load_own_variables(self, store):
        if self._SEED_STATE_KEY in list(store.keys()):
            self.seed_generator.state.assign(store[self._SEED_STATE_KEY])

    def get_config(self):
        return {
            **super().get_config(),
            "image_size": self.image_size,
            "channels_a": self.channels_a,
            "channels_b": self.channels_b,
            "generator_filters": self.generator_filters,
            "discriminator_filters": self.discriminator_filters,
            "num_residual_blocks": self.num_residual_blocks,
            "num_discriminator_layers": self.num_discriminator_layers,
            "cycle_weight": self.cycle_weight,
            "identity_weight": self.identity_weight,
            "pool_size": self.pool_size,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        # Configs saved before the renames (the shipped presets') load silently.
        config = _deprecation.renamed_config_keys(config, _RENAMED)
        if isinstance(config.get("image_size"), list):
            config["image_size"] = tuple(config["image_size"])
        return cls(**config)
