"""Kernel Inception Distance (KID) and its streaming metric.

Bińkowski et al. 2018, "Demystifying MMD GANs": the unbiased MMD^2 of two
sets of features under a cubic polynomial kernel, averaged over random
subsets.
"""

import numpy as np

from keras_gans.metrics._streaming import (
    _check_same_width,
    _extract,
    _KeptFeaturesMetric,
)
from keras_gans.metrics.extractors import get_extractor
from keras_gans.utils import check_int

__all__ = ["KernelInceptionDistance", "kernel_inception_distance"]


def kernel_inception_distance(
    real, fake, extractor=None, num_subsets=100, subset_size=1000, seed=0
):
    """Kernel distance: unbiased MMD^2 with a cubic polynomial kernel.

    KID (Bińkowski et al. 2018, "Demystifying MMD GANs") with
    `extractor="inception"`. The kernel is `k(x, y) = (x.y / d + 1)^3` for
    d-dimensional features. On each of `num_subsets` random subsets of
    `min(subset_size, n_real, n_fake)` samples from each set (drawn without
    replacement), the unbiased estimate

        MMD^2 = mean_{i!=j} k(x_i, x_j) + mean_{i!=j} k(y_i, y_j)
                - 2 mean_{i,j} k(x_i, y_j)

    is computed; the mean over subsets is the KID and the standard deviation
    its spread. Unlike the Fréchet distance the estimate is unbiased: it is
    about 0 (and can be slightly negative) for two samples of one
    distribution, whatever their size.

    Args:
        real, fake: features `(n, d)` or images the extractor takes, at
            least 2 of each.
        extractor: as in `frechet_distance`.
        num_subsets: int >= 1. Number of random subsets.
        subset_size: int >= 2. Samples per subset and set.
        seed: int. Seed of the subset draws.

    Returns:
        `(mean, std)`: Python floats.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> real, fake = rng.normal(size=(2, 400, 8))
    >>> same, _ = kernel_inception_distance(real, fake, num_subsets=10)
    >>> shifted, _ = kernel_inception_distance(real, fake + 1.0, num_subsets=10)
    >>> abs(same) < 0.1 < shifted
    True
    """
    extractor = get_extractor(extractor)
    real = _extract(real, extractor, "real")
    fake = _extract(fake, extractor, "fake")
    _check_same_width(real, fake)
    check_int("num_subsets", num_subsets, minimum=1)
    check_int("subset_size", subset_size, minimum=2)
    check_int("seed", seed, minimum=0)
    return _kid(real, fake, num_subsets, subset_size, seed)


class KernelInceptionDistance(_KeptFeaturesMetric):
    """Streaming KID: keeps up to `max_samples` feature vectors per side.

    KID needs the samples themselves (its subsets), so each side keeps a
    uniform random subset of at most `max_samples` feature vectors (reservoir
    sampling; all of them while fewer have been seen), stored as float32:
    features, not images (10,000 InceptionV3 features are 80 MB). With no
    more than `max_samples` per side, `result()` equals
    `kernel_inception_distance` on all of them. API as `FrechetDistance`.

    Args:
        extractor: as in `FrechetDistance`.
        num_subsets, subset_size: as in `kernel_inception_distance`.
        max_samples: int. Feature vectors kept per side.
        seed: int. Seeds the reservoirs and the subsets.
        name: str. Metric name.

    `result()` returns `{"kid": mean, "kid_std": std}`.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> metric = KernelInceptionDistance(num_subsets=10, subset_size=100)
    >>> metric.update_state(rng.normal(size=(200, 8)), rng.normal(size=(200, 8)))
    >>> abs(metric.result()["kid"]) < 0.1
    True
    """

    def __init__(
        self,
        extractor=None,
        num_subsets=100,
        subset_size=1000,
        max_samples=10000,
        seed=0,
        name="kernel_inception_distance",
        **kwargs,
    ):
        check_int("num_subsets", num_subsets, minimum=1)
        check_int("subset_size", subset_size, minimum=2)
        self.num_subsets = int(num_subsets)
        self.subset_size = int(subset_size)
        super().__init__(extractor, max_samples, seed, name=name, **kwargs)

    def result(self):
        real, fake = self._kept_features(2)
        _check_same_width(real, fake)
        mean, std = _kid(real, fake, self.num_subsets, self.subset_size, self.seed)
        return {"kid": mean, "kid_std": std}


def _polynomial_kernel(x, y):
    """`(x.y / d + 1)^3` for rows of x `(m, d)` and y `(n, d)` -> `(m, n)`."""
    k = x @ y.T / x.shape[1] + 1.0
    return k * k * k  # much faster than k ** 3


def _kid(real, fake, num_subsets, subset_size, seed):
    m = min(subset_size, len(real), len(fake))
    if m < 2:
        raise ValueError(f"KID needs at least 2 samples of each set. Received: {m}")
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(num_subsets):
        x = real[rng.choice(len(real), m, replace=False)]  # (m, d)
        y = fake[rng.choice(len(fake), m, replace=False)]  # (m, d)
        k_xx, k_yy, k_xy = (
            _polynomial_kernel(x, x),
            _polynomial_kernel(y, y),
            _polynomial_kernel(x, y),
        )
        within = (k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)) / (
            m * (m - 1)
        )
        estimates.append(within - 2.0 * k_xy.mean())
    return float(np.mean(estimates)), float(np.std(estimates))
