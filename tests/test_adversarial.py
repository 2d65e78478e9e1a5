"""Tests for `AdversarialModel`, the shared `train_step`, on tiny MLP nets.

The one-step tests reproduce `train_step` by hand with SGD and the model's own
noise stream (a `SeedGenerator` holding a copy of the model's seed state), so
they check the update order exactly: D step(s) on fresh noise, then a G step on
the noise of the last D step with the freshly updated D.
"""

import json
import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import losses
from keras_gans.models.adversarial import AdversarialModel

LATENT = 3
FEATURES = 4
BATCH = 4


def _nets(batch_norm=False):
    """A tiny G (noise -> 4 values in [-1, 1]) and D (4 values -> 1 logit)."""
    g_layers = [keras.Input((LATENT,)), keras.layers.Dense(5, activation="tanh")]
    if batch_norm:
        g_layers.append(keras.layers.BatchNormalization())
    g_layers.append(keras.layers.Dense(FEATURES, activation="tanh"))
    g = keras.Sequential(g_layers, name="generator")
    d = keras.Sequential(
        [
            keras.Input((FEATURES,)),
            keras.layers.Dense(3, activation="relu"),
            keras.layers.Dense(1),
        ],
        name="discriminator",
    )
    return g, d


def _model(seed=7, g_lr=0.1, d_lr=0.2, optimizer="sgd", batch_norm=False, **compile_kw):
    """A compiled model whose nets are built after `set_random_seed(0)`."""
    keras.utils.set_random_seed(0)
    g, d = _nets(batch_norm=batch_norm)
    model = AdversarialModel(g, d, seed=seed)
    opt = keras.optimizers.SGD if optimizer == "sgd" else keras.optimizers.Adam
    model.compile(
        g_optimizer=opt(learning_rate=g_lr),
        d_optimizer=opt(learning_rate=d_lr),
        **compile_kw,
    )
    return model


def _data(n=16):
    return np.random.default_rng(0).uniform(-1, 1, (n, FEATURES)).astype("float32")


def _dataset(x):
    return tf.data.Dataset.from_tensor_slices((x,)).batch(BATCH)


def _fit(model, ds):
    return model.fit(ds, verbose=0, shuffle=False)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _weights(net):
    return [_np(w) for w in net.trainable_variables]


def _assert_all_close(actual, expected, atol=1e-6):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-6, atol=atol)


def _copy_stream(model):
    """A `SeedGenerator` that continues the model's random stream."""
    stream = keras.random.SeedGenerator(0)
    stream.state.assign(model.seed_generator.state.value)
    return stream


def _sgd(variables, loss_fn, lr):
    with tf.GradientTape() as tape:
        loss = loss_fn()
    grads = tape.gradient(loss, variables)
    for v, grad in zip(variables, grads):
        v.assign(v - lr * grad)


def _manual_copy(model):
    """Fresh G and D holding `model`'s current weights."""
    g, d = _nets()
    g.set_weights(model.generator.get_weights())
    d.set_weights(model.discriminator.get_weights())
    return g, d


# ------------------------------------------------------------- the train step
@pytest.mark.parametrize("loss", ["non_saturating", "hinge"])
def test_one_step_equals_manual_sgd_step(loss):
    model = _model(loss=loss)
    g_loss_fn, d_loss_fn = losses.get(loss)
    x = _data(BATCH)
    g, d = _manual_copy(model)
    stream = _copy_stream(model)

    z = keras.random.normal((BATCH, LATENT), seed=stream)
    fake = g(z, training=True)
    _sgd(d.trainable_variables, lambda: d_loss_fn(d(x), d(fake)), lr=0.2)
    _sgd(g.trainable_variables, lambda: g_loss_fn(d(g(z))), lr=0.1)

    history = _fit(model, _dataset(x))
    _assert_all_close(_weights(model.discriminator), _weights(d))
    _assert_all_close(_weights(model.generator), _weights(g))
    # The model's stream advanced exactly as the copy did (one draw).
    np.testing.assert_array_equal(_np(model.seed_generator.state), _np(stream.state))
    assert set(history.history) == {"d_loss", "g_loss"}


