"""`ProgressiveGAN`: progressive growing of GANs (Karras et al. 2018)."""

import math

import keras
from keras import ops

from keras_gans.layers import (
    EqualizedConv2D,
    EqualizedDense,
    MinibatchStdDev,
    PixelNorm,
    WeightedSum,
)
from keras_gans.models.adversarial import AdversarialModel, _num_replicas

#: Karras et al. 2018, appendix A.1: leaky ReLU with leakiness 0.2.
LEAKINESS = 0.2
#: The smallest and largest `max_resolution` (4x4 is the first stage).
MIN_RESOLUTION, MAX_RESOLUTION = 8, 1024


def num_features(stage, fmap_base=8192, fmap_max=512):
    """Feature maps of a stage: `min(fmap_base / 2**stage, fmap_max)`.

    The official code's `nf(stage)` with `fmap_decay=1`; the block at
    resolution `2**r` uses `nf(r - 1)` (so 4x4 uses `nf(1)`). With the paper's
    `fmap_base=8192, fmap_max=512`: 512 maps up to 32x32, then 256, 128, 64,
    32, 16 at 64 .. 1024 (Karras et al. 2018, table 2).
    """
    return max(1, min(fmap_base // 2**stage, fmap_max))


def _lrelu(x):
    return ops.leaky_relu(x, negative_slope=LEAKINESS)


def _upsample(x):
    """Nearest-neighbour 2x upsampling. # (B, H, W, C) -> (B, 2H, 2W, C)"""
    return ops.repeat(ops.repeat(x, 2, axis=1), 2, axis=2)


def _downsample(x, factor=2):
    """Average pooling by `factor`. # (B, H, W, C) -> (B, H/f, W/f, C)"""
    if factor == 1:
        return x
    return ops.average_pool(x, factor, strides=factor, padding="valid")


def _check_architecture(max_resolution, channels, latent_dim, fmap_base, fmap_max):
    valid = (
        isinstance(max_resolution, int)
        and MIN_RESOLUTION <= max_resolution <= MAX_RESOLUTION
        and max_resolution & (max_resolution - 1) == 0
    )
    if not valid:
        raise ValueError(
            f"`max_resolution` must be a power of two in [{MIN_RESOLUTION}, "
            f"{MAX_RESOLUTION}]. Received: max_resolution={max_resolution!r}"
        )
    for name, value in (
        ("channels", channels),
        ("latent_dim", latent_dim),
        ("fmap_base", fmap_base),
        ("fmap_max", fmap_max),
    ):
        if not isinstance(value, int) or value < 1:
            raise ValueError(
                f"`{name}` must be an int >= 1. Received: {name}={value!r}"
            )


def stage_resolution(stage):
    """Resolution of stage `stage`: 4x4 is stage 0, each stage doubles it."""
    return 4 * 2**stage


def phase_resolution(phase):
    """Resolution trained in schedule phase `phase`: phase 0 is 4x4, then a
    fade-in (odd) and a stable (even) phase per stage."""
    return stage_resolution((phase + 1) // 2)


class _ProgressiveNetwork(keras.Model):
    """What the generator and discriminator share: stages and the phase.

    Stage `s` works at resolution `4 * 2**s`; stages `0 .. num_stages - 1`
    all exist (and are built) from the start, so the set of weights never
    changes. Which stages a call runs is the Python state `stage` and
    `fading`, set with `set_phase`; a compiled function traced for one
    phase must be re-traced for another. The fade-in weight α is the
    non-trainable variable of the `fade` layer (a `WeightedSum`), so it
    changes without re-tracing.
    """

    def __init__(
        self,
        max_resolution=128,
        channels=3,
        latent_dim=512,
        fmap_base=8192,
        fmap_max=512,
        **kwargs,
    ):
        super().__init__(**kwargs)
        _check_architecture(max_resolution, channels, latent_dim, fmap_base, fmap_max)
        self.max_resolution = max_resolution
        self.channels = channels
        self.latent_dim = latent_dim
        self.fmap_base = fmap_base
        self.fmap_max = fmap_max
        self.num_stages = int(math.log2(max_resolution)) - 1  # 4x4 is stage 0
        self.stage = self.num_stages - 1
        self.fading = False

    def nf(self, stage):
        return num_features(stage, self.fmap_base, self.fmap_max)

    resolution_of = staticmethod(stage_resolution)

    def set_phase(self, stage, fading):
        """Selects the sub-network that calls run (Python state)."""
        if not 0 <= stage < self.num_stages:
            raise ValueError(
                f"`stage` must be in [0, {self.num_stages}). Received: stage={stage}"
            )
        if fading and stage == 0:
            raise ValueError("Stage 0 (4x4) has no fade-in: `fading` must be False.")
        self.stage = int(stage)
        self.fading = bool(fading)

    @property
    def resolution(self):
        return self.resolution_of(self.stage)

    def active_layers(self):
        """The layers with weights that a call in the current phase uses.

        Abstract: `ProgressiveGenerator` and `ProgressiveDiscriminator` define it.
        """
        raise NotImplementedError(f"{type(self).__name__} must define active_layers()")

    def active_trainable_variables(self):
        return [v for layer in self.active_layers() for v in layer.trainable_variables]

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "max_resolution": self.max_resolution,
            "channels": self.channels,
            "latent_dim": self.latent_dim,
            "fmap_base": self.fmap_base,
            "fmap_max": self.fmap_max,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class ProgressiveGenerator(_ProgressiveNetwork):
    """The growing PGGAN generator (Karras et al. 2018, table 2 and fig. 2).

    z (PixelNorm'd) -> 4x4: dense to 4x4xnf(1) (the paper's 4x4 "conv" on a
    1x1 input; gain sqrt(2)/4 as in the official code), LReLU, PixelNorm,
    conv 3x3, LReLU, PixelNorm -> per doubling: nearest-neighbour upsample,
    two conv 3x3 + LReLU + PixelNorm -> `to_rgb` (1x1 conv, gain 1, linear).
    All convolutions and dense layers use the equalized learning rate.

    While stage `s` fades in, the output is
    `(1 - α) · upsample(to_rgb[s-1](h[s-1])) + α · to_rgb[s](h[s])`.
    Outputs are linear while training (as in the paper); with
    `training=False` they are clipped to [-1, 1], the image range.

    Example:
    >>> g = ProgressiveGenerator(max_resolution=8, channels=1, latent_dim=4,
    ...                          fmap_base=16, fmap_max=8)
    >>> tuple(g(keras.ops.ones((2, 4))).shape)
    (2, 8, 8, 1)
    """

    def __init__(
        self,
        max_resolution=128,
        channels=3,
        latent_dim=512,
        fmap_base=8192,
        fmap_max=512,
        normalize_latents=True,
        **kwargs,
    ):
        kwargs.setdefault("name", "generator")
        super().__init__(
            max_resolution, channels, latent_dim, fmap_base, fmap_max, **kwargs
        )
        self.normalize_latents = normalize_latents
        self.pixel_norm = PixelNorm(name="pixel_norm")
        nf1 = self.nf(1)
        self.dense = EqualizedDense(16 * nf1, gain=math.sqrt(2.0) / 4, name="dense_4x4")
        self.dense.build((None, latent_dim))
        # convs[0]: the 4x4 conv; convs[2s - 1], convs[2s]: stage s's two convs.
        self.convs = []
        self.to_rgb = []
        in_channels = nf1
        for stage in range(self.num_stages):
            r, nf = self.resolution_of(stage), self.nf(stage + 1)
            names = ["conv_4x4"] if stage == 0 else [f"conv0_{r}x{r}", f"conv1_{r}x{r}"]
            for name in names:
                conv = EqualizedConv2D(nf, 3, name=name)
                conv.build((None, r, r, in_channels))
                self.convs.append(conv)
                in_channels = nf
            to_rgb = EqualizedConv2D(channels, 1, gain=1.0, name=f"to_rgb_{r}x{r}")
            to_rgb.build((None, r, r, nf))
            self.to_rgb.append(to_rgb)
        self.fade = WeightedSum(alpha=1.0, name="fade")
        self.fade.build([(None, 4, 4, channels)] * 2)
        self.built = True

    def _stage_convs(self, stage):
        return (
            self.convs[:1] if stage == 0 else self.convs[2 * stage - 1 : 2 * stage + 1]
        )

    def active_layers(self):
        layers = [self.dense]
        for stage in range(self.stage + 1):
            layers += self._stage_convs(stage)
        layers.append(self.to_rgb[self.stage])
        if self.fading:
            layers.append(self.to_rgb[self.stage - 1])
        return layers

    def _conv_block(self, stage, x):
        for conv in self._stage_convs(stage):
            x = self.pixel_norm(_lrelu(conv(x)))
        return x

    def call(self, noise, training=False):
        x = ops.cast(noise, self.compute_dtype)  # (B, latent_dim)
        if self.normalize_latents:
            x = self.pixel_norm(x)
        x = self.dense(x)  # (B, 16 * nf(1))
        x = ops.reshape(x, (-1, 4, 4, self.nf(1)))  # (B, 4, 4, nf(1))
        x = self.pixel_norm(_lrelu(x))
        x = self._conv_block(0, x)
        previous = x
        for stage in range(1, self.stage + 1):
            previous = x
            x = self._conv_block(stage, _upsample(x))  # (B, r, r, nf(s + 1))
        images = self.to_rgb[self.stage](x)  # (B, r, r, channels)
        if self.fading:
            old = _upsample(self.to_rgb[self.stage - 1](previous))
            images = self.fade([old, images])  # (1 - α) old + α new
        if not training:
            images = ops.clip(images, -1.0, 1.0)
        return images

    def compute_output_shape(self, input_shape):
        r = self.resolution
        return (input_shape[0], r, r, self.channels)

    def get_config(self):
        return {**super().get_config(), "normalize_latents": self.normalize_latents}


@keras.saving.register_keras_serializable(package="keras_gans")
class ProgressiveDiscriminator(_ProgressiveNetwork):
    """The growing PGGAN discriminator, the generator's mirror image.

    Karras et al. 2018, table 2: `from_rgb` (1x1 conv + LReLU) at the input
    resolution -> per halving: two conv 3x3 + LReLU (the second to the next
    stage's width), 2x2 average pooling -> 4x4: minibatch standard deviation
    (group `mbstd_group_size`; 0 or 1 turns it off, as in the official
    code), conv 3x3, conv 4x4 (valid) + LReLU, dense to one linear logit. All
    with the equalized learning rate.

    While stage `s` fades in, the features entering stage `s - 1` are
    `(1 - α) · from_rgb[s-1](avgpool(x)) + α · block[s](from_rgb[s](x))`.
    `latent_dim` is unused (kept so both networks share one config).

    Example:
    >>> d = ProgressiveDiscriminator(max_resolution=8, channels=1,
    ...                              fmap_base=16, fmap_max=8)
    >>> tuple(d(keras.ops.ones((2, 8, 8, 1))).shape)
    (2, 1)
    """

    def __init__(
        self,
        max_resolution=128,
        channels=3,
        latent_dim=512,
        fmap_base=8192,
        fmap_max=512,
        mbstd_group_size=4,
        **kwargs,
    ):
        kwargs.setdefault("name", "discriminator")
        super().__init__(
            max_resolution, channels, latent_dim, fmap_base, fmap_max, **kwargs
        )
        if not isinstance(mbstd_group_size, int) or mbstd_group_size < 0:
            raise ValueError(
                "`mbstd_group_size` must be an int >= 0. "
                f"Received: mbstd_group_size={mbstd_group_size!r}"
            )
        self.mbstd_group_size = mbstd_group_size
        self.from_rgb = []
        self.convs = []  # convs[2s - 2], convs[2s - 1]: stage s's two convs (s >= 1)
        for stage in range(self.num_stages):
            r = self.resolution_of(stage)
            from_rgb = EqualizedConv2D(self.nf(stage + 1), 1, name=f"from_rgb_{r}x{r}")
            from_rgb.build((None, r, r, channels))
            self.from_rgb.append(from_rgb)
            if stage == 0:
                continue
            conv0 = EqualizedConv2D(self.nf(stage + 1), 3, name=f"conv0_{r}x{r}")
            conv0.build((None, r, r, self.nf(stage + 1)))
            conv1 = EqualizedConv2D(self.nf(stage), 3, name=f"conv1_{r}x{r}")
            conv1.build((None, r, r, self.nf(stage + 1)))
            self.convs += [conv0, conv1]
        self.mbstd = None
        extra = 0
        if mbstd_group_size > 1:
            self.mbstd = MinibatchStdDev(group_size=mbstd_group_size, name="mbstd")
            extra = 1
        self.conv_4x4 = EqualizedConv2D(self.nf(1), 3, name="conv_4x4")
        self.conv_4x4.build((None, 4, 4, self.nf(1) + extra))
        self.conv_4x4_valid = EqualizedConv2D(
            self.nf(0), 4, padding="valid", name="conv_4x4_valid"
        )
        self.conv_4x4_valid.build((None, 4, 4, self.nf(1)))
        self.logit = EqualizedDense(1, gain=1.0, name="logit")
        self.logit.build((None, self.nf(0)))
        self.fade = WeightedSum(alpha=1.0, name="fade")
        self.fade.build([(None, 4, 4, self.nf(1))] * 2)
        self.built = True

    def _stage_convs(self, stage):
        return self.convs[2 * stage - 2 : 2 * stage]

    def active_layers(self):
        layers = [self.from_rgb[self.stage]]
        if self.fading:
            layers.append(self.from_rgb[self.stage - 1])
        for stage in range(1, self.stage + 1):
            layers += self._stage_convs(stage)
        return layers + [self.conv_4x4, self.conv_4x4_valid, self.logit]

    def _conv_block(self, stage, x):
        for conv in self._stage_convs(stage):
            x = _lrelu(conv(x))
        return _downsample(x)  # (B, r/2, r/2, nf(s))

    def call(self, images, training=False):
        x = ops.cast(images, self.compute_dtype)  # (B, r, r, channels)
        h = _lrelu(self.from_rgb[self.stage](x))
        if self.stage > 0:
            h = self._conv_block(self.stage, h)
            if self.fading:
                old = _lrelu(self.from_rgb[self.stage - 1](_downsample(x)))
                h = self.fade([old, h])  # (1 - α) old + α new
            for stage in range(self.stage - 1, 0, -1):
                h = self._conv_block(stage, h)
        if self.mbstd is not None:
            h = self.mbstd(h)  # (B, 4, 4, nf(1) + 1)
        h = _lrelu(self.conv_4x4(h))
        h = _lrelu(self.conv_4x4_valid(h))  # (B, 1, 1, nf(0))
        return self.logit(ops.reshape(h, (-1, self.nf(0))))  # (B, 1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1)

    def get_config(self):
        return {**super().get_config(), "mbstd_group_size": self.mbstd_group_size}


def paper_adam():
    """Adam(1e-3, beta_1=0, beta_2=0.99, epsilon=1e-8) (Karras et al. 2018, A.1)."""
    return keras.optimizers.Adam(
        learning_rate=1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8
    )


@keras.saving.register_keras_serializable(package="keras_gans")
class ProgressiveGAN(AdversarialModel):
    """Progressive growing of GANs (Karras et al. 2018).

    "Progressive Growing of GANs for Improved Quality, Stability, and
    Variation", ICLR 2018. G and D start at 4x4 and grow by one resolution
    per stage up to `max_resolution`; each new stage first fades in
    (`WeightedSum`, α from 0 to 1) and then trains stable (α = 1).
    PixelNorm after every generator conv, equalized learning rate everywhere,
    minibatch standard deviation in D's last block, WGAN-GP (λ = 10) plus
    the drift term (ε = 0.001), Adam(1e-3, β1 = 0, β2 = 0.99, ε = 1e-8) and
    an EMA copy of G (β = 0.999) for sampling and export: `compile()`'s
    defaults.

    Phases. Phase 0 trains 4x4; phase `2s - 1` fades in stage `s`
    (resolution `4 * 2**s`) and phase `2s` trains it stable. The phase, α
    and the count of real images trained on are non-trainable variables of
    the model, saved in `.keras` files and `BackupAndRestore` backups. All
    stages exist from the start, so the weights are the same at every phase;
    the phase is also Python state of the networks (which layers a call
    runs), so `set_phase` re-traces `fit`'s train function once, while α
    (`set_alpha`) is only a variable. `keras_gans.callbacks.ProgressiveSchedule`
    drives both from the image count.

    Data. Batches come at `max_resolution`; the train step takes the first
    `batch_size` images of a batch when `set_phase` was given one (the
    per-resolution minibatch size), average-pools them to the current
    resolution and, while fading in, blends them with their 2x-downsampled
    and upsampled copy, `α · x + (1 - α) · up(down(x))`, as the official
    code does.

    Deviations: none in the architecture (nearest-neighbour upsampling and
    average pooling throughout, i.e. no fused up/down-sampling convs of the
    official code's largest resolutions). The generator's output is clipped
    to [-1, 1] only when `training=False` (samples and exports).

    Args:
        max_resolution: int. Final resolution, a power of two in [8, 1024].
        channels: int. Image channels.
        latent_dim: int. Size of z (paper: 512).
        fmap_base: int. Feature maps of stage `s`: `min(fmap_base / 2**s,
            fmap_max)` (paper: 8192).
        fmap_max: int. Largest number of feature maps (paper: 512).
        mbstd_group_size: int. Minibatch standard deviation group size
            (paper: 4); 0 or 1 turns the layer off.
        normalize_latents: bool. PixelNorm on z (paper: yes).
        latent_distribution: str. `"normal"` (paper) or `"uniform"`.
        seed: int or `None`.

    Example:
    >>> model = ProgressiveGAN(max_resolution=8, channels=1, latent_dim=8,
    ...                        fmap_base=16, fmap_max=8, seed=0)
    >>> model.compile()
    >>> model.generate(2, seed=0).shape  # phase 0: 4x4
    (2, 4, 4, 1)
    >>> model.set_phase(1, alpha=0.5)     # 8x8 fading in
    >>> model.resolution, model.alpha
    (8, 0.5)
    """

    builds_own_networks = True

    def __init__(
        self,
        max_resolution=128,
        channels=3,
        latent_dim=512,
        fmap_base=8192,
        fmap_max=512,
        mbstd_group_size=4,
        normalize_latents=True,
        latent_distribution="normal",
        seed=None,
        **kwargs,
    ):
        arch = dict(
            max_resolution=max_resolution,
            channels=channels,
            latent_dim=latent_dim,
            fmap_base=fmap_base,
            fmap_max=fmap_max,
        )
        generator = ProgressiveGenerator(normalize_latents=normalize_latents, **arch)
        discriminator = ProgressiveDiscriminator(
            mbstd_group_size=mbstd_group_size, **arch
        )
        super().__init__(
            generator=generator,
            discriminator=discriminator,
            latent_dim=latent_dim,
            latent_distribution=latent_distribution,
            seed=seed,
            **kwargs,
        )
        self.max_resolution = max_resolution
        self.channels = channels
        self.fmap_base = fmap_base
        self.fmap_max = fmap_max
        self.mbstd_group_size = mbstd_group_size
        self.normalize_latents = normalize_latents
        self.num_stages = generator.num_stages
        self.num_phases = 2 * self.num_stages - 1
        self._phase_variable = self.add_weight(
            name="phase", shape=(), dtype="int32", initializer="zeros", trainable=False
        )
        self._alpha_variable = self.add_weight(
            name="alpha", shape=(), dtype="float32", initializer="ones", trainable=False
        )
        self._images_seen_variable = self.add_weight(
            name="images_seen",
            shape=(),
            dtype="int64",
            initializer="zeros",
            trainable=False,
            aggregation="only_first_replica",
        )
        self.phase_batch_size = None
        self._phase = 0
        self._apply_phase()

    # ------------------------------------------------------------------ phase
    @property
    def phase(self):
        """int. 0: 4x4; `2s - 1`: stage `s` fading in; `2s`: stage `s` stable."""
        return self._phase

    @property
    def stage(self):
        return (self._phase + 1) // 2

    @property
    def fading(self):
        return self._phase % 2 == 1

    @property
    def resolution(self):
        return phase_resolution(self._phase)

    @property
    def alpha(self):
        return float(ops.convert_to_numpy(self._alpha_variable))

    @property
    def images_seen(self):
        """int. Real images the train steps have used so far."""
        return int(ops.convert_to_numpy(self._images_seen_variable))

    def _networks(self):
        networks = [self.generator, self.discriminator]
        if self.ema_generator is not None:
            networks.append(self.ema_generator)
        return networks

    def _apply_phase(self):
        for network in self._networks():
            network.set_phase(self.stage, self.fading)
        # Compiled functions hold the old phase's graph: trace them anew.
        if getattr(self, "train_function", None) is not None:
            self.make_train_function(force=True)  # fit may be running
        self.test_function = None
        self.predict_function = None

    def set_phase(self, phase, alpha=None, batch_size=None):
        """Moves training to `phase`, with fade-in weight `alpha`.

        Re-traces the train function when the phase changes (and only then).

        Args:
            phase: int in `[0, num_phases)`.
            alpha: float in [0, 1] or `None`: 0 for a fade-in phase, 1 for
                a stable one. Stable phases always use 1.
            batch_size: int or `None`. Real images per train step in this
                phase (the first `batch_size` of each batch); `None` uses
                whole batches.
        """
        if not isinstance(phase, int) or not 0 <= phase < self.num_phases:
            raise ValueError(
                f"`phase` must be an int in [0, {self.num_phases}). "
                f"Received: phase={phase!r}"
            )
        if batch_size is not None and (
            not isinstance(batch_size, int) or batch_size < 1
        ):
            raise ValueError(
                f"`batch_size` must be an int >= 1 or None. Received: batch_size={batch_size!r}"
            )
        changed = phase != self._phase or batch_size != self.phase_batch_size
        self._phase = phase
        self.phase_batch_size = batch_size
        self._phase_variable.assign(phase)
        if alpha is None or not self.fading:
            alpha = 0.0 if self.fading else 1.0
        self.set_alpha(alpha)
        if changed:
            self._apply_phase()

    def set_alpha(self, alpha):
        """Sets the fade-in weight α of G, the EMA G and D (no re-tracing)."""
        alpha = float(alpha)
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"`alpha` must be in [0, 1]. Received: alpha={alpha!r}")
        self._alpha_variable.assign(alpha)
        for network in self._networks():
            network.fade.alpha.assign(alpha)

    def reset_optimizers(self):
        """Zeroes both optimizers' state (moments and step count), keeping the
        learning rate: the official code does this whenever the level of
        detail changes (`reset_opt_for_new_lod=True`)."""
        for optimizer in (self.g_optimizer, self.d_optimizer):
            keep = getattr(optimizer, "_learning_rate", None)
            for variable in optimizer.variables:
                if variable is not keep and "learning_rate" not in variable.path:
                    variable.assign(ops.zeros(variable.shape, variable.dtype))

    # ---------------------------------------------------------------- compile
    def default_optimizer(self):
        return paper_adam()

    def compile(
        self,
        g_optimizer=None,
        d_optimizer=None,
        loss="wasserstein",
        d_steps=1,
        gp_weight=10.0,
        r1_weight=0.0,
        drift_weight=0.001,
        ema_decay=0.999,
        **kwargs,
    ):
        """`AdversarialModel.compile` with the paper's defaults: WGAN-GP
        (λ = 10), drift ε = 0.001, Adam(1e-3, 0, 0.99, 1e-8) for G and D, an
        EMA generator with β = 0.999 (Karras et al. 2018, sec 4 and A.1)."""
        super().compile(
            g_optimizer=g_optimizer,
            d_optimizer=d_optimizer,
            loss=loss,
            d_steps=d_steps,
            gp_weight=gp_weight,
            r1_weight=r1_weight,
            drift_weight=drift_weight,
            ema_decay=ema_decay,
            **kwargs,
        )
        # The generators' only non-trainable weight is the fade α, set on both
        # by `set_alpha`: no forward pass of the EMA generator is needed.
        self._generator_has_state = False

    def _create_ema_generator(self):
        self.ema_generator = ProgressiveGenerator.from_config(
            {**self.generator.get_config(), "name": "ema_generator"}
        )
        self.ema_generator.set_weights(self.generator.get_weights())
        self.ema_generator.set_phase(self.stage, self.fading)

    # ------------------------------------------------------------- train step
    def generator_variables(self):
        return self.generator.active_trainable_variables()

    def discriminator_variables(self):
        return self.discriminator.active_trainable_variables()

    def prepare_reals(self, images):
        """Full-resolution reals -> the current phase's reals.

        `images[:phase_batch_size]`, average-pooled to `resolution`; while
        fading in, `α · x + (1 - α) · upsample(avgpool(x))`.
        """
        size = images.shape[1]
        if size is not None and size != self.max_resolution:
            raise ValueError(
                f"Batches must hold images of `max_resolution`={self.max_resolution}. "
                f"Received: images of shape {tuple(images.shape)}"
            )
        if self.phase_batch_size is not None:
            images = images[: self.phase_batch_size]
        x = _downsample(images, self.max_resolution // self.resolution)  # (B, r, r, C)
        if self.fading:
            alpha = ops.cast(self._alpha_variable, x.dtype)
            coarse = _upsample(_downsample(x))  # the previous resolution's image
            x = alpha * x + (1.0 - alpha) * coarse
        return x

    def unpack_batch(self, data):
        real, condition = super().unpack_batch(data)
        return self.prepare_reals(ops.cast(real, "float32")), condition

    def train_step(self, data):
        logs = super().train_step(data)
        images = data[0] if isinstance(data, (tuple, list)) else data
        count = ops.shape(images)[0]
        if self.phase_batch_size is not None:
            count = ops.minimum(count, self.phase_batch_size)
        self._images_seen_variable.assign_add(
            ops.cast(count * _num_replicas(), "int64")
        )
        return logs

    # ------------------------------------------------------------------ state
    def load_own_variables(self, store):
        super().load_own_variables(store)
        self._phase = int(ops.convert_to_numpy(self._phase_variable))
        self._apply_phase()

    def get_config(self):
        config = super().get_config()
        config.update(
            max_resolution=self.max_resolution,
            channels=self.channels,
            fmap_base=self.fmap_base,
            fmap_max=self.fmap_max,
            mbstd_group_size=self.mbstd_group_size,
            normalize_latents=self.normalize_latents,
        )
        return config
