"""Tests for `keras_gans.cli`: each subcommand run through `main([...])`."""

import json
import os
import sys

import keras
import matplotlib.image
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans import cli, metrics, plotting
from keras_gans.models import DCGAN, ConditionalGAN

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """Tiny saved models: name -> path of the `.keras` file."""
    folder = tmp_path_factory.mktemp("models")
    dcgan = DCGAN(
        image_size=28, channels=1, generator_filters=4, discriminator_filters=4
    )
    dcgan.compile()
    cgan = ConditionalGAN(
        architecture="conv", generator_filters=4, discriminator_filters=4
    )
    cgan.compile()
    # An EMA generator whose weights differ from the online generator's.
    ema = DCGAN(image_size=28, channels=1, generator_filters=4, discriminator_filters=4)
    ema.compile(ema_decay=0.9)
    ema.ema_generator.set_weights([0.5 * w for w in ema.generator.get_weights()])
    rgb = DCGAN(image_size=32, channels=3, generator_filters=4, discriminator_filters=4)
    rgb.compile()
    paths = {}
    for name, model in (("dcgan", dcgan), ("cgan", cgan), ("ema", ema), ("rgb", rgb)):
        paths[name] = str(folder / f"{name}.keras")
        model.save(paths[name])
    return paths


def _read_png(path):
    with open(path, "rb") as f:
        assert f.read(8) == PNG_SIGNATURE
    return np.rint(matplotlib.image.imread(path) * 255).astype(np.uint8)


def _one_line_error(capsys, *needles):
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err
    return err