def test_r3gan_step_equals_manual_sgd_step():
    """R3GAN (Huang et al. 2024): D minimises RpGAN + γ/2 (R1 on reals + R2
    on fakes); G minimises softplus(D(x) - D(G(z))) with the updated D."""
    gamma = 2.0
    model = _model(loss="relativistic_pairing", r1_weight=gamma, r2_weight=gamma)
    g_loss_fn, d_loss_fn = losses.get("relativistic_pairing")
    x = _data(BATCH)
    g, d = _manual_copy(model)
    stream = _copy_stream(model)

    z = keras.random.normal((BATCH, LATENT), seed=stream)
    fake = g(z, training=True)

    def d_total():
        return (
            d_loss_fn(d(x), d(fake))
            + gamma / 2 * losses.r1_penalty(d, x)
            + gamma / 2 * losses.r2_penalty(d, fake)
        )

    _sgd(d.trainable_variables, d_total, lr=0.2)
    _sgd(g.trainable_variables, lambda: g_loss_fn(d(g(z)), d(x)), lr=0.1)

    history = _fit(model, _dataset(x))
    _assert_all_close(_weights(model.discriminator), _weights(d))
    _assert_all_close(_weights(model.generator), _weights(g))
    assert set(history.history) == {"d_loss", "g_loss", "r1", "r2"}
    assert model.get_compile_config()["r2_weight"] == gamma


def test_d_steps_2_equals_manual_steps():
    """Two D updates on fresh noise each, then G on the second noise."""
    model = _model(d_steps=2)
    g_loss_fn, d_loss_fn = losses.get("non_saturating")
    x = _data(BATCH)
    g, d = _manual_copy(model)
    stream = _copy_stream(model)

    z1 = keras.random.normal((BATCH, LATENT), seed=stream)
    fake1 = g(z1, training=True)
    _sgd(d.trainable_variables, lambda: d_loss_fn(d(x), d(fake1)), lr=0.2)
    z2 = keras.random.normal((BATCH, LATENT), seed=stream)
    fake2 = g(z2, training=True)
    _sgd(d.trainable_variables, lambda: d_loss_fn(d(x), d(fake2)), lr=0.2)
    _sgd(g.trainable_variables, lambda: g_loss_fn(d(g(z2))), lr=0.1)

    _fit(model, _dataset(x))
    _assert_all_close(_weights(model.discriminator), _weights(d))
    _assert_all_close(_weights(model.generator), _weights(g))


def test_penalties_enter_the_d_update_with_their_weights():
    """D's step minimises d_loss + gp_w * GP + r1_w / 2 * R1 + drift_w * drift."""
    gp_w, r1_w, drift_w = 2.0, 3.0, 0.5
    model = _model(gp_weight=gp_w, r1_weight=r1_w, drift_weight=drift_w)
    _, d_loss_fn = losses.get("non_saturating")
    x = _data(BATCH)
    g, d = _manual_copy(model)
    stream = _copy_stream(model)

    def critic(images):
        return d(images, training=True)

    z = keras.random.normal((BATCH, LATENT), seed=stream)
    fake = g(z, training=True)
    expected = {}

    def d_total():
        expected["d_loss"] = d_loss_fn(critic(x), critic(fake))
        expected["gp"] = losses.gradient_penalty(critic, x, fake, seed=stream)
        expected["r1"] = losses.r1_penalty(critic, x)
        expected["drift"] = losses.drift_penalty(critic(x))
        return (
            expected["d_loss"]
            + gp_w * expected["gp"]
            + 0.5 * r1_w * expected["r1"]
            + drift_w * expected["drift"]
        )

    _sgd(d.trainable_variables, d_total, lr=0.2)

    history = _fit(model, _dataset(x))
    _assert_all_close(_weights(model.discriminator), _weights(d))
    assert set(history.history) == {"d_loss", "g_loss", "gp", "r1", "drift"}
    for name in ("d_loss", "gp", "r1", "drift"):
        np.testing.assert_allclose(
            history.history[name][0], _np(expected[name]), rtol=1e-5, err_msg=name
        )
    assert [m.name for m in model.metrics] == ["d_loss", "g_loss", "gp", "r1", "drift"]


