"""Internals shared by the set-vs-set metrics: input checks and streaming state.

`_Moments` keeps running float64 sums (for the Fréchet distance);
`_Reservoir` keeps a uniform random subset of rows (for KID, precision and
recall, the Inception Score); `_KeptFeaturesMetric` is the base of the
streaming metrics that keep feature vectors.
"""

import keras
import numpy as np

from keras_gans.metrics.extractors import get_extractor
from keras_gans.utils import check_int

__all__ = []

_PROBABILITY_TOLERANCE = 1e-3


class _Moments:
    """Running count, sum and sum of outer products of feature rows (float64).

    While there are no more rows than features (`count <= width`), the rows
    themselves are kept too: the Fréchet distance of such small sets is then
    computed exactly from them (`frechet.py`), without the square root of a
    singular (d, d) matrix.
    """

    def __init__(self):
        self.count, self.width, self.sum, self.outer = 0, None, None, None
        self._rows = []

    @classmethod
    def from_moments(cls, mean, cov, count):
        """State equal to having added `count` rows of this mean and covariance."""
        mean, cov = np.asarray(mean, np.float64), np.asarray(cov, np.float64)
        moments = cls()
        moments.count, moments.width = int(count), mean.shape[0]
        moments.sum = count * mean
        moments.outer = cov * (count - 1) + count * np.outer(mean, mean)
        moments._rows = None
        return moments

    def add(self, features):  # (n, d) float64
        if self.width is None:
            self.width = features.shape[1]
            self.sum = np.zeros(self.width)
            self.outer = np.zeros((self.width, self.width))
        elif features.shape[1] != self.width:
            raise ValueError(
                f"Features must keep the width of earlier batches ({self.width}). "
                f"Received: features of width {features.shape[1]}"
            )
        self.count += len(features)
        self.sum += features.sum(axis=0)
        self.outer += features.T @ features
        if self._rows is not None:
            self._rows = self._rows + [features] if self.count <= self.width else None

    def rows(self):
        """All rows added, `(count, d)`, while `count <= width`; else `None`."""
        return np.concatenate(self._rows) if self._rows else None

    def moments(self, side):
        if self.count < 2:
            raise ValueError(
                f"The metric needs at least 2 `{side}` samples. Received: {self.count}"
            )
        mean = self.sum / self.count
        # sum (x - m)(x - m)^T = sum x x^T - n m m^T
        cov = (self.outer - self.count * np.outer(mean, mean)) / (self.count - 1)
        return mean, (cov + cov.T) / 2.0


class _Reservoir:
    """A uniform random subset of at most `capacity` rows (Vitter's algorithm R)."""

    def __init__(self, capacity, seed):
        self.capacity = capacity
        self.rng = np.random.default_rng(seed)
        self.seen = 0
        self.rows = None

    def add(self, values, dtype=np.float32):
        if self.rows is None:
            self.rows = np.empty((self.capacity, values.shape[1]), dtype)
        elif values.shape[1] != self.rows.shape[1]:
            raise ValueError(
                f"Rows must keep the width of earlier batches ({self.rows.shape[1]}). "
                f"Received: rows of width {values.shape[1]}"
            )
        take = max(0, min(len(values), self.capacity - self.seen))
        self.rows[self.seen : self.seen + take] = values[:take]
        for i in range(take, len(values)):  # each later row replaces one w.p. cap/t
            j = self.rng.integers(0, self.seen + i + 1)
            if j < self.capacity:
                self.rows[j] = values[i]
        self.seen += len(values)

    def values(self, side, minimum):
        count = min(self.seen, self.capacity)
        if count < minimum:
            raise ValueError(
                f"The metric needs at least {minimum} `{side}` samples. Received: {count}"
            )
        return self.rows[:count].astype(np.float64)


class _KeptFeaturesMetric(keras.metrics.Metric):
    """A streaming metric that keeps a uniform random subset (reservoir) of at
    most `max_samples` feature vectors per side, real and fake, for metrics
    that need the samples themselves (subsets, nearest neighbours)."""

    def __init__(self, extractor=None, max_samples=10000, seed=0, **kwargs):
        super().__init__(**kwargs)
        check_int("max_samples", max_samples, minimum=2)
        check_int("seed", seed, minimum=0)
        self.extractor = get_extractor(extractor)
        self.max_samples = int(max_samples)
        self.seed = int(seed)
        self.reset_state()

    def update_state(self, real=None, fake=None, sample_weight=None):
        for side, values in _sides(real, fake, sample_weight):
            self._samples[side].add(_extract(values, self.extractor, side))

    def _kept_features(self, min_samples):
        """`(real, fake)` kept features, each with at least `min_samples` rows."""
        return (
            self._samples["real"].values("real", min_samples),
            self._samples["fake"].values("fake", min_samples),
        )

    def reset_state(self):
        self._samples = {
            "real": _Reservoir(self.max_samples, self.seed),
            "fake": _Reservoir(self.max_samples, self.seed + 1),
        }

    def reset_fake_state(self):
        """Forgets the fake side, keeping the real samples."""
        self._samples["fake"] = _Reservoir(self.max_samples, self.seed + 1)


def _sides(real, fake, sample_weight):
    if sample_weight is not None:
        raise ValueError(
            f"`sample_weight` is not supported. Received: sample_weight={sample_weight!r}"
        )
    if real is None and fake is None:
        raise ValueError("Pass `real`, `fake` or both. Received: real=None, fake=None")
    # An empty batch (e.g. the end of a stream) adds nothing.
    return [
        (side, v)
        for side, v in (("real", real), ("fake", fake))
        if v is not None and np.shape(v)[0] > 0
    ]


def _extract(values, extractor, name):
    """Features `(n, d)` float64 from features or (with an extractor) images."""
    if extractor is not None:
        try:
            values = extractor(values)
        except ValueError as error:  # name the side whose images are at fault
            raise ValueError(f"`{name}`: {error}") from error
        name = f"{name} features"
    return _check_features(values, name)


def _extract_probabilities(values, extractor):
    name = "images_or_probabilities"
    if extractor is not None:
        method = getattr(extractor, "probabilities", None)
        values = method(values) if callable(method) else extractor(values)
        name = "extractor probabilities"
    p = _check_features(values, name)
    if np.any(p < 0) or not np.allclose(
        p.sum(axis=1), 1.0, atol=_PROBABILITY_TOLERANCE
    ):
        raise ValueError(
            f"`{name}` must be class probabilities: non-negative rows summing to 1. "
            f"Received: row sums in [{p.sum(axis=1).min()}, {p.sum(axis=1).max()}], "
            f"minimum {p.min()}"
        )
    return p


def _check_features(values, name, min_rows=1):
    values = np.asarray(keras.ops.convert_to_numpy(values))
    if values.ndim != 2 or values.shape[1] == 0 or len(values) < min_rows:
        raise ValueError(
            f"`{name}` must be a 2-D array (n, d) with n >= {min_rows} (features; "
            f"pass `extractor=` to compute them from images). Received: "
            f"{name}.shape={values.shape}"
        )
    if not (
        np.issubdtype(values.dtype, np.floating)
        or np.issubdtype(values.dtype, np.integer)
    ):
        raise ValueError(
            f"`{name}` must be numeric. Received: {name}.dtype={values.dtype}"
        )
    values = values.astype(np.float64)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"`{name}` must be finite. Received: NaN or inf in {name}")
    return values


def _check_same_width(real, fake):
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            "`real` and `fake` features must have the same width. Received: "
            f"real.shape={real.shape}, fake.shape={fake.shape}"
        )
