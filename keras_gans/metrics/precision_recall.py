"""Improved precision and recall of generated samples, and the streaming metric.

Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for
Assessing Generative Models": k-nearest-neighbour manifolds of the real and
generated features.
"""

import numpy as np

from keras_gans.metrics._streaming import (
    _check_same_width,
    _extract,
    _KeptFeaturesMetric,
)
from keras_gans.metrics.extractors import get_extractor
from keras_gans.utils import check_int

__all__ = ["PrecisionRecall", "precision_recall"]


def precision_recall(real, fake, extractor=None, k=3, batch_size=1000):
    """Improved precision and recall of generated samples.

    Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for
    Assessing Generative Models": the real manifold is the union of balls
    around each real feature vector with radius its distance to its k-th
    nearest real neighbour (the point itself not counted); precision is the
    fraction of generated samples inside it. Recall swaps the roles: the
    fraction of real samples inside the generated manifold. Distances are
    Euclidean, computed in float64 blocks of `batch_size` rows, so memory
    stays at `batch_size * n` distances.

    Args:
        real, fake: features `(n, d)` or images the extractor takes, at
            least `k + 1` of each.
        extractor: as in `frechet_distance`.
        k: int >= 1. Neighbourhood size (the paper uses 3).
        batch_size: int >= 1. Rows per distance block.

    Returns:
        `{"precision": p, "recall": r}`: Python floats in [0, 1].

    Example:
    >>> real = np.arange(10.0)[:, None]  # 0, 1, ..., 9 on a line
    >>> precision_recall(real, real + 0.5)
    {'precision': 1.0, 'recall': 1.0}
    """
    extractor = get_extractor(extractor)
    real = _extract(real, extractor, "real")
    fake = _extract(fake, extractor, "fake")
    _check_same_width(real, fake)
    check_int("k", k, minimum=1)
    check_int("batch_size", batch_size, minimum=1)
    for name, features in (("real", real), ("fake", fake)):
        if len(features) <= k:
            raise ValueError(
                f"`{name}` must have more than k={k} samples. Received: {len(features)}"
            )
    real_radii = _knn_radii(real, k, batch_size)
    fake_radii = _knn_radii(fake, k, batch_size)
    return {
        "precision": _coverage(fake, real, real_radii, batch_size),
        "recall": _coverage(real, fake, fake_radii, batch_size),
    }


class PrecisionRecall(_KeptFeaturesMetric):
    """Streaming improved precision and recall (keeps features, capped).

    As `KernelInceptionDistance`, each side keeps a uniform random subset of
    at most `max_samples` feature vectors (k-nearest neighbours need the
    samples); `result()` is `precision_recall` on them:
    `{"precision": p, "recall": r}`. API as `FrechetDistance`.

    Args:
        extractor: as in `FrechetDistance`.
        k: int. Neighbourhood size (3 in the paper).
        max_samples: int. Feature vectors kept per side.
        seed: int. Seeds the reservoirs.
        name: str. Metric name.

    Example:
    >>> metric = PrecisionRecall()
    >>> metric.update_state(np.arange(10.0)[:, None], np.arange(10.0)[:, None] + 0.5)
    >>> metric.result()
    {'precision': 1.0, 'recall': 1.0}
    """

    def __init__(
        self,
        extractor=None,
        k=3,
        max_samples=10000,
        seed=0,
        name="precision_recall",
        **kwargs,
    ):
        check_int("k", k, minimum=1)
        self.k = int(k)
        super().__init__(extractor, max_samples, seed, name=name, **kwargs)

    def result(self):
        real, fake = self._kept_features(self.k + 1)
        return precision_recall(real, fake, k=self.k)


def _squared_distances(a, b):
    """`|a_i - b_j|^2` for rows of a `(m, d)` and b `(n, d)` -> `(m, n)`, >= 0."""
    d2 = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d2, 0.0)


def _knn_radii(features, k, batch_size):
    """Squared distance of each row to its k-th nearest other row."""
    radii = np.empty(len(features))
    for start in range(0, len(features), batch_size):
        d2 = _squared_distances(features[start : start + batch_size], features)
        # index 0 of each sorted row is the point itself (distance 0)
        radii[start : start + batch_size] = np.partition(d2, k, axis=1)[:, k]
    return radii


def _coverage(queries, points, radii, batch_size):
    """Fraction of `queries` within `radii` (squared) of at least one point."""
    inside = 0
    for start in range(0, len(queries), batch_size):
        d2 = _squared_distances(queries[start : start + batch_size], points)
        inside += int(np.sum(np.any(d2 <= radii[None, :], axis=1)))
    return inside / len(queries)
