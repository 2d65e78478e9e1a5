"""Deprecated: `keras_gans.models.fast_style` moved to
`keras_gans.models.style` (`FastStyleTransfer`, `transformation_network`).

This module re-exports the old public names for one release.
"""

import warnings

from keras_gans.models.style.fast_style_transfer import (
    FastStyleTransfer,
)
from keras_gans.models.style.fast_style_transfer import (
    _to_pixels as to_pixels,
)
from keras_gans.models.style.transformation_network import (
    SIZE_MULTIPLE,
    transformation_network,
)

__all__ = [
    "FastStyleTransfer",
    "SIZE_MULTIPLE",
    "to_pixels",
    "transformation_network",
]

warnings.warn(
    "`keras_gans.models.fast_style` is deprecated: import from "
    "`keras_gans.models.style`.",
    DeprecationWarning,
    stacklevel=2,
)
