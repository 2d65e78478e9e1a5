"""`StyleGAN2`: Karras et al. 2020, config F, on the shared `AdversarialModel`."""

import math

import keras
import tensorflow as tf
from keras import ops

from keras_gans import _deprecation, utils
from keras_gans.models._seeds import layer_seeds
from keras_gans.models.adversarial import AdversarialModel, _num_replicas
from keras_gans.models.stylegan2 import stylegan2_sampling as sampling
from keras_gans.models.stylegan2.stylegan2_discriminator import StyleGAN2Discriminator
from keras_gans.models.stylegan2.stylegan2_generator import StyleGAN2Generator
from keras_gans.training.optimizers import FusedAdam

__all__ = ["StyleGAN2", "lazy_adam", "path_lengths"]


def lazy_adam(learning_rate=0.002, reg_interval=None, beta_1=0.0, beta_2=0.99):
    """Adam(0.002, β1 = 0, β2 = 0.99, ε = 1e-8) as StyleGAN2 sets it for a
    network regularised lazily every `reg_interval` updates: with `c = k /
    (k + 1)`, the learning rate times `c` and both betas to the power `c`
    (the official `training_loop`'s `mb_ratio`; `None`: unchanged).

    Example:
    >>> adam = lazy_adam(reg_interval=4)
    >>> round(float(adam.learning_rate), 5), round(adam.beta_2, 5)
    (0.0016, 0.99199)
    """
    ratio = 1.0 if reg_interval is None else reg_interval / (reg_interval + 1)
    return FusedAdam(
        learning_rate=learning_rate * ratio,
        beta_1=beta_1**ratio,
        beta_2=beta_2**ratio,
        epsilon=1e-8,
    )


def path_lengths(generator, ws, y, noise_seed):
    """`|J_w^T y|` per sample, the path lengths of Karras et al. 2020 (eq. 4).

    The gradient with respect to the per-layer latents `ws` `(n, num_ws,
    w_dim)` of `sum(g(ws) · y / sqrt(H W))`, reduced as the official code:
    `sqrt(mean over layers of the squared norm over w_dim)`. `y` `(n, H, W,
    C)` is the N(0, 1) image-space direction; the noise inputs are drawn
    from `noise_seed`. Differentiable (second order) for the penalty.
    """
    with tf.GradientTape() as tape:
        tape.watch(ws)
        images = generator.synthesis(ws, "random", noise_seed)  # (n, H, W, C)
        size = math.sqrt(images.shape[1] * images.shape[2])
        projected = ops.sum(images * ops.cast(y, images.dtype)) / size
    grads = tape.gradient(projected, ws)  # (n, num_ws, w_dim)
    return ops.sqrt(ops.mean(ops.sum(ops.square(grads), axis=2), axis=1))


