"""The ResNet generator of CycleGAN (Zhu et al. 2017, appendix 7.2)."""

import keras
from keras import layers

from keras_gans._deprecation import renamed_arguments
from keras_gans.layers import ReflectionPadding2D
from keras_gans.utils import check_int

__all__ = ["instance_norm", "paper_residual_blocks", "resnet_generator"]

#: Zhu et al. 2017, sec 7.2: "Weights are initialized from a Gaussian
#: distribution N(0, 0.02)."
_STDDEV = 0.02


def paper_residual_blocks(image_size):
    """The paper's residual block count: 6 at 128x128 and below, 9 above.

    Example:
    >>> paper_residual_blocks(128), paper_residual_blocks(256)
    (6, 9)
    """
    return 6 if check_int("image_size", image_size, minimum=1) <= 128 else 9


def instance_norm(name, dtype=None):
    """Instance normalization (Ulyanov et al. 2016) as the official CycleGAN
    code uses it (`InstanceNorm2d(affine=False)`): each image's channels
    normalised by their own mean and variance over height and width, eps
    1e-5, no scale or offset. `GroupNormalization` with one group per
    channel computes exactly that."""
    return layers.GroupNormalization(
        groups=-1, epsilon=1e-5, center=False, scale=False, name=name, dtype=dtype
    )


def resnet_generator(
    input_channels=None,
    channels=None,
    filters=64,
    num_residual_blocks=9,
    seed=None,
    dtype=None,
    name="generator",
    **kwargs,
):
    """The CycleGAN generator: c7s1-64, d128, d256, R256 x n, u128, u64, c7s1-C.

    Zhu et al. 2017, appendix 7.2 (after Johnson et al. 2016): `c7s1-k` a
    7x7 Conv-InstanceNorm-ReLU with k filters, stride 1, on a reflection
    padded input; `dk` a 3x3 Conv-InstanceNorm-ReLU, stride 2; `Rk` a
    residual block of two 3x3 convs (reflection padding, instance norm,
    ReLU after the first); `uk` a 3x3 fractional-strided
    Conv-InstanceNorm-ReLU, stride 1/2. The last c7s1 layer has no norm and
    a tanh. Weights are drawn from N(0, 0.02).

    Args:
        input_channels: int >= 1 or `None`. Channels of the input images;
            `None`: the same as `channels` (3 when both are `None`).
        channels: int >= 1 or `None`. Channels of the output images;
            `None`: the same as `input_channels`.
        filters: int >= 1. Width of the first layer (paper: 64); the two
            downsamplings double it twice.
        num_residual_blocks: int >= 0. Paper: 6 at 128x128, 9 at 256x256
            (`paper_residual_blocks`).
        seed: int or `None`. Seeds the weight initializers (layer k uses
            `seed + k`).
        dtype: dtype policy (e.g. `"mixed_bfloat16"`) or `None` (the
            global policy) of every layer.
        name: str. The model's name.
        **kwargs: the deprecated names `output_channels` (of `channels`;
            with it, `channels` keeps its old meaning, the input's) and
            `residual_blocks` (of `num_residual_blocks`).

    Returns:
        A functional `keras.Model` mapping `image` `(batch, H, W,
        input_channels)` in [-1, 1], H and W multiples of 4, to `(batch, H,
        W, channels)` in [-1, 1].

    Raises:
        ValueError: a bad argument, named.

    Example:
    >>> g = resnet_generator(1, 3, filters=4, num_residual_blocks=1, seed=0)
    >>> g(np.zeros((2, 8, 8, 1), "float32")).shape
    TensorShape([2, 8, 8, 3])
    """
    if "output_channels" in kwargs and input_channels is None:
        # The old vocabulary: `channels` (default 3) was the input's.
        input_channels, channels = 3 if channels is None else channels, None
    channels, num_residual_blocks = renamed_arguments(
        resnet_generator,
        kwargs,
        {"output_channels": "channels", "residual_blocks": "num_residual_blocks"},
        channels,
        num_residual_blocks,
    )
    if input_channels is None:
        input_channels = 3 if channels is None else channels
    input_channels = check_int("input_channels", input_channels, minimum=1)
    channels = check_int(
        "channels", input_channels if channels is None else channels, minimum=1
    )
    filters = check_int("filters", filters, minimum=1)
    num_residual_blocks = check_int(
        "num_residual_blocks", num_residual_blocks, minimum=0
    )
    counter = iter(range(10**6))

    def init():
        k = next(counter)
        return keras.initializers.RandomNormal(
            0.0, _STDDEV, seed=None if seed is None else seed + k
        )

    def conv(x, width, kernel, stride, tag, reflect=0, zero=0, transpose=False):
        if reflect:
            x = ReflectionPadding2D(reflect, name=f"{tag}_pad", dtype=dtype)(x)
        if zero:
            x = layers.ZeroPadding2D(zero, name=f"{tag}_pad", dtype=dtype)(x)
        cls = layers.Conv2DTranspose if transpose else layers.Conv2D
        return cls(
            width,
            kernel,
            strides=stride,
            padding="same" if transpose else "valid",
            kernel_initializer=init(),
            name=f"{tag}_conv",
            dtype=dtype,
        )(x)

    def norm_relu(x, tag, relu=True):
        x = instance_norm(f"{tag}_norm", dtype)(x)
        return layers.ReLU(name=f"{tag}_relu", dtype=dtype)(x) if relu else x

    image = keras.Input((None, None, input_channels), name="image")
    x = norm_relu(conv(image, filters, 7, 1, "c7s1", reflect=3), "c7s1")  # (H, W)
    x = norm_relu(conv(x, 2 * filters, 3, 2, "d1", zero=1), "d1")  # (H/2, W/2)
    x = norm_relu(conv(x, 4 * filters, 3, 2, "d2", zero=1), "d2")  # (H/4, W/4)
    for n in range(num_residual_blocks):
        tag = f"r{n}"
        y = norm_relu(conv(x, 4 * filters, 3, 1, f"{tag}a", reflect=1), f"{tag}a")
        y = norm_relu(
            conv(y, 4 * filters, 3, 1, f"{tag}b", reflect=1), f"{tag}b", relu=False
        )
        x = layers.Add(name=f"{tag}_add", dtype=dtype)([x, y])
    x = norm_relu(conv(x, 2 * filters, 3, 2, "u1", transpose=True), "u1")  # H/2
    x = norm_relu(conv(x, filters, 3, 2, "u2", transpose=True), "u2")  # (H, W)
    x = conv(x, channels, 7, 1, "out", reflect=3)
    images = layers.Activation("tanh", name="tanh", dtype=dtype)(x)
    return keras.Model(image, images, name=name)
