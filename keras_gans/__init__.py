"""keras_gans: the classic adversarial image models as Keras 3 models."""

__version__ = "0.1.0"