#: Old argument, config key and attribute names -> today's.
_RENAMED = {"mapping_layers": "num_mapping_layers"}


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN2(_deprecation.RenamedAttributes, AdversarialModel):
    """StyleGAN2 (Karras et al. 2020), config F.

    "Analyzing and Improving the Image Quality of StyleGAN", CVPR 2020. The
    networks are `StyleGAN2Generator` (mapping network, modulated and
    demodulated convolutions with noise, skip toRGBs, FIR upsampling) and
    `StyleGAN2Discriminator` (residual, FIR downsampling, minibatch
    standard deviation). Training, `compile()`'s defaults: the
    non-saturating logistic loss; R1 on the reals with γ = `r1_weight`
    every `d_reg_interval` = 16 D updates; path-length regularisation
    (weight 2, decay 0.01, half the batch) every `pl_interval` = 4 G
    updates; both lazy regularisers weighted by their interval, and Adam
    set as the official code does for them (`lazy_adam`); style mixing with
    probability 0.9 (one cutoff layer per batch); an EMA of G with a
    half-life of `ema_kimg` thousand images (optional ramp-up); `w_avg`
    for the truncation trick. `compile(augment="ada")` adds ADA (its `p`
    is a weight of the model, saved and restored).

    Deviations from the official code, all equivalent or small: a lazy
    regulariser is added to its network's main update of that step (the
    house's `AdversarialModel` step) rather than applied as an extra Adam
    step; the G step reuses the fakes of the D step (as every model of the
    zoo does); upsampling convolutions are FIR upsampling followed by a
    3x3 convolution (the same linear map as the official transposed
    convolution followed by the filter); no fp16 clamping (`conv_clamp`,
    an ADA-paper addition); the generator's output is clipped to [-1, 1]
    outside training.

    Counters. The D optimizer's and G optimizer's update counts decide the
    lazy steps; `images_seen` (real images trained on, which the EMA
    ramp-up reads) and `pl_mean` (the path-length target) are weights of
    the model: `.keras` files and checkpoints keep all of them, so a
    resumed run continues exactly.

    Args:
        image_size: int (or a square pair). A power of two in [8, 1024].
        channels: int. Image channels.
        latent_dim: int. Size of z (paper: 512).
        w_dim: int. Size of w (paper: 512).
        num_mapping_layers: int. Depth of the mapping network (paper: 8).
        mapping_lr_multiplier: float. Its learning-rate multiplier (0.01).
        channel_base: int. Feature maps `min(channel_base // r,
            channel_max)` at resolution r (paper: 32768).
        channel_max: int. Most feature maps (paper: 512).
        mbstd_group_size: int. Minibatch stddev group size (paper: 4).
        w_avg_beta: float. Decay of the tracked average of w (0.995).
        latent_distribution: `"normal"`, the only prior StyleGAN2 uses.
        seed: int or `None`. Seeds the weights and the random stream.
        **kwargs: `keras.Model` arguments (`name`, `dtype`: a policy such as
            `"mixed_bfloat16"` reaches every layer of G, D and the EMA G).
            `mapping_layers` is the deprecated name of `num_mapping_layers`.

    Raises:
        ValueError: an argument is out of range (named), e.g. an
            `image_size` that is not a power of two or not square.

    Example:
    >>> model = StyleGAN2(image_size=8, channels=1, latent_dim=8, w_dim=8,
    ...                   num_mapping_layers=2, channel_base=32, channel_max=4,
    ...                   seed=0)
    >>> model.compile()
    >>> model.generate(2, seed=0, truncation=0.7).shape
    (2, 8, 8, 1)
    """

    builds_own_networks = True
    renamed_attributes = _RENAMED

    def __init__(
        self,
        image_size=256,
        channels=3,
        latent_dim=512,
        w_dim=512,
        num_mapping_layers=8,
        mapping_lr_multiplier=0.01,
        channel_base=32768,
        channel_max=512,
        mbstd_group_size=4,
        w_avg_beta=0.995,
        latent_distribution="normal",
        seed=None,
        **kwargs,
    ):
        (num_mapping_layers,) = _deprecation.renamed_arguments(
            StyleGAN2, kwargs, _RENAMED, num_mapping_layers
        )
        utils.check_choice("latent_distribution", latent_distribution, ("normal",))
        arch = dict(
            image_size=image_size,
            channels=channels,
            channel_base=channel_base,
            channel_max=channel_max,
            dtype=kwargs.get("dtype"),
        )
        with layer_seeds(seed):
            generator = StyleGAN2Generator(
                latent_dim=latent_dim,
                w_dim=w_dim,
                num_mapping_layers=num_mapping_layers,
                mapping_lr_multiplier=mapping_lr_multiplier,
                w_avg_beta=w_avg_beta,
                **arch,
            )
            discriminator = StyleGAN2Discriminator(
                mbstd_group_size=mbstd_group_size, **arch
            )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=generator.latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            **kwargs,
        )
        for name in ("image_size", "channels", "w_dim", "num_ws", "num_mapping_layers"):
            setattr(self, name, getattr(generator, name))
        self.mapping_lr_multiplier = generator.mapping_lr_multiplier
        self.channel_base, self.channel_max = (
            generator.channel_base,
            generator.channel_max,
        )
        self.w_avg_beta = generator.w_avg_beta
        self.mbstd_group_size = discriminator.mbstd_group_size
        self._images_seen = self.add_weight(
            name="images_seen",
            shape=(),
            dtype="int64",
            initializer="zeros",
            trainable=False,
            aggregation="only_first_replica",
        )
        self.pl_mean = self.add_weight(
            name="pl_mean",
            shape=(),
            dtype="float32",
            initializer="zeros",
            trainable=False,
            aggregation="mean",
        )
        self.pl_weight, self.style_mixing_prob = 0.0, 0.0

    @property
    def images_seen(self):
        """int. Real images the train steps have used so far."""
        return int(ops.convert_to_numpy(self._images_seen))

    @property
    def resolution(self):
        """int. The resolution the model draws (`image_size`)."""
        return self.image_size

    @property
    def sample_shape(self):
        return (self.image_size, self.image_size, self.channels)

    # ---------------------------------------------------------------- compile
    def default_optimizer(self):
        return lazy_adam()

    def compile(
        self,
        g_optimizer=None,
        d_optimizer=None,
        loss="non_saturating",
        r1_weight=10.0,
        d_reg_interval=16,
        pl_weight=2.0,
        pl_interval=4,
        pl_decay=0.01,
        pl_batch_shrink=2,
        style_mixing_prob=0.9,
        ema_kimg=10.0,
        ema_rampup=None,
        augment=None,
        **kwargs,
    ):
        """`AdversarialModel.compile` with StyleGAN2's training settings.

        Args:
            g_optimizer, d_optimizer: optimizers, or `None` for
                `lazy_adam(0.002, interval)` of each network (config F).
            loss: str. A loss name (paper: `"non_saturating"`, the logistic
                loss).
            r1_weight: float. R1 γ (config F: 10 at 1024²; the ADA paper
                uses 1 at 256² and `0.0002 r² / batch` in its `auto`).
            d_reg_interval: int. R1 every N D updates, weighted by N (16).
            pl_weight: float. Path-length weight (2; 0 turns it off).
            pl_interval: int. Path length every N G updates, weighted by N (4).
            pl_decay: float. Decay of the running path-length mean (0.01).
            pl_batch_shrink: int. The path-length batch is the batch divided
                by this (2).
            style_mixing_prob: float in [0, 1]. Probability of mixing two
                latents in a training batch (0.9).
            ema_kimg: float or `None`. Half-life of the EMA generator in
                thousands of images (config F: 10); `None`: no EMA.
            ema_rampup: float or `None`. The half-life is at most
                `ema_rampup · images_seen` (ADA: 0.05); `None`: no ramp-up.
            augment: `None`, `"ada"`, `"diffaugment"` or a layer.
            **kwargs: `d_steps`, the other penalties and the
                `keras.Model.compile` arguments of `AdversarialModel.compile`.
        """
        self.pl_weight = utils.check_float("pl_weight", pl_weight, minimum=0.0)
        self.pl_interval = utils.check_int("pl_interval", pl_interval, minimum=1)
        self.pl_decay = utils.check_float("pl_decay", pl_decay, 0.0, 1.0)
        self.pl_batch_shrink = utils.check_int(
            "pl_batch_shrink", pl_batch_shrink, minimum=1
        )
        self.style_mixing_prob = utils.check_float(
            "style_mixing_prob", style_mixing_prob, 0.0, 1.0
        )
        if ema_kimg is not None:
            ema_kimg = utils.check_float("ema_kimg", ema_kimg, 0.0, exclusive=True)
        if ema_rampup is not None:
            ema_rampup = utils.check_float(
                "ema_rampup", ema_rampup, 0.0, exclusive=True
            )
        self.ema_kimg, self.ema_rampup = ema_kimg, ema_rampup
        if kwargs.pop("ema_decay", None) is not None:
            raise ValueError("StyleGAN2 sets its EMA by `ema_kimg` (a half-life).")
        if g_optimizer is None:
            g_optimizer = lazy_adam(
                reg_interval=self.pl_interval if pl_weight else None
            )
        if d_optimizer is None:
            d_optimizer = lazy_adam(reg_interval=d_reg_interval if r1_weight else None)
        # The EMA step reads its decay from the half-life (`ema_beta`); the
        # decay given here is the nominal one of a batch of 32 (config F).
        nominal = None if ema_kimg is None else 0.5 ** (32 / (1000 * ema_kimg))
        super().compile(
            g_optimizer=g_optimizer,
            d_optimizer=d_optimizer,
            loss=loss,
            r1_weight=r1_weight,
            d_reg_interval=d_reg_interval,
            ema_decay=nominal,
            augment=augment,
            **kwargs,
        )
        self._generator_has_state = False  # w_avg is copied, noise maps are fixed
        args = {k: v for k, v in self._compile_args.items() if k != "ema_decay"}
        self._compile_args = dict(
            args,
            pl_weight=self.pl_weight,
            pl_interval=self.pl_interval,
            pl_decay=self.pl_decay,
            pl_batch_shrink=self.pl_batch_shrink,
            style_mixing_prob=self.style_mixing_prob,
            ema_kimg=ema_kimg,
            ema_rampup=ema_rampup,
        )

    def extra_loss_names(self):
        return ("pl",) if self.pl_weight else ()

    def _create_ema_generator(self):
        self.ema_generator = StyleGAN2Generator.from_config(
            {**self.generator.get_config(), "name": "ema_generator"}
        )
        self.ema_generator.set_weights(self.generator.get_weights())

    # ------------------------------------------------------------- train step
    def stream_seed(self):
        """A fresh stateless seed `(2,)` int64 from the model's stream
        (distinct per replica under a distribution strategy)."""
        seed = self.replica_seed()
        if seed is None:
            seed = self.seed_generator.next()
        return ops.cast(seed, "int64")

    def generator_inputs(self, batch_size, condition, seed=None):
        """The train step's generator input: `noise`, the style-mixing
        `mix_noise` and `mix_cutoff` (a layer in [1, num_ws) with probability
        `style_mixing_prob`, else `num_ws`: no mixing) and `noise_seed`."""
        inputs = {"noise": self.sample_noise(batch_size, seed)}
        if self.style_mixing_prob:
            inputs["mix_noise"] = self.sample_noise(batch_size, seed)
            layer = ops.floor(self._uniform((), 1.0, float(self.num_ws), seed))
            mixing = self._uniform((), seed=seed) < self.style_mixing_prob
            inputs["mix_cutoff"] = ops.cast(
                ops.where(mixing, layer, float(self.num_ws)), "int32"
            )
        inputs["noise_seed"] = self.stream_seed()
        return inputs

    def path_length_penalty(self, batch_size, generator=None):
        """The path-length penalty of a fresh batch (Karras et al. 2020, eq. 4).

        For `batch_size // pl_batch_shrink` latents (style-mixed as in
        training): the path lengths `|J_w^T y|` (`path_lengths`); the
        running mean `pl_mean` moves towards their batch mean by `pl_decay`
        (and is updated), and the penalty is the mean of `(length -
        pl_mean)²`, the new `pl_mean` taking part in the gradient as in the
        official code. Returns the scalar penalty (unweighted)."""
        penalty, pl_mean = self._path_length_terms(batch_size, generator)
        self.pl_mean.assign(ops.stop_gradient(pl_mean))
        return penalty

    def _path_length_terms(self, batch_size, generator=None):
        """`(penalty, new pl_mean)`, `pl_mean` itself left as it is (under a
        distribution strategy its synchronised update must stay out of the
        lazy `tf.cond`). The latents' pass leaves `w_avg` alone."""
        generator = self.generator if generator is None else generator
        n = ops.maximum(batch_size // self.pl_batch_shrink, 1)
        inputs = self.generator_inputs(n, None)
        ws = generator.mapped_ws(
            inputs["noise"], inputs.get("mix_noise"), inputs.get("mix_cutoff")
        )  # (n, num_ws, w_dim)
        shape = (n, self.image_size, self.image_size, self.channels)
        y = tf.random.stateless_normal(shape, self.stream_seed())
        lengths = path_lengths(generator, ws, y, inputs["noise_seed"])  # (n,)
        pl_mean = self.pl_mean + self.pl_decay * (ops.mean(lengths) - self.pl_mean)
        return ops.mean(ops.square(lengths - pl_mean)), pl_mean

    def generator_penalties(self, g_inputs, condition):
        """Lazy path-length regularisation: every `pl_interval` G updates (by
        the G optimizer's count) `pl_interval · pl_weight · penalty`, else
        nothing; the `pl` tracker averages the steps that computed it."""
        if not self.pl_weight:
            return {}, {}
        batch = ops.shape(g_inputs["noise"])[0]
        interval = self.pl_interval
        if interval == 1:
            return {"pl": (self.path_length_penalty(batch), self.pl_weight)}, {}
        due = ops.equal(self.g_optimizer.iterations % interval, 0)
        value, pl_mean = tf.cond(
            due,
            lambda: self._path_length_terms(batch),
            lambda: (tf.constant(0.0), tf.identity(self.pl_mean)),
        )
        self.pl_mean.assign(ops.stop_gradient(pl_mean))
        weights = {"pl": ops.cast(due, "float32")}
        return {"pl": (value, interval * self.pl_weight)}, weights

    def ema_beta(self, batch_size):
        """The EMA decay of a step of `batch_size` images: `0.5 ** (batch /
        half-life)`, the half-life `ema_kimg` thousand images, at most
        `ema_rampup · images_seen` with a ramp-up (as StyleGAN2-ADA's
        training loop)."""
        half_life = ops.convert_to_tensor(1000.0 * self.ema_kimg, "float32")
        if self.ema_rampup is not None:
            seen = ops.cast(self._images_seen, "float32")
            half_life = ops.minimum(half_life, seen * self.ema_rampup)
        batch = ops.cast(batch_size, "float32")
        return ops.power(0.5, batch / ops.maximum(half_life, 1e-8))

    def _update_ema(self, g_inputs):
        batch = ops.shape(g_inputs["noise"])[0] * _num_replicas()
        beta = self.ema_beta(batch)
        for ema_w, w in zip(
            self.ema_generator.trainable_variables, self.generator.trainable_variables
        ):
            w = ops.cast(w, ema_w.dtype)
            ema_w.assign(w + ops.cast(beta, ema_w.dtype) * (ema_w - w))
        self.ema_generator.w_avg.assign(self.generator.w_avg)  # copied, not averaged

    def train_step(self, data):
        logs = super().train_step(data)
        images = data[0] if isinstance(data, (tuple, list)) else data
        count = ops.shape(images)[0] * _num_replicas()
        self._images_seen.assign_add(ops.cast(count, "int64"))
        return logs

    # ------------------------------------------------------------------ sample
    def generate(
        self,
        n,
        labels=None,
        seed=None,
        truncation=1.0,
        noise_mode="const",
        use_ema=True,
        batch_size=256,
    ):
        """Draws `n` images in [-1, 1], `(n, H, W, C)` float32.

        Args:
            n: int. Number of images.
            labels: must be `None` (StyleGAN2 is unconditional).
            seed: int or `None`. A fixed int draws the same latents (and
                random noise) every call.
            truncation: float ψ in [0, 1]: `w = w_avg + ψ (w - w_avg)`;
                1 is no truncation.
            noise_mode: `"const"` (the fixed noise maps, as the official
                `generate.py`), `"random"` or `"none"`.
            use_ema: bool. Sample the EMA generator when there is one.
            batch_size: int. Images per generator call.
        """
        return sampling.generate(
            self, n, labels, seed, truncation, noise_mode, use_ema, batch_size
        )

    def mapping(self, noise, truncation=1.0, use_ema=True):
        """z `(n, latent_dim)` -> truncated w `(n, w_dim)`, float32 NumPy."""
        return sampling.mapping(self, noise, truncation, use_ema)

    def synthesize(self, w, noise_mode="const", noise_seed=None, use_ema=True):
        """w `(n, w_dim)` or per-layer `(n, num_ws, w_dim)` -> images in [-1, 1]."""
        return sampling.synthesize(self, w, noise_mode, noise_seed, use_ema)

    def style_mix(self, row_seeds, col_seeds, col_styles=None, truncation=1.0):
        """The style-mixing grid of the paper's figures (`style_mixing.py`):
        image `[i, j]` has the latents of `row_seeds[i]` except layers
        `col_styles` (default: the coarse half, `range(num_ws // 2)`),
        taken from `col_seeds[j]`. Returns `(rows, cols, H, W, C)`."""
        return sampling.style_mix(self, row_seeds, col_seeds, col_styles, truncation)

    def latent_walk(self, steps=16, seed=0, space="w", method=None, truncation=1.0):
        """Images along a walk between two random latents: in W (linear, as
        the paper's perceptual path length; `keras_gans.latent.interpolate`)
        or in Z (`space="z"`, spherical). Returns `(steps, H, W, C)`."""
        return sampling.latent_walk(self, steps, seed, space, method, truncation)

    def project(self, target, steps=1000, **options):
        """Projects an image into W (the paper's projector, sec 5, with a
        pixel or feature loss instead of LPIPS): returns `(w, image)`, the
        latent `(w_dim,)` and its reconstruction `(H, W, C)` in [-1, 1].
        See `keras_gans.models.stylegan2.project` for `options`."""
        from keras_gans.models.stylegan2.stylegan2_projector import project

        return project(self, target, steps=steps, **options)

    def export_archive(self, output="float", use_ema=True):
        """`serving_default` (`noise` -> `images`), `truncated` (`noise`,
        `truncation`), `mapping` (`noise`, `truncation` -> `w`), `w` (`w`
        `(None, num_ws, w_dim)` -> `images`), `sample` and
        `sample_truncated` (see `stylegan2_export.stylegan2_archive`)."""
        from keras_gans.models.stylegan2.stylegan2_export import stylegan2_archive

        generator = self.sampling_generator if use_ema else self.generator
        return stylegan2_archive(generator, output=output)

    # ------------------------------------------------------------------ config
    def get_config(self):
        config = super().get_config()
        config.update(
            image_size=self.image_size,
            channels=self.channels,
            w_dim=self.w_dim,
            num_mapping_layers=self.num_mapping_layers,
            mapping_lr_multiplier=self.mapping_lr_multiplier,
            channel_base=self.channel_base,
            channel_max=self.channel_max,
            mbstd_group_size=self.mbstd_group_size,
            w_avg_beta=self.w_avg_beta,
        )
        return config

    @classmethod
    def from_config(cls, config):
        # Configs saved before the rename load silently.
        return super().from_config(_deprecation.renamed_config_keys(config, _RENAMED))