@pytest.mark.parametrize("frozen", ["generator", "discriminator"])
def test_zero_learning_rate_freezes_only_that_network(frozen):
    g_lr, d_lr = (0.0, 0.1) if frozen == "generator" else (0.1, 0.0)
    model = _model(g_lr=g_lr, d_lr=d_lr)
    g0, d0 = _weights(model.generator), _weights(model.discriminator)
    _fit(model, _dataset(_data(BATCH)))
    g1, d1 = _weights(model.generator), _weights(model.discriminator)
    frozen_before, frozen_after = (g0, g1) if frozen == "generator" else (d0, d1)
    moving_before, moving_after = (d0, d1) if frozen == "generator" else (g0, g1)
    for before, after in zip(frozen_before, frozen_after):
        np.testing.assert_array_equal(after, before)
    assert any(not np.allclose(a, b) for a, b in zip(moving_before, moving_after))


def test_d_steps_counts_optimizer_iterations():
    model = _model(d_steps=2)
    _fit(model, _dataset(_data(3 * BATCH)))
    assert int(_np(model.d_optimizer.iterations)) == 6
    assert int(_np(model.g_optimizer.iterations)) == 3


def test_seeded_runs_repeat_exactly():
    def run(seed):
        model = _model(seed=seed, optimizer="adam", d_steps=2)
        _fit(model, _dataset(_data(3 * BATCH)))
        return model

    first, second = run(seed=5), run(seed=5)
    for a, b in zip(first.get_weights(), second.get_weights()):
        np.testing.assert_array_equal(a, b)
    # Another seed, another stream.
    z5 = keras.random.normal((BATCH, LATENT), seed=_copy_stream(_model(seed=5)))
    z6 = keras.random.normal((BATCH, LATENT), seed=_copy_stream(_model(seed=6)))
    assert not np.allclose(_np(z5), _np(z6))


def test_evaluate_reports_losses_and_changes_nothing():
    model = _model()
    before = model.get_weights()
    logs = model.evaluate(_dataset(_data(BATCH)), verbose=0, return_dict=True)
    assert set(logs) == {"d_loss", "g_loss"}
    assert all(np.isfinite(v) for v in logs.values())
    for a, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------- save and resume
def _resumable(**kw):
    return _model(optimizer="adam", g_lr=0.01, d_lr=0.02, loss="hinge", **kw)


def _optimizer_arrays(model):
    return [
        _np(v) for opt in (model.g_optimizer, model.d_optimizer) for v in opt.variables
    ]


def test_resumed_training_equals_uninterrupted(tmp_path):
    """2 steps, save, load, 2 more steps equals 4 steps straight: weights (G,
    D, EMA), both optimizers' state and the noise stream are restored."""
    ds = _dataset(_data(4 * BATCH))
    model = _resumable(d_steps=2, ema_decay=0.9)
    _fit(model, ds.take(2))
    path = tmp_path / "gan.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is AdversarialModel
    _assert_all_close(loaded.get_weights(), model.get_weights(), atol=0)
    _assert_all_close(_optimizer_arrays(loaded), _optimizer_arrays(model), atol=0)
    np.testing.assert_array_equal(
        _np(loaded.seed_generator.state), _np(model.seed_generator.state)
    )

    _fit(loaded, ds.skip(2))
    straight = _resumable(d_steps=2, ema_decay=0.9)
    _fit(straight, ds)
    assert int(_np(loaded.d_optimizer.iterations)) == 8  # 4 steps x d_steps=2
    assert int(_np(loaded.g_optimizer.iterations)) == 4
    _assert_all_close(loaded.get_weights(), straight.get_weights())
    _assert_all_close(_weights(loaded.ema_generator), _weights(straight.ema_generator))
    _assert_all_close(_optimizer_arrays(loaded), _optimizer_arrays(straight))
    np.testing.assert_array_equal(
        _np(loaded.seed_generator.state), _np(straight.seed_generator.state)
    )
    # The next noise a resumed model draws is the uninterrupted run's.
    np.testing.assert_array_equal(
        _np(loaded.sample_noise(BATCH)), _np(straight.sample_noise(BATCH))
    )


