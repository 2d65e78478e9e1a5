"""`StyleGAN2` training: path length against finite differences, lazy
regularisation scaling, the EMA half-life, ADA, save/load and exact resume."""

import keras
import model_test_case as mtc
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models.adversarial import AdversarialModel
from keras_gans.models.stylegan2 import StyleGAN2, lazy_adam
from keras_gans.models.stylegan2.stylegan2 import path_lengths

TINY = dict(
    image_size=8,
    channels=1,
    latent_dim=8,
    w_dim=8,
    num_mapping_layers=2,
    channel_base=32,
    channel_max=4,
)
X = np.random.default_rng(1).uniform(-1, 1, (8, 8, 8, 1)).astype("float32")


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _model(seed=3, **compile_kwargs):
    model = StyleGAN2(**TINY, seed=seed)
    model.compile(run_eagerly=True, **compile_kwargs)
    return model


def _state(model):
    """Everything a step depends on: weights (G, D, EMA G, w_avg, ADA's p,
    the model's counters), both optimizers and the random stream."""
    arrays = [_np(v) for v in model.weights]
    arrays += [
        _np(v) for opt in (model.g_optimizer, model.d_optimizer) for v in opt.variables
    ]
    return arrays + [_np(model.seed_generator.state)]


def _assert_same(a, b, atol=0.0):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        np.testing.assert_allclose(x, y, atol=atol, rtol=0)


# ------------------------------------------------------------- path length
def test_path_lengths_match_finite_differences():
    """|J^T y| from the tape equals the norm of the central differences of
    sum(g(ws) · y) / sqrt(HW), one coordinate of ws at a time."""
    model = _model()
    g = model.generator
    rng = np.random.default_rng(0)
    n, num_ws, w_dim = 2, g.num_ws, 8
    ws = rng.normal(size=(n, num_ws, w_dim))
    y = rng.normal(size=(n, 8, 8, 1)).astype("float32")
    seed = tf.constant([1, 2], tf.int64)
    lengths = _np(path_lengths(g, tf.constant(ws, tf.float32), y, seed))

    eps = 1e-2
    steps = np.eye(num_ws * w_dim).reshape(-1, 1, num_ws, w_dim) * eps  # (K, 1, L, D)
    probes = np.concatenate([ws[None] + steps, ws[None] - steps])  # (2K, n, L, D)
    images = g.synthesis(tf.constant(probes.reshape(-1, num_ws, w_dim), tf.float32))
    images = _np(images).reshape(2, len(steps), n, 8, 8, 1).astype("float64")
    f = (images * y).sum(axis=(3, 4, 5)) / 8.0  # (2, K, n)
    grads = ((f[0] - f[1]) / (2 * eps)).T.reshape(n, num_ws, w_dim)
    expected = np.sqrt((grads**2).sum(axis=2).mean(axis=1))
    np.testing.assert_allclose(lengths, expected, rtol=2e-2)


def test_penalty_uses_the_updated_mean_and_moves_it_by_the_decay():
    model = _model(pl_decay=0.01)
    model.pl_mean.assign(0.5)
    state = _np(model.seed_generator.state)
    penalty = float(_np(model.path_length_penalty(8)))
    model.seed_generator.state.assign(state)  # the same draws again, by hand
    inputs = model.generator_inputs(4, None)  # pl batch: 8 // pl_batch_shrink
    ws = model.generator.mapped_ws(
        inputs["noise"], inputs["mix_noise"], inputs["mix_cutoff"]
    )
    y = tf.random.stateless_normal((4, 8, 8, 1), model.stream_seed())
    lengths = _np(path_lengths(model.generator, ws, y, inputs["noise_seed"]))
    mean = 0.5 + 0.01 * (lengths.mean() - 0.5)
    assert float(_np(model.pl_mean)) == pytest.approx(mean, rel=1e-5)
    assert penalty == pytest.approx(np.mean((lengths - mean) ** 2), rel=1e-4)


# ----------------------------------------------------- lazy regularisation
def _sgd_model(**compile_kwargs):
    model = StyleGAN2(**TINY, seed=3)
    model.compile(
        g_optimizer=keras.optimizers.SGD(0.05),
        d_optimizer=keras.optimizers.SGD(0.05),
        run_eagerly=True,
        ema_kimg=None,
        r1_weight=0.0,
        **compile_kwargs,
    )
    return model


