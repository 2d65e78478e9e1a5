"""`keras_gans._keras_compat`: each wrapper of private Keras / TensorFlow API
does what its docstring says on the pinned Keras, so an upgrade that moves
one fails here, by name."""

import configparser
import pathlib

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import _keras_compat as compat

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _tiny_model():
    model = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(3), keras.layers.Dropout(0.5, seed=1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_verified_on_the_pinned_versions():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    requires = config["options"]["install_requires"].split()
    assert f"keras=={compat.KERAS_VERIFIED}" in requires
    assert f"tensorflow=={compat.TENSORFLOW_VERIFIED}" in requires
    assert keras.__version__ == compat.KERAS_VERIFIED
    assert tf.__version__ == compat.TENSORFLOW_VERIFIED


def test_every_function_names_the_versions_it_was_verified_on():
    for name in compat.__all__:
        value = getattr(compat, name)
        if callable(value):
            assert "verified on keras 3.15.1, tensorflow 2.21.0" in " ".join(
                value.__doc__.split()
            ), name


def test_patch_tf2onnx_runs_and_is_idempotent():
    pytest.importorskip("onnx")
    tf2onnx = pytest.importorskip("tf2onnx")
    compat.patch_tf2onnx()
    compat.patch_tf2onnx()
    assert callable(tf2onnx.convert.from_function)


def _archive():
    model = _tiny_model()
    archive = keras.export.ExportArchive()
    archive.track(model)
    added = archive.add_endpoint(
        "serving_default",
        lambda x: model(x, training=False),
        input_signature=[keras.InputSpec(shape=(None, 2), dtype="float32")],
    )
    return archive, added, model


def test_archive_endpoint_is_the_function_add_endpoint_stored():
    archive, added, model = _archive()
    function = compat.archive_endpoint(archive, "serving_default")
    assert function is added
    x = np.ones((4, 2), "float32")
    np.testing.assert_allclose(function(x), model(x, training=False), atol=1e-6)
    with pytest.raises(AttributeError):
        compat.archive_endpoint(archive, "no_such_endpoint")


def test_archive_endpoint_signature_is_the_input_signature_given():
    archive, _, _ = _archive()
    (spec,) = compat.archive_endpoint_signature(archive, "serving_default")
    assert isinstance(spec, tf.TensorSpec)
    assert spec.shape.as_list() == [None, 2] and spec.dtype == tf.float32


def test_resume_epoch_is_what_backup_and_restore_restored(tmp_path):
    model = _tiny_model()
    assert compat.resume_epoch(model) is None
    backup = keras.callbacks.BackupAndRestore(str(tmp_path), delete_checkpoint=False)
    x, y = np.ones((8, 2), "float32"), np.zeros((8, 3), "float32")
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[backup])
    restore = keras.callbacks.BackupAndRestore(str(tmp_path))
    restore.set_model(model)
    restore.on_train_begin()
    assert compat.resume_epoch(model) == 2
    compat.clear_resume_epoch(model)
    assert compat.resume_epoch(model) is None


def test_flatten_layers_lists_every_nested_layer_once():
    inner = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    shared = keras.layers.Dense(2)
    inputs = keras.Input((2,))
    outputs = shared(shared(inner(inputs)))
    outer = keras.Model(inputs, outputs)
    layers = compat.flatten_layers(outer)
    assert layers[0] is outer
    assert inner in layers and inner.layers[0] in layers and shared in layers
    assert len({id(layer) for layer in layers}) == len(layers)


def test_seed_generators_are_the_layer_own_streams():
    model = _tiny_model()
    dense, dropout = model.layers
    assert compat.seed_generators(dense) == []
    (generator,) = compat.seed_generators(dropout)
    assert isinstance(generator, keras.random.SeedGenerator)
    # The whole network's streams, as `keras_gans.models._seeds` gathers them.
    streams = [
        g
        for layer in compat.flatten_layers(model)
        for g in compat.seed_generators(layer)
    ]
    assert streams == [generator]


class _WithOwnWeight(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.inner = keras.layers.Dense(2)

    def build(self, shape):
        self.scale = self.add_weight(shape=(), initializer="ones")
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False)
        self.inner.build(shape)

    def call(self, x):
        return self.inner(x) * self.scale


def test_own_variables_are_what_save_own_variables_writes():
    layer = _WithOwnWeight()
    layer.build((None, 2))
    own = compat.own_variables(layer)
    assert [v.path for v in own] == [layer.scale.path, layer.count.path]
    store = {}
    layer.save_own_variables(store)
    assert sorted(store) == [str(i) for i in range(len(own))]
    for i, variable in enumerate(own):
        np.testing.assert_array_equal(store[str(i)], variable.numpy())


def test_learning_rate_schedule_is_the_schedule_built_with():
    schedule = keras.optimizers.schedules.ExponentialDecay(1e-3, 10, 0.5)
    assert compat.learning_rate_schedule(keras.optimizers.Adam(schedule)) is schedule
    assert compat.learning_rate_schedule(keras.optimizers.Adam(1e-3)) is None
    scaled = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(schedule))
    assert compat.learning_rate_schedule(scaled) is schedule


def test_ema_variables_are_the_weight_averages():
    weights = [keras.Variable(np.ones((2, 2), "float32")), keras.Variable(1.0)]
    plain = keras.optimizers.Adam()
    plain.build(weights)
    assert compat.ema_variables(plain) == []
    ema = keras.optimizers.Adam(use_ema=True)
    assert compat.ema_variables(ema) == []  # not built yet
    ema.build(weights)
    averages = compat.ema_variables(ema)
    assert [tuple(v.shape) for v in averages] == [(2, 2), ()]
    assert all(any(a is v for v in ema.variables) for a in averages)


def test_adam_slots_are_the_moments_of_that_variable():
    a, b = keras.Variable([1.0, 2.0]), keras.Variable([[3.0]])
    optimizer = keras.optimizers.Adam(0.1)
    optimizer.build([a, b])
    optimizer.apply([tf.constant([1.0, 1.0]), tf.constant([[0.0]])], [a, b])
    m, v = compat.adam_slots(optimizer, a)
    np.testing.assert_allclose(m.numpy(), [0.1, 0.1], rtol=1e-6)  # (1 - 0.9) g
    np.testing.assert_allclose(v.numpy(), [0.001, 0.001], rtol=1e-5)  # (1 - 0.999) g^2
    assert compat.adam_slots(optimizer, b)[0].shape == (1, 1)