def test_load_without_compile_keeps_the_ema_generator(tmp_path):
    model = _resumable(ema_decay=0.5)
    _fit(model, _dataset(_data(BATCH)))
    model.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras", compile=False)
    assert not loaded.compiled
    assert loaded.ema_generator is not None
    _assert_all_close(_weights(loaded.ema_generator), _weights(model.ema_generator))
    np.testing.assert_array_equal(loaded.generate(3, seed=1), model.generate(3, seed=1))


def test_recompile_without_ema_decay_freezes_the_ema_generator(tmp_path):
    """Re-compiled without `ema_decay`, a model keeps its EMA weights for
    sampling but no longer updates them."""
    model = _resumable(ema_decay=0.5)
    model.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras", compile=False)
    loaded.compile(loss="hinge")
    ema_before = _weights(loaded.ema_generator)
    g_before = _weights(loaded.generator)
    logs = _fit(loaded, _dataset(_data(BATCH))).history
    assert np.isfinite(logs["d_loss"][0])
    _assert_all_close(_weights(loaded.ema_generator), ema_before, atol=0)
    assert any(
        not np.allclose(a, b) for a, b in zip(_weights(loaded.generator), g_before)
    )
    assert loaded.sampling_generator is loaded.ema_generator


def test_compile_config_survives_save_and_load(tmp_path):
    model = _model(
        loss="least_squares",
        d_steps=3,
        gp_weight=2.0,
        r1_weight=0.5,
        drift_weight=1e-3,
        ema_decay=0.99,
        jit_compile=True,
    )
    path = tmp_path / "gan.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.loss_name == "least_squares"
    assert loaded.d_steps == 3
    assert (loaded.gp_weight, loaded.r1_weight, loaded.drift_weight) == (
        2.0,
        0.5,
        1e-3,
    )
    assert loaded.ema_decay == 0.99
    assert loaded.ema_generator is not None
    assert loaded.jit_compile is True
    assert isinstance(loaded.g_optimizer, keras.optimizers.SGD)
    assert loaded.g_optimizer.get_config() == model.g_optimizer.get_config()
    assert loaded.d_optimizer.get_config() == model.d_optimizer.get_config()
    assert loaded.get_compile_config() == model.get_compile_config()
    assert [m.name for m in loaded.metrics] == ["d_loss", "g_loss", "gp", "r1", "drift"]


def test_custom_loss_pair_trains_but_cannot_be_saved(tmp_path):
    pair = (losses.wasserstein_generator_loss, losses.wasserstein_discriminator_loss)
    model = _model(loss=pair)
    history = _fit(model, _dataset(_data(BATCH)))
    assert np.isfinite(history.history["d_loss"][0])
    with pytest.raises(ValueError, match="custom loss pair"):
        model.save(tmp_path / "gan.keras")


def test_uncompiled_model_saves_and_loads_with_equal_samples(tmp_path):
    keras.utils.set_random_seed(0)
    g, d = _nets()
    model = AdversarialModel(g, d, latent_distribution="uniform", seed=3)
    path = tmp_path / "gan.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert (loaded.latent_dim, loaded.latent_distribution, loaded.seed) == (
        LATENT,
        "uniform",
        3,
    )
    np.testing.assert_array_equal(loaded.generate(3, seed=1), model.generate(3, seed=1))


