"""What ProgressiveGAN's generator and discriminator share (Karras et al. 2018).

Stages and phases: stage `s` works at resolution `4 * 2**s` (4x4 is stage
0); schedule phase 0 trains 4x4, phase `2s - 1` fades stage `s` in and
phase `2s` trains it stable.
"""

import math

import keras
from keras import ops

from keras_gans import utils
from keras_gans._deprecation import deprecate

__all__ = [
    "LEAKINESS",
    "MAX_RESOLUTION",
    "MIN_RESOLUTION",
    "num_features",
    "phase_resolution",
    "stage_resolution",
]

#: Karras et al. 2018, appendix A.1: leaky ReLU with leakiness 0.2.
LEAKINESS = 0.2
#: The smallest and largest `image_size` (4x4 is the first stage).
MIN_RESOLUTION, MAX_RESOLUTION = 8, 1024
#: `image_size` when neither it nor its deprecated name is given.
_DEFAULT_IMAGE_SIZE = 128


def num_features(stage, fmap_base=8192, fmap_max=512):
    """Feature maps of a stage: `min(fmap_base / 2**stage, fmap_max)`.

    The official code's `nf(stage)` with `fmap_decay=1`; the block at
    resolution `2**r` uses `nf(r - 1)` (so 4x4 uses `nf(1)`). With the paper's
    `fmap_base=8192, fmap_max=512`: 512 maps up to 32x32, then 256, 128, 64,
    32, 16 at 64 .. 1024 (Karras et al. 2018, table 2).

    Example:
    >>> [num_features(r - 1) for r in (5, 6, 10)]  # 32x32, 64x64, 1024x1024
    [512, 256, 16]
    """
    return max(1, min(fmap_base // 2**stage, fmap_max))


def stage_resolution(stage):
    """Resolution of stage `stage`: 4x4 is stage 0, each stage doubles it.

    >>> stage_resolution(0), stage_resolution(3)
    (4, 32)
    """
    return 4 * 2**stage


def phase_resolution(phase):
    """Resolution trained in schedule phase `phase`: phase 0 is 4x4, then a
    fade-in (odd) and a stable (even) phase per stage.

    >>> [phase_resolution(p) for p in range(5)]
    [4, 8, 8, 16, 16]
    """
    return stage_resolution((phase + 1) // 2)


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


def _resolve_image_size(image_size, max_resolution, owner, stacklevel=3):
    """`image_size`, or its deprecated name `max_resolution` (with a warning)."""
    if max_resolution is None:
        return _DEFAULT_IMAGE_SIZE if image_size is None else image_size
    if image_size is not None:
        raise ValueError(
            "Pass `image_size` only; `max_resolution` is its deprecated name. "
            f"Received: image_size={image_size!r}, max_resolution={max_resolution!r}"
        )
    deprecate(
        f"{owner}(max_resolution=...)",
        f"image_size={max_resolution!r}",
        stacklevel=stacklevel,
    )
    return max_resolution


def _check_image_size(image_size):
    """A square power-of-two size in [MIN_RESOLUTION, MAX_RESOLUTION] -> int."""
    height, width = utils.check_image_size(image_size)
    if (
        height != width
        or not MIN_RESOLUTION <= height <= MAX_RESOLUTION
        or height & (height - 1)
    ):
        raise ValueError(
            f"`image_size` must be a power of two in [{MIN_RESOLUTION}, "
            f"{MAX_RESOLUTION}] (square images). Received: image_size={image_size!r}"
        )
    return height


def _check_architecture(image_size, channels, latent_dim, fmap_base, fmap_max):
    """Checks the shared architecture arguments; returns them as ints."""
    return (
        _check_image_size(image_size),
        utils.check_int("channels", channels, minimum=1),
        utils.check_int("latent_dim", latent_dim, minimum=1),
        utils.check_int("fmap_base", fmap_base, minimum=1),
        utils.check_int("fmap_max", fmap_max, minimum=1),
    )


class _ProgressiveNetwork(keras.Model):
    """What the generator and discriminator share: stages and the phase.

    Stage `s` works at resolution `4 * 2**s`; stages `0 .. num_stages - 1`
    all exist (and are built) from the start, so the set of weights never
    changes. Which stages a call runs is the Python state `stage` and
    `fading`, set with `set_phase`; a compiled function traced for one
    phase must be re-traced for another. The fade-in weight α is the
    non-trainable variable of the `fade` layer (a `WeightedSum`), so it
    changes without re-tracing.

    `dtype` (a policy name such as `"mixed_bfloat16"`) is the network's
    policy and that of every layer it creates; outputs are cast to the
    policy's variable dtype (float32 under a mixed policy).
    """

    def __init__(
        self,
        image_size=None,
        channels=3,
        latent_dim=512,
        fmap_base=8192,
        fmap_max=512,
        **kwargs,
    ):
        max_resolution = kwargs.pop("max_resolution", None)
        image_size = _resolve_image_size(
            image_size, max_resolution, type(self).__name__, stacklevel=4
        )
        super().__init__(**kwargs)
        image_size, channels, latent_dim, fmap_base, fmap_max = _check_architecture(
            image_size, channels, latent_dim, fmap_base, fmap_max
        )
        self.image_size = image_size
        self.channels = channels
        self.latent_dim = latent_dim
        self.fmap_base = fmap_base
        self.fmap_max = fmap_max
        self.num_stages = int(math.log2(image_size)) - 1  # 4x4 is stage 0
        self.stage = self.num_stages - 1
        self.fading = False

    @property
    def max_resolution(self):
        """int. The old name of `image_size` (read-only)."""
        return self.image_size

    def nf(self, stage):
        return num_features(stage, self.fmap_base, self.fmap_max)

    resolution_of = staticmethod(stage_resolution)

    def _output(self, x):
        """Casts an output to the policy's variable dtype (float32 if mixed)."""
        return ops.cast(x, self.dtype_policy.variable_dtype)

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
            "dtype": keras.dtype_policies.serialize(self.dtype_policy),
            "image_size": self.image_size,
            "channels": self.channels,
            "latent_dim": self.latent_dim,
            "fmap_base": self.fmap_base,
            "fmap_max": self.fmap_max,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        old = config.pop("max_resolution", None)  # configs before `image_size`
        if old is not None and config.get("image_size") is None:
            config["image_size"] = old
        return cls(**config)
