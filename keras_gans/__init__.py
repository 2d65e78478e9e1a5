"""keras_gans: the classic adversarial image models as Keras 3 models.

Every model is a `keras.Model`: train it with `model.fit(dataset)`, save it
with `model.save("x.keras")`, load a trained one with
`Model.from_preset(name)`, and export its generator for TensorFlow Serving
with `keras_gans.export.export_generator(model, dir)`.

The packages are the floors of docs/architecture.md: `data`, `layers`,
`losses`, `metrics`, `export`, `training` (the ground floor), `models`, and
`presets` (the recipe floor). `_public_api.py` pins the public module paths
(`keras_gans.images`, `keras_gans.callbacks`, `keras_gans.runner`, the
family files' older names, ...) and the deprecated ones.
"""

from keras_gans import _startup  # noqa: I001  (before TensorFlow loads)

_startup.on_package_import()

from keras_gans import _public_api  # noqa: E402

_public_api.install(_public_api.GROUND_FLOOR)

from keras_gans import (  # noqa: E402
    augment,
    callbacks,
    checkpointing,
    data,
    devices,
    distribute,
    evaluation,
    export,
    images,
    latent,
    layers,
    losses,
    metrics,
    pairs,
    plotting,
    training,
    unpaired,
    utils,
)
from keras_gans.metrics.evaluation import evaluate  # noqa: E402
from keras_gans.models import (  # noqa: E402
    DCGAN,
    GAN,
    AdversarialModel,
    ConditionalGAN,
    CycleGAN,
    FastStyleTransfer,
    NeuralStyleTransfer,
    Pix2Pix,
    ProgressiveGAN,
    SelfConditionedGAN,
    StyleGAN2,
)
from keras_gans.models.pggan import ProgressiveSchedule  # noqa: E402

_public_api.install(_public_api.MODEL_FLOOR)

# The recipe floor comes last: it builds on the models.
from keras_gans import presets  # noqa: E402  isort: skip

_public_api.install(_public_api.RECIPE_FLOOR)

from keras_gans import runner  # noqa: E402  isort: skip

_public_api.install_deprecated(_public_api.DEPRECATED, _public_api.DEPRECATED_NAMES)

__version__ = "0.1.0"

__all__ = [
    "AdversarialModel",
    "ConditionalGAN",
    "CycleGAN",
    "DCGAN",
    "FastStyleTransfer",
    "GAN",
    "NeuralStyleTransfer",
    "Pix2Pix",
    "ProgressiveGAN",
    "ProgressiveSchedule",
    "SelfConditionedGAN",
    "StyleGAN2",
    "augment",
    "callbacks",
    "checkpointing",
    "data",
    "devices",
    "distribute",
    "evaluate",
    "evaluation",
    "export",
    "images",
    "latent",
    "layers",
    "losses",
    "metrics",
    "pairs",
    "plotting",
    "presets",
    "runner",
    "training",
    "unpaired",
    "utils",
]
