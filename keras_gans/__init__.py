"""keras_gans: the classic adversarial image models as Keras 3 models.

Every model is a `keras.Model`: train it with `model.fit(dataset)`, save it
with `model.save("x.keras")`, load a trained one with
`Model.from_preset(name)`, and export its generator for TensorFlow Serving
with `keras_gans.export.export_generator(model, dir)`.
"""

from keras_gans import (
    callbacks,
    data,
    distribute,
    evaluation,
    export,
    images,
    layers,
    losses,
    metrics,
    pairs,
    plotting,
    utils,
)
from keras_gans.evaluation import evaluate
from keras_gans.models import (
    DCGAN,
    GAN,
    AdversarialModel,
    ConditionalGAN,
    FastStyleTransfer,
    NeuralStyleTransfer,
    Pix2Pix,
    ProgressiveGAN,
)
from keras_gans.models.pggan import ProgressiveSchedule

# The upper floor comes last: it builds on the models.
from keras_gans import runner  # noqa: E402  isort: skip

# Old paths of names that moved to a model family (one release).
callbacks._MOVED["ProgressiveSchedule"] = (
    "keras_gans.models.pggan.ProgressiveSchedule",
    ProgressiveSchedule,
)

__version__ = "0.1.0"

__all__ = [
    "AdversarialModel",
    "ConditionalGAN",
    "DCGAN",
    "FastStyleTransfer",
    "GAN",
    "NeuralStyleTransfer",
    "Pix2Pix",
    "ProgressiveGAN",
    "ProgressiveSchedule",
    "callbacks",
    "data",
    "distribute",
    "evaluate",
    "evaluation",
    "export",
    "images",
    "layers",
    "losses",
    "metrics",
    "pairs",
    "plotting",
    "runner",
    "utils",
]