# -------------------------------------------------------------------- EMA
def test_ema_generator_is_the_running_average_of_g():
    decay = 0.5
    model = _model(ema_decay=decay)
    ema = model.ema_generator
    assert ema is not None and ema is not model.generator
    assert model.sampling_generator is ema
    g0 = _weights(model.generator)
    _assert_all_close(_weights(ema), g0, atol=0)

    _fit(model, _dataset(_data(BATCH)))
    g1 = _weights(model.generator)
    expected = [decay * a + (1 - decay) * b for a, b in zip(g0, g1)]
    _assert_all_close(_weights(ema), expected)

    _fit(model, _dataset(_data(BATCH)))
    g2 = _weights(model.generator)
    expected = [decay * a + (1 - decay) * b for a, b in zip(expected, g2)]
    _assert_all_close(_weights(ema), expected)

    ema_images = model.generate(4, seed=1)
    online_images = model.generate(4, seed=1, use_ema=False)
    assert not np.allclose(ema_images, online_images)
    z = keras.random.normal((4, LATENT), seed=1)
    np.testing.assert_allclose(online_images, _np(model.generator(z)), atol=1e-6)
    np.testing.assert_allclose(ema_images, _np(ema(z)), atol=1e-6)
    np.testing.assert_allclose(_np(model(z)), ema_images, atol=1e-6)


def test_ema_generator_keeps_batch_norm_statistics_of_its_own():
    model = _model(ema_decay=0.9, batch_norm=True)
    _fit(model, _dataset(_data(BATCH)))
    online = [_np(w) for w in model.generator.non_trainable_weights]
    ema = [_np(w) for w in model.ema_generator.non_trainable_weights]
    assert len(online) == len(ema) == 2  # moving mean and variance
    # Both moved away from their initial values (0 mean, 1 variance) ...
    assert not np.allclose(ema[0], 0.0) and not np.allclose(online[0], 0.0)
    # ... to statistics of their own activations.
    assert not np.allclose(ema[0], online[0])


def test_no_ema_by_default():
    model = _model()
    assert model.ema_generator is None
    assert model.sampling_generator is model.generator


# --------------------------------------------------------------- sampling
def test_generate_is_seeded_and_batched():
    model = _model()
    a = model.generate(5, seed=1)
    assert a.shape == (5, FEATURES) and a.dtype == np.float32
    np.testing.assert_array_equal(model.generate(5, seed=1), a)
    np.testing.assert_allclose(model.generate(5, seed=1, batch_size=2), a, atol=1e-6)
    assert not np.allclose(model.generate(5, seed=2), a)
    assert not np.allclose(model.generate(5), model.generate(5))
    assert np.all(np.abs(a) <= 1.0)


@pytest.mark.parametrize("n", [0, -1])
def test_generate_bad_n(n):
    with pytest.raises(ValueError, match="`n` must be an int >= 1"):
        _model().generate(n)


def test_generate_unconditional_rejects_labels():
    with pytest.raises(ValueError, match="unconditional"):
        _model().generate(2, labels=[0, 1])


@pytest.mark.parametrize("distribution", ["normal", "uniform"])
def test_sample_noise_follows_the_prior(distribution):
    keras.utils.set_random_seed(0)
    g, d = _nets()
    model = AdversarialModel(g, d, latent_distribution=distribution, seed=0)
    assert model.latent_dim == LATENT  # inferred from G's input
    z = _np(model.sample_noise(4000, seed=0))
    assert z.shape == (4000, LATENT)
    if distribution == "uniform":
        assert z.min() >= -1.0 and z.max() <= 1.0
        np.testing.assert_allclose(z.std(), 1 / np.sqrt(3), atol=0.02)
    else:
        assert z.min() < -2.0 and z.max() > 2.0
        np.testing.assert_allclose(z.std(), 1.0, atol=0.03)
    np.testing.assert_allclose(z.mean(), 0.0, atol=0.03)


