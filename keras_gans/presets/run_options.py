"""The command line every recipe, preset run and `keras-gans train` shares.

`recipe_parser` holds the flags of every run (`--epochs`, `--batch-size`,
`--seed`, `--out`, `--steps-per-epoch`, `--eval-every`, `--strategy`,
`--mixed-precision`, `--checkpoint-every`, ...); `preset_parser(name)` adds
the flags a preset's recipe declares, with its defaults; `preset_recipe`
applies a parsed command line to the recipe. `keras_gans.runner.run_preset`
runs the result.
"""

import argparse

from keras_gans.training import distribute
from keras_gans.training.checkpointing import DEFAULT_CHECKPOINT_SECONDS

__all__ = [
    "preset_parser",
    "preset_recipe",
    "recipe_parser",
    "strategy_for_recipe",
]


def recipe_parser(description, defaults, parser_class=None):
    """The command line every recipe and `keras-gans train` share.

    Args:
        description: str. The recipe's one-line summary.
        defaults: dict with the recipe's `epochs`, `batch_size`, `seed` and
            `out` (and optionally `data_dir_help`).
        parser_class: an `argparse.ArgumentParser` subclass or `None`.

    Returns:
        An `argparse.ArgumentParser` with `--epochs`, `--batch-size`,
        `--seed`, `--out`, `--steps-per-epoch`, `--eval-every` (pass it on as
        `fit_and_export(..., eval_every=args.eval_every)`), `--strategy`,
        `--tfds` (digits: the full TFDS MNIST instead of the embedded
        digits), `--data-dir`, `--mixed-precision` and `--verbose`.
    """
    parser = (parser_class or argparse.ArgumentParser)(description=description)
    parser.add_argument("--epochs", type=int, default=defaults["epochs"])
    parser.add_argument("--batch-size", type=int, default=defaults["batch_size"])
    parser.add_argument("--seed", type=int, default=defaults["seed"])
    parser.add_argument(
        "--out", default=defaults["out"], help=f"output folder ({defaults['out']})"
    )
    parser.add_argument(
        "--tfds",
        action="store_true",
        help="train on TFDS 'mnist' (60000 digits) instead of the embedded 5000",
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help=defaults.get("data_dir_help", "TFDS data folder (with --tfds)"),
    )
    parser.add_argument(
        "--steps-per-epoch",
        type=int,
        default=None,
        help="batches per epoch (default: the whole dataset or schedule); for "
        "quick smoke runs",
    )
    parser.add_argument(  # issue 17
        "--no-tensorboard",
        action="store_true",
        help="skip the TensorBoard logs (scalars and sample images in OUT/logs)",
    )
    parser.add_argument(
        "--eval-every",
        type=int,
        default=0,
        help="compute sample metrics (digit FD, ...) every N epochs into the "
        "logs and metrics.json (default 0: off)",
    )
    parser.add_argument(
        "--checkpoint-every",
        type=int,
        default=None,
        help="write a resumable checkpoint every N train steps (default: "
        f"every {DEFAULT_CHECKPOINT_SECONDS:g} s of training); a killed run "
        "resumes from it when started again with the same --out",
    )
    parser.add_argument(
        "--no-divergence-guard",
        action="store_true",
        help="keep training through non-finite losses or weights (default: "
        "stop with an error naming the step)",
    )
    parser.add_argument(
        "--strategy",
        default="default",
        choices=distribute.STRATEGIES,
        help="tf.distribute strategy; --batch-size is the global batch "
        "(multiworker reads the workers from TF_CONFIG)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start over in an --out that holds a run (its model.keras is "
        "kept as model.keras.bak-<time>); without it a finished run is "
        "continued to --epochs",
    )
    parser.add_argument(
        "--allow-batch-size-change",
        action="store_true",
        help="continue a run in --out with another --batch-size than it was "
        "started with",
    )
    parser.add_argument(
        "--tpu",
        default=None,
        help="with --strategy tpu: the TPU's name or grpc:// address "
        "(default: a TPU of this machine)",
    )
    parser.add_argument(
        "--mixed-precision",
        default="off",
        choices=("off", "bf16", "fp16"),
        help="compute in bfloat16 or float16, variables in float32 (off)",
    )
    parser.add_argument(
        "--cpu-intra-op-threads",
        type=int,
        default=None,
        help="threads of TensorFlow's intra-op pool on a CPU-only machine "
        "(default: the recipe's choice, else one per core); 1 made many-small-"
        "op steps faster on 2 cores (BENCHMARKS.md)",
    )
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="show TensorFlow's start-up logs",
    )
    return parser


