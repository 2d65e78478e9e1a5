"""Inception Score and its streaming metric.

Salimans et al. 2016, "Improved Techniques for Training GANs": the exp of
the mean KL divergence of the class predictions p(y|x) from their marginal
p(y).
"""

import keras
import numpy as np

from keras_gans.metrics._streaming import _extract_probabilities, _Reservoir
from keras_gans.metrics.extractors import get_extractor
from keras_gans.utils import check_int

__all__ = ["InceptionScore", "inception_score"]


def inception_score(images_or_probabilities, extractor=None, splits=10):
    """Inception Score: exp of the mean KL divergence of p(y|x) from p(y).

    Salimans et al. 2016, "Improved Techniques for Training GANs": the
    samples are cut into `splits` consecutive parts; for each part
    `exp(mean_x KL(p(y|x) || p(y)))` with `p(y)` the part's mean prediction;
    the result is the mean and standard deviation over parts. It ranges from
    1 (every sample gets the same prediction) to the number of classes
    (confident predictions, all classes equally often). With
    `extractor="inception"` the classes are Keras' 1000 ImageNet classes, not
    the 1008 outputs of the original 2015 graph, so numbers differ from
    published Inception Scores; with `extractor="digit"` it is the digit
    score (`digit_score`).

    Args:
        images_or_probabilities: class probabilities `(n, num_classes)`
            (with `extractor=None`; rows sum to 1), or images.
        extractor: `None`, `"digit"`, `"inception"`, or a callable from
            images to probabilities (an object with a `probabilities` method,
            such as `DigitFeatures`, is called through that method).
        splits: int >= 1, at most n.

    Returns:
        `(mean, std)`: Python floats.

    Example:
    >>> mean, std = inception_score(np.tile(np.eye(10), (5, 1)), splits=5)
    >>> round(mean, 6), std  # one-hot predictions, every class equally often
    (10.0, 0.0)
    """
    check_int("splits", splits, minimum=1)
    probabilities = _extract_probabilities(
        images_or_probabilities, get_extractor(extractor, probabilities=True)
    )
    if splits > len(probabilities):
        raise ValueError(
            f"`splits` must be at most the number of samples ({len(probabilities)}). "
            f"Received: splits={splits}"
        )
    scores = []
    for part in np.array_split(probabilities, splits):
        marginal = part.mean(axis=0)  # p(y), (num_classes,)
        # KL(p(y|x) || p(y)) = sum_y p(y|x) (log p(y|x) - log p(y)); 0 log 0 = 0
        positive = part > 0
        safe = np.where(positive, part, 1.0)
        log_ratio = np.log(safe) - np.log(np.where(positive, marginal, 1.0))
        kl = np.sum(np.where(positive, part * log_ratio, 0.0), axis=1)  # (n,)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores)), float(np.std(scores))


class InceptionScore(keras.metrics.Metric):
    """Streaming Inception Score (keeps class probabilities, capped).

    `update_state(images_or_probabilities)` adds a batch: probabilities with
    `extractor=None`, else images. The probabilities of at most
    `max_samples` images are kept (reservoir sampling, float64; 50,000 x 10
    digit probabilities are 4 MB); `result()` is `inception_score` of them
    with `splits` parts: `{"inception_score": mean, "inception_score_std":
    std}`.

    Args:
        extractor: `None`, `"digit"`, `"inception"` or a callable from
            images to probabilities (see `inception_score`).
        splits: int. Parts, as in `inception_score`.
        max_samples: int. Probability rows kept.
        seed: int. Seeds the reservoir.
        name: str. Metric name.

    Example:
    >>> metric = InceptionScore(splits=1)
    >>> metric.update_state(np.eye(4))
    >>> metric.result()
    {'inception_score': 4.0, 'inception_score_std': 0.0}
    """

    def __init__(
        self,
        extractor=None,
        splits=10,
        max_samples=50000,
        seed=0,
        name="inception_score",
        **kwargs,
    ):
        super().__init__(name=name, **kwargs)
        check_int("splits", splits, minimum=1)
        check_int("max_samples", max_samples, minimum=1)
        check_int("seed", seed, minimum=0)
        self.extractor = get_extractor(extractor, probabilities=True)
        self.splits = int(splits)
        self.max_samples = int(max_samples)
        self.seed = int(seed)
        self.reset_state()

    def update_state(self, images_or_probabilities, sample_weight=None):
        if sample_weight is not None:
            raise ValueError(
                f"`sample_weight` is not supported. Received: sample_weight={sample_weight!r}"
            )
        self._samples.add(
            _extract_probabilities(images_or_probabilities, self.extractor),
            dtype=np.float64,
        )

    def result(self):
        probabilities = self._samples.values("images_or_probabilities", self.splits)
        mean, std = inception_score(probabilities, splits=self.splits)
        return {"inception_score": mean, "inception_score_std": std}

    def reset_state(self):
        self._samples = _Reservoir(self.max_samples, self.seed)
