"""Shared checks for custom layers: `run_layer_test` and its parts.

Usage in a test file:

    def test_maxout_contract(tmp_path):
        run_layer_test(Maxout, {"units": 3, "pieces": 2}, x, tmp_path)
"""

import keras
import numpy as np
import tensorflow as tf


def _as_list(data):
    return list(data) if isinstance(data, (list, tuple)) else [data]


def _like(data, items):
    """`items` packed the way `data` is: a list for a list, else one item."""
    return list(items) if isinstance(data, (list, tuple)) else items[0]


def check_config_round_trip(layer):
    """`from_config(get_config())` and registered (de)serialization give back
    a layer of the same class with the same config."""
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert type(clone) is type(layer)
    assert clone.get_config() == config
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(layer)
    )
    assert type(restored) is type(layer)
    assert restored.get_config() == config


def check_gradients(layer, input_data):
    """Gradients of a random projection of the output reach every float input
    and every trainable weight, and are all finite."""
    inputs = [tf.convert_to_tensor(x) for x in _as_list(input_data)]
    float_inputs = [x for x in inputs if x.dtype.is_floating]
    with tf.GradientTape() as tape:
        tape.watch(float_inputs)
        outputs = layer(_like(input_data, inputs))
        weights = np.random.default_rng(0).normal(size=outputs.shape)
        loss = tf.reduce_sum(tf.cast(outputs, "float32") * weights.astype("float32"))
    targets = float_inputs + list(layer.trainable_weights)
    grads = tape.gradient(loss, targets)
    for target, grad in zip(targets, grads):
        name = getattr(target, "path", "input")
        assert grad is not None, f"no gradient reaches {name}"
        assert np.all(np.isfinite(keras.ops.convert_to_numpy(grad))), name


def run_layer_test(
    layer_cls,
    init_kwargs,
    input_data,
    tmp_path,
    expected_output_shape=None,
    rtol=1e-6,
    atol=1e-6,
):
    """Runs the contract every custom layer must meet.

    1. Config round trip: `from_config(get_config())` and
       `serialize_keras_object` / `deserialize_keras_object`.
    2. Shapes: a functional model (batch dimension `None`) wrapping the layer
       gives outputs whose symbolic and concrete shapes equal
       `compute_output_shape` (and `expected_output_shape` when given).
    3. `.keras` save -> `load_model` gives a model whose layer has the same
       class and config and whose outputs equal the original's.
    4. Gradients reach the inputs and all trainable weights, finite.

    Args:
        layer_cls: type. The layer class under test.
        init_kwargs: dict. Constructor arguments.
        input_data: np.ndarray or list of them. One batch of inputs; a list
            means the layer is called on a list of tensors.
        tmp_path: pathlib.Path. pytest's `tmp_path`, for the `.keras` file.
        expected_output_shape: tuple or `None`. Output shape for `input_data`.
        rtol: float. Relative tolerance of the save/load comparison.
        atol: float. Absolute tolerance of the save/load comparison.

    Returns:
        The model's output on `input_data`, as a NumPy array.
    """
    layer = layer_cls(**init_kwargs)
    check_config_round_trip(layer)

    arrays = [np.asarray(x) for x in _as_list(input_data)]
    inputs = [keras.Input(x.shape[1:], dtype=str(x.dtype)) for x in arrays]
    symbolic = layer(_like(input_data, inputs))
    model = keras.Model(_like(input_data, inputs), symbolic)
    outputs = keras.ops.convert_to_numpy(model(_like(input_data, arrays)))

    symbolic_shape = layer.compute_output_shape(
        _like(input_data, [tuple(x.shape) for x in inputs])
    )
    assert tuple(symbolic.shape) == tuple(symbolic_shape)
    concrete_shape = layer.compute_output_shape(
        _like(input_data, [x.shape for x in arrays])
    )
    assert outputs.shape == tuple(concrete_shape)
    if expected_output_shape is not None:
        assert outputs.shape == tuple(expected_output_shape)
    check_config_round_trip(layer)  # again, now that the layer is built

    path = tmp_path / f"{layer_cls.__name__}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    loaded_layer = loaded.get_layer(layer.name)
    assert type(loaded_layer) is layer_cls
    assert loaded_layer.get_config() == layer.get_config()
    loaded_outputs = keras.ops.convert_to_numpy(loaded(_like(input_data, arrays)))
    np.testing.assert_allclose(loaded_outputs, outputs, rtol=rtol, atol=atol)

    check_gradients(layer, _like(input_data, arrays))
    return outputs
