"""Latent walks, class interpolation and the truncation trick.

- `interpolate(z0, z1, steps, method)`: linear or spherical (slerp, White
  2016, "Sampling Generative Networks") paths between latent vectors.
- `truncated_noise(n, dim, psi, seed)`: the truncation trick for models
  without a mapping network, i.e. truncated sampling as BigGAN does (Brock
  et al. 2019): N(0, 1) values beyond |z| > 2 are resampled, then scaled by
  ψ toward the mean 0; ψ = 1 is the plain prior and ψ = 0 the mean.
- `soft_label_generator(generator)`: a view of a conditional generator that
  takes a (soft) one-hot class vector instead of integer labels, when its
  labels go through a one-hot `CategoryEncoding` layer (the cGAN and the
  conditional DCGAN generators). The saved architecture is unchanged: the
  view shares the generator's layers.
- `latent_walk(model, steps, labels, seed)`: images along a latent path, or
  along a class path at a fixed latent for a conditional model.

Works with any model that has `latent_dim`, `num_classes`,
`latent_distribution` and `sampling_generator` (the adversarial models).
"""

import keras
import numpy as np
from keras import ops

from keras_gans.utils import check_choice, check_float, check_int

__all__ = [
    "interpolate",
    "latent_walk",
    "slerp",
    "soft_label_generator",
    "truncated_noise",
]

METHODS = ("slerp", "linear")
TRUNCATION_THRESHOLD = 2.0


def slerp(z0, z1, t):
    """Spherical interpolation between `z0` and `z1` `(..., dim)` at `t` in [0, 1].

    Falls back to linear interpolation for (nearly) parallel vectors.

    Example:
    >>> slerp(np.array([1.0, 0.0]), np.array([0.0, 1.0]), 0.5).round(4)
    array([0.7071, 0.7071])
    """
    z0, z1 = np.asarray(z0, "float64"), np.asarray(z1, "float64")
    n0 = np.linalg.norm(z0, axis=-1, keepdims=True)
    n1 = np.linalg.norm(z1, axis=-1, keepdims=True)
    cos = np.sum(z0 * z1, axis=-1, keepdims=True) / np.maximum(n0 * n1, 1e-12)
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    sin = np.sin(omega)
    safe = sin > 1e-6
    a = np.where(safe, np.sin((1 - t) * omega) / np.where(safe, sin, 1), 1 - t)
    b = np.where(safe, np.sin(t * omega) / np.where(safe, sin, 1), t)
    return a * z0 + b * z1


def interpolate(z0, z1, steps, method="slerp"):
    """`steps` points from `z0` to `z1` (both included), float32 `(steps, dim)`.

    Args:
        z0, z1: array-like `(dim,)`.
        steps: int >= 2.
        method: `"slerp"` (spherical, suited to Gaussian latents) or
            `"linear"`.

    Example:
    >>> interpolate(np.zeros(3), np.ones(3), 5, "linear")[:, 0]
    array([0.  , 0.25, 0.5 , 0.75, 1.  ], dtype=float32)
    """
    steps = check_int("steps", steps, minimum=2)
    check_choice("method", method, METHODS)
    z0, z1 = np.asarray(z0, "float64"), np.asarray(z1, "float64")
    if z0.shape != z1.shape or z0.ndim != 1:
        raise ValueError(
            "`z0` and `z1` must be vectors of one shape. Received: shapes "
            f"{z0.shape} and {z1.shape}"
        )
    t = np.linspace(0.0, 1.0, steps)[:, None]
    if method == "linear":
        path = (1 - t) * z0 + t * z1
    else:
        path = slerp(z0[None], z1[None], t)
    return path.astype("float32")


