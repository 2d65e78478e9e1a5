"""CycleGAN (Zhu et al. 2017): networks, pool, schedule, losses, saving, export."""

import keras
import model_test_case as mtc
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_gans import export
from keras_gans._keras_compat import learning_rate_schedule
from keras_gans.layers import ReflectionPadding2D
from keras_gans.models.cyclegan import (
    CycleGAN,
    ImagePool,
    LinearDecaySchedule,
    instance_norm,
    resnet_generator,
)

TINY = dict(
    image_size=8,
    channels_a=1,
    generator_filters=2,
    discriminator_filters=2,
    num_residual_blocks=1,
    num_discriminator_layers=1,
    pool_size=2,
)


def tiny(**overrides):
    return CycleGAN(**{**TINY, "seed": 3, **overrides})


def batch(n=2, size=8, channels=1, seed=0):
    rng = np.random.default_rng(seed)
    shape = (n, size, size, channels)
    return tuple(rng.uniform(-1, 1, shape).astype("float32") for _ in range(2))


def arrays(variables):
    return [ops.convert_to_numpy(v).copy() for v in variables]


def changed(before, after):
    return any(not np.array_equal(x, y) for x, y in zip(before, after))


# ------------------------------------------------------------------ networks
def test_resnet_generator_is_the_papers_layer_list():
    g = resnet_generator(3, filters=64, num_residual_blocks=9)
    convs = [
        (type(layer).__name__, layer.filters, layer.kernel_size[0], layer.strides[0])
        for layer in g.layers
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose))
    ]
    assert convs[:3] == [
        ("Conv2D", 64, 7, 1),
        ("Conv2D", 128, 3, 2),
        ("Conv2D", 256, 3, 2),
    ]
    assert convs[3:21] == [("Conv2D", 256, 3, 1)] * 18  # 9 residual blocks
    assert convs[21:] == [
        ("Conv2DTranspose", 128, 3, 2),
        ("Conv2DTranspose", 64, 3, 2),
        ("Conv2D", 3, 7, 1),
    ]
    pads = [
        layer.padding for layer in g.layers if isinstance(layer, ReflectionPadding2D)
    ]
    assert pads == [3] + [1] * 18 + [3]
    norms = [
        layer
        for layer in g.layers
        if isinstance(layer, keras.layers.GroupNormalization)
    ]
    assert len(norms) == 2 + 1 + 1 + 18 + 2 - 1  # every conv but the last
    assert g.layers[-1].get_config()["activation"] == "tanh"
    out = g(np.zeros((1, 64, 48, 3), "float32"))
    assert out.shape == (1, 64, 48, 3)
    assert len(
        CycleGAN(
            128, 3, generator_filters=2, discriminator_filters=2
        ).generator_ab.layers
    ) < len(
        CycleGAN(
            256, 3, generator_filters=2, discriminator_filters=2
        ).generator_ab.layers
    )  # 6 blocks at 128, 9 at 256


def test_instance_norm_is_exact():
    x = np.random.default_rng(0).normal(2.0, 3.0, (2, 4, 5, 3)).astype("float32")
    y = ops.convert_to_numpy(instance_norm("n")(x))
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-5), atol=1e-5)


def test_reflection_padding_matches_tf_pad_and_saves():
    x = np.arange(2 * 4 * 5 * 2, dtype="float32").reshape(2, 4, 5, 2)
    layer = ReflectionPadding2D(2)
    expected = tf.pad(x, [[0, 0], [2, 2], [2, 2], [0, 0]], mode="REFLECT")
    np.testing.assert_array_equal(ops.convert_to_numpy(layer(x)), expected.numpy())
    again = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(layer)
    )
    assert again.padding == 2
    with pytest.raises(ValueError, match="padding"):
        ReflectionPadding2D(-1)


# ---------------------------------------------------------------------- pool
def test_image_pool_fills_then_swaps_half_the_time():
    pool = ImagePool(3, (1, 1, 1))
    seeds = keras.random.SeedGenerator(0)
    first = np.arange(3, dtype="float32").reshape(3, 1, 1, 1)
    out = ops.convert_to_numpy(pool.query(first, seeds))
    np.testing.assert_array_equal(out, first)  # not full: returned as given
    assert int(pool.count.numpy()) == 3
    swapped = 0
    for step in range(200):
        image = np.full((1, 1, 1, 1), 100.0 + step, "float32")
        before = set(pool.images.numpy().ravel().tolist())
        got = float(ops.convert_to_numpy(pool.query(image, seeds)).ravel()[0])
        after = set(pool.images.numpy().ravel().tolist())
        if got != 100.0 + step:
            swapped += 1
            assert got in before and 100.0 + step in after and got not in after
        else:
            assert after == before
    assert 70 < swapped < 130  # p = 1/2
    with pytest.raises(ValueError, match="pool_size"):
        ImagePool(-1, (1, 1, 1))


