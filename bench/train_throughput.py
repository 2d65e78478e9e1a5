"""Training throughput of each model, with and without XLA, as JSON.

Measures images/second of one training step (`model.fit` on synthetic data)
for each model of the zoo at a fixed config, with `jit_compile=False` and
`jit_compile=True`, next to the machine's float32 matmul GFLOP/s, so numbers
from different machines can be read relative to what the CPU can do.

    python bench/train_throughput.py                       # everything
    python bench/train_throughput.py --models gan dcgan28 --jit on
    python bench/train_throughput.py --steps 3 --warmup 1  # smoke run
    python bench/train_throughput.py --out bench.json      # also write a file

What is timed, per config, for every variant (`--jit`, a list of
`--steps-per-execution`), alternately:

1. Per variant, build the model (seeded), `compile(jit_compile=...,
   steps_per_execution=...)` with its default optimizers (the reference
   nets: Adam(2e-4, 0.5)), make a synthetic `tf.data.Dataset` of random
   images in [-1, 1] (int32 labels for conditional models), cached and
   repeated, and run a first `fit` (tracing, XLA compilation, `warmup`
   steps): `first_call_seconds`.
2. `repeats` rounds of one timed `fit(steps_per_epoch=steps)` per variant,
   A, B, A, B, ... so that the shared machine's load falls on all alike.
   `ms_per_step` is the median over the calls; every call is listed with
   the load average beside it, and its speedup over the first variant's
   call of the same round.
3. FLOPs of one step (`bench/flops.py`): the traced `train_step` graph's
   float-op count (`flops_method`), and the per-layer count of G and D
   (3·G + 8·D) beside it; `gflops_per_second` and
   `percent_of_matmul_peak` against the best matmul of the same run.

Matmul: the best of several timed `tf.linalg.matmul` calls of two float32
n x n matrices inside a `tf.function`, as 2 n^3 / seconds.

One JSON object goes to stdout; logs go to stderr. A config that fails
(e.g. an op XLA cannot compile) records its `error` and the run goes on.
To add a model, add one entry to `CONFIGS` (and a data maker to `DATA` if
its batches are not images or (images, labels)).
"""

import argparse
import datetime
import gc
import json
import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")  # no INFO lines from TF

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # bench/
import flops  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
import reference_nets  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans import devices, models  # noqa: E402

# label -> model class name in `keras_gans.models`, its constructor kwargs,
# the batch size, and the kind of batches it trains on (a key of `DATA`).
CONFIGS = {
    # The two networks compared with PyTorch (bench/reference_nets.py).
    "dcgan64_ref": dict(
        builder="dcgan64_reference",
        loss="non_saturating",
        batch_size=64,
        data="images",
    ),
    "cgan_mlp_ref": dict(
        builder="mlp_cgan_reference",
        loss="least_squares",
        batch_size=64,
        data="labeled",
    ),
    "gan": dict(model="GAN", kwargs={}, batch_size=100, data="images"),
    "dcgan28": dict(
        model="DCGAN",
        kwargs=dict(
            image_size=28, channels=1, generator_filters=32, discriminator_filters=32
        ),
        batch_size=128,
        data="images",
    ),
    "dcgan64": dict(
        model="DCGAN",
        kwargs=dict(
            image_size=64, channels=3, generator_filters=16, discriminator_filters=16
        ),
        batch_size=64,
        data="images",
    ),
    "cgan_maxout": dict(
        model="ConditionalGAN",
        kwargs=dict(architecture="maxout"),
        batch_size=100,
        data="labeled",
    ),
    # The recipes/cgan_mnist.py model until the evaluation issue.
    "cgan_mlp_conv": dict(
        model="ConditionalGAN",
        kwargs=dict(
            architecture="mlp_conv",
            discriminator_filters=32,
            conv_head="projection",
            auxiliary_weight=1.0,
            latent_distribution="normal",
        ),
        batch_size=64,
        data="labeled",
    ),
    "cgan_conv": dict(  # the recipes/cgan_mnist.py model
        model="ConditionalGAN",
        kwargs=dict(
            architecture="conv",
            generator_filters=32,
            discriminator_filters=32,
            conv_head="projection",
            auxiliary_weight=1.0,
            latent_distribution="normal",
        ),
        batch_size=64,
        data="labeled",
    ),
    # Pix2Pix at the paper's size: U-Net-256 (54M params), 70x70 PatchGAN.
    "pix2pix256_b1": dict(model="Pix2Pix", kwargs={}, batch_size=1, data="pairs"),
    "pix2pix256_b4": dict(model="Pix2Pix", kwargs={}, batch_size=4, data="pairs"),
    # ProgressiveGAN, the recipes/pggan_digits.py model, at each phase's
    # resolution (`phase`: 0 = 4x4, 2s - 1 = stage s fading in, 2s = stable).
    **{
        f"pggan_digits_{label}": dict(
            model="ProgressiveGAN",
            kwargs=dict(
                image_size=32, channels=1, latent_dim=128, fmap_base=256, fmap_max=64
            ),
            batch_size=batch_size,
            data="progressive",
            phase=phase,
        )
        for label, phase, batch_size in [
            ("r4", 0, 16),
            ("r8", 2, 16),
            ("r16", 4, 16),
            ("r32_fade", 5, 32),
            ("r32", 6, 32),
        ]
    },
    # StyleGAN2, the stylegan2_digits preset's networks (lazy R1 and path
    # length on their steps, style mixing, EMA): batches at full size.
    "stylegan2_digits": dict(
        model="StyleGAN2",
        kwargs=dict(
            image_size=32,
            channels=1,
            latent_dim=128,
            w_dim=128,
            channel_base=512,
            channel_max=64,
        ),
        batch_size=32,
        data="progressive",
    ),
}
JIT_SETTINGS = {"both": (False, True), "on": (True,), "off": (False,)}
SEED = 0
NUM_BATCHES = 4  # distinct synthetic batches, cycled


