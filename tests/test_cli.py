"""Tests for `keras_gans.cli`: each subcommand run through `main([...])`."""

import json
import os

import keras
import matplotlib.image
import numpy as np
import pytest
import tensorflow as tf

import keras_gans
from keras_gans import cli, metrics, plotting
from keras_gans.models import DCGAN, ConditionalGAN, Pix2Pix
from keras_gans.presets import list_presets as presets_list

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
    _one_line_error(capsys, "not a keras_gans image model")


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


# --- presets -----------------------------------------------------------------


def test_presets_lists_names_descriptions_and_figures(capsys):
    assert cli.main(["presets"]) == 0
    out = capsys.readouterr().out
    for name in ("gan_digits", "dcgan_digits", "cgan_digits", "pggan_digits"):
        assert name in out
    assert "pix2pix_digits" in out and "label_accuracy" in out


@pytest.mark.skipif(
    not any(p["name"] == "cgan_digits" and p["has_weights"] for p in presets_list()),
    reason="cgan_digits weights not built",
)
def test_sample_a_preset_draws_its_labels(tmp_path, capsys):
    npy = tmp_path / "s.npy"
    argv = ["sample", "cgan_digits", "--num", "20", "--seed", "0"]
    assert cli.main(argv + ["--out", str(tmp_path / "g.png"), "--npy", str(npy)]) == 0
    images = np.load(npy)
    assert images.shape == (20, 28, 28, 1)
    labels = np.repeat(np.arange(10), 2)
    assert metrics.label_accuracy(images, labels) >= 0.9


def test_unknown_preset_or_file_is_one_line(tmp_path, capsys):
    assert cli.main(["sample", "nope_digits", "--out", str(tmp_path / "g.png")]) == 2
    _one_line_error(capsys, "nope_digits", "cgan_digits")
    assert cli.main(["export", "pix2pix_facades", str(tmp_path / "e")]) == 2
    _one_line_error(capsys, "without trained weights")


# --- translate -----------------------------------------------------------------


def _tiny_pix2pix_file(tmp_path):
    """A tiny untrained 32x32 grey Pix2Pix saved as `p2p.keras`; its path."""
    model = Pix2Pix(
        image_size=32,
        input_channels=1,
        channels=1,
        generator_filters=2,
        discriminator_filters=2,
        num_discriminator_layers=1,
    )
    model.compile()
    path = str(tmp_path / "p2p.keras")
    model.save(path)
    return path


def test_translate_npy_and_image_files(tmp_path, capsys):
    from PIL import Image

    path = _tiny_pix2pix_file(tmp_path)
    inputs = np.random.default_rng(0).integers(0, 256, (3, 32, 32), dtype=np.uint8)
    np.save(tmp_path / "in.npy", inputs)
    out, npy = tmp_path / "t.png", tmp_path / "t.npy"
    argv = ["translate", path, "--input", str(tmp_path / "in.npy")]
    assert cli.main(argv + ["--out", str(out), "--npy", str(npy)]) == 0
    expected = keras.saving.load_model(path).translate(inputs[..., None] / 127.5 - 1)
    np.testing.assert_allclose(np.load(npy), expected, atol=1e-5)
    assert out.is_file()
    files = []
    for i in range(2):
        files.append(str(tmp_path / f"{i}.png"))
        Image.fromarray(inputs[i]).save(files[-1])
    assert cli.main(["translate", path, "--input", *files, "--out", str(out)]) == 0
    capsys.readouterr()
    bad = ["translate", path, "--input", str(tmp_path / "0.png"), "--out", str(out)]
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "0.png")
    assert cli.main(bad) == 2
    _one_line_error(capsys, "(32, 32, 1)")


def test_translate_refuses_a_bad_npy_naming_it_without_unpickling(tmp_path, capsys):
    """Random bytes, a pickled object array and a string array as `--input`:
    one line naming the file, never an `allow_pickle` suggestion."""
    path = _tiny_pix2pix_file(tmp_path)
    garbage = tmp_path / "garbage.npy"
    garbage.write_bytes(np.random.default_rng(0).bytes(256))
    objects = tmp_path / "objects.npy"
    np.save(objects, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    strings = tmp_path / "strings.npy"
    np.save(strings, np.array(["a", "b"]))
    for bad in (garbage, objects, strings):
        argv = [
            "translate",
            path,
            "--input",
            str(bad),
            "--out",
            str(tmp_path / "t.png"),
        ]
        assert cli.main(argv) == 2
        message = _one_line_error(capsys, str(bad))
        assert "allow_pickle" not in message


def test_translate_16_bit_files_scale_by_their_bit_depth(tmp_path):
    """A 16-bit PNG (or uint16 .npy) is read at 16 bits and scaled by 65535:
    its translation equals that of the same picture stored at 8 bits (no
    wrap mod 256, no clip at 255)."""
    from PIL import Image

    path = _tiny_pix2pix_file(tmp_path)
    eight = np.random.default_rng(1).integers(0, 256, (32, 32), dtype=np.uint8)
    sixteen = eight.astype(np.uint16) * 257  # the same picture, 16 bits deep
    Image.fromarray(eight).save(tmp_path / "8.png")
    Image.fromarray(sixteen).save(tmp_path / "16.png")
    np.save(tmp_path / "16.npy", sixteen[None])
    results = {}
    for name in ("8.png", "16.png", "16.npy"):
        npy = tmp_path / f"{name}.out.npy"
        argv = ["translate", path, "--input", str(tmp_path / name), "--npy", str(npy)]
        assert cli.main(argv + ["--out", str(tmp_path / f"{name}.png")]) == 0
        results[name] = np.load(npy)
    expected = keras.saving.load_model(path).translate(
        eight[None, ..., None] / 127.5 - 1
    )
    for name, result in results.items():
        np.testing.assert_allclose(result, expected, atol=1e-5, err_msg=name)


# --- train -------------------------------------------------------------------


def test_train_unknown_preset_lists_presets(capsys):
    assert cli.main(["train", "nope_mnist", "--epochs", "1"]) == 2
    err = _one_line_error(capsys, "nope_mnist", "Known presets")
    for row in presets_list():
        assert row["name"] in err
    assert cli.main(["train", "../keras_gans/cli"]) == 2
    _one_line_error(capsys, "Known presets")
    assert cli.main(["train"]) == 2
    _one_line_error(capsys, "Name a preset", "dcgan_digits")


def test_train_flag_errors_are_one_line(capsys):
    assert cli.main(["train", "cgan_mnist", "--architecture", "nope"]) == 2
    _one_line_error(capsys, "--architecture")
    assert cli.main(["train", "cgan_digits", "--epochs", "0"]) == 2
    _one_line_error(capsys, "--epochs")


def test_train_runs_the_preset_with_its_flags(tmp_path, monkeypatch, capsys):
    from keras_gans import runner

    calls = []
    monkeypatch.setattr(
        runner,
        "run_preset",
        lambda name, argv, parser_class: calls.append((name, argv)),
    )
    assert cli.main(["train", "cgan_mnist", "--epochs", "1", "--out", "runs/x"]) == 0
    assert calls == [("cgan_digits", ["--epochs", "1", "--out", "runs/x"])]