# ------------------------------------------------------------ bad arguments
@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"d_steps": 0}, "d_steps"),
        ({"gp_weight": -1.0}, "gp_weight"),
        ({"r1_weight": -1.0}, "r1_weight"),
        ({"drift_weight": -0.5}, "drift_weight"),
        ({"ema_decay": 1.5}, "ema_decay"),
        ({"ema_decay": 0.0}, "ema_decay"),
        ({"metrics": ["mae"]}, "metrics"),
        ({"optimizer": "adam"}, "optimizer"),
        ({"loss_weights": [1.0]}, "loss_weights"),
        ({"loss": "nope"}, "nope"),
    ],
)
def test_bad_compile_arguments(kwargs, name):
    g, d = _nets()
    model = AdversarialModel(g, d)
    with pytest.raises(ValueError, match=f"`?{name}`?"):
        model.compile(**kwargs)


def test_one_optimizer_for_both_nets_is_rejected():
    g, d = _nets()
    model = AdversarialModel(g, d)
    opt = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="g_optimizer"):
        model.compile(g_optimizer=opt, d_optimizer=opt)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"latent_distribution": "cauchy"}, "latent_distribution"),
        ({"num_classes": 1}, "num_classes"),
    ],
)
def test_bad_constructor_arguments(kwargs, name):
    g, d = _nets()
    with pytest.raises(ValueError, match=name):
        AdversarialModel(g, d, **kwargs)


def test_default_optimizers_are_dcgan_adam():
    g, d = _nets()
    model = AdversarialModel(g, d)
    model.compile()
    for opt in (model.g_optimizer, model.d_optimizer):
        assert isinstance(opt, keras.optimizers.Adam)
        np.testing.assert_allclose(_np(opt.learning_rate), 2e-4, rtol=1e-6)
        assert opt.beta_1 == 0.5
    assert model.g_optimizer is not model.d_optimizer


# ---------------------------------------------------------- mixed precision
@pytest.fixture
def mixed_float16():
    keras.mixed_precision.set_global_policy("mixed_float16")
    yield
    keras.mixed_precision.set_global_policy("float32")