def log(message):
    print(f"[train_throughput] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------- data
def _random_images(rng, batch_size, image_shape):
    shape = (NUM_BATCHES, batch_size, *image_shape)  # (N, B, H, W, C)
    return rng.uniform(-1.0, 1.0, size=shape).astype("float32")


def image_batches(model, batch_size, rng):
    """`(images,)` batches for unconditional models."""
    image_shape = tuple(model.generator.output_shape[1:])
    return (_random_images(rng, batch_size, image_shape),)


def labeled_batches(model, batch_size, rng):
    """`(images, labels)` batches for conditional models."""
    image_shape = tuple(model.generator.output_shape[1:])
    labels = rng.integers(0, model.num_classes, size=(NUM_BATCHES, batch_size))
    return _random_images(rng, batch_size, image_shape), labels.astype("int32")


def pair_batches(model, batch_size, rng):
    """`(inputs, targets)` batches for image-to-image models (Pix2Pix)."""
    size = model.image_size
    inputs = _random_images(rng, batch_size, (size, size, model.input_channels))
    targets = _random_images(rng, batch_size, (size, size, model.channels))
    return inputs, targets


def progressive_batches(model, batch_size, rng):
    """`(images,)` at `image_size` (the final resolution) for ProgressiveGAN
    (the train step pools them to the phase's resolution) and StyleGAN2."""
    size = model.image_size
    return (_random_images(rng, batch_size, (size, size, model.channels)),)


DATA = {"images": image_batches, "labeled": labeled_batches, "pairs": pair_batches}
DATA["progressive"] = progressive_batches


def synthetic_dataset(model, config):
    """Pre-batched random data, cached in memory and repeated forever."""
    rng = np.random.default_rng(SEED)
    arrays = DATA[config["data"]](model, config["batch_size"], rng)
    ds = tf.data.Dataset.from_tensor_slices(arrays).cache()  # elements: batches
    for _ in ds:  # one full pass fills the cache (a partial one is discarded)
        pass
    return ds.repeat().prefetch(tf.data.AUTOTUNE)


# ------------------------------------------------------------------- matmul
def matmul_gflops(sizes, repeats=5):
    """Best float32 matmul GFLOP/s per size: 2 n^3 / seconds."""
    matmul = tf.function(tf.linalg.matmul)
    results = {}
    for n in sizes:
        a = tf.random.stateless_uniform((n, n), seed=(1, 2), dtype="float32")
        b = tf.random.stateless_uniform((n, n), seed=(3, 4), dtype="float32")
        matmul(a, b)[0, 0].numpy()  # trace and warm up
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            matmul(a, b)[0, 0].numpy()  # .numpy() waits for the result
            best = min(best, time.perf_counter() - start)
        results[n] = 2 * n**3 / best / 1e9
        log(f"matmul {n}x{n}: {results[n]:.1f} GFLOP/s")
    return results


# ------------------------------------------------------------------ training
def _count_traces(model):
    """Wraps `model.train_step` to count its traces; returns the counter."""
    counter = {"traces": 0}
    train_step = model.train_step

    def counted_train_step(data):
        counter["traces"] += 1  # Python runs only while tracing
        return train_step(data)

    model.train_step = counted_train_step
    return counter


def _timed_fit(model, ds, steps):
    start = time.perf_counter()
    model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)
    return time.perf_counter() - start


