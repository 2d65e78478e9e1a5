"""The digit recipes: a quick smoke run of each, and (marked `large`) the
full default runs against the quality bars of the foundation issue."""

import importlib.util
import json
import pathlib
import time

import pytest

RECIPES = pathlib.Path(__file__).resolve().parents[1] / "recipes"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, RECIPES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["gan_mnist", "dcgan_mnist", "cgan_mnist"])
def test_recipe_smoke_run_writes_its_outputs(name, tmp_path):
    results = _load(name).main(
        ["--epochs", "1", "--steps-per-epoch", "2", "--out", str(tmp_path)]
    )
    assert (tmp_path / "samples" / "samples_epoch_001.png").is_file()
    assert (tmp_path / "losses.png").is_file()
    assert (tmp_path / "model.keras").is_file()
    assert (tmp_path / "saved_model" / "1" / "saved_model.pb").is_file()
    assert json.loads((tmp_path / "metrics.json").read_text()) == results
    assert results["steps"] == 2
    assert results["num_images"] == 1000 and sum(results["class_histogram"]) == 1000
    if name == "cgan_mnist":
        assert 0.0 <= results["label_accuracy"] <= 1.0


@pytest.mark.parametrize(
    "name",
    [
        "gan_mnist",
        "dcgan_mnist",
        "cgan_mnist",
        "pggan_digits",
        "pggan_celeba",
        "pix2pix_digits",
        "pix2pix_facades",
        "cyclegan_digits",
        "cyclegan_horse2zebra",
        "scgan_digits",
    ],
)
def test_recipes_are_thin_entry_points_of_presets(name):
    from keras_gans import presets

    text = (RECIPES / f"{name}.py").read_text()
    (preset,) = [p for p in presets.names() if f'run_preset("{p}", argv)' in text]
    assert presets.get(name.replace("_mnist", "_digits"))["name"] == preset
    assert len(text.split('"""', 2)[2].splitlines()) < 25  # code after the docstring


def test_recipe_rejects_bad_epochs(tmp_path):
    with pytest.raises(ValueError, match="--epochs"):
        _load("dcgan_mnist").main(["--epochs", "0", "--out", str(tmp_path)])


@pytest.mark.large
def test_cgan_recipe_follows_labels_within_five_minutes(tmp_path):
    start = time.perf_counter()
    results = _load("cgan_mnist").main(["--out", str(tmp_path)])
    seconds = time.perf_counter() - start
    assert results["label_accuracy"] >= 0.95, results
    assert seconds <= 300, seconds


@pytest.mark.large
def test_dcgan_recipe_covers_all_ten_digits(tmp_path):
    results = _load("dcgan_mnist").main(["--out", str(tmp_path)])
    assert results["class_entropy"] >= 2.2, results