def test_pool_draws_come_from_the_seed_stream():
    def run():
        pool = ImagePool(2, (1, 1, 1))
        seeds = keras.random.SeedGenerator(5)
        x = np.arange(8, dtype="float32").reshape(8, 1, 1, 1)
        return ops.convert_to_numpy(pool.query(x, seeds))

    np.testing.assert_array_equal(run(), run())
    assert ImagePool(0, (1, 1, 1)).query(
        np.ones((2, 1, 1, 1), "float32"), None
    ).shape == (2, 1, 1, 1)


# ------------------------------------------------------------------ schedule
def test_linear_decay_schedule_values():
    schedule = LinearDecaySchedule(2e-4, total_steps=200)
    values = [float(schedule(s)) for s in (0, 50, 99, 100, 150, 199, 200, 300)]
    np.testing.assert_allclose(
        values, [2e-4, 2e-4, 2e-4, 2e-4, 1e-4, 2e-6, 0.0, 0.0], rtol=1e-5, atol=1e-12
    )
    assert float(LinearDecaySchedule(1e-3)(10**6)) == pytest.approx(1e-3)
    again = LinearDecaySchedule.from_config(schedule.get_config())
    assert again.get_config() == schedule.get_config()
    with pytest.raises(ValueError, match="constant_fraction"):
        LinearDecaySchedule(constant_fraction=2.0)


# -------------------------------------------------------------------- losses
def test_losses_match_a_hand_computation():
    model = tiny(pool_size=0)
    a, b = batch(1)
    terms, fake_a, fake_b = model.generator_losses(a, b, training=False)
    g, f = model.generator_ab, model.generator_ba
    da, db = model.discriminator_a, model.discriminator_b

    def np_(x):
        return ops.convert_to_numpy(x).astype("float64")

    gb, fa = np_(g(a)), np_(f(b))
    np.testing.assert_allclose(
        float(terms["g_ab"]), np.mean((np_(db(gb)) - 1) ** 2), rtol=1e-5
    )
    np.testing.assert_allclose(
        float(terms["g_ba"]), np.mean((np_(da(fa)) - 1) ** 2), rtol=1e-5
    )
    np.testing.assert_allclose(
        float(terms["cycle_a"]), 10 * np.mean(np.abs(np_(f(gb)) - a)), rtol=1e-5
    )
    np.testing.assert_allclose(
        float(terms["cycle_b"]), 10 * np.mean(np.abs(np_(g(fa)) - b)), rtol=1e-5
    )
    np.testing.assert_allclose(
        float(terms["identity_a"]), 5 * np.mean(np.abs(np_(f(a)) - a)), rtol=1e-5
    )
    np.testing.assert_allclose(
        float(terms["identity_b"]), 5 * np.mean(np.abs(np_(g(b)) - b)), rtol=1e-5
    )
    d = model.discriminator_losses(a, b, fake_a, fake_b, training=False)
    expected = 0.5 * (np.mean((np_(da(a)) - 1) ** 2) + np.mean(np_(da(fa)) ** 2))
    np.testing.assert_allclose(float(d["d_a"]), expected, rtol=1e-5)
    assert "identity_a" not in tiny(identity_weight=0.0).generator_losses(a, b)[0]


def test_one_train_step_moves_both_generators_then_both_discriminators():
    model = tiny()
    model.compile()
    nets = (
        model.generator_ab,
        model.generator_ba,
        model.discriminator_a,
        model.discriminator_b,
    )
    before = [arrays(n.trainable_weights) for n in nets]
    pool_before = arrays([model.pool_a.count, model.seed_generator.state])
    logs = model.train_step(batch(2))
    for net, old in zip(nets, before):
        assert changed(old, arrays(net.trainable_weights)), net.name
    assert changed(
        pool_before, arrays([model.pool_a.count, model.seed_generator.state])
    )
    assert int(model.g_optimizer.iterations.numpy()) == 1
    assert int(model.d_optimizer.iterations.numpy()) == 1
    logs = {k: float(v) for k, v in logs.items()}
    assert {"d_loss", "g_loss", "cycle_a", "cycle_b", "identity_a", "d_a"} <= set(logs)
    assert all(np.isfinite(v) for v in logs.values())
    # The G step alone leaves both Ds: G's update runs with D frozen.
    model = tiny()
    model.compile(d_optimizer=keras.optimizers.SGD(0.0))
    ds = (model.discriminator_a, model.discriminator_b)
    before = [arrays(n.trainable_weights) for n in ds]
    model.train_step(batch(2))
    for net, old in zip(ds, before):
        assert not changed(old, arrays(net.trainable_weights))