def build_model(config, variant):
    """A seeded, compiled model of `config` for one variant (jit, spe)."""
    keras.utils.set_random_seed(SEED)
    compile_kwargs = dict(
        jit_compile=variant["jit_compile"],
        steps_per_execution=variant["steps_per_execution"],
    )
    if "builder" in config:  # bench/reference_nets.py
        model = getattr(reference_nets, config["builder"])(seed=SEED)
        reference_nets.compile_reference(model, config["loss"], **compile_kwargs)
    else:
        model = getattr(models, config["model"])(seed=SEED, **config["kwargs"])
        model.compile(**compile_kwargs)
    if "phase" in config:  # ProgressiveGAN: train this phase (alpha 0.5 if fading)
        model.set_phase(config["phase"], alpha=0.5)
    return model


def _variant_name(variant):
    return f"jit={variant['jit_compile']},spe={variant['steps_per_execution']}"


def count_flops(model, config):
    """FLOPs of one step: traced-graph count, per-layer count, graph op count."""
    rng = np.random.default_rng(SEED)
    arrays = DATA[config["data"]](model, config["batch_size"], rng)
    batch = tuple(a[0] for a in arrays)  # one element: (batch, ...)
    out = {}
    try:
        graph, op_counts = flops.graph_flops(model, batch)
        out.update(
            flops_per_step=graph,
            flops_method="tf_profiler_float_ops",
            graph_ops=sum(op_counts.values()),
            graph_op_types_top=dict(list(op_counts.items())[:8]),
        )
    except Exception as e:  # the count is optional; the timing is not
        out["flops_error"] = f"{type(e).__name__}: {e}"[:300]
    if "phase" not in config:  # the per-layer count walks every layer
        per_layer = flops.gan_step_layer_flops(model, config["batch_size"])
        out["flops_per_step_per_layer"] = per_layer
        if "flops_per_step" not in out:
            out.update(flops_per_step=per_layer, flops_method="per_layer")
    return out


def measure_config(label, config, variants, steps, warmup, repeats):
    """Results of one config under every variant, timed alternately.

    Each variant gets its own model (built, compiled, warmed up); then the
    timed `fit` calls go A, B, C, A, B, C, ... so that the machine's load
    falls on every variant alike. Per variant: the median step time of its
    calls, all calls with the load average beside each, and the ratio of
    each call to the first variant's call of the same round."""
    batch_size = config["batch_size"]
    runs = []
    for variant in variants:
        result = dict(
            model=label,
            model_class=config.get("model", config.get("builder")),
            config=config.get("kwargs", {}),
            batch_size=batch_size,
            **variant,
            steps=steps,
            warmup=warmup,
        )
        model = build_model(config, variant)
        result["generator_params"] = model.generator.count_params()
        result["discriminator_params"] = model.discriminator.count_params()
        if "phase" in config:
            result["phase"], result["resolution"] = config["phase"], model.resolution
        result["jit_effective"] = bool(model.jit_compile)
        if not runs:  # the same graph for every variant: count once
            flop_info = count_flops(model, config)
        result.update(flop_info)
        ds = synthetic_dataset(model, config)
        counter = _count_traces(model)
        result["first_call_seconds"] = _timed_fit(model, ds, warmup)
        runs.append(dict(result=result, model=model, ds=ds, counter=counter, times=[]))
        log(
            f"{label} {_variant_name(variant)}: built, first call "
            f"{result['first_call_seconds']:.1f} s"
        )
    loads = []
    for _ in range(repeats):
        for run in runs:
            run["times"].append(_timed_fit(run["model"], run["ds"], steps) / steps)
            loads.append(os.getloadavg()[0])
    base = runs[0]["times"]
    results = []
    for run in runs:
        result, times = run["result"], run["times"]
        step = float(np.median(times))
        result.update(
            images_per_second=batch_size / step,
            ms_per_step=1000 * step,
            ms_per_step_calls=[round(1000 * t, 2) for t in times],
            load_average_calls=[
                round(x, 2) for x in loads[runs.index(run) :: len(runs)]
            ],
            speedup_vs_first_variant_calls=[
                round(b / t, 3) for b, t in zip(base, times)
            ],
            traces=run["counter"]["traces"],
        )
        result["speedup_vs_first_variant_median"] = float(
            np.median(result["speedup_vs_first_variant_calls"])
        )
        if "flops_per_step" in result:
            result["gflops_per_second"] = result["flops_per_step"] / step / 1e9
        results.append(result)
        log(
            f"{label} {_variant_name(result)}: {result['images_per_second']:.0f} img/s, "
            f"{result['ms_per_step']:.1f} ms/step (median), "
            f"x{result['speedup_vs_first_variant_median']:.2f} vs first, "
            f"traces {result['traces']}"
        )
    return results


