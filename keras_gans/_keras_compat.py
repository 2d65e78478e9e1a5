"""Every use of private Keras / TensorFlow API in keras_gans, in one place.

Keras 3 has no public way to do what these functions do; each wraps one
private attribute or module, says which versions it was verified on
(keras 3.15.1, tensorflow 2.21.0), and has a test of its own against the
pinned Keras (`tests/test_keras_compat.py`), so a Keras upgrade that moves
one fails there, by name, rather than deep inside a training run. No other
module of keras_gans touches `keras.src` or these attributes
(`tests/test_architecture.py` checks it).
"""

import keras

__all__ = [
    "KERAS_VERIFIED",
    "TENSORFLOW_VERIFIED",
    "archive_endpoint",
    "archive_endpoint_signature",
    "clear_resume_epoch",
    "adam_slots",
    "ema_variables",
    "flatten_layers",
    "learning_rate_schedule",
    "own_variables",
    "patch_tf2onnx",
    "resume_epoch",
    "seed_generators",
]

#: The versions every function here was verified on.
KERAS_VERIFIED = "3.15.1"
TENSORFLOW_VERIFIED = "2.21.0"


def patch_tf2onnx():
    """Applies Keras' fixes to tf2onnx (numpy 2 support), as Keras' own ONNX
    export does before converting; idempotent. Needs onnx and tf2onnx.

    Private: `keras.src.export.tf2onnx_lib.patch_tf2onnx` (verified on keras
    3.15.1, tensorflow 2.21.0).
    """
    from keras.src.export.tf2onnx_lib import patch_tf2onnx as patch

    patch()


def archive_endpoint(archive, name):
    """The `tf.function` that `archive.add_endpoint(name, ...)` stored.

    Private: `keras.export.ExportArchive._tf_trackable` (verified on keras
    3.15.1, tensorflow 2.21.0).
    """
    return getattr(archive._tf_trackable, name)


def archive_endpoint_signature(archive, name):
    """The input signature (`tf.TensorSpec`s) of the endpoint `name`, as
    `archive.add_endpoint(name, fn, input_signature)` stored it.

    Private: `keras.export.ExportArchive._endpoint_signatures` (verified on
    keras 3.15.1, tensorflow 2.21.0).
    """
    return archive._endpoint_signatures[name]


def resume_epoch(model):
    """The epoch `keras.callbacks.BackupAndRestore` restored for `fit` to
    resume from, or `None`.

    Private: `keras.Model._initial_epoch`, which the callback sets in
    `on_train_begin` and `fit` reads (verified on keras 3.15.1, tensorflow
    2.21.0).
    """
    return getattr(model, "_initial_epoch", None)


def clear_resume_epoch(model):
    """Forgets the epoch `resume_epoch` reads, so the next run starts anew.

    Private: `keras.Model._initial_epoch` (verified on keras 3.15.1,
    tensorflow 2.21.0).
    """
    model._initial_epoch = None


def flatten_layers(network):
    """`network` and every layer nested in it, each once, in a fixed order.

    Private: `keras.layers.Layer._flatten_layers(include_self=True,
    recursive=True)` (verified on keras 3.15.1, tensorflow 2.21.0).
    """
    return list(network._flatten_layers(include_self=True, recursive=True))


def seed_generators(layer):
    """The `keras.random.SeedGenerator`s `layer` itself holds (a `Dropout`'s
    mask stream, ...), whose state Keras does not save.

    Private: `keras.layers.Layer._seed_generators` (verified on keras 3.15.1,
    tensorflow 2.21.0).
    """
    return list(getattr(layer, "_seed_generators", ()))


def own_variables(layer):
    """The variables of `layer` itself, not of its sublayers, in the order
    `keras.layers.Layer.save_own_variables` writes them (keys "0", "1", ...).

    Private: `keras.layers.Layer._trainable_variables` and
    `_non_trainable_variables` (verified on keras 3.15.1, tensorflow 2.21.0).
    """
    return list(layer._trainable_variables) + list(layer._non_trainable_variables)


def learning_rate_schedule(optimizer):
    """The `keras.optimizers.schedules.LearningRateSchedule` `optimizer` (or
    the optimizer a `LossScaleOptimizer` wraps) was built with, or `None` for
    a fixed rate. The public `optimizer.learning_rate` is the rate now, not
    the schedule.

    Private: `keras.optimizers.Optimizer._learning_rate` (verified on keras
    3.15.1, tensorflow 2.21.0).
    """
    optimizer = getattr(optimizer, "inner_optimizer", optimizer)
    rate = getattr(optimizer, "_learning_rate", None)
    schedules = keras.optimizers.schedules.LearningRateSchedule
    return rate if isinstance(rate, schedules) else None


def ema_variables(optimizer):
    """The moving averages of the model's weights that an optimizer built
    with `use_ema=True` keeps (empty without EMA, or before it is built).

    Private: `keras.optimizers.Optimizer._model_variables_moving_average`
    (verified on keras 3.15.1, tensorflow 2.21.0).
    """
    return list(getattr(optimizer, "_model_variables_moving_average", None) or ())


def adam_slots(optimizer, variable):
    """`(m, v)`: the first- and second-moment variables a built Keras `Adam`
    keeps for `variable` (Keras variables).

    Private: `Adam._momentums`, `Adam._velocities` and
    `Optimizer._get_variable_index` (verified on keras 3.15.1, tensorflow
    2.21.0).
    """
    index = optimizer._get_variable_index(variable)
    return optimizer._momentums[index], optimizer._velocities[index]
