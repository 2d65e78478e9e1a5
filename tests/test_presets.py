"""Presets: the registry, building a preset's model, its shipped weights and
the tool that rebuilds them."""

import importlib.util
import json
import pathlib

import keras
import numpy as np
import pytest

from keras_gans import metrics, presets, recipe_evaluation, runner
from keras_gans.models import DCGAN, ConditionalGAN, registry

ROOT = pathlib.Path(__file__).resolve().parents[1]
DIGIT_PRESETS = [
    "gan_digits",
    "dcgan_digits",
    "cgan_digits",
    "pggan_digits",
    "pix2pix_digits",
    "cyclegan_digits",
    "scgan_digits",
]
CONFIG_ONLY_PRESETS = ["pggan_celeba", "pix2pix_facades", "cyclegan_horse2zebra"]


def _has_weights(name):
    return any(p["name"] == name and p["has_weights"] for p in presets.list_presets())


def test_list_presets_names_every_family():
    rows = {row["name"]: row for row in presets.list_presets()}
    assert set(DIGIT_PRESETS) | set(CONFIG_ONLY_PRESETS) <= set(rows)
    for row in rows.values():
        assert set(row) == {
            "name",
            "class",
            "description",
            "figures",
            "bars",
            "measured",
            "has_weights",
        }
        assert row["description"] and "\n" not in row["description"]
    for name in CONFIG_ONLY_PRESETS:
        assert not rows[name]["has_weights"]


def test_unknown_preset_names_the_known_ones():
    with pytest.raises(ValueError, match="'nope'.*cgan_digits"):
        presets.get("nope")
    assert presets.get("cgan_mnist")["name"] == "cgan_digits"  # old recipe name


def test_config_only_preset_has_no_weights():
    with pytest.raises(FileNotFoundError, match="without trained weights"):
        presets.load("pix2pix_facades")