def test_lazy_path_length_every_nth_g_update_times_n():
    """`pl_interval=2, pl_weight=w`: G updates 0 and 2 minimise g_loss + 2w ·
    penalty, update 1 g_loss alone, as a model regularised on every
    step with weight 2w, or not at all, does from the same state."""
    lazy = _sgd_model(pl_weight=1.5, pl_interval=2)
    every = {
        True: _sgd_model(pl_weight=3.0, pl_interval=1),
        False: _sgd_model(pl_weight=0.0),
    }
    seen = []
    for step in range(3):
        reference = every[step % 2 == 0]
        reference.set_weights(lazy.get_weights())  # G, D, w_avg, pl_mean, counters
        reference.seed_generator.state.assign(lazy.seed_generator.state)
        logs = lazy.train_on_batch(X, return_dict=True)
        reference.train_on_batch(X)
        _assert_same(
            lazy.generator.get_weights(), reference.generator.get_weights(), 1e-6
        )
        _assert_same(
            lazy.discriminator.get_weights(),
            reference.discriminator.get_weights(),
            1e-6,
        )
        seen.append(logs["pl"])
    assert int(lazy.g_optimizer.iterations) == 3
    assert seen[0] > 0 and seen[2] > 0
    # The tracker averages the steps that computed it: over an epoch of two
    # steps on one batch, the first step's penalty alone.
    model = _sgd_model(pl_weight=1.5, pl_interval=2)
    history = model.fit(
        tf.data.Dataset.from_tensor_slices((np.tile(X, (2, 1, 1, 1)),)).batch(8),
        verbose=0,
        shuffle=False,
    )
    assert history.history["pl"][-1] == pytest.approx(seen[0], rel=1e-4)


def test_generator_penalties_hook_is_added_to_the_g_loss_with_its_weight():
    """The AdversarialModel hook: a G-step term `weight * value` whose tracker
    counts only the steps with a tracker weight of 1."""

    class Penalised(AdversarialModel):
        def extra_loss_names(self):
            return ("norm",)

        def generator_penalties(self, g_inputs, condition):
            value = tf.add_n(
                [tf.reduce_sum(w**2) for w in self.generator.trainable_weights]
            )
            due = tf.cast(self.g_optimizer.iterations % 2 == 0, "float32")
            return {"norm": (value * due, 10.0)}, {"norm": due}

    def build(cls):
        keras.utils.set_random_seed(0)
        g = keras.Sequential(
            [keras.Input((3,)), keras.layers.Dense(4, activation="tanh")]
        )
        d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        model = cls(g, d, seed=1)
        model.compile(
            g_optimizer=keras.optimizers.SGD(0.1),
            d_optimizer=keras.optimizers.SGD(0.1),
            run_eagerly=True,
        )
        return model

    penalised, plain = build(Penalised), build(AdversarialModel)
    x = np.random.default_rng(0).uniform(-1, 1, (4, 4)).astype("float32")
    before = penalised.generator.get_weights()
    logs = penalised.train_on_batch(x, return_dict=True)
    plain.train_on_batch(x)
    norm = sum(float((w**2).sum()) for w in before)
    assert logs["norm"] == pytest.approx(norm, rel=1e-5)
    # SGD: the penalised kernel moved by an extra 0.1 * 10 * 2 * w.
    extra = [
        p - q
        for p, q in zip(
            penalised.generator.get_weights(), plain.generator.get_weights()
        )
    ]
    for delta, w in zip(extra, before):
        np.testing.assert_allclose(delta, -0.1 * 10.0 * 2 * w, atol=1e-5)


def test_lazy_adam_is_the_official_adjustment():
    adam = lazy_adam(0.002, reg_interval=16)
    c = 16 / 17
    assert float(adam.learning_rate) == pytest.approx(0.002 * c)
    assert adam.beta_1 == 0.0 and adam.beta_2 == pytest.approx(0.99**c)
    assert float(lazy_adam(0.002).learning_rate) == pytest.approx(0.002)
    model = _model()  # defaults: G regularised every 4, D every 16
    assert float(model.g_optimizer.learning_rate) == pytest.approx(0.002 * 4 / 5)
    assert float(model.d_optimizer.learning_rate) == pytest.approx(0.002 * 16 / 17)
    config = model.get_compile_config()
    assert (config["d_reg_interval"], config["pl_interval"]) == (16, 4)
    assert (config["r1_weight"], config["pl_weight"]) == (10.0, 2.0)
    assert config["style_mixing_prob"] == 0.9 and "ema_decay" not in config
    with pytest.raises(ValueError, match="ema_kimg"):
        model.compile(ema_decay=0.9)


# --------------------------------------------------------------------- EMA
def test_ema_half_life_with_ramp_up():
    model = _model(ema_kimg=10.0, ema_rampup=0.05)
    assert float(_np(model.ema_beta(32))) == 0.0  # no image seen: copy G
    model._images_seen.assign(1000)  # half-life min(10k, 50) images
    assert float(_np(model.ema_beta(32))) == pytest.approx(0.5 ** (32 / 50))
    model._images_seen.assign(10**6)
    assert float(_np(model.ema_beta(32))) == pytest.approx(0.5 ** (32 / 10000))
    fresh = _model(ema_kimg=10.0, ema_rampup=0.05)
    fresh.train_on_batch(X)
    # beta 0 at the first step: the EMA G is G (w_avg copied too).
    _assert_same(fresh.ema_generator.get_weights(), fresh.generator.get_weights())
    assert fresh.images_seen == 8
    assert _model(ema_kimg=None).ema_generator is None


