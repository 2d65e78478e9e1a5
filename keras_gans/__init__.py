"""keras_gans: the classic adversarial image models as Keras 3 models.

Every model is a `keras.Model`: train it with `model.fit(dataset)`, save it
with `model.save("x.keras")`, export its generator for TensorFlow Serving
with `keras_gans.export.export_generator`.
"""

from keras_gans import (
    callbacks,
    data,
    evaluation,
    export,
    layers,
    losses,
    metrics,
    plotting,
    runner,
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
    "callbacks",
    "data",
    "evaluate",
    "evaluation",
    "export",
    "layers",
    "losses",
    "metrics",
    "plotting",
    "runner",
]