def strategy_for_recipe(args):
    """The `tf.distribute` strategy `--strategy` names; build the model in its scope."""
    name = getattr(args, "strategy", "default")
    tpu = getattr(args, "tpu", None)
    if tpu is not None and name != "tpu":
        raise ValueError(
            f"`--tpu` is used with `--strategy tpu` only. Received: --tpu {tpu} "
            f"with --strategy {name}"
        )
    return (
        distribute.get_strategy(name, tpu=tpu)
        if name == "tpu"
        else (distribute.get_strategy(name))
    )


_TYPES = {"int": int, "float": float, "str": str}


def _get_path(tree, path):
    for key in path.split("."):
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def _set_path(tree, path, value):
    *parents, last = path.split(".")
    for key in parents:
        tree = tree.setdefault(key, {})
    tree[last] = value


def _flag_dest(flag):
    return "preset_" + flag["flag"].lstrip("-").replace("-", "_")


def preset_parser(name, parser_class=None):
    """The command line of preset `name`: `recipe_parser`'s flags with the
    preset's defaults, plus the extra flags its recipe declares (e.g. cgan's
    `--architecture`, pggan's `--kimg-per-phase`).

    Raises:
        ValueError: an unknown preset, or one whose recipe names no `data`
            (the style presets): the message says what trains it.
    """
    from keras_gans import presets
    from keras_gans.models import registry

    preset = presets.get(name)
    recipe = preset["recipe"]
    if "data" not in recipe:
        raise ValueError(
            f"Preset {preset['name']!r} is not trained by `keras-gans train`; "
            f"train it with {registry.train_with(preset)}."
        )
    parser = recipe_parser(
        f"Train the {preset['name']} preset: {preset['description']}.",
        recipe,
        parser_class,
    )
    for flag in recipe.get("flags", ()):
        targets = flag["target"]
        targets = [targets] if isinstance(targets, str) else targets
        default = flag.get("default", _get_path(recipe, targets[0]))
        kind = _TYPES[flag["type"]] if "type" in flag else type(default)
        parser.add_argument(
            flag["flag"],
            dest=_flag_dest(flag),
            type=kind,
            default=default,
            choices=flag.get("choices"),
            help=flag.get("help", f"({default})"),
        )
    return parser


def _check_args(args):
    for flag, value, minimum in (
        ("--epochs", args.epochs, 1),
        ("--batch-size", args.batch_size, 1),
        ("--steps-per-epoch", args.steps_per_epoch, 1),
        ("--eval-every", args.eval_every, 0),
        ("--checkpoint-every", getattr(args, "checkpoint_every", None), 1),
        ("--cpu-intra-op-threads", getattr(args, "cpu_intra_op_threads", None), 1),
    ):
        if value is not None and value < minimum:
            raise ValueError(f"`{flag}` must be >= {minimum}. Received: {value}")
    kimg = getattr(args, "preset_kimg_per_phase", None)
    if kimg is not None and not kimg > 0:
        raise ValueError(f"`--kimg-per-phase` must be > 0. Received: {kimg}")


def preset_recipe(name, args):
    """The recipe of preset `name` with the command line `args` applied."""
    from keras_gans import presets

    recipe = presets.get(name)["recipe"]
    recipe.update(
        epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, out=args.out
    )
    if getattr(args, "cpu_intra_op_threads", None) is not None:
        recipe["cpu_intra_op_threads"] = args.cpu_intra_op_threads
    for flag in recipe.get("flags", ()):
        value = getattr(args, _flag_dest(flag))
        if value is None:
            continue
        targets = flag["target"]
        for target in [targets] if isinstance(targets, str) else targets:
            _set_path(recipe, target, value)
    return recipe
