"""Every `keras-gans` verb on every kind of model file: a result, or one line
on stderr with exit code 2 -- never a traceback."""

import os

import keras
import numpy as np
import pytest

from keras_gans import cli
from keras_gans.models import (
    DCGAN,
    GAN,
    ConditionalGAN,
    FastStyleTransfer,
    Pix2Pix,
    ProgressiveGAN,
)


def _tiny(kind):
    if kind == "gan":
        return GAN(latent_dim=4, generator_units=(8,), discriminator_units=(8,), seed=0)
    if kind == "dcgan":
        return DCGAN(
            image_size=28,
            channels=1,
            latent_dim=4,
            generator_filters=2,
            discriminator_filters=2,
            seed=0,
        )
    if kind == "cgan":
        return ConditionalGAN(
            architecture="conv",
            latent_dim=4,
            generator_filters=2,
            discriminator_filters=2,
            seed=0,
        )
    if kind == "pggan":
        return ProgressiveGAN(
            image_size=8, channels=1, latent_dim=8, fmap_base=16, fmap_max=8, seed=0
        )
    if kind == "pix2pix":
        return Pix2Pix(
            image_size=32,
            input_channels=1,
            channels=1,
            generator_filters=2,
            discriminator_filters=2,
            seed=0,
        )
    if kind == "fast_style":
        model = FastStyleTransfer(filters=4, num_residual_blocks=1, vgg_weights=None)
        model.set_style(np.full((32, 32, 3), 200.0))
        return model
    raise ValueError(kind)


MODEL_KINDS = ("gan", "dcgan", "cgan", "pggan", "pix2pix", "fast_style")
FILE_KINDS = MODEL_KINDS + ("plain_keras", "not_a_zip", "missing")
VERBS = ("sample", "translate", "evaluate", "export", "train", "presets")

# (verb, kind) pairs that must give a result (exit code 0).
WORKS = {
    *[("sample", k) for k in ("gan", "dcgan", "cgan", "pggan")],
    *[("translate", k) for k in ("pix2pix", "fast_style")],
    *[("evaluate", k) for k in ("gan", "dcgan", "cgan")],
    *[("export", k) for k in MODEL_KINDS],
    *[("presets", k) for k in FILE_KINDS],
}


@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    files = {}
    for kind in MODEL_KINDS:
        model = _tiny(kind)
        model.compile()
        files[kind] = str(folder / f"{kind}.keras")
        model.save(files[kind])
    plain = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    files["plain_keras"] = str(folder / "plain.keras")
    plain.save(files["plain_keras"])
    files["not_a_zip"] = str(folder / "notes.keras")
    with open(files["not_a_zip"], "w") as f:
        f.write("not a model\n")
    files["missing"] = str(folder / "missing.keras")
    np.save(folder / "inputs1.npy", np.zeros((2, 32, 32, 1), "uint8"))
    np.save(folder / "inputs3.npy", np.zeros((2, 32, 32, 3), "uint8"))
    return folder, files


def _argv(verb, kind, folder, files):
    path = files[kind]
    if verb == "sample":
        return ["sample", path, "--num", "10", "--out", str(folder / f"{kind}.png")]
    if verb == "translate":
        inputs = "inputs3.npy" if kind == "fast_style" else "inputs1.npy"
        return [
            "translate",
            path,
            "--input",
            str(folder / inputs),
            "--out",
            str(folder / f"{kind}_translated.png"),
        ]
    if verb == "evaluate":
        return ["evaluate", path, "--num", "20", "--seed", "0"]
    if verb == "export":
        return ["export", path, str(folder / "exports" / kind)]
    if verb == "train":  # a model file is not a preset
        return ["train", path]
    return ["presets"]


@pytest.mark.parametrize("kind", FILE_KINDS)
@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_on_every_model_kind(verb, kind, model_files, capsys):
    folder, files = model_files
    code = cli.main(_argv(verb, kind, folder, files))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if (verb, kind) in WORKS:
        assert code == 0, err
        return
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("keras-gans"), err
    if kind == "missing" and verb != "train":
        assert "not found" in lines[0]
    if kind == "not_a_zip" and verb != "train":
        assert "Not a `.keras` model file" in lines[0]


def test_the_cli_loads_with_safe_mode_on(model_files, monkeypatch):
    folder, files = model_files
    calls = []
    load = keras.saving.load_model

    def spy(path, *args, **kwargs):
        calls.append(kwargs.get("safe_mode", True))
        return load(path, *args, **kwargs)

    monkeypatch.setattr(keras.saving, "load_model", spy)
    assert (
        cli.main(
            [
                "sample",
                files["dcgan"],
                "--num",
                "2",
                "--out",
                os.path.join(folder, "s.png"),
            ]
        )
        == 0
    )
    assert calls == [True]
