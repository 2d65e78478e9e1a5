"""`ProgressiveGAN`: progressive growing of GANs (Karras et al. 2018)."""

import keras
from keras import ops

from keras_gans import _keras_compat, utils
from keras_gans.models._seeds import layer_seeds
from keras_gans.models.adversarial import AdversarialModel, _num_replicas
from keras_gans.models.pggan.pggan_discriminator import ProgressiveDiscriminator
from keras_gans.models.pggan.pggan_generator import ProgressiveGenerator
from keras_gans.models.pggan.pggan_network import (
    _check_image_size,
    _downsample,
    _resolve_image_size,
    _upsample,
    phase_resolution,
)
from keras_gans.training.optimizers import FusedAdam

__all__ = ["ProgressiveGAN", "paper_adam"]


def _reset_moments(optimizer):
    """Zeroes an optimizer's moment slots, gradient accumulators and step
    count; its learning rate, a loss scale and an EMA of the weights stay."""
    inner = getattr(optimizer, "inner_optimizer", None)
    if inner is not None:  # LossScaleOptimizer: the scale is not a moment
        _reset_moments(inner)
        return
    keep = {id(v) for v in _keras_compat.ema_variables(optimizer)}
    for variable in optimizer.variables:
        if id(variable) in keep or "learning_rate" in variable.path:
            continue
        variable.assign(ops.zeros(variable.shape, variable.dtype))


def paper_adam():
    """Adam(1e-3, beta_1=0, beta_2=0.99, epsilon=1e-8) (Karras et al. 2018, A.1)."""
    return FusedAdam(learning_rate=1e-3, beta_1=0.0, beta_2=0.99, epsilon=1e-8)


@keras.saving.register_keras_serializable(package="keras_gans")
class ProgressiveGAN(AdversarialModel):
    """Progressive growing of GANs (Karras et al. 2018).

    "Progressive Growing of GANs for Improved Quality, Stability, and
    Variation", ICLR 2018. G and D start at 4x4 and grow by one resolution
    per stage up to `image_size`; each new stage first fades in
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
    (`set_alpha`) is only a variable. `ProgressiveSchedule` (in
    `keras_gans.models.pggan`) drives both from the image count.

    Data. Batches come at `image_size`; the train step takes the first
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
        image_size: int (or a square `(r, r)` pair). Final resolution, a
            power of two in [8, 1024] (default 128). `max_resolution=` is its
            deprecated name.
        channels: int. Image channels.
        latent_dim: int. Size of z (paper: 512).
        fmap_base: int. Feature maps of stage `s`: `min(fmap_base / 2**s,
            fmap_max)` (paper: 8192).
        fmap_max: int. Largest number of feature maps (paper: 512).
        mbstd_group_size: int. Minibatch standard deviation group size
            (paper: 4); 0 or 1 turns the layer off.
        normalize_latents: bool. PixelNorm on z (paper: yes).
        latent_distribution: str. `"normal"` (paper) or `"uniform"`.
        seed: int or `None`. Seed of the model's random stream.
        **kwargs: `keras.Model` arguments (`name`, `dtype`). `dtype`, a
            policy name such as `"mixed_bfloat16"`, is also the policy of G,
            D, the EMA G and every layer in them.

    Raises:
        ValueError: an argument is out of range (the message names it).

    Example:
    >>> model = ProgressiveGAN(image_size=8, channels=1, latent_dim=8,
    ...                        fmap_base=16, fmap_max=8, seed=0)
    >>> model.compile()
    >>> model.generate(2, seed=0).shape  # phase 0: 4x4
    (2, 4, 4, 1)
    >>> model.set_phase(1, alpha=0.5)     # 8x8 fading in
    >>> model.resolution, model.alpha, model.sample_shape
    (8, 0.5, (8, 8, 1))
    """

    builds_own_networks = True

    def __init__(
        self,
        image_size=None,
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
        image_size = _check_image_size(
            _resolve_image_size(
                image_size, kwargs.pop("max_resolution", None), "ProgressiveGAN"
            )
        )
        arch = dict(
            image_size=image_size,
            channels=channels,
            latent_dim=latent_dim,
            fmap_base=fmap_base,
            fmap_max=fmap_max,
            dtype=kwargs.get("dtype"),
        )
        with layer_seeds(seed):
            generator = ProgressiveGenerator(
                normalize_latents=normalize_latents, **arch
            )
            discriminator = ProgressiveDiscriminator(
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
        self.image_size = generator.image_size
        self.channels = generator.channels
        self.fmap_base = generator.fmap_base
        self.fmap_max = generator.fmap_max
        self.mbstd_group_size = discriminator.mbstd_group_size
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
    def max_resolution(self):
        """int. The old name of `image_size` (read-only)."""
        return self.image_size

    @property
    def sample_shape(self):
        """`(r, r, channels)`: the shape of one image `generate` draws now."""
        r = self.resolution
        return (r, r, self.channels)

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
        phase = utils.check_int("phase", phase, 0, self.num_phases - 1)
        if batch_size is not None:
            batch_size = utils.check_int("batch_size", batch_size, minimum=1)
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
        """Zeroes both optimizers' moments and step count, keeping the
        learning rate: the official code does this whenever the level of
        detail changes (`reset_opt_for_new_lod=True`). A
        `LossScaleOptimizer` keeps its dynamic loss scale (not optimizer
        state of that kind) and resets its inner optimizer."""
        for optimizer in (self.g_optimizer, self.d_optimizer):
            _reset_moments(optimizer)

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

    def data_image_shape(self):
        """`(image_size, image_size, channels)`: batches come at full size in
        every phase (`prepare_reals` takes them down)."""
        return (self.image_size, self.image_size, self.channels)

    def prepare_reals(self, images):
        """Full-resolution reals -> the current phase's reals.

        `images[:phase_batch_size]`, average-pooled to `resolution`; while
        fading in, `α · x + (1 - α) · upsample(avgpool(x))`.
        """
        size = images.shape[1]
        if size is not None and size != self.image_size:
            raise ValueError(
                f"Batches must hold images of `image_size`={self.image_size}. "
                f"Received: images of shape {tuple(images.shape)}"
            )
        if self.phase_batch_size is not None:
            images = images[: self.phase_batch_size]
        x = _downsample(images, self.image_size // self.resolution)  # (B, r, r, C)
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
            image_size=self.image_size,
            channels=self.channels,
            fmap_base=self.fmap_base,
            fmap_max=self.fmap_max,
            mbstd_group_size=self.mbstd_group_size,
            normalize_latents=self.normalize_latents,
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        old = config.pop("max_resolution", None)  # configs before `image_size`
        if old is not None and config.get("image_size") is None:
            config["image_size"] = old
        return super().from_config(config)
