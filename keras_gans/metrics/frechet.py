"""Fréchet distance (FID with InceptionV3 features) and its streaming metric.

Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge
to a Local Nash Equilibrium": each set of features is summarised by its mean
and covariance, and the distance of the two Gaussians is computed in float64
with SciPy's `sqrtm`.
"""

import warnings

import keras
import numpy as np

from keras_gans.metrics._streaming import (
    _check_features,
    _check_same_width,
    _extract,
    _Moments,
    _sides,
)
from keras_gans.metrics.extractors import get_extractor
from keras_gans.utils import check_int

__all__ = [
    "FrechetDistance",
    "feature_moments",
    "frechet_distance",
    "frechet_distance_from_moments",
]

_SQRTM_OFFSET = 1e-6
_SQRTM_IMAGINARY_TOLERANCE = 1e-3


def feature_moments(features):
    """Mean and covariance of features, in float64.

    Args:
        features: array `(n, d)` with n >= 2.

    Returns:
        `(mean, covariance)`: float64 `(d,)` and `(d, d)`; the covariance is
        the unbiased estimate (divided by n - 1), as in `np.cov`.

    Example:
    >>> mean, cov = feature_moments(np.array([[0.0, 1.0], [2.0, 3.0]]))
    >>> mean.tolist(), cov.tolist()
    ([1.0, 2.0], [[2.0, 2.0], [2.0, 2.0]])
    """
    features = _check_features(features, "features", min_rows=2)
    mean = features.mean(axis=0)
    centered = features - mean
    return mean, centered.T @ centered / (len(features) - 1)


def frechet_distance_from_moments(mean1, cov1, mean2, cov2, rows1=None, rows2=None):
    """Fréchet distance between two Gaussians given their moments.

    `|m1 - m2|^2 + tr(C1 + C2 - 2 (C1 C2)^(1/2))` (Heusel et al. 2017, "GANs
    Trained by a Two Time-Scale Update Rule Converge to a Local Nash
    Equilibrium"), computed in float64 with `scipy.linalg.sqrtm`. As in the
    reference implementations (TTUR, pytorch-fid): a product that has no
    finite square root (singular covariances, e.g. fewer samples than
    features) is retried with `1e-6` added to both diagonals, and the
    imaginary residue that `sqrtm` leaves from round-off is dropped when its
    diagonal is below `1e-3` (a larger one raises `ValueError`). Round-off
    can also make the distance of identical moments slightly negative: the
    result is clipped at 0.

    With the samples of a set of at most d rows (`rows1` or `rows2`, whose
    unbiased covariance is `cov1` or `cov2`), the trace of the square root is
    computed exactly from them instead: with `B` those rows centred,
    `tr (C1 C2)^(1/2)` is the sum of the square roots of the eigenvalues of
    the small symmetric matrix `B C1 B^T / (m - 1)`. This is the same number
    where `sqrtm` is accurate, and exact (and fast) where the covariance is
    singular (fewer samples than features, e.g. a few hundred images against
    2048 Inception features).

    Args:
        mean1, mean2: arrays `(d,)`.
        cov1, cov2: symmetric positive semi-definite arrays `(d, d)`.
        rows1, rows2: `None`, or the samples `(m, d)` behind `mean1, cov1`
            (`mean2, cov2`), m <= d.

    Returns:
        A Python float >= 0.

    Example:
    >>> frechet_distance_from_moments([0.0], [[1.0]], [3.0], [[4.0]])  # 3^2 + (1-2)^2
    10.0
    """
    import scipy.linalg  # imported here: keeps `import keras_gans` fast

    mean1, mean2 = (np.atleast_1d(np.asarray(m, np.float64)) for m in (mean1, mean2))
    cov1, cov2 = (np.atleast_2d(np.asarray(c, np.float64)) for c in (cov1, cov2))
    d = mean1.shape[0]
    for name, value, shape in (
        ("mean1", mean1, (d,)),
        ("mean2", mean2, (d,)),
        ("cov1", cov1, (d, d)),
        ("cov2", cov2, (d, d)),
    ):
        if value.shape != shape:
            raise ValueError(
                f"`{name}` must have shape {shape} to match mean1 {(d,)}. "
                f"Received: {name}.shape={value.shape}"
            )
        if not np.all(np.isfinite(value)):
            raise ValueError(f"`{name}` must be finite. Received: NaN or inf in {name}")
    diff = mean1 - mean2
    sides = [(rows1, mean1, cov2), (rows2, mean2, cov1)]
    for rows, mean, other in sorted(sides, key=lambda side: _length(side[0])):
        if rows is not None and len(rows) >= 2:
            centred = (np.asarray(rows, np.float64) - mean) / np.sqrt(len(rows) - 1)
            small = centred @ other @ centred.T  # (m, m), eigenvalues of C1 C2
            eigenvalues = np.linalg.eigvalsh((small + small.T) / 2.0)
            trace_sqrt = np.sqrt(np.clip(eigenvalues, 0.0, None)).sum()
            distance = diff @ diff + np.trace(cov1) + np.trace(cov2) - 2.0 * trace_sqrt
            return max(float(distance), 0.0)
    with warnings.catch_warnings():
        # "Matrix is singular": expected for collapsed or small sets; the
        # result is checked below instead.
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        covmean = scipy.linalg.sqrtm(cov1 @ cov2)
        if not np.all(np.isfinite(covmean)):
            offset = np.eye(d) * _SQRTM_OFFSET
            covmean = scipy.linalg.sqrtm((cov1 + offset) @ (cov2 + offset))
    if not np.all(np.isfinite(covmean)):
        raise ValueError(
            "sqrtm(cov1 @ cov2) is not finite, even with 1e-6 added to the "
            "diagonals: the covariances are degenerate."
        )
    if np.iscomplexobj(covmean):
        residue = float(np.max(np.abs(np.diagonal(covmean).imag)))
        if residue > _SQRTM_IMAGINARY_TOLERANCE:
            raise ValueError(
                "The covariances' product has no real square root: imaginary "
                f"residue {residue:.3g} > {_SQRTM_IMAGINARY_TOLERANCE} on the "
                "diagonal of sqrtm(cov1 @ cov2). Use more samples than features."
            )
        covmean = covmean.real
    distance = diff @ diff + np.trace(cov1) + np.trace(cov2) - 2.0 * np.trace(covmean)
    return max(float(distance), 0.0)