# -------------------------------------------------- save, load and resume
class TestStyleGAN2Resume(mtc.ModelTestCase):
    """The `.keras` round trip, then training on from it."""

    def test_resume_from_a_saved_model_is_exact(self, tmp_path):
        """2 steps, save, load, 2 more equals 4 straight: weights, both
        optimizers, the lazy counters, pl_mean, images_seen, ADA's p and the
        random stream come back; R1 and path length run before and after."""
        settings = dict(d_reg_interval=2, pl_interval=2, ema_rampup=0.05, augment="ada")

        def fresh():
            model = _model(**settings)
            model.augment_pipeline.p.assign(0.3)
            return model

        batches = [X[i : i + 4] for i in (0, 4, 0, 4)]
        model = fresh()
        for batch in batches[:2]:
            model.train_on_batch(batch)
        loaded = self.run_model_saving_test(model, tmp_path, _state)
        for batch in batches[2:]:
            logs = loaded.train_on_batch(batch, return_dict=True)
        straight = fresh()
        for batch in batches:
            straight_logs = straight.train_on_batch(batch, return_dict=True)
        _assert_same(_state(loaded), _state(straight))
        assert loaded.images_seen == 16 and float(_np(loaded.pl_mean)) > 0
        assert int(loaded.d_optimizer.iterations) == 4
        assert float(_np(loaded.augment_pipeline.p)) == float(
            _np(straight.augment_pipeline.p)
        )
        assert set(logs) >= {"d_loss", "g_loss", "r1", "pl", "augment_p"}
        np.testing.assert_allclose(
            list(logs.values()), list(straight_logs.values()), rtol=1e-6
        )
        np.testing.assert_array_equal(
            loaded.generate(3, seed=5), straight.generate(3, seed=5)
        )


# ----------------------------------------------------------------- presets
def test_presets_build_the_paper_settings():
    from keras_gans import presets

    model = presets.build(
        "stylegan2_digits",
        channel_base=16,
        channel_max=4,
        latent_dim=8,
        w_dim=8,
        num_mapping_layers=2,
    )
    assert isinstance(model, StyleGAN2) and model.sample_shape == (32, 32, 1)
    config = model.get_compile_config()
    assert (config["d_reg_interval"], config["pl_interval"]) == (16, 4)
    assert config["ema_rampup"] == 0.05 and config["style_mixing_prob"] == 0.9
    assert float(model.g_optimizer.learning_rate) == pytest.approx(0.002)
    for name, size in (("stylegan2_celeba", 128), ("stylegan2_ffhq", 256)):
        preset = presets.get(name)
        assert preset["file"] is None and preset["class"] == "StyleGAN2"
        assert preset["recipe"]["model"]["image_size"] == size


@pytest.mark.large
def test_digits_recipe_smoke_run(tmp_path):
    import json

    from keras_gans import runner

    results = runner.run_preset(
        "stylegan2_digits",
        [
            *("--channel-base", "16", "--channel-max", "4", "--latent-dim", "8"),
            *("--mapping-layers", "2", "--batch-size", "8", "--epochs", "1"),
            *("--steps-per-epoch", "2", "--out", str(tmp_path)),
        ],
    )
    assert results["steps"] == 2 and results["images_seen"] == 16
    assert 0.0 <= results["confident_fraction"] <= 1.0 and "digit_fd_ratio" in results
    assert (tmp_path / "model.keras").is_file()
    assert (tmp_path / "saved_model" / "1" / "saved_model.pb").is_file()
    assert json.loads((tmp_path / "metrics.json").read_text()) == results


_MIRRORED = """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
import json, numpy as np
from keras_gans.models.stylegan2 import StyleGAN2
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
with strategy.scope():
    model = StyleGAN2(image_size=8, channels=1, latent_dim=8, w_dim=8,
                      num_mapping_layers=2, channel_base=32, channel_max=4, seed=0)
    model.compile(d_reg_interval=2, pl_interval=2, ema_rampup=0.05)
x = np.random.default_rng(0).uniform(-1, 1, (16, 8, 8, 1)).astype("float32")
ds = tf.data.Dataset.from_tensor_slices((x,)).batch(8, drop_remainder=True)
logs = model.fit(ds, verbose=0, shuffle=False).history
print(json.dumps(dict(replicas=strategy.num_replicas_in_sync,
    logs={k: v[-1] for k, v in logs.items()}, images_seen=model.images_seen,
    pl_mean=float(model.pl_mean.numpy()),
    g_steps=int(model.g_optimizer.iterations.numpy()))))
"""


@pytest.mark.large
def test_mirrored_strategy_on_two_replicas():
    """Lazy R1 and path length, style mixing, w_avg and the EMA under a
    2-replica MirroredStrategy (its synchronised updates outside the lazy
    conds): finite losses, the global image count, pl_mean moved."""
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", _MIRRORED], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["replicas"] == 2 and report["images_seen"] == 16
    assert report["g_steps"] == 2 and report["pl_mean"] > 0
    assert all(np.isfinite(v) for v in report["logs"].values())
    assert {"r1", "pl"} <= set(report["logs"])
