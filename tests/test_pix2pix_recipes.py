"""The Pix2Pix recipes: quick smoke runs, and (marked `large`) the digits
recipe's defaults against the issue's quality bars."""

import importlib.util
import json
import pathlib
import time

import numpy as np
import pytest
from PIL import Image

RECIPES = pathlib.Path(__file__).resolve().parents[1] / "recipes"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, RECIPES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _assert_outputs(out, results):
    assert (out / "samples" / "translations_epoch_001.png").is_file()
    assert (out / "losses.png").is_file() and (out / "losses.json").is_file()
    assert (out / "model.keras").is_file()
    assert (out / "saved_model" / "1" / "saved_model.pb").is_file()
    assert json.loads((out / "metrics.json").read_text()) == results
    assert results["steps"] == 2


def test_digits_recipe_smoke_run(tmp_path):
    results = _load("pix2pix_digits").main(
        ["--epochs", "1", "--steps-per-epoch", "2", "--out", str(tmp_path)]
        + ["--generator-filters", "4", "--discriminator-filters", "4"]
        + ["--eval-every", "1"]
    )
    _assert_outputs(tmp_path, results)
    assert results["val_heldout_l1"] == results["heldout_l1"]  # --eval-every
    assert 0.0 <= results["heldout_l1"] <= 1.0
    assert 0.0 <= results["heldout_accuracy"] <= 1.0
    assert results["num_heldout"] == 1000


def test_facades_recipe_smoke_run_on_a_local_copy(tmp_path):
    root = tmp_path / "facades"
    rng = np.random.default_rng(0)
    for split, n in (("train", 3), ("val", 2)):
        (root / split).mkdir(parents=True)
        for i in range(n):
            pixels = rng.integers(0, 256, (40, 80, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / split / f"{i}.jpg")
    out = tmp_path / "run"
    results = _load("pix2pix_facades").main(
        ["--data-dir", str(root), "--out", str(out), "--epochs", "1"]
        + ["--steps-per-epoch", "2", "--image-size", "32", "--load-size", "36"]
        + ["--generator-filters", "2", "--discriminator-filters", "2"]
    )
    _assert_outputs(out, results)
    assert results["num_val"] == 2 and 0.0 <= results["val_l1"] <= 1.0
    with pytest.raises(ValueError, match="`--data-dir` must hold"):
        _load("pix2pix_facades").main(["--data-dir", str(root / "train")])


@pytest.mark.large
def test_digits_recipe_reaches_the_quality_bars_within_ten_minutes(tmp_path):
    start = time.perf_counter()
    results = _load("pix2pix_digits").main(["--out", str(tmp_path)])
    seconds = time.perf_counter() - start
    assert results["heldout_l1"] < 0.08, results
    assert results["heldout_accuracy"] >= 0.90, results
    assert seconds <= 600, seconds
