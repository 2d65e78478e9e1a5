"""Custom layers of the classic GANs: Maxout, PixelNorm, equalized learning rate
layers, MinibatchStdDev and the PGGAN fade-in `WeightedSum`; and the builders'
`BatchNormalization` (Keras' with a fused training kernel, from
`keras_gans.normalization`)."""

import math

import keras
from keras import ops

from keras_gans import utils
from keras_gans.normalization import BatchNormalization

__all__ = [
    "BatchNormalization",
    "EqualizedConv2D",
    "EqualizedDense",
    "Maxout",
    "MinibatchStdDev",
    "PixelNorm",
    "WeightedSum",
]

PADDINGS = ("same", "valid")


@keras.saving.register_keras_serializable(package="keras_gans")
class Maxout(keras.layers.Layer):
    """Maxout unit: the maximum of `pieces` affine maps, for each output unit.

    Goodfellow et al. 2013, "Maxout Networks" (eq. 1):
    `output[..., u] = max_k (x @ W_k + b_k)[u]` for `k = 0 .. pieces - 1`.
    The `k` affine maps share one `(input_dim, units * pieces)` kernel, in
    which column `u * pieces + k` belongs to piece `k` of unit `u` (the
    layout of `Dense(units * pieces)` followed by a grouped max over
    consecutive channels).

    Args:
        units: int. Number of output units, >= 1.
        pieces: int. Number of affine pieces each unit maximises over, >= 2.
        use_bias: bool. Whether each piece adds a bias.
        kernel_initializer: str or `keras.initializers.Initializer`. Initializer
            of the `(input_dim, units * pieces)` kernel.
        bias_initializer: str or `keras.initializers.Initializer`. Initializer
            of the `(units * pieces,)` bias.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = Maxout(units=3, pieces=2)
    >>> tuple(layer(keras.ops.ones((2, 5))).shape)
    (2, 3)
    """

    def __init__(
        self,
        units,
        pieces,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = utils.check_int("units", units, minimum=1)
        self.pieces = utils.check_int("pieces", pieces, minimum=2)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units * self.pieces),
            initializer=self.kernel_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units * self.pieces,),
                initializer=self.bias_initializer,
            )

    def call(self, inputs):
        z = ops.matmul(inputs, self.kernel)  # (..., units * pieces)
        if self.use_bias:
            z = z + self.bias
        z = ops.reshape(z, (*ops.shape(z)[:-1], self.units, self.pieces))
        return ops.max(z, axis=-1)  # (..., units)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "pieces": self.pieces,
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class PixelNorm(keras.layers.Layer):
    """Pixelwise feature vector normalization.

    Karras et al. 2018, "Progressive Growing of GANs for Improved Quality,
    Stability, and Variation", sec 4.2:
    `b = a / sqrt(mean(a ** 2 over channels) + epsilon)`, so each pixel's
    feature vector has unit root mean square. No weights.

    Args:
        epsilon: float. Added to the mean square before the square root, > 0.
        axis: int or tuple of ints. The channel axis (or axes) averaged over.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> x = keras.ops.convert_to_tensor([[3.0, 4.0]])
    >>> keras.ops.convert_to_numpy(PixelNorm()(x)).round(4)
    array([[0.8485, 1.1314]], dtype=float32)
    """

    def __init__(self, epsilon=1e-8, axis=-1, **kwargs):
        super().__init__(**kwargs)
        utils.check_float("epsilon", epsilon, minimum=0.0, exclusive=True)
        self.epsilon = epsilon
        self.axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis

    def call(self, inputs):
        mean_square = ops.mean(ops.square(inputs), axis=self.axis, keepdims=True)
        return inputs * ops.rsqrt(mean_square + self.epsilon)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {**super().get_config(), "epsilon": self.epsilon, "axis": axis}