def test_version(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == keras_gans.__version__


# --- sample ------------------------------------------------------------------


def test_sample_writes_grid_and_npy(models, tmp_path, capsys):
    png, npy = tmp_path / "out" / "grid.png", tmp_path / "samples.npy"
    argv = ["sample", models["dcgan"], "--num", "6", "--out", str(png)]
    assert cli.main(argv + ["--seed", "3", "--npy", str(npy)]) == 0
    assert capsys.readouterr().out.split() == [str(png), str(npy)]
    images = np.load(npy)
    expected = keras.saving.load_model(models["dcgan"]).generate(6, seed=3)
    np.testing.assert_allclose(images, expected, atol=1e-6)
    # 6 tiles -> 2 rows x 3 cols of 28x28, 2 px padding: 58 x 88 pixels.
    pixels = _read_png(png)
    assert pixels.shape[:2] == (58, 88)
    assert pixels.shape[:2] == plotting.image_grid(images).shape
    np.testing.assert_array_equal(pixels[..., 0], plotting.image_grid(images))


def test_sample_conditional_per_class_rows(models, tmp_path):
    png, npy = tmp_path / "grid.png", tmp_path / "samples.npy"
    argv = ["sample", models["cgan"], "--num", "25", "--out", str(png)]
    assert cli.main(argv + ["--seed", "0", "--npy", str(npy)]) == 0
    # 25 // 10 = 2 per class, one row per class: 10 rows x 2 cols.
    images = np.load(npy)
    assert images.shape == (20, 28, 28, 1)
    assert _read_png(png).shape[:2] == (10 * 28 + 9 * 2, 2 * 28 + 2)
    model = keras.saving.load_model(models["cgan"])
    labels = np.repeat(np.arange(10), 2)
    np.testing.assert_allclose(
        images, model.generate(20, labels=labels, seed=0), atol=1e-6
    )


def test_sample_explicit_labels_repeat_to_num(models, tmp_path):
    npy = tmp_path / "sevens.npy"
    argv = ["sample", models["cgan"], "--num", "4", "--labels", "7"]
    assert (
        cli.main(
            argv + ["--out", str(tmp_path / "g.png"), "--seed", "1", "--npy", str(npy)]
        )
        == 0
    )
    model = keras.saving.load_model(models["cgan"])
    expected = model.generate(4, labels=[7, 7, 7, 7], seed=1)
    np.testing.assert_allclose(np.load(npy), expected, atol=1e-6)


def test_sample_uses_ema_generator_unless_no_ema(models, tmp_path):
    model = keras.saving.load_model(models["ema"])
    for flags, use_ema in (([], True), (["--no-ema"], False)):
        npy = tmp_path / f"ema_{use_ema}.npy"
        argv = ["sample", models["ema"], "--num", "2", "--seed", "5", "--npy", str(npy)]
        assert cli.main(argv + ["--out", str(tmp_path / "g.png")] + flags) == 0
        expected = model.generate(2, seed=5, use_ema=use_ema)
        np.testing.assert_allclose(np.load(npy), expected, atol=1e-6)
    assert not np.allclose(
        np.load(tmp_path / "ema_True.npy"), np.load(tmp_path / "ema_False.npy")
    )


# --- export ------------------------------------------------------------------


def test_export_writes_numbered_versions(models, tmp_path, capsys):
    base = tmp_path / "exports"
    assert cli.main(["export", models["dcgan"], str(base)]) == 0
    assert capsys.readouterr().out.strip() == str(base / "1")
    assert (base / "1" / "saved_model.pb").is_file()
    assert cli.main(["export", models["dcgan"], str(base), "--output", "uint8"]) == 0
    assert capsys.readouterr().out.strip() == str(base / "2")
    served = tf.saved_model.load(str(base / "2"))
    images = served.signatures["serving_default"](noise=tf.zeros([2, 100]))["images"]
    assert images.dtype == tf.uint8 and images.shape == (2, 28, 28, 1)
    # An existing version is not overwritten.
    assert cli.main(["export", models["dcgan"], str(base), "--version", "1"]) == 2
    _one_line_error(capsys, "already exists", os.path.join(str(base), "1"))


# --- evaluate ----------------------------------------------------------------


def test_evaluate_unconditional(models, capsys):
    assert cli.main(["evaluate", models["dcgan"], "--num", "20", "--seed", "0"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["num_images"] == 20
    assert sum(report["class_histogram"]) == 20
    assert "label_accuracy" not in report


def test_evaluate_conditional_per_class(models, capsys):
    assert cli.main(["evaluate", models["cgan"], "--num", "30", "--seed", "0"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["num_images"] == 30  # 3 per class
    assert 0.0 <= report["label_accuracy"] <= 1.0
    assert len(report["per_class_accuracy"]) == 10


def test_evaluate_rejects_non_digit_shapes(models, capsys):
    assert cli.main(["evaluate", models["rgb"], "--num", "10"]) == 2
    _one_line_error(capsys, "28x28x1", "(32, 32, 3)")


# --- errors ------------------------------------------------------------------


def test_missing_model_file(tmp_path, capsys):
    missing = str(tmp_path / "nope.keras")
    for argv in (
        ["sample", missing, "--out", str(tmp_path / "g.png")],
        ["export", missing, str(tmp_path / "exports")],
        ["evaluate", missing],
    ):
        assert cli.main(argv) == 2
        _one_line_error(capsys, missing)
    assert not (tmp_path / "g.png").exists()


def test_not_an_adversarial_model(tmp_path, capsys):
    classifier = str(metrics.DIGIT_CLASSIFIER_PATH)
    assert cli.main(["sample", classifier, "--out", str(tmp_path / "g.png")]) == 2
    _one_line_error(capsys, "not a keras_gans adversarial model")


@pytest.mark.parametrize(
    "model, labels, message",
    [
        ("cgan", "a,b", "comma-separated class ids"),
        ("cgan", "3,12", "[12]"),
        ("cgan", "-1", "[-1]"),
        ("dcgan", "0,1", "unconditional"),
    ],
)
def test_sample_bad_labels(models, tmp_path, capsys, model, labels, message):
    out = tmp_path / "g.png"
    argv = ["sample", models[model], "--num", "4", "--out", str(out)]
    assert cli.main(argv + ["--labels", labels]) == 2
    _one_line_error(capsys, "labels", message)
    assert not out.exists()


def test_sample_per_class_needs_one_image_per_class(models, tmp_path, capsys):
    argv = ["sample", models["cgan"], "--num", "5", "--out", str(tmp_path / "g.png")]
    assert cli.main(argv) == 2
    _one_line_error(capsys, "num_classes=10")


def test_argument_errors_are_one_line(tmp_path, capsys):
    assert cli.main(["sample", "m.keras"]) == 2  # no --out
    _one_line_error(capsys, "--out")
    assert cli.main(["sample", "m.keras", "--out", "g.png", "--num", "x"]) == 2
    _one_line_error(capsys, "--num")
    assert cli.main([]) == 2
    _one_line_error(capsys)


# --- train -------------------------------------------------------------------


def test_train_unknown_recipe_lists_available(capsys):
    assert cli.main(["train", "nope_mnist", "--epochs", "1"]) == 2
    err = _one_line_error(capsys, "nope_mnist", "Available recipes")
    for name in cli.available_recipes():
        assert name in err
    assert {"gan_mnist", "dcgan_mnist", "cgan_mnist"} <= set(cli.available_recipes())
    assert cli.main(["train", "../keras_gans/cli"]) == 2  # no paths out of recipes/
    _one_line_error(capsys, "Available recipes")
    assert cli.main(["train"]) == 2
    _one_line_error(capsys, "Name a recipe", "dcgan_mnist")


def test_train_runs_recipe_as_main_with_its_args(tmp_path, monkeypatch, capsys):
    # A stand-in recipe (real recipes train for minutes).
    (tmp_path / "echo_args.py").write_text(
        "import sys\n"
        "if __name__ == '__main__':\n"
        "    print(' '.join(sys.argv[1:]))\n"
        "    sys.exit(3 if '--fail' in sys.argv else None)\n"
    )
    monkeypatch.setattr(cli, "recipes_dir", lambda: tmp_path)
    argv = ["train", "echo_args", "--epochs", "1", "--out", "runs/x"]
    saved_argv = list(sys.argv)
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.strip() == "--epochs 1 --out runs/x"
    assert sys.argv == saved_argv
    assert cli.main(["train", "echo_args.py", "--fail"]) == 3
