"""`StyleGAN2Generator`: mapping and skip synthesis networks (Karras et al. 2020)."""

import keras
import numpy as np
from keras import ops

from keras_gans import _deprecation, layers, utils
from keras_gans.models.stylegan2.stylegan2_layers import (
    ConstantInput,
    ModulatedConv2D,
    fir_upsample,
    lrelu,
)
from keras_gans.models.stylegan2.stylegan2_network import (
    check_architecture,
    network_config,
    num_channels,
)

__all__ = ["StyleGAN2Generator"]

#: Old argument, config key and attribute names -> today's.
_RENAMED = {"mapping_layers": "num_mapping_layers"}


@keras.saving.register_keras_serializable(package="keras_gans")
class StyleGAN2Generator(_deprecation.RenamedAttributes, keras.Model):
    """The StyleGAN2 generator, config F (Karras et al. 2020, fig. 2d and 7).

    Mapping: z `(B, latent_dim)` -> PixelNorm -> `num_mapping_layers`
    equalized dense layers of `w_dim` units with learning-rate multiplier
    `mapping_lr_multiplier` (0.01), each followed by leaky ReLU (gain
    sqrt(2)) -> w `(B, w_dim)`, broadcast to `num_ws` per-layer latents.
    In training mode it tracks `w_avg`, the moving average of w (decay
    `w_avg_beta`), which the truncation trick pulls towards:
    `w' = w_avg + ψ (w - w_avg)`.

    Synthesis ("skip" architecture): a learned 4x4 constant, then per
    resolution 4, 8, .., `image_size` modulated 3x3 convolutions with
    weight demodulation and noise (`ModulatedConv2D`; the first of each
    block above 4x4 upsamples 2x with the FIR filter), and a toRGB
    (modulated 1x1, no demodulation) whose output is added to the FIR
    upsampled image of the block below. Block `r` has
    `min(channel_base // r, channel_max)` feature maps. Latent `ws[:, i]`
    drives layer `i`; a toRGB shares its latent with the next block's
    first convolution, as in the official code, so `num_ws = 2 *
    log2(image_size) - 2`.

    Call: `g(z)` draws images in [-1, 1] (`training=False`: clipped, the
    constant noise maps) or linear images (`training=True`). A dict input
    `{"noise": z, "mix_noise": z2, "mix_cutoff": k, "noise_seed": s}` is
    what `StyleGAN2`'s train step passes: latents `ws[:, k:]` come from
    `z2` (style mixing; `k = num_ws` mixes nothing) and the noise inputs
    are drawn from the stateless seed `s` `(2,)`. Keyword arguments
    `truncation` (ψ, float or scalar tensor), `noise_mode` (`"random"`,
    `"const"`, `"none"`; default `"random"` when a `noise_seed` is given,
    else `"const"`) and `noise_seed` do the same for a plain call.

    Args:
        image_size: int. Output resolution, a power of two in [8, 1024].
        channels: int. Image channels.
        latent_dim: int. Size of z (paper: 512).
        w_dim: int. Size of w (paper: 512).
        num_mapping_layers: int. Dense layers of the mapping network (8).
        mapping_lr_multiplier: float. Their learning-rate multiplier (0.01).
        channel_base: int. Feature maps of block `r`: `channel_base // r`
            (paper: 32768, i.e. `fmaps=1`; 16384 at 256x256 in the ADA
            paper's `paper256`).
        channel_max: int. The most feature maps of a block (512).
        w_avg_beta: float in [0, 1). Decay of `w_avg` (0.995).
        **kwargs: `keras.Model` arguments (`name`, `dtype`: the policy of
            the network and of every layer in it). `mapping_layers` is the
            deprecated name of `num_mapping_layers`.

    Raises:
        ValueError: an argument is out of range (the message names it).

    Example:
    >>> g = StyleGAN2Generator(image_size=8, channels=1, latent_dim=4,
    ...                        w_dim=4, num_mapping_layers=2, channel_base=32,
    ...                        channel_max=4)
    >>> g.num_ws, tuple(g(keras.ops.ones((2, 4))).shape)
    (4, (2, 8, 8, 1))
    """

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
        w_avg_beta=0.995,
        **kwargs,
    ):
        (num_mapping_layers,) = _deprecation.renamed_arguments(
            StyleGAN2Generator, kwargs, _RENAMED, num_mapping_layers
        )
        kwargs.setdefault("name", "generator")
        super().__init__(**kwargs)
        image_size, channels, channel_base, channel_max = check_architecture(
            image_size, channels, channel_base, channel_max
        )
        self.image_size, self.channels = image_size, channels
        self.latent_dim = utils.check_int("latent_dim", latent_dim, minimum=1)
        self.w_dim = utils.check_int("w_dim", w_dim, minimum=1)
        self.num_mapping_layers = utils.check_int(
            "num_mapping_layers", num_mapping_layers, minimum=1
        )
        self.mapping_lr_multiplier = utils.check_float(
            "mapping_lr_multiplier", mapping_lr_multiplier, 0.0, exclusive=True
        )
        self.channel_base, self.channel_max = channel_base, channel_max
        self.w_avg_beta = utils.check_float("w_avg_beta", w_avg_beta, 0.0, 1.0)
        if self.w_avg_beta >= 1.0:
            raise ValueError(
                f"`w_avg_beta` must be < 1. Received: w_avg_beta={w_avg_beta}"
            )
        dtype = self.dtype_policy
        self.resolutions = [2**i for i in range(2, int(np.log2(image_size)) + 1)]
        self.num_ws = 2 * len(self.resolutions)

        self.pixel_norm = layers.PixelNorm(name="pixel_norm", dtype=dtype)
        self.pixel_norm.build((None, self.latent_dim))  # every layer built: fit
        # under a tf.distribute strategy needs no symbolic call
        self.mapping_dense = []
        features = self.latent_dim
        for i in range(self.num_mapping_layers):
            dense = layers.EqualizedDense(
                self.w_dim,
                gain=1.0,
                lr_multiplier=self.mapping_lr_multiplier,
                name=f"mapping_{i}",
                dtype=dtype,
            )
            dense.build((None, features))
            self.mapping_dense.append(dense)
            features = self.w_dim

        nc = self.nc
        self.const = ConstantInput(nc(4), 4, name="const", dtype=dtype)
        self.const.build((None, self.num_ws, self.w_dim))
        # convs[0]: the 4x4 conv; convs[2j - 1], convs[2j]: block j's two convs.
        self.convs, self.to_rgb = [], []
        w_shape = (None, self.w_dim)
        in_channels = nc(4)
        for j, r in enumerate(self.resolutions):
            specs = (
                [("conv_4x4", False)]
                if j == 0
                else [
                    (f"conv0_{r}x{r}", True),
                    (f"conv1_{r}x{r}", False),
                ]
            )
            for name, up in specs:
                conv = ModulatedConv2D(
                    nc(r),
                    3,
                    resolution=r,
                    up=up,
                    noise_index=len(self.convs),
                    name=name,
                    dtype=dtype,
                )
                size = r // 2 if up else r
                conv.build((None, size, size, in_channels), w_shape)
                self.convs.append(conv)
                in_channels = nc(r)
            to_rgb = ModulatedConv2D(
                channels,
                1,
                resolution=r,
                demodulate=False,
                use_noise=False,
                activation=False,
                name=f"to_rgb_{r}x{r}",
                dtype=dtype,
            )
            to_rgb.build((None, r, r, in_channels), w_shape)
            self.to_rgb.append(to_rgb)
        self.w_avg = self.add_weight(
            name="w_avg",
            shape=(self.w_dim,),
            initializer="zeros",
            trainable=False,
            aggregation="mean",
        )
        self.built = True

    def nc(self, resolution):
        """Feature maps of the block at `resolution`."""
        return num_channels(resolution, self.channel_base, self.channel_max)

    # ---------------------------------------------------------------- mapping
    def mapping(self, z, training=False, update_w_avg=None):
        """z -> w, float32 `(B, w_dim)`; in training also moves `w_avg`
        towards the batch mean of w (`update_w_avg=False` skips that, as the
        second latent of style mixing does)."""
        x = self.pixel_norm(ops.cast(z, self.compute_dtype))  # (B, latent_dim)
        for dense in self.mapping_dense:
            x = lrelu(dense(x))  # (B, w_dim)
        w = ops.cast(x, "float32")
        if update_w_avg is None:
            update_w_avg = training
        if update_w_avg:
            mean = ops.stop_gradient(ops.mean(w, axis=0))
            self.w_avg.assign(mean + self.w_avg_beta * (self.w_avg - mean))
        return w

    def broadcast(self, w):
        """`(B, w_dim)` -> `(B, num_ws, w_dim)`: one latent per layer."""
        return w[:, None, :] + ops.zeros((1, self.num_ws, 1), w.dtype)

    def truncate(self, ws, truncation=1.0):
        """The truncation trick in W: `w_avg + ψ (ws - w_avg)`."""
        if isinstance(truncation, (int, float)) and truncation == 1:
            return ws
        psi = ops.cast(truncation, ws.dtype)
        w_avg = ops.cast(self.w_avg, ws.dtype)
        return w_avg + psi * (ws - w_avg)

    def mix(self, ws, ws_mix, cutoff):
        """Style mixing: layers `< cutoff` from `ws`, the others from `ws_mix`."""
        layer = ops.arange(self.num_ws)[None, :, None]  # (1, num_ws, 1)
        return ops.where(layer < ops.cast(cutoff, layer.dtype), ws, ws_mix)

    def mapped_ws(self, z, mix_noise=None, mix_cutoff=None, training=False):
        """Per-layer latents `(B, num_ws, w_dim)` of z, style-mixed with
        `mix_noise` from layer `mix_cutoff` on when both are given."""
        ws = self.broadcast(self.mapping(z, training=training))
        if mix_noise is not None and mix_cutoff is not None:
            ws_mix = self.broadcast(self.mapping(mix_noise, update_w_avg=False))
            ws = self.mix(ws, ws_mix, mix_cutoff)
        return ws

    # -------------------------------------------------------------- synthesis
    def synthesis(self, ws, noise_mode="const", noise_seed=None):
        """Per-layer latents `(B, num_ws, w_dim)` -> linear images, float32
        `(B, image_size, image_size, channels)`."""
        ws = ops.cast(ws, "float32")
        x = self.const(ws)  # (B, 4, 4, nc(4))
        noise = dict(noise_mode=noise_mode, noise_seed=noise_seed)
        x = self.convs[0](x, ws[:, 0], **noise)
        image = self.to_rgb[0](x, ws[:, 1])  # (B, 4, 4, channels)
        for j in range(1, len(self.resolutions)):
            x = self.convs[2 * j - 1](x, ws[:, 2 * j - 1], **noise)  # (B, r, r, nc)
            x = self.convs[2 * j](x, ws[:, 2 * j], **noise)
            skip = fir_upsample(image)  # (B, r, r, channels)
            image = skip + self.to_rgb[j](x, ws[:, 2 * j + 1])
        return ops.cast(image, "float32")

    def call(
        self, inputs, training=False, truncation=1.0, noise_mode=None, noise_seed=None
    ):
        mix_noise = mix_cutoff = None
        if isinstance(inputs, dict):
            z = inputs["noise"]
            mix_noise, mix_cutoff = inputs.get("mix_noise"), inputs.get("mix_cutoff")
            noise_seed = inputs.get("noise_seed", noise_seed)
        else:
            z = inputs
        ws = self.truncate(
            self.mapped_ws(z, mix_noise, mix_cutoff, training), truncation
        )
        if noise_mode is None:
            noise_mode = "const" if noise_seed is None else "random"
        images = self.synthesis(ws, noise_mode, noise_seed)
        if not training:
            images = ops.clip(images, -1.0, 1.0)
        return images

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, dict):
            input_shape = input_shape["noise"]
        r = self.image_size
        return (input_shape[0], r, r, self.channels)

    def get_config(self):
        return {
            **network_config(self),
            "image_size": self.image_size,
            "channels": self.channels,
            "latent_dim": self.latent_dim,
            "w_dim": self.w_dim,
            "num_mapping_layers": self.num_mapping_layers,
            "mapping_lr_multiplier": self.mapping_lr_multiplier,
            "channel_base": self.channel_base,
            "channel_max": self.channel_max,
            "w_avg_beta": self.w_avg_beta,
        }

    @classmethod
    def from_config(cls, config):
        # Configs saved before the rename load silently.
        return cls(**_deprecation.renamed_config_keys(config, _RENAMED))