# -------------------------------------------------------------------- export
# ------------------------------------------------ the shared model properties
class TestCycleGAN(mtc.ModelTestCase):
    """Seeds and dtype, config, `.keras` (and the schedule's resume), export
    and presets, with the shared checks."""

    def test_seed_and_dtype_reach_every_network(self):
        first, second = tiny(), tiny()
        for name in ("generator_ab", "generator_ba"):  # seeded by the model's seed
            self.assert_all_equal(
                getattr(first, name).get_weights(),
                getattr(second, name).get_weights(),
                name,
            )
        keras.utils.set_random_seed(mtc.SEED)  # the PatchGAN builder takes no seed
        first = tiny()
        keras.utils.set_random_seed(mtc.SEED)
        second = tiny()
        self.assert_all_equal(first.get_weights(), second.get_weights(), "same seed")
        assert changed(
            arrays(first.generator_ab.weights), arrays(first.generator_ba.weights)
        )  # G and F differ
        model = tiny(dtype="mixed_bfloat16")
        nets = (
            model.generator_ab,
            model.generator_ba,
            model.discriminator_a,
            model.discriminator_b,
        )
        self.assert_dtype_policy(model, "mixed_bfloat16", networks=nets)

    def test_config_round_trip_and_keras_file(self, tmp_path):
        model = tiny(image_size=(8, 12))
        model.compile()
        self.run_serialization_test(model)
        x = np.random.default_rng(1).uniform(-1, 1, (2, 8, 12, 1)).astype("float32")
        model.fit(x, x, batch_size=2, verbose=0)
        self.run_model_saving_test(
            model,
            tmp_path,
            lambda m: {
                "AtoB": m.translate(x),
                "BtoA": m.translate(x, direction="BtoA"),
                "pool_b": m.pool_b.images,
                "seed": m.seed_generator.state,
            },
        )

    def test_fit_sets_the_schedule_length_and_it_resumes(self, tmp_path):
        model = tiny()
        model.compile()
        a, b = batch(4)
        model.fit(a, b, batch_size=2, epochs=3, verbose=0)  # 6 steps
        schedule = learning_rate_schedule(model.g_optimizer)
        assert schedule.total_steps == 6 and schedule.constant_steps == 3
        assert float(model.g_optimizer.learning_rate) == 0.0
        loaded = self.run_model_saving_test(model, tmp_path, lambda m: m.translate(a))
        assert int(loaded.g_optimizer.iterations.numpy()) == 6
        assert learning_rate_schedule(loaded.d_optimizer).total_steps == 6

    def test_export_serves_both_directions_to_tensorflow_alone(self, tmp_path):
        model = tiny(channels_a=1)
        x = np.random.default_rng(2).uniform(-1, 1, (3, 8, 8, 1)).astype("float32")
        self.run_export_test(
            model,
            tmp_path,
            requests={
                name: (name, {"image": x})
                for name in ("serving_default", "AtoB", "BtoA")
            },
            expected={
                "serving_default": model.translate(x),
                "AtoB": model.translate(x),
                "BtoA": model.translate(x, direction="BtoA"),
            },
        )
        one = export.export_generator(model, str(tmp_path / "one"), direction="BtoA")
        assert sorted(tf.saved_model.load(one).signatures) == [
            "BtoA",
            "serving_default",
        ]
        with pytest.raises(ValueError, match="direction"):
            export.export_generator(model, str(tmp_path / "bad"), direction="AtoC")

    def test_preset_builds_and_lists(self):
        from keras_gans import presets

        model = presets.build(
            "cyclegan_digits",
            generator_filters=2,
            discriminator_filters=2,
            num_residual_blocks=1,
        )
        assert isinstance(model, CycleGAN) and model.sample_shape == (32, 32, 1)
        assert float(model.g_optimizer.beta_1) == pytest.approx(0.5)
        x = np.random.default_rng(2).uniform(-1, 1, (2, 32, 32, 1)).astype("float32")
        self.run_preset_test(
            CycleGAN,
            "cyclegan_digits",
            sample=lambda m: m.translate(x),
            expected_shape=(2, 32, 32, 1),
        )
        assert "cyclegan_horse2zebra" in presets.names()
        with pytest.raises(FileNotFoundError):
            CycleGAN.from_preset("cyclegan_horse2zebra")