def test_recipes_keep_the_defaults_of_the_old_recipes():
    cgan = presets.get("cgan_digits")["recipe"]
    assert (cgan["epochs"], cgan["batch_size"], cgan["seed"]) == (60, 64, 20140101)
    assert cgan["model"]["architecture"] == "conv"
    # Issue 25/26: 1e-3 decayed linearly to 1e-4 over the 60 epochs of 78 steps.
    assert cgan["compile"]["g_optimizer"] == {
        "class": "Adam",
        "learning_rate": {
            "class": "PolynomialDecay",
            "initial_learning_rate": 1e-3,
            "decay_steps": 60 * (5000 // 64),
            "end_learning_rate": 1e-4,
            "power": 1.0,
        },
        "beta_1": 0.5,
    }
    assert cgan["compile"]["d_optimizer"] == cgan["compile"]["g_optimizer"]
    assert cgan["compile"]["ema_decay"] == 0.995
    adam = presets.make_optimizer(cgan["compile"]["g_optimizer"])
    schedule = keras.optimizers.schedules.deserialize(
        adam.get_config()["learning_rate"]
    )
    rates = [float(schedule(step)) for step in (0, 2340, 4680, 10_000)]
    assert rates == pytest.approx([1e-3, 5.5e-4, 1e-4, 1e-4])
    dcgan = presets.get("dcgan_digits")["recipe"]
    assert (dcgan["epochs"], dcgan["batch_size"], dcgan["seed"]) == (150, 64, 20160107)
    assert (
        dcgan["compile"]["r1_weight"] == 1.0 and dcgan["compile"]["d_reg_interval"] == 4
    )
    gan = presets.get("gan_digits")["recipe"]
    assert (gan["epochs"], gan["batch_size"]) == (100, 100)  # issue 25: 100 epochs
    # XLA is decided per device in one place (`devices.default_jit_compile`).
    for name in presets.names():
        assert "jit_compile" not in presets.get(name)["recipe"].get("compile", {})
    facades = presets.get("pix2pix_facades")["recipe"]
    assert (facades["epochs"], facades["batch_size"]) == (200, 1)
    assert (
        facades["model"]["l1_weight"] == 100.0
        and facades["model"]["num_discriminator_layers"] == 3
    )
    assert (facades["model"]["image_size"], facades["data"]["load_size"]) == (256, 286)
    assert facades["data"]["direction"] == "BtoA"  # labels -> photo


def test_build_compiles_as_the_recipe_does():
    model = presets.build(
        "cgan_digits", generator_filters=4, discriminator_filters=4, latent_dim=8
    )
    assert isinstance(model, ConditionalGAN)
    assert model.sample_shape == (28, 28, 1)
    assert model.g_optimizer is not model.d_optimizer
    assert float(model.g_optimizer.learning_rate) == pytest.approx(1e-3)  # step 0
    assert float(model.g_optimizer.beta_1) == pytest.approx(0.5)
    assert model.ema_generator is not None


def test_flags_change_the_recipe():
    parser = runner.preset_parser("pggan_digits")
    args = parser.parse_args(["--kimg-per-phase", "2", "--fmap-max", "8"])
    recipe = runner.preset_recipe("pggan_digits", args)
    schedule = recipe["schedule"]
    assert schedule["first_kimg"] == schedule["stable_kimg"] == 2.0
    assert recipe["model"]["fmap_max"] == 8
    default = runner.preset_recipe("pggan_digits", parser.parse_args([]))
    assert default["schedule"]["stable_kimg"] == {8: 40.0, 16: 360.0}
    with pytest.raises(SystemExit):
        runner.preset_parser("cgan_digits").parse_args(["--architecture", "x"])


def test_pggan_evaluation_crops_back_to_28x28():
    x = np.arange(32 * 32, dtype="float32").reshape(1, 32, 32, 1)
    np.testing.assert_array_equal(
        recipe_evaluation.to_classifier_size(x), x[:, 2:30, 2:30]
    )
    small = np.arange(16, dtype="float32").reshape(1, 4, 4, 1)
    assert recipe_evaluation.to_classifier_size(small).shape == (1, 28, 28, 1)


def test_celeba_preset_reads_a_folder_of_images(tmp_path):
    folder = tmp_path / "img_align_celeba"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(6):
        face = rng.integers(0, 256, (218, 178, 3), dtype=np.uint8)
        keras.utils.save_img(folder / f"{i:06d}.jpg", face)
    parser = runner.preset_parser("pggan_celeba")
    args = parser.parse_args(["--max-resolution", "16", "--batch-size", "4"])
    recipe = runner.preset_recipe("pggan_celeba", args)
    (images,) = next(iter(presets.build_dataset(recipe, data_dir=str(folder))[0]))
    assert images.shape == (4, 16, 16, 3)
    assert -1.0 <= float(np.min(images)) <= float(np.max(images)) <= 1.0
    with pytest.raises(ValueError, match="data-dir|path"):
        presets.build_dataset(recipe, data_dir=str(tmp_path / "missing"))


@pytest.mark.skipif(not _has_weights("cgan_digits"), reason="weights not built")
def test_cgan_digits_preset_draws_its_labels():
    model = registry.load_preset("cgan_digits", ConditionalGAN)
    labels = np.repeat(np.arange(10), 100)
    images = model.generate(len(labels), labels=labels, seed=1)
    assert metrics.label_accuracy(images, labels) >= 0.98
    with pytest.raises(ValueError, match="not a DCGAN"):
        registry.load_preset("cgan_digits", DCGAN)
    figures = presets.get("cgan_digits")["figures"]
    assert figures["label_accuracy"] >= 0.98


def test_build_presets_tool_smoke(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "build_presets", ROOT / "tools" / "build_presets.py"
    )
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assets = tmp_path / "assets"
    argv = ["--only", "dcgan_digits", "--smoke", "--work", str(tmp_path / "w")]
    # Two steps of training miss the preset's bars: refused, nothing shipped.
    with pytest.raises(SystemExit, match="Refused .*dcgan_digits"):
        tool.main(argv + ["--assets", str(assets)])
    assert not (assets / "dcgan_digits.keras").exists()
    assert not (assets / "figures.json").exists()
    # Allowed explicitly, it ships with its figures and how they were measured.
    built = tool.main(argv + ["--assets", str(assets), "--allow-below-bar"])
    assert set(built) == {"dcgan_digits"}
    assert 0.0 <= built["dcgan_digits"]["class_entropy"] <= np.log(10) + 1e-6
    model = keras.saving.load_model(assets / "dcgan_digits.keras", safe_mode=True)
    assert isinstance(model, DCGAN)
    entry = json.loads((assets / "figures.json").read_text())["dcgan_digits"]
    assert entry["figures"] == built["dcgan_digits"]
    assert entry["figures"]["digit_fd_ratio"] > 2.0
    assert entry["measured"]["num_samples"] == 1000
    assert len(entry["measured"]["classifier_sha256"]) == 16
    # Rerunnable: a finished run is reused, not trained again.
    mtime = (tmp_path / "w" / "dcgan_digits" / "metrics.json").stat().st_mtime
    tool.main(argv + ["--assets", str(assets), "--allow-below-bar"])
    assert (tmp_path / "w" / "dcgan_digits" / "metrics.json").stat().st_mtime == mtime


def test_round_to_bfloat16_keeps_shape_and_rounds_to_nearest_even():
    """0-d arrays stay 0-d (a scalar weight, e.g. StyleGAN2's noise
    strength); 1 + 2**-8 is a tie and rounds to even (1.0), 1 + 3 * 2**-8
    rounds up to 1 + 2**-6; non-finite values pass through."""
    value = np.array(1 + 3 * 2.0**-8, np.float32)
    assert registry._round_to_bfloat16(value).shape == ()
    assert float(registry._round_to_bfloat16(value)) == 1 + 2.0**-6
    grid = np.array([[1 + 2.0**-8, np.inf], [np.nan, -2.0]], np.float32)
    out = registry._round_to_bfloat16(grid)
    assert out.shape == (2, 2) and out[0, 0] == 1.0 and out[0, 1] == np.inf
    assert np.isnan(out[1, 0]) and out[1, 1] == -2.0


def test_save_preset_writes_a_model_with_scalar_weights(tmp_path):
    """A StyleGAN2 (0-d noise strengths, trained further after EMA) saves as
    a preset and loads with every weight within the preset's rounding."""
    from keras_gans.models.stylegan2 import StyleGAN2

    model = StyleGAN2(
        image_size=8,
        channels=1,
        latent_dim=8,
        w_dim=8,
        num_mapping_layers=2,
        channel_base=32,
        channel_max=4,
        seed=1,
    )
    model.compile()
    for w in model.weights:
        if w.path.endswith("noise_strength"):
            w.assign(0.123)
    path = registry.save_preset(model, str(tmp_path / "sg.keras"))
    loaded = keras.saving.load_model(path)
    assert [w.shape for w in loaded.weights] == [w.shape for w in model.weights]
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(b),
            keras.ops.convert_to_numpy(a),
            rtol=2**-7,
            atol=1e-6,
        )
