"""The image-shape vocabulary of model constructors and network builders."""

from keras_gans._deprecation import deprecate
from keras_gans.utils import check_image_size, check_int, is_int

__all__ = ["image_geometry", "upgrade_image_shape"]


def image_geometry(image_size, channels, image_shape=None, stacklevel=3):
    """`(size, (height, width), channels)`; `size` is `image_size` for a config
    (int or `(H, W)`). A deprecated `image_shape` `(H, W, C)` (also as
    `image_size`) maps to `image_size` and `channels` with a warning."""
    if image_shape is None and isinstance(image_size, (tuple, list)):
        if len(image_size) == 3:
            image_shape = image_size
    if image_shape is not None:
        deprecate(
            "image_shape",
            "`image_size=(height, width)` and `channels`",
            details=f"Received: image_shape={image_shape!r}",
            stacklevel=stacklevel,
        )
        if not isinstance(image_shape, (tuple, list)) or len(image_shape) != 3:
            raise ValueError(
                "`image_shape` must be (height, width, channels). "
                f"Received: image_shape={image_shape!r}"
            )
        *image_size, channels = image_shape
        if image_size[0] == image_size[1]:
            image_size = image_size[0]
    height, width = check_image_size(image_size)
    channels = check_int("channels", channels, minimum=1)
    size = int(image_size) if is_int(image_size) else (height, width)
    return size, (height, width), channels


def upgrade_image_shape(config):
    """A copy of a model config with an older `image_shape` `(H, W, C)` mapped
    to `image_size` and `channels`, so `.keras` files saved before the
    rename load without a warning."""
    config = dict(config)
    shape = config.pop("image_shape", None)
    if shape is not None:
        height, width, config["channels"] = shape
        config["image_size"] = height if height == width else (height, width)
    return config
