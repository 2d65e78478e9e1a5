"""Loading helpers the style models share (private)."""

import keras


def compile_from_config(model, config):
    """Re-compiles a loaded `model` (whose `compile` is overridden) from its
    saved compile config, and builds the optimizer so that its saved state
    (moments, iterations) is restored."""
    model.compile(**keras.saving.deserialize_keras_object(config))
    if model.built:
        model.optimizer.build(model.trainable_variables)


def without_vgg_file(cls, config):
    """`cls(**config)` built with random VGG weights, keeping the config's
    source: the saved VGG weights then replace them, so loading a `.keras`
    file needs no weights file."""
    config = dict(config)
    source = config.get("vgg_weights")
    config["vgg_weights"] = None
    model = cls(**config)
    model.vgg_weights = source
    return model
