"""Shared checks for the adversarial models, in the manner of KerasHub's
`TestCase` (`run_model_saving_test` and friends): each model's test file
calls these and reads as a list of properties.

- `run_config_round_trip(model)`: `get_config` -> `from_config` gives the
  same config, and two models built from it under the same seed hold the
  same weights.
- `run_saving_test(model, inputs, tmp_path)`: `.keras` save ->
  `load_model(safe_mode=True)` -> identical weights, call and `generate`
  outputs.
- `run_train_step_test(model, batch)`: a D step changes D's trainable
  weights and nothing of G; a G step changes G's trainable weights and none
  of D's; the losses are finite and the optimizers count their updates.
- `run_export_test(model, tmp_path)`: `export_generator`, then the
  SavedModel is loaded and called in a process that never imports
  keras_gans, with the in-process outputs.
- `assert_dtype_policy(model, name)`: every layer of G and D computes under
  the policy `name`.
"""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
from keras import ops

from keras_gans import export

SEED = 1234


def _arrays(variables):
    return [ops.convert_to_numpy(v).copy() for v in variables]


def _assert_equal(actual, expected, what):
    assert len(actual) == len(expected), what
    for a, e in zip(actual, expected):
        np.testing.assert_array_equal(a, e, err_msg=what)


def _changed(before, after):
    return any(not np.array_equal(a, b) for a, b in zip(before, after))


def _labels(model, n):
    if model.num_classes is None:
        return None
    return (np.arange(n) % model.num_classes).astype("int32")


def sample_inputs(model, n=3, seed=0):
    """`noise` (and `labels`) for one call of the model's generator."""
    noise = np.random.default_rng(seed).uniform(-1, 1, (n, model.latent_dim))
    noise = noise.astype("float32")
    labels = _labels(model, n)
    return noise if labels is None else [noise, labels]


def run_config_round_trip(model):
    """Returns the model rebuilt from its config, after checking it."""
    cls = type(model)
    config = model.get_config()
    keras.utils.set_random_seed(SEED)
    first = cls.from_config(config)
    keras.utils.set_random_seed(SEED)
    second = cls.from_config(config)
    assert type(first) is cls
    assert first.get_config() == config
    assert [w.shape for w in first.weights] == [w.shape for w in model.weights]
    _assert_equal(first.get_weights(), second.get_weights(), "same seed, weights")
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(model)
    )
    assert type(restored) is cls
    assert restored.get_config() == config
    return first


