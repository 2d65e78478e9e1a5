"""Rebuilds the preset weights shipped in `keras_gans/assets/presets/`.

Runs each digits preset's recipe (`keras_gans.runner.run_preset`) into a
work folder, copies its `model.keras` to `keras_gans/assets/presets/` and
records the figures it reached in `keras_gans/assets/presets/figures.json`
(which `keras_gans.presets.list_presets()` reports). Rerunnable: a preset
whose run finished already (its `metrics.json` exists in the work folder)
is not trained again unless `--retrain`.

    python tools/build_presets.py                      # every digits preset
    python tools/build_presets.py --only cgan_digits
    python tools/build_presets.py --smoke --work /tmp/p --assets /tmp/assets
"""

import argparse
import json
import os
import pathlib
import shutil
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # checkout

from keras_gans import presets, runner  # noqa: E402

ASSETS = ROOT / "keras_gans" / "assets" / "presets"
# The figures kept per preset (those of its evaluation that its runs report).
FIGURES = (
    "label_accuracy",
    "digit_fd",
    "class_entropy",
    "confident_fraction",
    "heldout_l1",
    "heldout_accuracy",
)


def shipped_presets():
    """The presets that ship weights (their `file` is not `None`)."""
    return [p["name"] for p in presets.list_presets() if presets.get(p["name"])["file"]]


def build(name, work, assets, smoke=False, retrain=False):
    """Trains preset `name` into `work/name` (unless done) and ships its model."""
    out = pathlib.Path(work) / name
    if retrain or not (out / "metrics.json").is_file():
        argv = ["--out", str(out)]
        if smoke:
            argv += ["--epochs", "1", "--steps-per-epoch", "2"]
        runner.run_preset(name, argv)
    results = json.loads((out / "metrics.json").read_text())
    assets = pathlib.Path(assets)
    assets.mkdir(parents=True, exist_ok=True)
    target = assets / presets.get(name)["file"]
    shutil.copyfile(out / "model.keras", f"{target}.tmp")
    os.replace(f"{target}.tmp", target)  # whole or not at all
    figures_path = assets / "figures.json"
    figures = json.loads(figures_path.read_text()) if figures_path.is_file() else {}
    figures[name] = {
        k: round(results[k], 4) for k in FIGURES if isinstance(results.get(k), float)
    }
    figures_path.write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n")
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
