"""Rebuilds the preset weights shipped in `keras_gans/assets/presets/`.

Runs each digits preset's recipe (`keras_gans.runner.run_preset`) into a
work folder, packages its `model.keras` into `keras_gans/assets/presets/`
(`keras_gans.models.registry.save_preset`) and records the figures the
packaged model reaches in `keras_gans/assets/presets/figures.json` (which
`keras_gans.presets.list_presets()` reports), with how they were measured
(the classifier file's SHA-256, sample counts, seed, date). Rerunnable: a
preset whose run finished already (its `model.keras` exists in the work
folder) is not trained again unless `--retrain`.

A preset whose figures miss its `bars` is refused: its weights are not
written into the package (the old ones stay) and the tool exits with status
1, naming each figure and its bar, unless `--allow-below-bar`.
`--measure-only` re-measures the shipped files as they are (after a change
of the judge) and records what they reach, saying which miss their bars.

    python tools/build_presets.py                      # every digits preset
    python tools/build_presets.py --only cgan_digits
    python tools/build_presets.py --measure-only       # re-measure, no training
    python tools/build_presets.py --smoke --work /tmp/p --assets /tmp/assets
"""

import argparse
import datetime
import hashlib
import json
import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # checkout

from keras_gans import evaluation, metrics, presets, recipe_evaluation, runner  # noqa: E402, I001
from keras_gans.models import registry  # noqa: E402

import keras  # noqa: E402  (after keras_gans, which loads TensorFlow quietly)

ASSETS = ROOT / "keras_gans" / "assets" / "presets"
# The figures kept per preset (those of its evaluation that its runs report).
FIGURES = (
    "label_accuracy",
    "digit_fd",
    "digit_fd_ratio",
    "real_vs_real_digit_fd",
    "resolution",
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


class BelowBarError(ValueError):
    """A preset's figures miss its bars; its weights were not shipped."""


def measure(name, path):
    """`(figures, measured)` of the preset file at `path`: the recipe's own
    evaluation of what `from_preset` would return, and how it was measured."""
    shipped = keras.saving.load_model(path, safe_mode=True)
    recipe = presets.get(name)["recipe"]
    keras.utils.set_random_seed(recipe["seed"])
    _, context = presets.build_dataset(recipe)
    results = recipe_evaluation.make_evaluation(recipe["evaluation"], context)(shipped)
    figures = {
        k: round(float(results[k]), 4)
        for k in FIGURES
        if isinstance(results.get(k), (int, float))
    }
    classifier = metrics.DIGIT_CLASSIFIER_PATH.read_bytes()
    measured = {
        "evaluation": recipe["evaluation"],
        "classifier_sha256": hashlib.sha256(classifier).hexdigest()[:16],
        "seed": 1,
        "num_samples": 1000,
        "num_samples_fd": evaluation.DIGIT_REFERENCE_SIZE,
        "date": datetime.date.today().isoformat(),
    }
    return figures, measured


def record(assets, name, figures, measured):
    """Writes the preset's entry of `figures.json` (whole or not at all)."""
    figures_path = pathlib.Path(assets) / "figures.json"
    entries = json.loads(figures_path.read_text()) if figures_path.is_file() else {}
    entries[name] = {"figures": figures, "measured": measured}
    temporary = figures_path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n")
    os.replace(temporary, figures_path)


def build(name, work, assets, smoke=False, retrain=False, allow_below_bar=False):
    """Trains preset `name` into `work/name` (unless done), packages its
    model as a preset file (`registry.save_preset`: fresh optimizer state,
    float16-rounded weights, compressed), measures that packaged file (what
    `from_preset` returns) and ships it with its figures only if they meet
    the preset's bars.

    Raises:
        BelowBarError: the figures miss a bar (nothing is shipped) and
            `allow_below_bar` is false.
    """
    out = pathlib.Path(work) / name
    if retrain or not (out / "model.keras").is_file():
        argv = ["--out", str(out)]
        if smoke:
            argv += ["--epochs", "1", "--steps-per-epoch", "2"]
        runner.run_preset(name, argv)
    assets = pathlib.Path(assets)
    assets.mkdir(parents=True, exist_ok=True)
    target = assets / presets.get(name)["file"]
    candidate = out / f"preset_{target.name}"
    trained = keras.saving.load_model(out / "model.keras", safe_mode=True)
    registry.save_preset(trained, candidate)
    figures, measured = measure(name, candidate)
    misses = registry.bar_misses(figures, presets.get(name)["bars"])
    if misses and not allow_below_bar:
        raise BelowBarError(
            f"{name} misses its bars: {'; '.join(misses)}. Not shipped (the "
            f"candidate is {candidate}); improve the recipe, or pass "
            "--allow-below-bar."
        )
    os.replace(candidate, target)
    record(assets, name, figures, measured)
    return target, figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="a preset name (repeatable)")
    parser.add_argument("--work", default="runs/presets", help="training folder")
    parser.add_argument("--assets", default=str(ASSETS), help="where weights go")
    parser.add_argument(
        "--smoke", action="store_true", help="1 epoch of 2 steps (to test the tool)"
    )
    parser.add_argument("--retrain", action="store_true", help="ignore finished runs")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="re-measure the shipped files and record their figures (no training)",
    )
    parser.add_argument(
        "--allow-below-bar",
        action="store_true",
        help="ship a preset even if its figures miss its bars",
    )
    parser.add_argument("--verbose", action="store_true", help="TensorFlow's logs")
    args = parser.parse_args(argv)
    names = args.only or shipped_presets()
    for name in names:
        if name not in shipped_presets():
            parser.error(f"{name!r} ships no weights; choose from {shipped_presets()}")
    built, refused = {}, []
    for name in names:
        if args.measure_only:
            target = pathlib.Path(args.assets) / presets.get(name)["file"]
            figures, measured = measure(name, target)
            record(args.assets, name, figures, measured)
            misses = registry.bar_misses(figures, presets.get(name)["bars"])
            note = f" BELOW BAR: {'; '.join(misses)}" if misses else ""
            print(f"{name}: {json.dumps(figures)}{note}", flush=True)
            built[name] = figures
            continue
        try:
            target, figures = build(
                name,
                args.work,
                args.assets,
                args.smoke,
                args.retrain,
                args.allow_below_bar,
            )
        except BelowBarError as error:
            print(error, file=sys.stderr, flush=True)
            refused.append(name)
            continue
        print(f"{name}: {target} {json.dumps(figures)}", flush=True)
        built[name] = figures
    if refused:
        raise SystemExit(f"Refused (below their bars): {', '.join(refused)}")
    return built


if __name__ == "__main__":
    main()