def run_saving_test(model, inputs, tmp_path):
    """Returns the model loaded back from a `.keras` file, after checking it."""
    path = os.path.join(str(tmp_path), "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert type(loaded) is type(model)
    assert loaded.get_config() == model.get_config()
    _assert_equal(loaded.get_weights(), model.get_weights(), "weights")
    np.testing.assert_array_equal(
        ops.convert_to_numpy(loaded(inputs)), ops.convert_to_numpy(model(inputs))
    )
    labels = _labels(model, 4)
    np.testing.assert_array_equal(
        loaded.generate(4, labels=labels, seed=7),
        model.generate(4, labels=labels, seed=7),
    )
    return loaded


def _full_step(model, batch):
    logs = model.train_step(batch)
    logs = {k: float(ops.convert_to_numpy(v)) for k, v in logs.items()}
    assert {"d_loss", "g_loss"} <= set(logs), logs
    for name, value in logs.items():
        assert np.isfinite(value), (name, value)
    return logs


def _with_learning_rate(optimizer, value, step):
    before = float(ops.convert_to_numpy(optimizer.learning_rate))
    optimizer.learning_rate = value
    try:
        return step()
    finally:
        optimizer.learning_rate = before


def _iterations(optimizer):
    return int(ops.convert_to_numpy(optimizer.iterations))


def run_train_step_test(model, batch):
    """Checks what one `train_step` of a compiled model changes.

    Returns the logs of the last (unrestricted) step.
    """
    g, d = model.generator, model.discriminator
    ema = model.ema_generator
    real, condition = model.unpack_batch(batch)
    fake = g(model.generator_inputs(ops.shape(real)[0], condition), training=True)

    # 1. D's step alone: D's trainable weights move; no weight of G (nor of
    #    the EMA generator) does, not even BatchNorm statistics.
    g_all, d_train = _arrays(g.weights), _arrays(d.trainable_weights)
    ema_all = _arrays(ema.weights) if ema is not None else []
    model._discriminator_step(real, condition, ops.stop_gradient(fake))
    _assert_equal(_arrays(g.weights), g_all, "D step changed G")
    if ema is not None:
        _assert_equal(_arrays(ema.weights), ema_all, "D step changed the EMA G")
    assert _changed(d_train, _arrays(d.trainable_weights)), "D step left D"
    d_updates = 1

    # 2. A full step with D's learning rate 0: G moves, D's weights do not.
    g_train, d_train = _arrays(g.trainable_weights), _arrays(d.trainable_weights)
    _with_learning_rate(model.d_optimizer, 0.0, lambda: _full_step(model, batch))
    _assert_equal(_arrays(d.trainable_weights), d_train, "G step changed D")
    assert _changed(g_train, _arrays(g.trainable_weights)), "G step left G"

    # 3. A full step with G's learning rate 0: D moves, G's weights do not.
    g_train, d_train = _arrays(g.trainable_weights), _arrays(d.trainable_weights)
    _with_learning_rate(model.g_optimizer, 0.0, lambda: _full_step(model, batch))
    _assert_equal(_arrays(g.trainable_weights), g_train, "frozen G moved")
    assert _changed(d_train, _arrays(d.trainable_weights)), "D step left D"

    # 4. A plain step moves both and advances the model's noise stream.
    g_train, d_train = _arrays(g.trainable_weights), _arrays(d.trainable_weights)
    state = _arrays([model.seed_generator.state])
    logs = _full_step(model, batch)
    assert _changed(g_train, _arrays(g.trainable_weights))
    assert _changed(d_train, _arrays(d.trainable_weights))
    assert _changed(state, _arrays([model.seed_generator.state]))
    d_updates += 3 * model.d_steps
    assert _iterations(model.d_optimizer) == d_updates
    assert _iterations(model.g_optimizer) == 3
    return logs


_EXPORT_SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    import numpy as np
    import tensorflow as tf

    path, inputs, out = sys.argv[1:4]
    served = tf.saved_model.load(path).signatures["serving_default"]
    arrays = dict(np.load(inputs))
    images = served(**{k: tf.constant(v) for k, v in arrays.items()})["images"]
    np.save(out, images.numpy())
    assert not [m for m in sys.modules if m.split(".")[0] == "keras_gans"]
    """
)


def run_export_test(model, tmp_path, n=3):
    """Exports the generator and compares the served images, computed in a
    process that never imports keras_gans, to the generator's own."""
    tmp_path = str(tmp_path)
    path = export.export_generator(model, os.path.join(tmp_path, "export"))
    inputs = sample_inputs(model, n)
    expected = ops.convert_to_numpy(model.sampling_generator(inputs, training=False))
    arrays = {"noise": inputs} if model.num_classes is None else {}
    if model.num_classes is not None:
        arrays = {"noise": inputs[0], "labels": inputs[1]}
    inputs_path = os.path.join(tmp_path, "inputs.npz")
    out_path = os.path.join(tmp_path, "served.npy")
    np.savez(inputs_path, **arrays)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", _EXPORT_SCRIPT, path, inputs_path, out_path],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    served = np.load(out_path)
    assert served.shape == (n, *model.sample_shape)
    np.testing.assert_allclose(served, expected.astype("float32"), atol=1e-5)
    return served


def assert_dtype_policy(model, name):
    """Every layer of G and D (but the inputs) computes under policy `name`,
    with float32 weights."""
    policy = keras.dtype_policies.get(name)
    assert model.dtype_policy.name == name
    for net in (model.generator, model.discriminator):
        for layer in net.layers:
            if isinstance(layer, keras.layers.InputLayer):
                continue
            assert layer.dtype_policy.name == name, (net.name, layer.name)
            assert layer.compute_dtype == policy.compute_dtype, layer.name
        assert all(w.dtype == "float32" for w in net.weights), net.name


# ------------------------------------------------------- tiny data and fits
def digits(with_labels=True, steps=2, batch_size=8):
    """`steps` batches of the embedded digits, in [-1, 1]."""
    from keras_gans import data

    return data.digits_dataset(
        batch_size=batch_size, with_labels=with_labels, shuffle=False
    ).take(steps)


def first_batch(model, batch_size=8):
    """One batch of digits in the form the model trains on."""
    ds = digits(model.num_classes is not None, 1, batch_size)
    return next(iter(ds))


def fit_logs(model, ds):
    """`model.fit` on `ds`; the last value of each logged loss."""
    history = model.fit(ds, verbose=0, shuffle=False)
    return {name: values[-1] for name, values in history.history.items()}


def assert_finite(logs, names):
    assert set(names) <= set(logs), (names, logs)
    for name, value in logs.items():
        assert np.isfinite(value), (name, value)
