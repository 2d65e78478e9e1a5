"""StyleGAN2's own layers (Karras et al. 2020): FIR resampling, the modulated
convolution with weight demodulation and noise, the learned constant input.

All tensors are NHWC. The FIR filter is `[1, 3, 3, 1]` (outer product,
normalised to sum 1), applied as the official `upfirdn2d`: upsampling
inserts zeros and filters with gain 4 (padding 2 before, 1 after);
downsampling filters (padding 1, 1) and keeps every second sample. Borders
are zero-padded, as there.
"""

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import layers, utils

__all__ = [
    "ConstantInput",
    "DEMODULATION_EPSILON",
    "FIR_FILTER",
    "ModulatedConv2D",
    "fir_blur",
    "fir_downsample",
    "fir_upsample",
    "lrelu",
]

#: The resampling filter of StyleGAN2 (`resample_filter=[1, 3, 3, 1]`).
FIR_FILTER = (1.0, 3.0, 3.0, 1.0)
#: Added to the sum of squared weights before the demodulation rsqrt.
DEMODULATION_EPSILON = 1e-8
#: Leaky ReLU slope and the gain that follows it (`bias_act`'s `lrelu`).
LEAKINESS, LRELU_GAIN = 0.2, math.sqrt(2.0)


def lrelu(x, gain=1.0):
    """`sqrt(2) * gain * leaky_relu(x, 0.2)`, StyleGAN2's activation."""
    return ops.leaky_relu(x, negative_slope=LEAKINESS) * (LRELU_GAIN * gain)


def _taps(gain=1.0):
    taps = np.asarray(FIR_FILTER, "float64")
    return taps / taps.sum() * gain  # one axis of the separable 2D filter


def _filter_axis(x, axis, taps, pad_before, pad_after):
    """Correlates `x` along `axis` (1 or 2) with the 1D `taps`, zero-padded."""
    paddings = [[0, 0]] * 4
    paddings[axis] = [pad_before, pad_after]
    x = tf.pad(x, paddings)
    length = x.shape[axis] - len(taps) + 1
    out = 0.0
    for t, tap in enumerate(taps):
        window = [slice(None)] * 4
        window[axis] = slice(t, t + length)
        out = out + x[tuple(window)] * ops.cast(tap, x.dtype)
    return out


def _upsample_axis(x, axis, taps):
    """Zero insertion then `taps` (padding 2, 1) along `axis`, in polyphase
    form: output `2i` is `taps[2] x[i] + taps[0] x[i - 1]`, output `2i + 1`
    is `taps[3] x[i + 1] + taps[1] x[i]` (the inserted zeros skipped)."""
    paddings = [[0, 0]] * 4
    paddings[axis] = [1, 1]
    x = tf.pad(x, paddings)
    n = x.shape[axis] - 2

    def window(start):
        index = [slice(None)] * 4
        index[axis] = slice(start, start + n)
        return x[tuple(index)]

    previous, centre, following = window(0), window(1), window(2)
    t = [ops.cast(tap, x.dtype) for tap in taps]
    even = t[2] * centre + t[0] * previous
    odd = t[1] * centre + t[3] * following
    shape = list(ops.shape(centre))
    shape[axis] = 2 * n
    return ops.reshape(ops.stack([even, odd], axis=axis + 1), shape)


def fir_upsample(x):
    """2x FIR upsampling (`upfirdn2d.upsample2d`). # (B, H, W, C) -> (B, 2H, 2W, C)"""
    taps = _taps(gain=2.0)  # gain up**2 = 4 over the two axes
    for axis in (1, 2):
        x = _upsample_axis(x, axis, taps)
    return x


def fir_downsample(x):
    """2x FIR downsampling (`upfirdn2d.downsample2d`). # (B, H, W, C) -> (B, H/2, W/2, C)"""
    taps = [ops.cast(t, x.dtype) for t in _taps()]
    for axis in (1, 2):
        x = _downsample_axis(x, axis, taps)
    return x


def _downsample_axis(x, axis, taps):
    """`taps` (padding 1, 1) along `axis`, keeping every second output, in
    polyphase form: output `j` is `taps · x[2j - 1 .. 2j + 2]`."""

    def part(x, start, stop=None, step=None):
        index = [slice(None)] * 4
        index[axis] = slice(start, stop, step)
        return x[tuple(index)]

    def pad(x, before, after):
        paddings = [[0, 0]] * 4
        paddings[axis] = [before, after]
        return tf.pad(x, paddings)

    even, odd = part(x, 0, None, 2), part(x, 1, None, 2)  # x[2j], x[2j + 1]
    n = even.shape[axis]
    previous = part(pad(odd, 1, 0), 0, n)  # x[2j - 1]
    following = part(pad(even, 0, 1), 1, n + 1)  # x[2j + 2]
    return taps[0] * previous + taps[1] * even + taps[2] * odd + taps[3] * following