def test_mixed_precision_wraps_loss_scale_optimizers_and_trains(
    mixed_float16, tmp_path
):
    keras.utils.set_random_seed(0)
    g, d = _nets()
    model = AdversarialModel(g, d, seed=0)
    assert model.dtype_policy.name == "mixed_float16"
    model.compile(r1_weight=1.0)
    for opt in (model.g_optimizer, model.d_optimizer):
        assert isinstance(opt, keras.optimizers.LossScaleOptimizer)
    assert model.g_optimizer.name == "g_loss_scale_optimizer"
    logs = _fit(model, _dataset(_data(2 * BATCH))).history
    assert all(np.isfinite(v[-1]) for v in logs.values())
    assert int(_np(model.g_optimizer.iterations)) == 2
    images = model.generate(3, seed=0)
    assert images.dtype == np.float32 and np.all(np.isfinite(images))

    path = tmp_path / "mixed.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    # Loaded optimizers are wrapped once, not twice.
    assert isinstance(loaded.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert not isinstance(
        loaded.g_optimizer.inner_optimizer, keras.optimizers.LossScaleOptimizer
    )
    np.testing.assert_array_equal(loaded.generate(3, seed=0), images)


def test_mixed_precision_dtype_argument_alone_wraps_optimizers():
    g, d = _nets()
    model = AdversarialModel(g, d, dtype="mixed_float16")
    model.compile()
    assert isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert keras.mixed_precision.global_policy().name == "float32"


# ---------------------------------------------------------- replica scaling
_MIRRORED_SCRIPT = textwrap.dedent(
    """
    import json, os
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"
    os.environ["KERAS_BACKEND"] = "tensorflow"
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2
    )
    import keras
    import numpy as np
    from keras_gans.models.adversarial import AdversarialModel

    B, LATENT = 8, 3
    Z = np.random.default_rng(1).normal(size=(B, LATENT)).astype("float32")
    X = np.random.default_rng(2).uniform(-1, 1, (B, 4)).astype("float32")


    class TableNoise(AdversarialModel):
        # Noise rows by replica: replica r of N takes rows [r*b, (r+1)*b) of Z,
        # so N replicas together see the same B noise vectors as one device.
        def sample_noise(self, batch_size, seed=None):
            context = tf.distribute.get_replica_context()
            replica = 0 if context is None else context.replica_id_in_sync_group
            start = tf.cast(replica, "int32") * batch_size
            return tf.slice(tf.constant(Z), [start, 0], [batch_size, LATENT])


    def build(strategy, cls):
        keras.utils.set_random_seed(0)
        with strategy.scope():
            g = keras.Sequential([
                keras.Input((LATENT,)),
                keras.layers.Dense(5, activation="tanh"),
                keras.layers.Dense(4, activation="tanh"),
            ])
            d = keras.Sequential([
                keras.Input((4,)),
                keras.layers.Dense(3, activation="relu"),
                keras.layers.Dense(1),
            ])
            model = cls(g, d, seed=3)
            model.compile(
                g_optimizer=keras.optimizers.SGD(0.1),
                d_optimizer=keras.optimizers.SGD(0.1),
                d_steps=2,
            )
        return model


    def step(strategy):
        model = build(strategy, TableNoise)
        ds = tf.data.Dataset.from_tensor_slices((X,)).batch(B)
        history = model.fit(ds, verbose=0, shuffle=False).history
        return model.get_weights(), {k: v[-1] for k, v in history.items()}


    one, one_logs = step(tf.distribute.OneDeviceStrategy("/cpu:0"))
    mirrored = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    two, two_logs = step(mirrored)

    # The same step through keras_gans.distribute.fit (the multi-worker driver).
    from keras_gans import distribute
    driven = build(mirrored, TableNoise)
    driver_logs = distribute.fit(
        driven, tf.data.Dataset.from_tensor_slices((X,)).batch(B), verbose=0
    ).history
    driver_logs = {k: v[-1] for k, v in driver_logs.items()}
    init = build(tf.distribute.OneDeviceStrategy("/cpu:0"), TableNoise).get_weights()

    # The model's own noise, drawn in each replica of a MirroredStrategy.
    model = build(mirrored, AdversarialModel)
    per_replica = mirrored.run(tf.function(lambda: model.sample_noise(4)))
    a, b = (np.asarray(t) for t in mirrored.experimental_local_results(per_replica))

    print(json.dumps({
        "replicas": mirrored.num_replicas_in_sync,
        "max_diff": max(float(np.abs(u - v).max()) for u, v in zip(one, two)),
        "max_change": max(float(np.abs(u - v).max()) for u, v in zip(one, init)),
        "replica_noise_identical": bool(np.array_equal(a, b)),
        "one_logs": one_logs,
        "two_logs": two_logs,
        "driver_max_diff": max(
            float(np.abs(u - v).max()) for u, v in zip(one, driven.get_weights())
        ),
        "driver_logs": driver_logs,
    }))
    """
)


@pytest.fixture(scope="module")
def mirrored_results():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", KERAS_BACKEND="tensorflow")
    result = subprocess.run(
        [sys.executable, "-c", _MIRRORED_SCRIPT],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_two_replicas_give_the_one_device_update(mirrored_results):
    """One step (2 D updates, 1 G update) of a global batch of 8 on
    2 replicas equals the step on one device. The noise source is replaced by
    a fixed table split by replica id, so both runs see the same noise."""
    assert mirrored_results["replicas"] == 2
    assert mirrored_results["max_change"] > 1e-3  # the step did move weights
    assert mirrored_results["max_diff"] < 1e-5


def test_replicas_draw_different_noise(mirrored_results):
    """The SeedGenerator state is one mirrored variable; the replica id is
    folded into each draw so the replicas' latent vectors differ."""
    assert not mirrored_results["replica_noise_identical"]


def test_distribute_fit_driver_gives_the_same_step(mirrored_results):
    """`keras_gans.distribute.fit` (which runs where `model.fit` cannot, under
    MultiWorkerMirroredStrategy) on the 2 replicas: the one-device update
    and losses too."""
    assert mirrored_results["driver_max_diff"] < 1e-5
    for name, value in mirrored_results["one_logs"].items():
        np.testing.assert_allclose(
            mirrored_results["driver_logs"][name], value, rtol=1e-5, err_msg=name
        )


def test_logged_losses_are_over_all_replicas(mirrored_results):
    """The progress-bar losses of a 2-replica step are the global-batch
    means, the same numbers one device logs, not replica 0's alone."""
    one, two = mirrored_results["one_logs"], mirrored_results["two_logs"]
    assert set(one) == set(two) == {"d_loss", "g_loss"}
    for name in one:
        np.testing.assert_allclose(two[name], one[name], rtol=1e-5, err_msg=name)


def test_lazy_regularization_adds_the_penalty_every_nth_d_update_times_n():
    """`d_reg_interval=2`: D updates 0 and 2 minimise d_loss + 2 * r1_w / 2 * R1,
    updates 1 and 3 d_loss alone (StyleGAN2's lazy R1); G is unaffected."""
    lazy = _model(r1_weight=3.0, d_reg_interval=2)
    every = {True: _model(r1_weight=6.0), False: _model()}
    x = _data(BATCH)
    seen = []
    for step in range(4):
        reference = every[step % 2 == 0]
        for mine, theirs in ((lazy.generator, reference.generator),):
            theirs.set_weights(mine.get_weights())
        reference.discriminator.set_weights(lazy.discriminator.get_weights())
        reference.seed_generator.state.assign(lazy.seed_generator.state)
        logs = lazy.train_on_batch(x, return_dict=True)
        reference.train_on_batch(x)
        _assert_all_close(
            _weights(lazy.discriminator), _weights(reference.discriminator)
        )
        _assert_all_close(_weights(lazy.generator), _weights(reference.generator))
        seen.append(logs["r1"])
    assert int(lazy.d_optimizer.iterations) == 4
    assert lazy.get_compile_config()["d_reg_interval"] == 2
    # Over an epoch the r1 tracker averages the updates that computed it: of
    # two updates on the same batch, the first only.
    history = _fit(
        _model(r1_weight=3.0, d_reg_interval=2), _dataset(np.tile(x, (2, 1)))
    )
    assert history.history["r1"][-1] == pytest.approx(seen[0]) and seen[0] > 0


def test_lazy_gradient_penalty_trains_and_rejects_bad_intervals():
    model = _model(gp_weight=10.0, d_reg_interval=4)
    logs = _fit(model, _dataset(_data())).history
    assert all(np.isfinite(v[-1]) for v in logs.values()) and logs["gp"][-1] > 0
    with pytest.raises(ValueError, match="`d_reg_interval` must be"):
        _model(r1_weight=1.0, d_reg_interval=0)


def test_fit_hands_keras_the_dataset_without_the_autotune_model(monkeypatch):
    """Issue 26: tf.data's autotuning model stalled each epoch's end; `fit`
    switches it off on the user's dataset unless the dataset chose."""
    seen = []
    monkeypatch.setattr(
        keras.Model, "fit", lambda self, x=None, *a, **k: seen.append(x)
    )
    model = _model()
    ds = _dataset(_data()).prefetch(tf.data.AUTOTUNE)
    model.fit(ds, verbose=0)
    assert seen[-1].options().autotune.enabled is False
    options = tf.data.Options()
    options.autotune.enabled = True
    model.fit(ds.with_options(options), verbose=0)
    assert seen[-1].options().autotune.enabled is True
