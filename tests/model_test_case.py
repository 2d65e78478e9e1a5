"""The one base of the model families' tests, in the manner of KerasHub's
`TestCase` (`keras_hub/src/tests/test_case.py`): a family's test class
inherits `ModelTestCase` and calls its checks, so the file reads as a list
of properties.

    class TestGAN(mtc.ModelTestCase):
        def test_keras_round_trip(self, tmp_path):
            self.run_model_saving_test(_tiny_gan(seed=3), tmp_path)

A plain class (pytest collects `Test*` subclasses; fixtures such as
`tmp_path` are method arguments). Its checks:

- `run_serialization_test(model)`: `get_config` -> `from_config` gives the
  same config, and two models built from it under the same seed hold the
  same weights.
- `run_model_saving_test(model, tmp_path, outputs)`: `.keras` save ->
  `load_model(safe_mode=True)` -> the same class, config, compile config,
  weights and optimizer variables, and bit-identical `outputs`.
- `run_train_step_test(model, batch)`: a D step changes D's trainable
  weights and nothing of G; a G step changes G's trainable weights and none
  of D's; the losses are finite and the optimizers count their updates.
- `run_export_test(model, tmp_path, requests, expected)`:
  `export_generator`, then the SavedModel's signatures are called in a
  process that never imports keras_gans; outputs equal the model's own.
- `run_preset_test(cls, preset, sample)`: `cls.from_preset` gives a
  compiled `cls` whose samples are float32 images in [-1, 1], repeatable.
- `assert_dtype_policy(model, name)`: every layer of the model's networks
  computes under the policy `name`, with float32 weights.
- `assert_all_equal(actual, expected, what)`: two lists of arrays, equal.

Tiny data, for these tests and others (module functions): `sample_inputs`,
`digits`, `first_batch`, `fit_logs`, `assert_finite`.
"""

import json
import os
import subprocess
import sys
import textwrap
import types

import keras
import numpy as np
from keras import ops

from keras_gans import export

SEED = 1234


def _arrays(variables):
    return [ops.convert_to_numpy(v).copy() for v in variables]


def _changed(before, after):
    return any(not np.array_equal(a, b) for a, b in zip(before, after))


def _labels(model, n):
    if model.num_classes is None:
        return None
    return (np.arange(n) % model.num_classes).astype("int32")


def _named_arrays(outputs):
    """An array, or a list, tuple or dict of them, as name -> NumPy array."""
    if isinstance(outputs, dict):
        items = outputs.items()
    elif isinstance(outputs, (list, tuple)):
        items = enumerate(outputs)
    else:
        items = [("output", outputs)]
    return {str(k): np.asarray(ops.convert_to_numpy(v)) for k, v in items}


def _optimizers(model):
    """The model's optimizers, by attribute name."""
    found = {}
    for name in ("optimizer", "g_optimizer", "d_optimizer"):
        value = getattr(model, name, None)
        if isinstance(value, keras.optimizers.Optimizer):
            found[name] = value
    return found


def _generator_outputs(model):
    """What an adversarial model computes: its call on `sample_inputs` and
    `generate(4, labels, seed=7)`."""
    return {
        "call": model(sample_inputs(model)),
        "generate": model.generate(4, labels=_labels(model, 4), seed=7),
    }


def sample_inputs(model, n=3, seed=0):
    """`noise` (and `labels`) for one call of the model's generator."""
    noise = np.random.default_rng(seed).uniform(-1, 1, (n, model.latent_dim))
    noise = noise.astype("float32")
    labels = _labels(model, n)
    return noise if labels is None else [noise, labels]


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