# ------------------------------------------------------------------- checks
def test_translate_checks_direction_shape_and_range():
    model = tiny(channels_a=1, channels_b=3, identity_weight=0.0)
    x = np.zeros((2, 8, 8, 1), "float32")
    assert model.translate(x).shape == (2, 8, 8, 3)
    assert model.translate(
        np.zeros((2, 12, 16, 3), "float32"), direction="BtoA"
    ).shape == (2, 12, 16, 1)
    with pytest.raises(ValueError, match="direction"):
        model.translate(x, direction="AtoC")
    with pytest.raises(ValueError, match=r"BtoA.*\(n, H, W, 3\)"):
        model.translate(x, direction="BtoA")
    with pytest.raises(ValueError, match="multiples of 4"):
        model.translate(np.zeros((1, 6, 8, 1), "float32"))
    with pytest.raises(ValueError, match="images"):
        model.translate(x + 3.0)
    assert model.sample_shape == (8, 8, 3)
    with pytest.raises(ValueError, match="identity_weight"):
        CycleGAN(8, 1, channels_b=3)
    with pytest.raises(ValueError, match="image_size"):
        CycleGAN(10, 1)
    with pytest.raises(ValueError, match="translates"):
        model.generate(2)


def test_fit_rejects_bad_shapes_before_training():
    model = tiny()
    model.compile()
    a, b = batch(2)
    with pytest.raises(ValueError, match=r"`b` must have shape \(batch, 8, 8, 1\)"):
        model.fit(a, b[..., None], verbose=0)
    with pytest.raises(ValueError, match="`a` must have shape"):
        model.fit(np.zeros((2, 16, 16, 1), "float32"), b, verbose=0)
    with pytest.raises(ValueError, match="unpaired"):
        model.fit(tf.data.Dataset.from_tensor_slices(a).batch(1), verbose=0)
    with pytest.raises(ValueError, match="as many"):
        model.fit(a, b[:1], verbose=0)
    ds = tf.data.Dataset.from_tensor_slices((a, b[..., 0])).batch(1)
    with pytest.raises(ValueError, match="`b` must have shape"):
        model.fit(ds, verbose=0)


def _load_recipe(name):
    import importlib.util
    import pathlib

    path = pathlib.Path(__file__).resolve().parents[1] / "recipes" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_recipe", path)
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    return recipe


def test_digits_recipe_smoke_run_writes_its_outputs(tmp_path):
    import json

    flags = ["--generator-filters", "2", "--discriminator-filters", "2"]
    flags += ["--residual-blocks", "1", "--epochs", "1", "--steps-per-epoch", "2"]
    results = _load_recipe("cyclegan_digits").main(flags + ["--out", str(tmp_path)])
    for name in ("ab_epoch_001.png", "ba_epoch_001.png"):
        assert (tmp_path / "samples" / name).is_file()
    assert (tmp_path / "losses.png").is_file()
    assert (tmp_path / "model.keras").is_file()
    served = tf.saved_model.load(str(tmp_path / "saved_model" / "1"))
    assert {"serving_default", "AtoB", "BtoA"} <= set(served.signatures)
    assert json.loads((tmp_path / "metrics.json").read_text()) == results
    assert results["steps"] == 2 and results["num_heldout"] == 1000
    for key in ("cycle_accuracy", "btoa_accuracy", "atob_l1"):
        assert 0.0 <= results[key] <= 1.0


@pytest.mark.large
def test_digits_recipe_reaches_the_bars(tmp_path):
    """The `cyclegan_digits` defaults: F(G(a)) read right >= 90%, F(true
    edges) read right >= 85% on the 1000 held-out digits."""
    results = _load_recipe("cyclegan_digits").main(["--out", str(tmp_path / "run")])
    assert results["cycle_accuracy"] >= 0.90, results
    assert results["btoa_accuracy"] >= 0.85, results
    assert 0.0 <= results["atob_l1"] <= 1.0


def test_fit_hands_keras_the_dataset_without_the_autotune_model(monkeypatch):
    """Issue 26: as `AdversarialModel.fit`, CycleGAN's switches tf.data's
    autotuning model off on a dataset that leaves it unset."""
    seen = []
    monkeypatch.setattr(
        keras.Model, "fit", lambda self, x=None, *a, **k: seen.append(x)
    )
    model = tiny()
    ds = tf.data.Dataset.from_tensor_slices(batch(4)).batch(2)
    model.fit(ds, verbose=0)
    assert seen[-1].options().autotune.enabled is False
