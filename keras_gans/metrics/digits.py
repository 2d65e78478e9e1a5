"""The TF-GAN-style digit metrics: Fréchet distance and score of digits.

`digit_frechet_distance` and `digit_score` are `frechet_distance` and
`inception_score` with the shipped digit classifier (`DigitFeatures`) as the
feature extractor, for 28x28 grey digits.
"""

from keras_gans.metrics.digit_classifier import _digit_extractor
from keras_gans.metrics.frechet import frechet_distance
from keras_gans.metrics.inception_score import inception_score

__all__ = ["digit_frechet_distance", "digit_score"]


def digit_frechet_distance(real_images, generated_images, classifier=None):
    """Fréchet distance of digits in the digit classifier's feature space.

    TF-GAN's `mnist_frechet_distance` idea, with the shipped classifier's
    128-d penultimate features (`DigitFeatures`) in place of TF-GAN's MNIST
    logits. Like FID it is biased upwards for small sets: compare numbers
    computed from equal numbers of images (BENCHMARKS.md gives the
    real-vs-real figure on the embedded digits).

    Args:
        real_images, generated_images: digits as `digit_probabilities`
            takes them, at least 2 of each.
        classifier: as in `DigitFeatures`.

    Returns:
        A Python float >= 0.

    Example:
    >>> from keras_gans.data import load_digits_sample
    >>> images, _ = load_digits_sample()
    >>> digit_frechet_distance(images[:2500], images[2500:]) < 1.0
    True
    """
    return frechet_distance(real_images, generated_images, _digit_extractor(classifier))


def digit_score(images, classifier=None, splits=1):
    """Inception Score of digits under the digit classifier.

    TF-GAN's `mnist_score` with the shipped classifier: from 1 (every image
    gets the same prediction) to 10 (confident predictions, every digit
    equally often). One split by default, as TF-GAN.

    Args:
        images: digits as `digit_probabilities` takes them.
        classifier: as in `DigitFeatures`.
        splits: int. As in `inception_score`.

    Returns:
        A Python float in [1, num_classes]: the mean over splits.

    Example:
    >>> from keras_gans.data import load_digits_sample
    >>> images, _ = load_digits_sample(subset="test")
    >>> digit_score(images) > 9.0
    True
    """
    return inception_score(images, _digit_extractor(classifier), splits=splits)[0]
