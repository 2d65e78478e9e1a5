"""Differentiable discriminator augmentation for GANs trained on small data.

Two pipelines, both `keras.layers.Layer`s that transform a batch of images
in [-1, 1] with differentiable TF ops, so that the generator's gradient
flows through them:

- `DiffAugment` (Zhao et al. 2020, "Differentiable Augmentation for
  Data-Efficient GAN Training"): the official implementation's `color`
  (brightness, saturation, contrast), `translation` (1/8 of the size, zero
  padding) and `cutout` (a square of 1/2 the size) applied to every image.
- `AdaptiveAugment` (ADA, Karras et al. 2020, "Training Generative
  Adversarial Networks with Limited Data"): geometric and color stages each
  applied with probability `p`, and `p` adapted during training from the
  overfitting heuristic r_t = E[sign(D(real))].

An `AdversarialModel` compiled with `augment=` applies the pipeline to real
and fake images alike before its discriminator (see
`AdversarialModel.compile`); random numbers are then drawn from the model's
seed stream.
"""

import keras

from keras_gans.layers.adaptive_augment import AdaptiveAugment
from keras_gans.layers.diff_augment import DIFFAUGMENT_POLICIES, DiffAugment

__all__ = ["AdaptiveAugment", "DIFFAUGMENT_POLICIES", "DiffAugment", "get"]


_NAMES = {"diffaugment": DiffAugment, "ada": AdaptiveAugment}


def get(augment):
    """An augmentation layer from a name, a config dict or a layer.

    Args:
        augment: `None`, `"diffaugment"`, `"ada"`, a serialized layer (dict)
            or an augmentation layer (`DiffAugment`, `AdaptiveAugment` or a
            `keras.layers.Layer` with `transform(images, seed)`).

    Returns:
        The layer, or `None`.

    Raises:
        ValueError: for an unknown name or object.

    Example:
    >>> type(get("ada")).__name__
    'AdaptiveAugment'
    """
    if augment is None:
        return None
    if isinstance(augment, str):
        if augment.lower() not in _NAMES:
            raise ValueError(
                f"`augment` must be one of {tuple(_NAMES)}, an augmentation "
                f"layer or None. Received: augment={augment!r}"
            )
        return _NAMES[augment.lower()]()
    if isinstance(augment, dict):
        return keras.saving.deserialize_keras_object(augment)
    if isinstance(augment, keras.layers.Layer) and hasattr(augment, "transform"):
        return augment
    raise ValueError(
        "`augment` must be one of ('diffaugment', 'ada'), an augmentation "
        f"layer or None. Received: augment={augment!r}"
    )