class _EqualizedLayer(keras.layers.Layer):
    """Shared arguments and weights of the equalized learning rate layers.

    Karras et al. 2018, sec 4.1: weights are stored as N(0, 1) samples and
    scaled at run time by the He constant `gain / sqrt(fan_in)`, so that
    Adam's per-weight step size means the same for every layer. With
    StyleGAN's `lr_multiplier` (Karras et al. 2019, appendix C) the stored
    weights are N(0, 1 / lr_multiplier ** 2) and both kernel and bias are
    multiplied by `lr_multiplier` at run time: the effective initial weights
    are unchanged while their learning rate is scaled by `lr_multiplier`.
    """

    def __init__(
        self,
        gain=math.sqrt(2.0),
        use_bias=True,
        activation=None,
        lr_multiplier=1.0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        utils.check_float("gain", gain, minimum=0.0, exclusive=True)
        utils.check_float("lr_multiplier", lr_multiplier, minimum=0.0, exclusive=True)
        self.gain = gain
        self.use_bias = use_bias
        self.activation = keras.activations.get(activation)
        self.lr_multiplier = lr_multiplier
        self.scale = None  # set in build(): gain / sqrt(fan_in) * lr_multiplier
        # Made here, not in build(), so that its seed is drawn when the layer
        # is created (inside a model's seeded construction).
        self._kernel_initializer = keras.initializers.RandomNormal(
            mean=0.0, stddev=1.0 / lr_multiplier
        )

    def _build_weights(self, kernel_shape, fan_in, bias_size):
        self.scale = self.gain / math.sqrt(fan_in) * self.lr_multiplier
        self.kernel = self.add_weight(
            name="kernel",
            shape=kernel_shape,
            initializer=self._kernel_initializer,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(bias_size,), initializer="zeros"
            )

    def _finish(self, outputs):
        if self.use_bias:
            outputs = outputs + self.bias * self.lr_multiplier
        return self.activation(outputs)

    def get_config(self):
        return {
            **super().get_config(),
            "gain": self.gain,
            "use_bias": self.use_bias,
            "activation": keras.activations.serialize(self.activation),
            "lr_multiplier": self.lr_multiplier,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedDense(_EqualizedLayer):
    """Dense layer with an equalized learning rate.

    Karras et al. 2018, "Progressive Growing of GANs", sec 4.1: the kernel is
    initialised N(0, 1) and multiplied at run time by the constant
    `scale = gain / sqrt(input_dim) * lr_multiplier` (available as
    `layer.scale` after the layer is built); the bias starts at zero.
    `lr_multiplier` is StyleGAN's (Karras et al. 2019): the stored kernel is
    drawn N(0, 1 / lr_multiplier ** 2) and the bias is multiplied by
    `lr_multiplier` too.

    Args:
        units: int. Number of output units, >= 1.
        gain: float. He gain of the runtime scale, > 0; `sqrt(2)` suits
            (leaky) ReLU, 1 a linear output.
        use_bias: bool. Whether to add a bias.
        activation: str, callable or `None`. Activation applied to the output.
        lr_multiplier: float. Learning rate multiplier, > 0.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = EqualizedDense(4)
    >>> tuple(layer(keras.ops.ones((2, 8))).shape), round(layer.scale, 4)
    ((2, 4), 0.5)
    """

    def __init__(
        self,
        units,
        gain=math.sqrt(2.0),
        use_bias=True,
        activation=None,
        lr_multiplier=1.0,
        **kwargs,
    ):
        super().__init__(
            gain=gain,
            use_bias=use_bias,
            activation=activation,
            lr_multiplier=lr_multiplier,
            **kwargs,
        )
        self.units = utils.check_int("units", units, minimum=1)

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self._build_weights((input_dim, self.units), input_dim, self.units)

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel * self.scale)  # (..., units)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def _conv_output_length(length, kernel, stride, padding):
    if length is None:
        return None
    if padding == "valid":
        length = length - kernel + 1
    return -(-length // stride)  # ceil(length / stride)


@keras.saving.register_keras_serializable(package="keras_gans")
class EqualizedConv2D(_EqualizedLayer):
    """2D convolution (NHWC) with an equalized learning rate.

    Karras et al. 2018, "Progressive Growing of GANs", sec 4.1: the kernel is
    initialised N(0, 1) and multiplied at run time by the constant
    `scale = gain / sqrt(kh * kw * in_channels) * lr_multiplier` (available
    as `layer.scale` after the layer is built); the bias starts at zero.
    `lr_multiplier` is StyleGAN's (Karras et al. 2019): the stored kernel is
    drawn N(0, 1 / lr_multiplier ** 2) and the bias is multiplied by
    `lr_multiplier` too.

    Args:
        filters: int. Number of output channels, >= 1.
        kernel_size: int or pair of ints. Height and width of the kernel.
        strides: int or pair of ints. Strides along height and width.
        padding: str. `"same"` or `"valid"`.
        gain: float. He gain of the runtime scale, > 0.
        use_bias: bool. Whether to add a bias.
        activation: str, callable or `None`. Activation applied to the output.
        lr_multiplier: float. Learning rate multiplier, > 0.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = EqualizedConv2D(8, 3)
    >>> tuple(layer(keras.ops.ones((2, 4, 4, 2))).shape)
    (2, 4, 4, 8)
    """

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="same",
        gain=math.sqrt(2.0),
        use_bias=True,
        activation=None,
        lr_multiplier=1.0,
        **kwargs,
    ):
        super().__init__(
            gain=gain,
            use_bias=use_bias,
            activation=activation,
            lr_multiplier=lr_multiplier,
            **kwargs,
        )
        self.filters = utils.check_int("filters", filters, minimum=1)
        self.kernel_size = utils.check_image_size(kernel_size, name="kernel_size")
        self.strides = utils.check_image_size(strides, name="strides")
        if isinstance(padding, str):
            padding = padding.lower()
        self.padding = utils.check_choice("padding", padding, PADDINGS)

    def build(self, input_shape):
        in_channels = input_shape[-1]
        kh, kw = self.kernel_size
        self._build_weights(
            (kh, kw, in_channels, self.filters), kh * kw * in_channels, self.filters
        )

    def call(self, inputs):
        outputs = ops.conv(
            inputs,
            self.kernel * self.scale,
            strides=self.strides,
            padding=self.padding,
            data_format="channels_last",
        )  # (B, H', W', filters)
        return self._finish(outputs)

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = input_shape
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        return (
            batch,
            _conv_output_length(height, kh, sh, self.padding),
            _conv_output_length(width, kw, sw, self.padding),
            self.filters,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class MinibatchStdDev(keras.layers.Layer):
    """Appends the minibatch standard deviation as one extra feature map.

    Karras et al. 2018, "Progressive Growing of GANs", sec 3: within each
    group of samples, take the standard deviation of every feature over the
    group's members, average it over (H, W, C), and append that one number,
    broadcast over H and W, as a new channel: (B, H, W, C) -> (B, H, W, C + 1).

    Groups. The official code reshapes the batch to `[G, M, ...]` with
    `G = min(group_size, B)` and `M = B // G`, so sample `i` belongs to group
    `i % M`, and it requires `B` to be a multiple of `G`. This layer takes
    `M = ceil(B / group_size)` groups and puts sample `i` in group `i % M`:
    identical to the official grouping when `B` is a multiple of `group_size`
    (or smaller than it), and defined for every other batch size too,
    including a batch size unknown until run time; groups then differ in size
    by at most one. Statistics are computed with segment sums, in float32:
    `std = sqrt(mean over the group of (x - group mean) ** 2 + epsilon)`, so a
    group of one sample gives `sqrt(epsilon)`.

    Args:
        group_size: int. Largest number of samples per group, >= 1.
        epsilon: float. Added to the variance before the square root, > 0.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = MinibatchStdDev(group_size=4)
    >>> tuple(layer(keras.ops.ones((6, 4, 4, 3))).shape)
    (6, 4, 4, 4)
    """

    def __init__(self, group_size=4, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.group_size = utils.check_int("group_size", group_size, minimum=1)
        utils.check_float("epsilon", epsilon, minimum=0.0, exclusive=True)
        self.epsilon = epsilon

    def call(self, inputs):
        x = ops.cast(inputs, "float32")  # (B, H, W, C)
        batch = ops.shape(x)[0]
        num_groups = (batch + self.group_size - 1) // self.group_size  # M
        group = ops.mod(ops.arange(batch), num_groups)  # (B,) sample i -> i % M

        counts = ops.segment_sum(
            ops.ones((batch,), "float32"), group, num_segments=num_groups
        )  # (M,)

        def group_mean(values):  # (B, H, W, C) -> (M, H, W, C)
            sums = ops.segment_sum(values, group, num_segments=num_groups)
            return sums / ops.reshape(counts, (-1, 1, 1, 1))

        centred = x - ops.take(group_mean(x), group, axis=0)  # (B, H, W, C)
        std = ops.sqrt(group_mean(ops.square(centred)) + self.epsilon)  # (M, H, W, C)
        stat = ops.mean(std, axis=(1, 2, 3))  # (M,)
        stat = ops.reshape(ops.take(stat, group, axis=0), (-1, 1, 1, 1))  # (B, 1, 1, 1)
        feature = ops.ones_like(x[..., :1]) * stat  # (B, H, W, 1)
        outputs = ops.concatenate([x, feature], axis=-1)  # (B, H, W, C + 1)
        return ops.cast(outputs, inputs.dtype)

    def compute_output_shape(self, input_shape):
        channels = input_shape[-1]
        return (*input_shape[:-1], None if channels is None else channels + 1)

    def get_config(self):
        return {
            **super().get_config(),
            "group_size": self.group_size,
            "epsilon": self.epsilon,
        }


@keras.saving.register_keras_serializable(package="keras_gans")
class WeightedSum(keras.layers.Layer):
    """Fade-in blend of two tensors: `(1 - alpha) * a + alpha * b`.

    Karras et al. 2018, "Progressive Growing of GANs", sec 3 and fig. 2: while
    a new resolution fades in, the output of the old path `a` (upsampled or
    downsampled) is blended with the new path `b` as `alpha` grows from 0 to 1.

    After the layer is built, `layer.alpha` is a non-trainable scalar
    variable, so a callback can change it with `layer.alpha.assign(0.5)`
    without retracing a compiled function, and `.keras` checkpoints keep its
    current value. `get_config()` stores the constructor's `alpha`.

    Args:
        alpha: float. Initial blend weight of `b`, in [0, 1].
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> layer = WeightedSum(alpha=0.25)
    >>> y = layer([keras.ops.zeros((1, 2)), keras.ops.ones((1, 2))])
    >>> keras.ops.convert_to_numpy(y)
    array([[0.25, 0.25]], dtype=float32)
    """

    def __init__(self, alpha=0.0, **kwargs):
        super().__init__(**kwargs)
        self.initial_alpha = utils.check_float("alpha", alpha, 0.0, 1.0)

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(
                "`WeightedSum` must be called on a list of two tensors [a, b]. "
                f"Received input_shape={input_shape}"
            )
        self.alpha = self.add_weight(
            name="alpha",
            shape=(),
            initializer=keras.initializers.Constant(self.initial_alpha),
            trainable=False,
        )

    def call(self, inputs):
        a, b = inputs
        alpha = ops.cast(self.alpha, a.dtype)
        return (1.0 - alpha) * a + alpha * b

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {**super().get_config(), "alpha": self.initial_alpha}


@keras.saving.register_keras_serializable(package="keras_gans")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by mirroring the image at its border.

    Reflection padding (the edge pixel itself is not repeated, as
    `torch.nn.ReflectionPad2d` and `tf.pad(mode="REFLECT")`) is what the
    CycleGAN ResNet generator uses before its 7x7 and 3x3 convolutions (Zhu
    et al. 2017, sec 4 and appendix 7.2) to reduce border artifacts.

    Args:
        padding: int >= 0. Pixels added on each side of height and width;
            must be smaller than the input's height and width.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`, ...).

    Example:
    >>> x = keras.ops.reshape(keras.ops.arange(3.0), (1, 1, 3, 1))
    >>> y = ReflectionPadding2D(1)(keras.ops.tile(x, (1, 3, 1, 1)))
    >>> keras.ops.convert_to_numpy(y)[0, 0, :, 0]
    array([1., 0., 1., 2., 1.], dtype=float32)
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = utils.check_int("padding", padding, minimum=0)

    def call(self, inputs):
        p = self.padding
        if not p:
            return inputs
        import tensorflow as tf

        return tf.pad(inputs, [[0, 0], [p, p], [p, p], [0, 0]], mode="REFLECT")

    def compute_output_shape(self, input_shape):
        batch, height, width, channels = input_shape
        grow = 2 * self.padding
        return (
            batch,
            None if height is None else height + grow,
            None if width is None else width + grow,
            channels,
        )

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}


__all__.append("ReflectionPadding2D")
