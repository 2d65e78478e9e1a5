"""`AdversarialModel`: the one `train_step` that every GAN in the zoo shares."""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import losses as losses_lib
from keras_gans.models import _checks
from keras_gans.models._augment_step import AugmentMixin
from keras_gans.models._compile_config import KERAS_COMPILE_KEYS, CompileConfigMixin
from keras_gans.models._penalties import PenaltiesMixin
from keras_gans.models._seeds import SavedSeedStates, layer_seeds, seed_states
from keras_gans.models.registry import PresetMixin
from keras_gans.training.optimizers import FusedAdam
from keras_gans.utils import check_choice, check_float, check_int

__all__ = ["AdversarialModel", "LATENT_DISTRIBUTIONS", "default_adam"]

LATENT_DISTRIBUTIONS = ("normal", "uniform")


def default_adam():
    """Adam(2e-4, beta_1=0.5), the DCGAN setting (Radford et al. 2016, sec 4)."""
    return FusedAdam(learning_rate=2e-4, beta_1=0.5)


def _num_replicas():
    return tf.distribute.get_strategy().num_replicas_in_sync


@keras.saving.register_keras_serializable(package="keras_gans")
class AdversarialModel(
    AugmentMixin,
    PenaltiesMixin,
    CompileConfigMixin,
    _checks.DataChecks,
    SavedSeedStates,
    PresetMixin,
    keras.Model,
):
    """A generator and a discriminator trained against each other.

    `train_step` runs `d_steps` discriminator updates, then one generator
    update, each under its own `tf.GradientTape` and optimizer:

    1. D step: `fake = G(z)`; `d_loss(D(real), D(fake))` plus the enabled
       penalties (`gp_weight` * WGAN-GP, `r1_weight / 2` * R1,
       `r2_weight / 2` * R2, `drift_weight` * drift); only D's weights change.
    2. G step: `g_loss(D(G(z)))` (a relativistic loss such as
       `"relativistic_pairing"` also gets the freshly updated D's logits on
       the real batch: `g_loss(D(G(z)), D(x))`) plus any extra terms of the subclass
       (e.g. Pix2Pix's L1); only G's weights change. The G step reuses the
       noise of the last D step (as the PyTorch DCGAN reference does), which
       saves one generator forward pass per step; its logits come from the
       freshly updated D.
    3. If `ema_decay` is set, an exponential moving average of G's weights is
       updated (Karras et al. 2018); a generator with BatchNorm keeps
       BatchNorm statistics of its own for the average (a forward pass of the
       EMA generator in training mode), since the online generator's
       statistics do not fit the averaged weights.

    Random numbers come from `keras.random` with the model's
    `SeedGenerator`; the networks' dropout layers have generators of their
    own. All their states are saved with the model, so a seeded run repeats
    exactly and a resumed run continues the same streams. Under a
    `tf.distribute` strategy each replica's loss is divided by the number of
    replicas, so the all-reduced (summed) gradients equal those of the
    global batch on one device.

    Subclasses adapt the data flow through small hooks: `unpack_batch`,
    `generator_inputs`, `discriminator_inputs`, `split_discriminator_outputs`
    (for discriminators with auxiliary heads), `extra_discriminator_losses`
    and `extra_generator_losses`.

    Its mixins (augmentation, the regulariser phases `D_REGULARISERS`,
    compile config, data checks, saved seed streams, presets) each state
    what they need from the model; GAN, DCGAN and cGAN add `OwnNetworksConfig`.

    Args:
        generator: `keras.Model`. Maps `noise` (and `labels` for conditional
            models) to images in [-1, 1].
        discriminator: `keras.Model`. Maps images (and the condition) to
            logits of any shape.
        latent_dim: int. Size of the noise vector; inferred from the
            generator's first input when `None`.
        num_classes: int or `None`. Number of labels for conditional models.
        latent_distribution: str. `"normal"` (N(0, 1)) or `"uniform"`
            (U(-1, 1), as in the 2014 papers).
        seed: int or `None`. Seed of the model's random stream (subclasses
            that build their networks also seed their weights and dropout
            with it, see `layer_seeds`).

    `fit` and `evaluate` check the data first (`check_batch_spec`,
    `batch_value_checks`): images of the wrong rank, size, channels or
    dtype, non-finite images and labels outside [0, num_classes) raise a
    `ValueError` naming the field (and the batch).

    Example:
    >>> g = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4, "tanh")])
    >>> d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    >>> model = AdversarialModel(g, d, seed=0)
    >>> model.compile()
    >>> model.generate(3, seed=1).shape
    (3, 4)
    """

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        num_classes=None,
        latent_distribution="normal",
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_choice("latent_distribution", latent_distribution, LATENT_DISTRIBUTIONS)
        if num_classes is not None:
            num_classes = check_int("num_classes", num_classes, minimum=2)
        self.generator = generator
        self.discriminator = discriminator
        if latent_dim is None and generator.inputs:
            shape = generator.inputs[0].shape
            latent_dim = int(shape[-1]) if len(shape) == 2 else None
        self.latent_dim = latent_dim
        self.num_classes = num_classes
        self.latent_distribution = latent_distribution
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")
        self.ema_generator = None
        self.built = True

    # ------------------------------------------------------------------ compile
    def compile(
        self,
        g_optimizer=None,
        d_optimizer=None,
        loss="non_saturating",
        d_steps=1,
        gp_weight=0.0,
        r1_weight=0.0,
        drift_weight=0.0,
        ema_decay=None,
        augment=None,
        d_reg_interval=1,
        r2_weight=0.0,
        **kwargs,
    ):
        """Configures training.

        Args:
            g_optimizer: `keras.optimizers.Optimizer` for the generator;
                `None` uses the model's paper default (`default_optimizer()`).
            d_optimizer: optimizer for the discriminator; same default.
            loss: str or `(generator_loss, discriminator_loss)` pair. A name
                from `keras_gans.losses.LOSSES`.
            d_steps: int. Discriminator updates per generator update.
            gp_weight: float. Weight of the WGAN-GP gradient penalty.
            r1_weight: float. γ of the R1 penalty (the step adds γ/2 · R1).
            r2_weight: float. γ of the R2 penalty on the fakes (γ/2 · R2);
                R3GAN (Huang et al. 2024) is `loss="relativistic_pairing"`
                with `r1_weight == r2_weight`.
            drift_weight: float. Weight of the PGGAN drift term.
            ema_decay: float in (0, 1) or `None`. Keep an EMA copy of G.
            augment: `None`, `"diffaugment"`, `"ada"` or a layer (`AugmentMixin`).
            d_reg_interval: int >= 1. Lazy regularization (StyleGAN2, Karras
                et al. 2020, sec 3.1): GP and R1 only on every N-th D update
                (by the D optimizer's step count), weighted by N. 1: every
                update, as the papers do; drift stays on every update.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`,
                `steps_per_execution`, `run_eagerly`, ...).
        """
        d_steps = check_int("d_steps", d_steps, minimum=1)
        gp_weight = check_float("gp_weight", gp_weight, minimum=0.0)
        r1_weight = check_float("r1_weight", r1_weight, minimum=0.0)
        r2_weight = check_float("r2_weight", r2_weight, minimum=0.0)
        drift_weight = check_float("drift_weight", drift_weight, minimum=0.0)
        d_reg_interval = check_int("d_reg_interval", d_reg_interval, minimum=1)
        if ema_decay is not None:
            check_float("ema_decay", ema_decay, 0.0, 1.0, exclusive=True)
        for name in ("optimizer", "loss_weights", "metrics", "weighted_metrics"):
            if kwargs.get(name) is not None:
                raise ValueError(
                    f"`{name}` is not used by {type(self).__name__}; use "
                    "`g_optimizer`/`d_optimizer` and `loss`."
                )
        self.g_loss_fn, self.d_loss_fn = losses_lib.get(loss)
        if g_optimizer is None:
            g_optimizer = self.default_optimizer()
        if d_optimizer is None:
            d_optimizer = self.default_optimizer()
        if g_optimizer is d_optimizer:
            raise ValueError("`g_optimizer` and `d_optimizer` must be two optimizers.")
        if self.dtype_policy.name == "mixed_float16":
            LossScale = keras.optimizers.LossScaleOptimizer
            if not isinstance(g_optimizer, LossScale):
                g_optimizer = LossScale(g_optimizer, name="g_loss_scale_optimizer")
            if not isinstance(d_optimizer, LossScale):
                d_optimizer = LossScale(d_optimizer, name="d_loss_scale_optimizer")
        self.g_optimizer = g_optimizer
        self.d_optimizer = d_optimizer
        self.loss_name = loss if isinstance(loss, str) else None
        self.d_steps = d_steps
        self.gp_weight = gp_weight
        self.r1_weight = r1_weight
        self.r2_weight = r2_weight
        self.drift_weight = drift_weight
        self.d_reg_interval = d_reg_interval
        self.ema_decay = ema_decay
        if ema_decay is not None and self.ema_generator is None:
            self._create_ema_generator()
        self._generator_has_state = bool(self.generator.non_trainable_weights)
        super().compile(optimizer=None, loss=None, **kwargs)
        with self.distribute_strategy.scope():
            self.g_optimizer.build(self.generator.trainable_variables)
            self.d_optimizer.build(self.discriminator.trainable_variables)
        self._make_trackers()
        self._compile_args = dict(
            loss=self.loss_name,
            d_steps=self.d_steps,
            gp_weight=self.gp_weight,
            r1_weight=self.r1_weight,
            r2_weight=self.r2_weight,
            drift_weight=self.drift_weight,
            ema_decay=ema_decay,
            augment=self._compile_augment(augment),
            d_reg_interval=self.d_reg_interval,
            **{k: v for k, v in kwargs.items() if k in KERAS_COMPILE_KEYS},
        )

    def _create_ema_generator(self):
        with layer_seeds(None if self.seed is None else self.seed + 1):
            self.ema_generator = keras.models.clone_model(self.generator)
        self.ema_generator.set_weights(self.generator.get_weights())

    def default_optimizer(self):
        """The paper's optimizer for this model (a new instance per call)."""
        return default_adam()

    def _make_trackers(self):
        regularisers = [r.name for r in self.enabled_regularisers()]
        names = ["d_loss", "g_loss", *regularisers]
        names += list(self.extra_loss_names())
        self._trackers = {n: keras.metrics.Mean(name=n) for n in names}

    @property
    def metrics(self):
        return list(getattr(self, "_trackers", {}).values())

    # ------------------------------------------------------------- data checks
    def data_image_shape(self):
        """`(H, W, C)` of the real images `fit` takes (`sample_shape`)."""
        return self.sample_shape

    def check_batch_spec(self, spec):
        """Raises a named `ValueError` unless batches `(images[, labels])` of
        these `tf.TensorSpec`s (or arrays) can train: float images
        `(batch, *data_image_shape())`, integer labels for a conditional
        model."""
        _checks.check_image_spec("images", spec[0], self.data_image_shape())
        if self.num_classes is not None:
            if len(spec) < 2:
                raise ValueError(
                    f"{type(self).__name__} is conditional: batches must be "
                    f"(images, labels). Received: {len(spec)} element(s)"
                )
            _checks.check_label_spec(spec[1])

    def batch_value_checks(self, batch):
        """Finite images; labels in [0, num_classes) for a conditional model."""
        batch = batch if isinstance(batch, (tuple, list)) else (batch,)
        checks = [_checks.finite_check("images", batch[0])]
        if self.num_classes is not None and len(batch) > 1:
            checks.append(_checks.label_range_check(batch[1], self.num_classes))
        return checks

    # ------------------------------------------------------------------- hooks
    def unpack_batch(self, data):
        """Splits a dataset element into `(real_images, condition)`."""
        if isinstance(data, (tuple, list)):
            if len(data) == 1:
                return data[0], None
            if self.num_classes is None:
                return data[0], None
            return data[0], data[1]
        return data, None

    def replica_seed(self):
        """A stateless `(2,)` seed distinct per replica, or `None` on one replica.

        Under a strategy with several replicas the `SeedGenerator`'s state is
        one mirrored variable, so every replica would draw the same numbers;
        the replica id is folded into its next seed. With one replica callers
        draw from the `SeedGenerator` itself, so single-device runs are
        unchanged."""
        context = tf.distribute.get_replica_context()
        if context is None or context.num_replicas_in_sync == 1:
            return None
        seed = self.seed_generator.next()
        return tf.random.experimental.stateless_fold_in(
            seed, context.replica_id_in_sync_group
        )

    def _uniform(self, shape, minval=0.0, maxval=1.0, seed=None):
        replica_seed = self.replica_seed() if seed is None else None
        if replica_seed is not None:
            return tf.random.stateless_uniform(shape, replica_seed, minval, maxval)
        seed = self.seed_generator if seed is None else seed
        return keras.random.uniform(shape, minval=minval, maxval=maxval, seed=seed)

    def sample_noise(self, batch_size, seed=None):
        """Latent vectors `(batch_size, latent_dim)` from the model's prior.

        `seed=None` draws from the model's stream (distinct per replica under
        a distribution strategy); an int draws the same vectors every call.
        """
        shape = (batch_size, self.latent_dim)
        if self.latent_distribution == "uniform":
            return self._uniform(shape, -1.0, 1.0, seed)
        replica_seed = self.replica_seed() if seed is None else None
        if replica_seed is not None:
            return tf.random.stateless_normal(shape, replica_seed)
        seed = self.seed_generator if seed is None else seed
        return keras.random.normal(shape, seed=seed)

    def generator_inputs(self, batch_size, condition, seed=None):
        """What the generator is called on for a batch."""
        noise = self.sample_noise(batch_size, seed)
        return noise if condition is None else [noise, condition]

    def discriminator_inputs(self, images, condition):
        """What the discriminator is called on for a batch of images."""
        return images if condition is None else [images, condition]

    def extra_loss_names(self):
        """Names of the terms the two `extra_*_losses` hooks return."""
        return ()

    def extra_discriminator_losses(self, real_aux, fake_aux, condition):
        """Weighted extra discriminator terms as `{name: scalar}`.

        `real_aux`/`fake_aux` are the discriminator's auxiliary outputs
        (`None` for a single-output discriminator), e.g. AC-GAN class logits.
        """
        return {}

    def extra_generator_losses(self, real, fake, condition, fake_aux=None):
        """Weighted extra generator terms as `{name: scalar}` (e.g. L1)."""
        return {}

    def split_discriminator_outputs(self, outputs):
        """`(logits, auxiliary)`: the adversarial logits come first; a
        discriminator with more outputs (e.g. AC-GAN class logits) returns
        them after it."""
        if isinstance(outputs, (list, tuple)):
            return outputs[0], outputs[1] if len(outputs) == 2 else list(outputs[1:])
        return outputs, None

    def discriminate(self, images, condition, training=True):
        """`(logits, auxiliary)` of the discriminator on a batch of images."""
        images = self.augment_images(images, training)
        outputs = self.discriminator(
            self.discriminator_inputs(images, condition), training=training
        )
        return self.split_discriminator_outputs(outputs)

    # -------------------------------------------------------------- train step
    def generator_variables(self):
        """The generator weights a train step updates (all trainable ones;
        `ProgressiveGAN` returns those of the current phase only)."""
        return self.generator.trainable_variables

    def discriminator_variables(self):
        """The discriminator weights a train step updates."""
        return self.discriminator.trainable_variables

    def _discriminator_step(self, real, condition, fake):
        replicas = _num_replicas()
        d_vars = self.discriminator_variables()
        logs = {}
        with tf.GradientTape() as tape:
            real_logits, real_aux = self.discriminate(real, condition)
            fake_logits, fake_aux = self.discriminate(fake, condition)
            logs.update(self.update_augment(real_logits))
            d_loss = self.d_loss_fn(real_logits, fake_logits)
            logs["d_loss"] = d_loss
            total = d_loss
            extra = self.extra_discriminator_losses(real_aux, fake_aux, condition)
            for name, value in extra.items():
                logs[name] = value
                total = total + value
            penalties, weights = self._discriminator_regularisers(
                real, condition, fake, real_logits
            )
            for name, (value, weight) in penalties.items():  # gp, r1, r2, drift
                logs[name] = value
                total = total + weight * value
            if weights:
                logs["_weights"] = weights  # of the trackers: lazy steps count 0
            scaled = self.d_optimizer.scale_loss(total / replicas)
        grads = tape.gradient(scaled, d_vars)
        self.d_optimizer.apply(grads, d_vars)
        return logs

    def train_step(self, data):
        real, condition = self.unpack_batch(data)
        batch_size = ops.shape(real)[0]
        replicas = _num_replicas()
        g_vars = self.generator_variables()
        logs = {}
        for _ in range(self.d_steps - 1):
            fake = self.generator(
                self.generator_inputs(batch_size, condition), training=True
            )
            logs.update(self._discriminator_step(real, condition, fake))
        g_inputs = self.generator_inputs(batch_size, condition)
        with tf.GradientTape() as g_tape:
            fake = self.generator(g_inputs, training=True)
            with g_tape.stop_recording():
                # The D step sees `fake` as a constant; G's tape keeps its graph.
                logs.update(
                    self._discriminator_step(real, condition, ops.stop_gradient(fake))
                )
            fake_logits, fake_aux = self.discriminate(fake, condition)
            g_loss = self._generator_loss(fake_logits, real, condition)
            logs["g_loss"] = g_loss
            total = g_loss
            extra = self.extra_generator_losses(real, fake, condition, fake_aux)
            for name, value in extra.items():
                logs[name] = value
                total = total + value
            total = self._add_generator_penalties(logs, total, g_inputs, condition)
            scaled = self.g_optimizer.scale_loss(total / replicas)
        grads = g_tape.gradient(scaled, g_vars)
        self.g_optimizer.apply(grads, g_vars)
        if self.ema_generator is not None and self.ema_decay is not None:
            # A model re-compiled without `ema_decay` keeps its EMA weights
            # (for sampling) but stops updating them.
            self._update_ema(g_inputs)
        weights = logs.pop("_weights", {})
        for name, value in logs.items():
            self._trackers[name].update_state(value, sample_weight=weights.get(name))
        return {m.name: m.result() for m in self.metrics}

    def _generator_loss(self, fake_logits, real, condition, training=True):
        """`g_loss(D(G(z)))`, or `g_loss(D(G(z)), D(x))` for a relativistic
        loss (`losses.needs_real_logits`)."""
        if losses_lib.needs_real_logits(self.g_loss_fn):
            real_logits, _ = self.discriminate(real, condition, training=training)
            return self.g_loss_fn(fake_logits, ops.stop_gradient(real_logits))
        return self.g_loss_fn(fake_logits)

    def _update_ema(self, g_inputs):
        decay = self.ema_decay
        for ema_w, w in zip(
            self.ema_generator.trainable_variables, self.generator.trainable_variables
        ):
            ema_w.assign(decay * ema_w + (1.0 - decay) * ops.cast(w, ema_w.dtype))
        if self._generator_has_state:
            # BatchNorm statistics of the averaged weights' own activations.
            self.ema_generator(g_inputs, training=True)

    def test_step(self, data):
        """`evaluate()`: the adversarial losses on held-out data, no update."""
        real, condition = self.unpack_batch(data)
        batch_size = ops.shape(real)[0]
        fake = self.generator(
            self.generator_inputs(batch_size, condition), training=False
        )
        real_logits, real_aux = self.discriminate(real, condition, training=False)
        fake_logits, fake_aux = self.discriminate(fake, condition, training=False)
        logs = {
            "d_loss": self.d_loss_fn(real_logits, fake_logits),
            "g_loss": self._generator_loss(
                fake_logits, real, condition, training=False
            ),
        }
        logs.update(self.extra_discriminator_losses(real_aux, fake_aux, condition))
        logs.update(self.extra_generator_losses(real, fake, condition, fake_aux))
        for name, value in logs.items():
            self._trackers[name].update_state(value)
        return {name: self._trackers[name].result() for name in logs}

    # ------------------------------------------------------------------ sample
    @property
    def sampling_generator(self):
        """The EMA generator when there is one, else the generator."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    @property
    def sample_shape(self):
        """`(height, width, channels)` of the images the model draws now."""
        generator = self.generator
        if getattr(generator, "outputs", None):  # a functional generator
            return tuple(
                None if d is None else int(d) for d in generator.outputs[0].shape[1:]
            )
        return tuple(
            int(d) for d in generator.compute_output_shape((None, self.latent_dim))[1:]
        )

    def export_archive(self, output="float", use_ema=True):
        """A `keras.export.ExportArchive` serving the generator: `noise` (and
        `labels`) -> `images`, and a `sample` signature (see
        `keras_gans.export.noise_to_image_archive`). Written by
        `keras_gans.export.export_generator(model, dir)`.

        Args:
            output: `"float"` ([-1, 1]) or `"uint8"` ([0, 255]) images.
            use_ema: bool. Serve the EMA generator when there is one.
        """
        from keras_gans import export

        return export.noise_to_image_archive(
            self.sampling_generator if use_ema else self.generator,
            self.latent_dim,
            num_classes=self.num_classes,
            latent_distribution=self.latent_distribution,
            output=output,
        )

    def call(self, inputs, training=False):
        """Runs the sampling generator on its inputs (noise[, labels])."""
        return self.sampling_generator(inputs, training=training)

    def check_labels(self, labels, n=None):
        """Validates class labels for a conditional model; returns int32 array."""
        return _checks.check_label_values(
            type(self).__name__, labels, self.num_classes, n
        )

    def generate(self, n, labels=None, seed=None, use_ema=True, batch_size=256):
        """Draws `n` images in [-1, 1] as a NumPy array `(n, H, W, C)`.

        Args:
            n: int. Number of images.
            labels: int array `(n,)` for conditional models, else `None`.
            seed: int or `None`. A fixed int draws the same noise every call.
            use_ema: bool. Sample from the EMA generator when there is one.
            batch_size: int. Images per generator call.
        """
        n = check_int("n", n, minimum=1)
        labels = self.check_labels(labels, n)
        generator = self.sampling_generator if use_ema else self.generator
        noise = self.sample_noise(
            n, seed=seed if seed is not None else keras.random.SeedGenerator()
        )
        outputs = []
        for start in range(0, n, batch_size):
            z = noise[start : start + batch_size]
            if labels is None:
                inputs = z
            else:
                inputs = [z, ops.convert_to_tensor(labels[start : start + batch_size])]
            outputs.append(ops.convert_to_numpy(generator(inputs, training=False)))
        return np.concatenate(outputs).astype(np.float32)

    # ------------------------------------------------------------------ state
    def _seed_generators_to_save(self):
        """The model's own stream, then every dropout layer's (see
        `SavedSeedStates`)."""
        nets = (self.generator, self.discriminator, self.ema_generator)
        return self.seed_generator.state, seed_states(*nets)

    # ------------------------------------------------------------------ config
    #: Subclasses that build G and D from architecture arguments set this, and
    #: their configs hold those arguments instead of the serialized networks.
    builds_own_networks = False

    def get_config(self):
        config = {
            **super().get_config(),
            "latent_dim": self.latent_dim,
            "latent_distribution": self.latent_distribution,
            "seed": self.seed,
            # So that load_model(..., compile=False) restores the EMA weights.
            "has_ema_generator": self.ema_generator is not None,
        }
        if not self.builds_own_networks:
            config.update(
                generator=keras.saving.serialize_keras_object(self.generator),
                discriminator=keras.saving.serialize_keras_object(self.discriminator),
                num_classes=self.num_classes,
            )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        has_ema_generator = config.pop("has_ema_generator", False)
        model = cls(**config)
        if has_ema_generator:
            model._create_ema_generator()
        return model
