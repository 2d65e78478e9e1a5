"""`with_active_dropout`: a network copy whose dropout stays on at inference."""

import keras

__all__ = ["with_active_dropout"]


class _ActiveDropout(keras.layers.Dropout):
    """A `Dropout` that drops in inference too (only built by `with_active_dropout`)."""

    def call(self, inputs, training=None):
        return super().call(inputs, training=True)


def with_active_dropout(network):
    """A copy of `network` (same weights) whose `Dropout` layers always drop.

    Every other layer keeps its inference behaviour (BatchNorm uses its
    moving statistics), unlike calling the network with `training=True`:
    Pix2Pix's test-time dropout (Isola et al. 2017, sec 2.3). Works for
    functional and sequential networks. Serve it with
    `keras_gans.export.export_image_to_image(with_active_dropout(net), dir)`.

    Args:
        network: functional or Sequential `keras.Model`.

    Returns:
        A new `keras.Model` sharing no variables with `network` (its weights
        are copied).

    Raises:
        ValueError: `network` is a subclassed model (it cannot be cloned).

    Example:
    >>> net = keras.Sequential([keras.Input((100,)), keras.layers.Dropout(0.5)])
    >>> out = with_active_dropout(net)(np.ones((1, 100), "float32"))
    >>> bool((keras.ops.convert_to_numpy(out) == 0).any())
    True
    """

    def clone(layer):
        config = layer.get_config()
        if isinstance(layer, keras.layers.Dropout):
            # A fresh random stream: a fixed seed would repeat the same masks
            # in every copy.
            return _ActiveDropout.from_config({**config, "seed": None})
        return layer.__class__.from_config(config)

    try:
        copy = keras.models.clone_model(network, clone_function=clone)
    except ValueError as error:
        raise ValueError(
            "`network` must be a functional or Sequential keras.Model to enable "
            f"dropout alone. Received: {type(network).__name__} ({error})"
        ) from None
    copy.set_weights(network.get_weights())
    return copy