def _length(rows):
    return len(rows) if rows is not None else np.inf


def frechet_distance(real, fake, extractor=None):
    """Fréchet distance between the feature distributions of two sets.

    FID (Heusel et al. 2017) with `extractor="inception"`; the digit FD with
    `extractor="digit"`. Each set's features are summarised by their mean and
    covariance (`feature_moments`); see `frechet_distance_from_moments`. The
    estimate is biased upwards for small sets: compare numbers computed from
    the same numbers of samples. For sets too large for memory use the
    streaming `FrechetDistance` metric.

    Args:
        real, fake: features `(n, d)` (with `extractor=None`) or images the
            extractor takes, at least 2 of each.
        extractor: `None`, `"digit"`, `"inception"` or a callable from images
            to features `(n, d)`.

    Returns:
        A Python float >= 0.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(500, 4))
    >>> frechet_distance(a, a) < 1e-9
    True
    >>> round(frechet_distance(a, a + 1.0), 6)  # |(1, 1, 1, 1)|^2
    4.0
    """
    extractor = get_extractor(extractor)
    real = _extract(real, extractor, "real")
    fake = _extract(fake, extractor, "fake")
    _check_same_width(real, fake)
    width = real.shape[1]
    return frechet_distance_from_moments(
        *feature_moments(real),
        *feature_moments(fake),
        rows1=real if len(real) <= width else None,
        rows2=fake if len(fake) <= width else None,
    )


class FrechetDistance(keras.metrics.Metric):
    """Streaming Fréchet distance: running float64 sums, no samples kept.

    Each side (real, fake) keeps its count, the sum of its features and the
    sum of their outer products, all float64 numpy arrays (Keras metric
    variables default to float32, too coarse for 50k-sample covariances), so
    any number of samples streams through in batches. `result()` forms the
    means and unbiased covariances and returns
    `frechet_distance_from_moments` of them: the same number as
    `frechet_distance` on all the samples at once. The update runs eagerly
    (it calls the extractor), not inside a compiled `train_step`.

    `update_state(real=None, fake=None)` adds a batch to either side or both
    (positionally: `update_state(real_batch, fake_batch)`).
    `reset_fake_state()` forgets the fake side only, to judge successive
    generators against one real reference; `reset_state()` forgets both.

    Args:
        extractor: `None` (update with features), `"digit"`, `"inception"` or
            a callable from images to features.
        name: str. Metric name.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> real, fake = rng.normal(size=(500, 4)), rng.normal(1.0, size=(500, 4))
    >>> metric = FrechetDistance()
    >>> for start in range(0, 500, 100):
    ...     metric.update_state(real[start : start + 100], fake[start : start + 100])
    >>> abs(metric.result() - frechet_distance(real, fake)) < 1e-9
    True
    """

    def __init__(self, extractor=None, name="frechet_distance", **kwargs):
        super().__init__(name=name, **kwargs)
        self.extractor = get_extractor(extractor)
        self._stats = {"real": _Moments(), "fake": _Moments()}

    def update_state(self, real=None, fake=None, sample_weight=None):
        for side, values in _sides(real, fake, sample_weight):
            self._stats[side].add(_extract(values, self.extractor, side))

    def result(self):
        """The Fréchet distance of the samples so far, a Python float."""
        real, fake = self._stats["real"], self._stats["fake"]
        if (
            real.width is not None
            and fake.width is not None
            and real.width != fake.width
        ):
            raise ValueError(
                "`real` and `fake` features must have the same width. "
                f"Received: {real.width} and {fake.width}"
            )
        return frechet_distance_from_moments(
            *real.moments("real"),
            *fake.moments("fake"),
            rows1=real.rows(),
            rows2=fake.rows(),
        )

    def reset_state(self):
        self._stats = {"real": _Moments(), "fake": _Moments()}

    def reset_fake_state(self):
        """Forgets the fake side, keeping the real statistics."""
        self._stats["fake"] = _Moments()

    def set_real_moments(self, mean, cov, count):
        """Replaces the real side by precomputed moments (cached reference
        statistics): mean `(d,)`, unbiased covariance `(d, d)`, `count` rows."""
        check_int("count", count, minimum=2)
        self._stats["real"] = _Moments.from_moments(mean, cov, count)

    @property
    def counts(self):
        """`{"real": n, "fake": n}`: samples seen on each side."""
        return {side: stats.count for side, stats in self._stats.items()}