def fir_blur(x, pad=2):
    """The FIR filter without resampling, `pad` zeros on every side: what
    precedes a strided 3x3 conv (`conv2d_resample` with `down=2`).
    # (B, H, W, C) -> (B, H + 2 pad - 3, W + 2 pad - 3, C)"""
    taps = _taps()
    for axis in (1, 2):
        x = _filter_axis(x, axis, taps, pad, pad)
    return x


@keras.saving.register_keras_serializable(package="keras_gans")
class ConstantInput(keras.layers.Layer):
    """The synthesis network's learned constant input (Karras et al. 2019,
    sec 2), `(size, size, channels)` drawn N(0, 1), tiled over the batch.

    Called on the per-layer latents `ws` `(B, num_ws, w_dim)` (only their
    batch size is used). # -> (B, size, size, channels)
    """

    def __init__(self, channels, size=4, **kwargs):
        super().__init__(**kwargs)
        self.channels = utils.check_int("channels", channels, minimum=1)
        self.size = utils.check_int("size", size, minimum=1)
        self._initializer = keras.initializers.RandomNormal(stddev=1.0)

    def build(self, input_shape):
        self.const = self.add_weight(
            name="const",
            shape=(self.size, self.size, self.channels),
            initializer=self._initializer,
        )

    def call(self, ws):
        x = ops.cast(self.const, self.compute_dtype)[None]
        return ops.tile(x, (ops.shape(ws)[0], 1, 1, 1))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, self.channels)

    def get_config(self):
        return {**super().get_config(), "channels": self.channels, "size": self.size}


NOISE_MODES = ("random", "const", "none")