_SERVE_SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    import numpy as np
    import tensorflow as tf

    path, folder = sys.argv[1:3]
    loaded = tf.saved_model.load(path)
    with open(os.path.join(folder, "requests.json")) as f:
        requests = json.load(f)
    arrays = np.load(os.path.join(folder, "inputs.npz"))
    served, errors, signatures = {}, {}, {}
    for name, fn in loaded.signatures.items():
        specs = fn.structured_input_signature[1]
        signatures[name] = {
            "inputs": {k: [s.shape.as_list(), s.dtype.name] for k, s in specs.items()},
            "outputs": sorted(fn.structured_outputs),
        }
    for name, (signature, args, output) in requests.items():
        kwargs = {a: tf.constant(arrays[name + "." + a]) for a in args}
        try:
            served[name] = loaded.signatures[signature](**kwargs)[output].numpy()
        except tf.errors.InvalidArgumentError as error:
            errors[name] = error.message
    np.savez(os.path.join(folder, "served.npz"), **served)
    report = {
        "errors": errors,
        "signatures": signatures,
        "keras_gans": [m for m in sys.modules if m.split(".")[0] == "keras_gans"],
    }
    with open(os.path.join(folder, "report.json"), "w") as f:
        json.dump(report, f)
    """
)


class ModelTestCase:
    """Shared checks of the model families; test classes inherit them."""

    def assert_all_equal(self, actual, expected, what):
        """Two lists of arrays: the same length, each pair bit-identical."""
        assert len(actual) == len(expected), what
        for a, e in zip(actual, expected):
            np.testing.assert_array_equal(a, e, err_msg=what)

    def run_serialization_test(self, model):
        """Returns the model rebuilt from its config, after checking it:
        `from_config(get_config())` and registered (de)serialization give
        the class and config back, and under the same seed the same weights."""
        cls = type(model)
        config = model.get_config()
        keras.utils.set_random_seed(SEED)
        first = cls.from_config(config)
        keras.utils.set_random_seed(SEED)
        restored = keras.saving.deserialize_keras_object(
            keras.saving.serialize_keras_object(model)
        )
        for rebuilt in (first, restored):
            assert type(rebuilt) is cls
            assert rebuilt.get_config() == config
        assert [w.shape for w in first.weights] == [w.shape for w in model.weights]
        self.assert_all_equal(
            first.get_weights(), restored.get_weights(), "same seed, weights"
        )
        return first

    def run_model_saving_test(self, model, tmp_path, outputs=None):
        """Returns the model loaded back from a `.keras` file, after checking it.

        The loaded model has the same class, config and compile config; the
        same weights and optimizer variables (`optimizer`, `g_optimizer`,
        `d_optimizer`), bit for bit, so training resumes from the same point;
        and the same `outputs`, bit for bit.

        Args:
            model: keras.Model. The model under test, as the test left it
                (compiled, trained).
            tmp_path: pathlib.Path. pytest's `tmp_path`, for the `.keras` file.
            outputs: callable or `None`. `outputs(model)` -> an array, or a
                list or dict of arrays, computed on both models. `None`: an
                adversarial model's call on `sample_inputs(model)` and its
                `generate(4, labels, seed=7)`.
        """
        outputs = outputs or _generator_outputs
        path = os.path.join(str(tmp_path), "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        assert type(loaded) is type(model)
        assert loaded.get_config() == model.get_config()
        assert loaded.get_compile_config() == model.get_compile_config()
        self.assert_all_equal(loaded.get_weights(), model.get_weights(), "weights")
        for name, optimizer in _optimizers(model).items():
            self.assert_all_equal(
                _arrays(getattr(loaded, name).variables),
                _arrays(optimizer.variables),
                name,
            )
        expected, actual = _named_arrays(outputs(model)), _named_arrays(outputs(loaded))
        assert actual.keys() == expected.keys()
        for key, value in expected.items():
            np.testing.assert_array_equal(actual[key], value, err_msg=key)
        return loaded

    def run_train_step_test(self, model, batch):
        """Checks what one `train_step` of a compiled adversarial model changes.

        Returns the logs of the last (unrestricted) step.
        """
        g, d = model.generator, model.discriminator
        ema = model.ema_generator
        real, condition = model.unpack_batch(batch)
        fake = g(model.generator_inputs(ops.shape(real)[0], condition), training=True)

        # 1. D's step alone: D's trainable weights move; no weight of G (nor
        #    of the EMA generator) does, not even BatchNorm statistics.
        g_all, d_train = _arrays(g.weights), _arrays(d.trainable_weights)
        ema_all = _arrays(ema.weights) if ema is not None else []
        model._discriminator_step(real, condition, ops.stop_gradient(fake))
        self.assert_all_equal(_arrays(g.weights), g_all, "D step changed G")
        if ema is not None:
            self.assert_all_equal(
                _arrays(ema.weights), ema_all, "D step changed the EMA G"
            )
        assert _changed(d_train, _arrays(d.trainable_weights)), "D step left D"
        d_updates = 1

        # 2. A full step with D's learning rate 0: G moves, D's weights do not.
        g_train, d_train = _arrays(g.trainable_weights), _arrays(d.trainable_weights)
        _with_learning_rate(model.d_optimizer, 0.0, lambda: _full_step(model, batch))
        self.assert_all_equal(_arrays(d.trainable_weights), d_train, "G step changed D")
        assert _changed(g_train, _arrays(g.trainable_weights)), "G step left G"

        # 3. A full step with G's learning rate 0: D moves, G's weights do not.
        g_train, d_train = _arrays(g.trainable_weights), _arrays(d.trainable_weights)
        _with_learning_rate(model.g_optimizer, 0.0, lambda: _full_step(model, batch))
        self.assert_all_equal(_arrays(g.trainable_weights), g_train, "frozen G moved")
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

    def run_export_test(
        self, model, tmp_path, requests=None, expected=None, atol=1e-5, **kwargs
    ):
        """Exports the model and serves it in a process that never imports
        keras_gans (TensorFlow and NumPy only).

        Args:
            model: keras.Model. Exported with
                `export.export_generator(model, tmp_path / "export", **kwargs)`.
            tmp_path: pathlib.Path. pytest's `tmp_path`.
            requests: dict or `None`. name -> `(signature, inputs)` or
                `(signature, inputs, output)`: a call of the SavedModel's
                `signature` on `inputs` (argument name -> NumPy array); its
                output `output` (default `"images"`) is the served result.
                `None`: an adversarial model's `serving_default` on
                `sample_inputs(model)`, expected to give the sampling
                generator's images, of `sample_shape`, not all one value.
            expected: dict or `None`. name -> array: the served result must
                have its shape and dtype and be within `atol`.
            atol: float. Tolerance of the served results.

        Returns:
            A namespace: `path` (the SavedModel), `served` (name -> array),
            `errors` (name -> message, for requests that raised
            `InvalidArgumentError`) and `signatures` (signature ->
            `{"inputs": {argument: [shape, dtype]}, "outputs": [names]}`).
        """
        tmp_path = str(tmp_path)
        adversarial = requests is None
        if adversarial:
            inputs = sample_inputs(model)
            arrays = {"noise": inputs}
            if model.num_classes is not None:
                arrays = {"noise": inputs[0], "labels": inputs[1]}
            requests = {"images": ("serving_default", arrays)}
            images = model.sampling_generator(inputs, training=False)
            expected = {"images": ops.convert_to_numpy(images)}
        path = export.export_generator(
            model, os.path.join(tmp_path, "export"), **kwargs
        )
        folder = os.path.join(tmp_path, "serve")
        os.makedirs(folder)
        spec, feed = {}, {}
        for name, (signature, args, *output) in requests.items():
            spec[name] = [signature, sorted(args), output[0] if output else "images"]
            feed.update({f"{name}.{a}": np.asarray(v) for a, v in args.items()})
        with open(os.path.join(folder, "requests.json"), "w") as f:
            json.dump(spec, f)
        np.savez(os.path.join(folder, "inputs.npz"), **feed)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        result = subprocess.run(
            [sys.executable, "-c", _SERVE_SCRIPT, path, folder],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=folder,  # not the repository
            env=env,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        with open(os.path.join(folder, "report.json")) as f:
            report = json.load(f)
        assert report["keras_gans"] == []
        served = dict(np.load(os.path.join(folder, "served.npz")))
        for name, value in (expected or {}).items():
            value = np.asarray(value)
            assert served[name].shape == value.shape, name
            assert served[name].dtype == value.dtype, name
            np.testing.assert_allclose(served[name], value, atol=atol, err_msg=name)
        if adversarial:
            images = served["images"]
            assert images.shape == (len(arrays["noise"]), *model.sample_shape)
            assert images.min() < images.max()
        return types.SimpleNamespace(
            path=path,
            served=served,
            errors=report["errors"],
            signatures=report["signatures"],
        )

    def run_preset_test(self, cls, preset, sample=None, expected_shape=None):
        """Returns `cls.from_preset(preset)` and its samples, after checking
        them: a compiled `cls` (ready to train further) whose `sample(model)`
        (default: `generate(2, labels, seed=0)`) are finite float32 images of
        `expected_shape` (default `(2, *model.sample_shape)`) in [-1, 1], not
        all one value, and the same on a second call."""
        model = cls.from_preset(preset)
        assert type(model) is cls
        assert model.compiled
        if sample is None:

            def sample(m):
                return m.generate(2, labels=_labels(m, 2), seed=0)

        images = np.asarray(sample(model))
        assert images.shape == (expected_shape or (2, *model.sample_shape))
        assert images.dtype == np.float32
        assert np.all(np.isfinite(images))
        assert -1.0 <= images.min() < images.max() <= 1.0
        np.testing.assert_array_equal(np.asarray(sample(model)), images)
        return model, images

    def assert_dtype_policy(self, model, name, networks=None):
        """Every layer (but the inputs) of `networks` (default: the model's
        generator and discriminator) computes under policy `name`, with
        float32 weights; the model's own policy is `name`."""
        policy = keras.dtype_policies.get(name)
        assert model.dtype_policy.name == name
        if networks is None:
            networks = (model.generator, model.discriminator)
        for net in networks:
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