def run_config(label, config, variants, steps, warmup, repeats):
    """`measure_config`, with a failure recorded instead of raised."""
    try:
        results = measure_config(label, config, variants, steps, warmup, repeats)
    except Exception as e:  # a benchmark reports and goes on
        error = f"{type(e).__name__}: {e}"[:2000]
        log(f"{label} failed: {error[:300]}")
        results = [dict(model=label, **v, error=error) for v in variants]
    keras.backend.clear_session()
    gc.collect()
    return results


# -------------------------------------------------------------------- main
def machine_info():
    return dict(
        devices.describe_machine(),
        keras=keras.__version__,
        keras_backend=keras.backend.backend(),
        load_average=os.getloadavg(),
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--models",
        nargs="+",
        choices=list(CONFIGS),
        default=list(CONFIGS),
        metavar="MODEL",
        help=f"configs to run, from {list(CONFIGS)}",
    )
    parser.add_argument("--steps", type=int, default=32, help="timed steps per call")
    parser.add_argument(
        "--warmup", type=int, default=4, help="untimed steps of the first call"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed calls per variant (alternated)"
    )
    parser.add_argument("--jit", choices=list(JIT_SETTINGS), default="off")
    parser.add_argument(
        "--steps-per-execution",
        type=int,
        nargs="+",
        default=[1],
        metavar="N",
        help="`compile(steps_per_execution=N)` variants",
    )
    parser.add_argument(
        "--matmul-sizes",
        type=int,
        nargs="*",
        default=[1024, 2048],
        metavar="N",
        help="n of the n x n float32 matmuls; none to skip",
    )
    parser.add_argument("--out", type=pathlib.Path, help="also write the JSON here")
    args = parser.parse_args(argv)
    for name in ("steps", "warmup", "repeats"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1. Received: {getattr(args, name)}")
    if min(args.steps_per_execution) < 1:
        parser.error("--steps-per-execution must be >= 1")
    return args


def _round_up(n, multiple):
    return -(-n // multiple) * multiple


def main(argv=None):
    args = parse_args(argv)
    report = dict(machine=machine_info())
    matmul = matmul_gflops(args.matmul_sizes)
    variants = [
        dict(jit_compile=jit, steps_per_execution=spe)
        for spe in args.steps_per_execution
        for jit in JIT_SETTINGS[args.jit]
    ]
    largest = max(args.steps_per_execution)  # fit steps: a multiple of every spe
    steps, warmup = _round_up(args.steps, largest), _round_up(args.warmup, largest)
    report["results"] = []
    for label in args.models:
        report["results"] += run_config(
            label, CONFIGS[label], variants, steps, warmup, args.repeats
        )
    # The peak: the best matmul before or after the models (the load varies).
    after = matmul_gflops(args.matmul_sizes)
    for n, g in after.items():
        matmul[n] = max(matmul[n], g)
    peak = max(matmul.values()) if matmul else None
    report["matmul_gflops"] = peak
    report["matmul_gflops_by_size"] = {str(n): g for n, g in matmul.items()}
    report["load_average_end"] = os.getloadavg()
    for result in report["results"]:
        if peak and "gflops_per_second" in result:
            result["percent_of_matmul_peak"] = 100 * result["gflops_per_second"] / peak
    text = json.dumps(report, indent=2)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
        log(f"wrote {args.out}")
    print(text)
    return report


if __name__ == "__main__":
    main()