@keras.saving.register_keras_serializable(package="keras_gans")
class ModulatedConv2D(keras.layers.Layer):
    """Modulated convolution with weight demodulation (Karras et al. 2020, sec 2.2).

    For a sample with style `s = affine(w)` `(in,)`, the weights
    `w'_{kio} = s_i · w_{kio}` (modulation) are divided by
    `sqrt(sum_{k,i} w'_{kio}² + 1e-8)` (demodulation, eq. 3), per sample
    and output channel. The layer runs the equivalent unfused form that the
    official code uses in training: `conv(x · s, w) · d` with the
    demodulation coefficients `d` `(B, out)`; no per-sample kernels are made.

    Then, as `SynthesisLayer` does: `+ noise · strength` (noise `(B, H, W,
    1)`, strength a learned scalar starting at 0), `+ bias`, leaky ReLU
    with gain sqrt(2). With `demodulate=False, use_noise=False,
    activation=False` and `kernel_size=1` it is the skip generator's toRGB.

    `up=True` upsamples first (`fir_upsample`), then convolves: the same
    operation as the official transposed convolution followed by the FIR
    filter (convolutions commute), with the same zero borders.

    Weights use the equalized learning rate: the kernel `(k, k, in, out)`
    is N(0, 1) times `1 / sqrt(k·k·in)` at run time; the affine map is an
    `EqualizedDense(in, gain=1)` whose bias starts at 1.

    Args:
        filters: int. Output channels.
        kernel_size: int. Square kernel size (3, or 1 for toRGB).
        resolution: int. Output resolution (size of the constant noise map).
        demodulate: bool. Weight demodulation.
        up: bool. 2x FIR upsampling before the convolution.
        use_noise: bool. Per-pixel noise input with a learned strength.
        activation: bool. Leaky ReLU (gain sqrt(2)) after the bias.
        noise_index: int. This layer's index in the synthesis network: its
            random noise is drawn with `fold_in(noise_seed, noise_index)`.
        **kwargs: base `Layer` arguments (`name`, `dtype`).

    Call: `layer(x, w, noise_mode="const", noise_seed=None)` with `x` `(B,
    H, W, in)` (`H/2` when `up`), `w` `(B, w_dim)`; `noise_mode` is
    `"random"` (fresh N(0, 1) noise from the stateless `noise_seed`, an int
    `(2,)` tensor), `"const"` (the layer's fixed noise map, drawn once at
    construction, as `noise_const`) or `"none"`.
    """

    def __init__(
        self,
        filters,
        kernel_size=3,
        resolution=4,
        demodulate=True,
        up=False,
        use_noise=True,
        activation=True,
        noise_index=0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.filters = utils.check_int("filters", filters, minimum=1)
        self.kernel_size = utils.check_int("kernel_size", kernel_size, minimum=1)
        self.resolution = utils.check_int("resolution", resolution, minimum=1)
        self.demodulate = bool(demodulate)
        self.up = bool(up)
        self.use_noise = bool(use_noise)
        self.activation = bool(activation)
        self.noise_index = utils.check_int("noise_index", noise_index, minimum=0)
        self._kernel_initializer = keras.initializers.RandomNormal(stddev=1.0)
        self._noise_initializer = keras.initializers.RandomNormal(stddev=1.0)
        self.affine = None

    def build(self, x_shape, w_shape):
        in_channels, w_dim = int(x_shape[-1]), int(w_shape[-1])
        k = self.kernel_size
        self.affine = layers.EqualizedDense(
            in_channels, gain=1.0, name="affine", dtype=self.dtype_policy
        )
        self.affine.build((None, w_dim))
        self.affine.bias.assign(ops.ones((in_channels,)))  # bias_init=1
        self.scale = 1.0 / math.sqrt(k * k * in_channels)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(k, k, in_channels, self.filters),
            initializer=self._kernel_initializer,
        )
        self.bias = self.add_weight(
            name="bias", shape=(self.filters,), initializer="zeros"
        )
        if self.use_noise:
            self.noise_strength = self.add_weight(
                name="noise_strength", shape=(), initializer="zeros"
            )
            self.noise_const = self.add_weight(
                name="noise_const",
                shape=(self.resolution, self.resolution),
                initializer=self._noise_initializer,
                trainable=False,
            )

    def styles(self, w):
        """`affine(w)`: the per-sample scales of the input channels. # (B, in)"""
        return self.affine(ops.cast(w, self.compute_dtype))

    def demodulation(self, styles):
        """`1 / sqrt(sum_{k,i} (s_i w_kio)² + 1e-8)`, float32. # (B, in) -> (B, out)"""
        weight = ops.cast(self.kernel, "float32") * self.scale  # (k, k, in, out)
        sum_sq = ops.sum(ops.square(weight), axis=(0, 1))  # (in, out)
        s2 = ops.square(ops.cast(styles, "float32"))  # (B, in)
        return ops.rsqrt(ops.matmul(s2, sum_sq) + DEMODULATION_EPSILON)

    def noise(self, batch, noise_mode, noise_seed, dtype):
        """The noise added after the convolution, or `None`. # (B, H, W, 1)"""
        if not self.use_noise or noise_mode == "none":
            return None
        r = self.resolution
        if noise_mode == "const":
            noise = ops.reshape(ops.cast(self.noise_const, dtype), (1, r, r, 1))
        else:
            if noise_seed is None:
                raise ValueError("`noise_mode='random'` needs a `noise_seed`.")
            seed = tf.random.experimental.stateless_fold_in(
                ops.cast(noise_seed, "int64"), self.noise_index
            )
            noise = ops.cast(tf.random.stateless_normal((batch, r, r, 1), seed), dtype)
        return noise * ops.cast(self.noise_strength, dtype)

    def call(self, x, w, noise_mode="const", noise_seed=None):
        utils.check_choice("noise_mode", noise_mode, NOISE_MODES)
        dtype = self.compute_dtype
        x = ops.cast(x, dtype)
        styles = self.styles(w)  # (B, in)
        if self.up:
            x = fir_upsample(x)  # (B, 2H, 2W, in)
        x = x * ops.cast(styles, dtype)[:, None, None, :]
        weight = ops.cast(self.kernel, dtype) * ops.cast(self.scale, dtype)
        x = ops.conv(x, weight, padding="same")  # (B, H', W', out)
        if self.demodulate:
            x = x * ops.cast(self.demodulation(styles), dtype)[:, None, None, :]
        noise = self.noise(ops.shape(x)[0], noise_mode, noise_seed, dtype)
        if noise is not None:
            x = x + noise
        x = x + ops.cast(self.bias, dtype)
        return lrelu(x) if self.activation else x

    def compute_output_shape(self, x_shape, w_shape):
        r = self.resolution
        return (x_shape[0], r, r, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "resolution": self.resolution,
            "demodulate": self.demodulate,
            "up": self.up,
            "use_noise": self.use_noise,
            "activation": self.activation,
            "noise_index": self.noise_index,
        }
