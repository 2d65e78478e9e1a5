"""Images that are not digits, for training and checking the digit judge.

A classifier trained on digits alone reads anything with high confidence:
the old shipped judge read 94% of a collapsed GAN's grey noise blobs as a
confident "8". Outlier exposure (Hendrycks et al. 2019, "Deep Anomaly
Detection with Outlier Exposure", sec 3) fixes this by also training on
non-digits with the uniform distribution as target.
`tools/train_digit_classifier.py` trains on `outlier_images(...)` of every
kind in `OUTLIER_KINDS`; the tests check the shipped classifier's confident
fraction on fresh ones (other seed).

Every set is float32 `(n, 28, 28, 1)` in [-1, 1], -1 being the background.

Example:

>>> x = outlier_images("gaussian_noise", 4, seed=0)
>>> x.shape, float(x.min()) >= -1.0, float(x.max()) <= 1.0
((4, 28, 28, 1), True, True)
"""

import numpy as np
from scipy import ndimage

from keras_gans.utils import check_choice, check_int

__all__ = ["OUTLIER_KINDS", "outlier_images"]

#: Kinds made from noise alone, and kinds made from real digits (which need
#: `digits`).
NOISE_KINDS = (
    "gaussian_noise",
    "uniform_noise",
    "smooth_noise",  # blurred noise: the grey blobs of a collapsed MLP G
    "blank",  # constant images of any grey level
)
DIGIT_KINDS = (
    "inverted",  # white background, dark strokes
    "pixel_scrambled",  # a digit's pixels in random order
    "patch_scrambled",  # its 7x7 patches in random order
)
OUTLIER_KINDS = NOISE_KINDS + DIGIT_KINDS


def _clip(x):
    return np.clip(x, -1.0, 1.0).astype(np.float32)


def _normalize(x):
    """Each image stretched to [-1, 1] (constant images stay constant)."""
    low = x.min(axis=(1, 2), keepdims=True)
    high = x.max(axis=(1, 2), keepdims=True)
    return 2.0 * (x - low) / np.maximum(high - low, 1e-6) - 1.0


def outlier_images(kind, n, seed=0, digits=None):
    """`n` non-digit images of one kind.

    Args:
        kind: str. One of `OUTLIER_KINDS`: noise (`"gaussian_noise"`,
            `"uniform_noise"`, `"smooth_noise"`, `"blank"`) or transformed
            digits (`"inverted"`, `"pixel_scrambled"`, `"patch_scrambled"`).
        n: int >= 1. Number of images.
        seed: int. Seed of the NumPy generator.
        digits: float array `(m, 28, 28, 1)` in [-1, 1]; needed by the digit
            kinds (drawn from with replacement).

    Returns:
        float32 `(n, 28, 28, 1)` in [-1, 1].

    Raises:
        ValueError: an unknown `kind`, `n` < 1, or a digit kind without
            `digits` of shape `(m, 28, 28, 1)`.
    """
    check_choice("kind", kind, OUTLIER_KINDS)
    n = check_int("n", n, minimum=1)
    rng = np.random.default_rng(seed)
    if kind == "gaussian_noise":
        images = rng.normal(
            rng.uniform(-1, 0.5, (n, 1, 1)), rng.uniform(0.2, 1, (n, 1, 1)), (n, 28, 28)
        )
    elif kind == "uniform_noise":
        images = rng.uniform(-1.0, 1.0, (n, 28, 28))
    elif kind == "smooth_noise":
        sigma = rng.uniform(0.7, 3.0)
        raw = ndimage.gaussian_filter(rng.normal(size=(n, 28, 28)), (0, sigma, sigma))
        contrast = rng.uniform(0.2, 1.0, (n, 1, 1))
        images = rng.uniform(-1, 0, (n, 1, 1)) + contrast * _normalize(raw)
    elif kind == "blank":
        images = np.broadcast_to(rng.uniform(-1.0, 1.0, (n, 1, 1)), (n, 28, 28))
    else:
        if digits is None:
            raise ValueError(
                f"`digits` (float (m, 28, 28, 1) in [-1, 1]) is needed for "
                f"kind={kind!r}. Received: digits=None"
            )
        digits = np.asarray(digits, np.float32)
        if digits.ndim != 4 or digits.shape[1:] != (28, 28, 1) or not len(digits):
            raise ValueError(
                "`digits` must have shape (m, 28, 28, 1) with m >= 1. "
                f"Received: digits.shape={digits.shape}"
            )
        picked = digits[rng.integers(0, len(digits), n), ..., 0]  # (n, 28, 28)
        if kind == "inverted":
            images = -picked
        elif kind == "pixel_scrambled":
            flat = picked.reshape(n, -1)
            images = np.take_along_axis(
                flat, rng.permuted(np.tile(np.arange(784), (n, 1)), axis=1), axis=1
            ).reshape(n, 28, 28)
        else:  # patch_scrambled
            patches = picked.reshape(n, 4, 7, 4, 7).transpose(0, 1, 3, 2, 4)
            patches = patches.reshape(n, 16, 7, 7)
            order = rng.permuted(np.tile(np.arange(16), (n, 1)), axis=1)
            patches = np.take_along_axis(patches, order[..., None, None], axis=1)
            images = patches.reshape(n, 4, 4, 7, 7).transpose(0, 1, 3, 2, 4)
            images = images.reshape(n, 28, 28)
    return _clip(np.asarray(images)[..., None])
