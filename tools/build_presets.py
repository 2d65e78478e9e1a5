"""Rebuilds the preset weights shipped in `keras_gans/assets/presets/`.

Runs each digits preset's recipe (`keras_gans.runner.run_preset`) into a
work folder, packages its `model.keras` into `keras_gans/assets/presets/`
(`keras_gans.models.registry.save_preset`) and records the figures the
packaged model reaches in `keras_gans/assets/presets/figures.json` (which
`keras_gans.presets.list_presets()` reports). Rerunnable: a preset whose run
finished already (its `model.keras` exists in the work folder) is not
trained again unless `--retrain`.

    python tools/build_presets.py                      # every digits preset
    python tools/build_presets.py --only cgan_digits
    python tools/build_presets.py --smoke --work /tmp/p --assets /tmp/assets
"""

import argparse
import json
import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # checkout

from keras_gans import presets, recipe_evaluation, runner  # noqa: E402, I001
from keras_gans.models import registry  # noqa: E402

import keras  # noqa: E402  (after keras_gans, which loads TensorFlow quietly)

ASSETS = ROOT / "keras_gans" / "assets" / "presets"
# The figures kept per preset (those of its evaluation that its runs report).
FIGURES = (
    "label_accuracy",
    "digit_fd",
    "class_entropy",
    "confident_fraction",
    "heldout_l1",
    "heldout_accuracy",
    "cycle_accuracy",
    "btoa_accuracy",
    "atob_l1",
)


def shipped_presets():
    """The presets that ship weights (their `file` is not `None`)."""
    return [p["name"] for p in presets.list_presets() if presets.get(p["name"])["file"]]


def build(name, work, assets, smoke=False, retrain=False):
    """Trains preset `name` into `work/name` (unless done), packages its
    model as a preset file (`registry.save_preset`: fresh optimizer state,
    float16-rounded weights, compressed) and records the figures measured on
    that packaged file, i.e. on exactly what `from_preset` returns."""
    out = pathlib.Path(work) / name
    if retrain or not (out / "model.keras").is_file():
        argv = ["--out", str(out)]
        if smoke:
            argv += ["--epochs", "1", "--steps-per-epoch", "2"]
        runner.run_preset(name, argv)
    assets = pathlib.Path(assets)
    assets.mkdir(parents=True, exist_ok=True)
    target = assets / presets.get(name)["file"]
    trained = keras.saving.load_model(out / "model.keras", safe_mode=True)
    registry.save_preset(trained, target)
    shipped = keras.saving.load_model(target, safe_mode=True)
    recipe = presets.get(name)["recipe"]
    keras.utils.set_random_seed(recipe["seed"])
    _, context = presets.build_dataset(recipe)
    results = recipe_evaluation.make_evaluation(recipe["evaluation"], context)(shipped)
    figures_path = assets / "figures.json"
    figures = json.loads(figures_path.read_text()) if figures_path.is_file() else {}
    figures[name] = {
        k: round(float(results[k]), 4)
        for k in FIGURES
        if isinstance(results.get(k), (int, float))
    }
    temporary = figures_path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
    os.replace(temporary, figures_path)  # whole or not at all
    return target, figures[name]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a preset name (repeatable)")
    parser.add_argument("--work", default="runs/presets", help="training folder")
    parser.add_argument("--assets", default=str(ASSETS), help="where weights go")
    parser.add_argument(
        "--smoke", action="store_true", help="1 epoch of 2 steps (to test the tool)"
    )
    parser.add_argument("--retrain", action="store_true", help="ignore finished runs")
    parser.add_argument("--verbose", action="store_true", help="TensorFlow's logs")
    args = parser.parse_args(argv)
    names = args.only or shipped_presets()
    for name in names:
        if name not in shipped_presets():
            parser.error(f"{name!r} ships no weights; choose from {shipped_presets()}")
    built = {}
    for name in names:
        target, figures = build(name, args.work, args.assets, args.smoke, args.retrain)
        print(f"{name}: {target} {json.dumps(figures)}")
        built[name] = figures
    return built


if __name__ == "__main__":
    main()