def truncated_noise(n, dim, psi=1.0, seed=None, distribution="normal"):
    """`(n, dim)` latents with the truncation trick, float32.

    No mapping network here, so this is truncated sampling as in BigGAN:
    for `distribution="normal"`, ψ < 1 resamples every value with
    |z| > 2 and scales the result by ψ (toward the prior's mean 0); ψ = 1
    is plain N(0, 1). For `"uniform"` (U(-1, 1)) values are scaled by ψ.
    The same rule is the SavedModel's `sample_truncated` signature.

    Args:
        n: int. Number of vectors.
        dim: int. Latent size.
        psi: float in [0, 1]. 1 = no truncation, 0 = the mean.
        seed: int or `None`.
        distribution: `"normal"` or `"uniform"`.

    Example:
    >>> z = truncated_noise(1000, 8, psi=0.5, seed=0)
    >>> bool(np.abs(z).max() <= 1.0)
    True
    """
    n = check_int("n", n, minimum=1)
    dim = check_int("dim", dim, minimum=1)
    psi = check_float("psi", psi, 0.0, 1.0)
    check_choice("distribution", distribution, ("normal", "uniform"))
    rng = np.random.default_rng(seed)
    if distribution == "uniform":
        return (rng.uniform(-1.0, 1.0, (n, dim)) * psi).astype("float32")
    z = rng.standard_normal((n, dim))
    if psi >= 1.0:
        return z.astype("float32")
    outside = np.abs(z) > TRUNCATION_THRESHOLD
    while outside.any():
        z[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(z) > TRUNCATION_THRESHOLD
    return (z * psi).astype("float32")


def soft_label_generator(generator):
    """`generator` with its one-hot class vector as an input, or `None`.

    For a functional generator `[noise, labels] -> images` whose labels
    feed one `CategoryEncoding(output_mode="one_hot")` layer, returns a
    `keras.Model` `[noise, one_hot] -> images` sharing its layers, so a blend
    of two one-hot vectors gives a class interpolation. `None` when the
    labels take another path (an embedding, or no functional graph).

    Example:
    >>> model = keras_gans.ConditionalGAN(latent_dim=4, architecture="conv",
    ...     generator_filters=4, discriminator_filters=4, kernel_size=3)
    >>> soft_label_generator(model.generator).inputs[1].shape
    (None, 10)
    """
    if not getattr(generator, "inputs", None) or len(generator.inputs) != 2:
        return None
    encoders = [
        layer
        for layer in generator.layers
        if isinstance(layer, keras.layers.CategoryEncoding)
        and layer.output_mode == "one_hot"
    ]
    if len(encoders) != 1:
        return None
    try:
        return keras.Model([generator.inputs[0], encoders[0].output], generator.outputs)
    except ValueError:  # the labels reach the output by another path too
        return None


def _model_noise(model, n, seed, truncation):
    if model.latent_dim is None:
        raise ValueError(
            f"{type(model).__name__} draws no latent vectors: a latent walk "
            "needs a noise -> image model."
        )
    return truncated_noise(
        n, model.latent_dim, truncation, seed, model.latent_distribution
    )


def latent_walk(
    model,
    steps=16,
    labels=None,
    seed=0,
    method="slerp",
    truncation=1.0,
    use_ema=True,
):
    """Images along a walk through the model's latent (or class) space.

    - Unconditional model: `steps` images from `z0` to `z1` (`method`).
    - Conditional model, one label (or `labels=None`, label 0): the same
      latent walk at that label.
    - Conditional model, several labels `[a, b, ...]`: a class walk at one
      fixed latent, blending the one-hot class vector from `a` to `b` (then
      to the next label) in `steps` images per leg, when the generator
      allows it (`soft_label_generator`); otherwise one latent walk per
      label, `steps` images each, rows in label order.

    Args:
        model: an adversarial model (`latent_dim`, `num_classes`,
            `latent_distribution`, `sampling_generator`).
        steps: int >= 2. Images per walk (per leg for class walks).
        labels: `None`, an int, or a sequence of ints.
        seed: int or `None`. Seed of the end-point latents.
        method: `"slerp"` or `"linear"` for latent paths.
        truncation: float ψ in [0, 1] (see `truncated_noise`).
        use_ema: bool. Use the EMA generator when there is one.

    Returns:
        float32 `(m, H, W, C)` in [-1, 1].

    Example:
    >>> model = keras_gans.DCGAN(image_size=8, channels=1, latent_dim=4,
    ...                          generator_filters=4, discriminator_filters=4)
    >>> latent_walk(model, steps=5).shape
    (5, 8, 8, 1)
    """
    steps = check_int("steps", steps, minimum=2)
    generator = model.sampling_generator if use_ema else model.generator
    ends = _model_noise(model, 2, seed, truncation)
    path = interpolate(ends[0], ends[1], steps, method)
    if model.num_classes is None:
        if labels is not None:
            raise ValueError(
                f"{type(model).__name__} is unconditional: `labels` must be None."
                f" Received: labels={labels!r}"
            )
        return _run(generator, path)
    labels = [0] if labels is None else np.atleast_1d(labels).tolist()
    labels = [int(x) for x in model.check_labels(labels)]
    if len(labels) == 1:
        return _run(generator, [path, np.full((steps,), labels[0], "int32")])
    soft = soft_label_generator(generator)
    if soft is None:
        outputs = [
            _run(generator, [path, np.full((steps,), y, "int32")]) for y in labels
        ]
        return np.concatenate(outputs)
    eye = np.eye(model.num_classes, dtype="float32")
    t = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
    legs = [(1 - t) * eye[a] + t * eye[b] for a, b in zip(labels, labels[1:])]
    classes = np.concatenate(legs)
    z = np.repeat(ends[:1], len(classes), axis=0)
    return _run(soft, [z, classes])


def _run(network, inputs):
    if isinstance(inputs, list):
        inputs = [ops.convert_to_tensor(x) for x in inputs]
    else:
        inputs = ops.convert_to_tensor(inputs)
    return ops.convert_to_numpy(network(inputs, training=False)).astype("float32")
