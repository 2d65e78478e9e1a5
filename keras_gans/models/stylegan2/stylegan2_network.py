"""What StyleGAN2's generator and discriminator share: sizes and channels."""

from keras_gans import utils

__all__ = ["MAX_RESOLUTION", "MIN_RESOLUTION", "check_image_size", "num_channels"]

#: The smallest and largest `image_size` (the synthesis starts at 4x4).
MIN_RESOLUTION, MAX_RESOLUTION = 8, 1024


def num_channels(resolution, channel_base=32768, channel_max=512):
    """Feature maps at a resolution: `min(channel_base // resolution,
    channel_max)`, the official `channels_dict` (config F: `channel_base`
    32768, i.e. 512 maps up to 64x64, then 256, 128, 64, 32 at 128 .. 1024).

    Example:
    >>> [num_channels(r) for r in (4, 64, 128, 1024)]
    [512, 512, 256, 32]
    """
    return max(1, min(channel_base // resolution, channel_max))


def check_image_size(image_size):
    """A square power-of-two size in [MIN_RESOLUTION, MAX_RESOLUTION] -> int.

    Raises:
        ValueError: naming `image_size` and the value received.
    """
    height, width = utils.check_image_size(image_size)
    if height != width:
        raise ValueError(
            "`image_size` must be square: StyleGAN2 draws (r, r) images. "
            f"Received: image_size={image_size!r}"
        )
    if not MIN_RESOLUTION <= height <= MAX_RESOLUTION or height & (height - 1):
        raise ValueError(
            f"`image_size` must be a power of two in [{MIN_RESOLUTION}, "
            f"{MAX_RESOLUTION}]. Received: image_size={image_size!r}"
        )
    return height


def check_architecture(image_size, channels, channel_base, channel_max):
    """The shared architecture arguments, checked, as ints."""
    return (
        check_image_size(image_size),
        utils.check_int("channels", channels, minimum=1),
        utils.check_int("channel_base", channel_base, minimum=1),
        utils.check_int("channel_max", channel_max, minimum=1),
    )


def network_config(network):
    """The `keras.Model` part of a network's config."""
    import keras

    return {
        "name": network.name,
        "trainable": network.trainable,
        "dtype": keras.dtype_policies.serialize(network.dtype_policy),
    }
