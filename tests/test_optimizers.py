"""`FusedAdam`: Keras' Adam update in one TensorFlow kernel per variable."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import _keras_compat
from keras_gans.models.adversarial import AdversarialModel
from keras_gans.training import FusedAdam, optimizers


def _train(optimizer_class, steps=6, eager=False, **kwargs):
    """Weights after `steps` updates of a tiny dense net with an embedding
    (whose gradient is sparse), the same data and start for every class."""
    keras.utils.set_random_seed(0)
    ids = keras.Input((), dtype="int32")
    x = keras.Input((3,))
    h = keras.layers.Concatenate()([keras.layers.Embedding(4, 2)(ids), x])
    net = keras.Model([ids, x], keras.layers.Dense(1)(keras.layers.Dense(5)(h)))
    optimizer = optimizer_class(learning_rate=0.05, beta_1=0.5, **kwargs)
    rng = np.random.default_rng(1)
    data = [rng.integers(0, 4, (8,)).astype("int32"), rng.normal(size=(8, 3))]

    def step(ids, x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(net([ids, x]) - 1.0))
        grads = tape.gradient(loss, net.trainable_variables)
        optimizer.apply(grads, net.trainable_variables)

    run = step if eager else tf.function(step)
    for _ in range(steps):
        run(data[0], data[1].astype("float32"))
    return [w.numpy() for w in net.trainable_weights], optimizer, net


@pytest.mark.parametrize("eager", [False, True])
@pytest.mark.parametrize("kwargs", [{}, {"amsgrad": True}, {"beta_2": 0.99}])
def test_same_update_as_keras_adam(kwargs, eager):
    fused, _, _ = _train(FusedAdam, eager=eager, **kwargs)
    reference, _, _ = _train(keras.optimizers.Adam, eager=eager, **kwargs)
    for a, b in zip(fused, reference):
        np.testing.assert_allclose(a, b, rtol=2e-5, atol=2e-6)


def test_dense_variables_take_the_fused_kernel_sparse_ones_fall_back(monkeypatch):
    fused_calls = []
    real = tf.raw_ops.ResourceApplyAdam
    monkeypatch.setattr(
        tf.raw_ops,
        "ResourceApplyAdam",
        lambda **kw: fused_calls.append(kw["var"]) or real(**kw),
    )
    _, optimizer, net = _train(FusedAdam, steps=1, eager=True)
    # Two Dense kernels + biases are dense; the Embedding's gradient is sparse.
    assert len(fused_calls) == 4
    m, v = _keras_compat.adam_slots(optimizer, net.trainable_variables[0])
    assert m.shape == v.shape == net.trainable_variables[0].shape


def test_mirrored_variables_fall_back_to_keras():
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        variable = tf.Variable([1.0, 2.0])
    assert optimizers._resource(variable) is None
    assert optimizers._resource(keras.Variable([1.0])) is not None


def test_adversarial_model_saves_and_loads_with_it(tmp_path):
    keras.utils.set_random_seed(0)
    g = keras.Sequential([keras.Input((2,)), keras.layers.Dense(3, activation="tanh")])
    d = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model = AdversarialModel(g, d, latent_dim=2, seed=1)
    model.compile()  # the default optimizers are FusedAdam
    assert isinstance(model.g_optimizer, FusedAdam)
    x = np.random.default_rng(0).uniform(-1, 1, (8, 3)).astype("float32")
    model.fit(tf.data.Dataset.from_tensor_slices((x,)).batch(4), verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.saving.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.d_optimizer, FusedAdam)
    for a, b in zip(loaded.d_optimizer.variables, model.d_optimizer.variables):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


def test_presets_adam_is_fused():
    from keras_gans.presets import catalog

    opt = catalog.make_optimizer({"class": "Adam", "learning_rate": 1e-3})
    assert isinstance(opt, FusedAdam)
    assert type(catalog.make_optimizer({"class": "SGD"})) is keras.optimizers.SGD
