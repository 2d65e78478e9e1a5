"""Deprecated: `keras_gans.workflow` is now `keras_gans.runner`.

Kept for one release so that scripts importing `keras_gans.workflow` keep
working; importing it warns with a `DeprecationWarning`.
"""

import warnings

from keras_gans.presets.runner import *  # noqa: F401,F403
from keras_gans.presets.runner import __all__  # noqa: F401

warnings.warn(
    "`keras_gans.workflow` is deprecated; use `keras_gans.runner`.",
    DeprecationWarning,
    stacklevel=2,
)
