"""One GPU check: every model's training step at the papers' sizes, as JSON.

For each model, precision and XLA setting it builds the model, trains a few
warm-up steps on synthetic in-memory data, then times `--steps` steps and
records images/s, ms/step, first-call (trace + compile) seconds and the
peak GPU memory of that combination
(`tf.config.experimental.get_memory_info("GPU:0")["peak"]`, reset before
each; `null` without a GPU). A failure (e.g. out of memory, an op without
an fp16 kernel) is recorded as `error` and the run goes on.

Models (papers' sizes):

- `dcgan64`: DCGAN-64, `generator_filters=128, discriminator_filters=128`
  (the paper's 4x4x1024 G and 128..1024 D), kernel 5, batch 128;
- `pix2pix256_b1`, `pix2pix256_b4`: Pix2Pix U-Net-256 + 70x70 PatchGAN,
  256x256, batches 1 and 4;
- `pggan128`: ProgressiveGAN (latent 512, fmap_base 8192, fmap_max 512) at
  its stable 128x128 stage, minibatch 16;
- `fast_style256`: FastStyleTransfer (Johnson et al.), 256x256, batch 4,
  VGG19 with random weights (`vgg_weights=None`: same FLOPs, no download);
- `stylegan2_256`: StyleGAN2 at 256x256 as StyleGAN2-ADA's `paper256`
  (`channel_base=16384`, mbstd 8; config F otherwise), batch 32, with its
  lazy R1 and path-length steps, style mixing and EMA.

Precisions: `float32`, `mixed_bfloat16`, `mixed_float16` (the model's
`dtype` policy; fp16 adds loss scaling); XLA: `jit_compile` off and on.

`--tiny` runs every combination at tiny sizes (a few seconds each on CPU)
to check that the script and each combination work; `--budget-seconds`
stops starting new combinations when the time is spent (they are recorded
as `skipped`), so the run always writes its JSON in time.

    python bench/device_check.py --out bench/results/device_check.json
    python bench/device_check.py --tiny --out /tmp/device_check_tiny.json
"""

import argparse
import datetime
import gc
import json
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's keras_gans
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans import devices, models  # noqa: E402

PRECISIONS = ("float32", "mixed_bfloat16", "mixed_float16")
JIT = (False, True)

# name -> (class, kwargs, batch size, phase or None); `TINY` mirrors it.
PAPER = {
    "dcgan64": (
        "DCGAN",
        dict(
            image_size=64, channels=3, generator_filters=128, discriminator_filters=128
        ),
        128,
    ),
    "pix2pix256_b1": ("Pix2Pix", dict(image_size=256), 1),
    "pix2pix256_b4": ("Pix2Pix", dict(image_size=256), 4),
    "pggan128": (
        "ProgressiveGAN",
        dict(image_size=128, channels=3, latent_dim=512, fmap_base=8192, fmap_max=512),
        16,
    ),
    "fast_style256": ("FastStyleTransfer", dict(vgg_weights=None), 4),
    "stylegan2_256": (
        "StyleGAN2",
        dict(image_size=256, channels=3, channel_base=16384, mbstd_group_size=8),
        32,
    ),
}
TINY = {
    "dcgan64": (
        "DCGAN",
        dict(image_size=16, channels=3, generator_filters=4, discriminator_filters=4),
        4,
    ),
    "pix2pix256_b1": (
        "Pix2Pix",
        dict(image_size=32, generator_filters=4, discriminator_filters=4),
        1,
    ),
    "pix2pix256_b4": (
        "Pix2Pix",
        dict(image_size=32, generator_filters=4, discriminator_filters=4),
        4,
    ),
    "pggan128": (
        "ProgressiveGAN",
        dict(image_size=16, channels=3, latent_dim=8, fmap_base=16, fmap_max=8),
        4,
    ),
    "fast_style256": (
        "FastStyleTransfer",
        dict(vgg_weights=None, filters=4, num_residual_blocks=1),
        2,
    ),
    "stylegan2_256": (
        "StyleGAN2",
        dict(
            image_size=16,
            channels=3,
            latent_dim=8,
            w_dim=8,
            num_mapping_layers=2,
            channel_base=32,
            channel_max=8,
        ),
        4,
    ),
}
TINY_STYLE_SIZE = 32
PAPER_STYLE_SIZE = 256


def log(message):
    print(f"[device_check] {message}", file=sys.stderr, flush=True)


def _gpu_memory(reset=False):
    if not tf.config.list_physical_devices("GPU"):
        return None
    if reset:
        tf.config.experimental.reset_memory_stats("GPU:0")
        return None
    return int(tf.config.experimental.get_memory_info("GPU:0")["peak"])


def build(class_name, kwargs, precision, jit_compile, style_size):
    """The model, compiled, with the step's synthetic batch arrays."""
    keras.utils.set_random_seed(0)
    model = getattr(models, class_name)(seed=0, dtype=precision, **kwargs)
    rng = np.random.default_rng(0)
    if class_name == "FastStyleTransfer":
        model.set_style(rng.uniform(0, 255, (style_size, style_size, 3)))
    model.compile(jit_compile=jit_compile)
    if class_name == "ProgressiveGAN":
        model.set_phase(model.num_phases - 1)  # the stable top stage
    return model


def batch_arrays(model, class_name, batch_size, style_size):
    rng = np.random.default_rng(0)

    def images(h, w, c):
        return rng.uniform(-1, 1, (batch_size, h, w, c)).astype("float32")

    if class_name == "Pix2Pix":
        size = model.image_size
        return images(size, size, model.input_channels), images(
            size, size, model.channels
        )
    if class_name == "FastStyleTransfer":
        return (images(style_size, style_size, 3),)
    if class_name in ("ProgressiveGAN", "StyleGAN2"):
        return (images(model.image_size, model.image_size, model.channels),)
    return (images(*model.generator.output_shape[1:]),)


def measure(name, spec, precision, jit_compile, steps, warmup, style_size):
    class_name, kwargs, batch_size = spec
    result = dict(
        model=name,
        model_class=class_name,
        config=kwargs,
        batch_size=batch_size,
        precision=precision,
        jit_compile=jit_compile,
    )
    try:
        _gpu_memory(reset=True)
        start = time.perf_counter()
        model = build(class_name, kwargs, precision, jit_compile, style_size)
        arrays = batch_arrays(model, class_name, batch_size, style_size)
        ds = tf.data.Dataset.from_tensors(arrays).repeat()
        model.fit(ds, steps_per_epoch=warmup, epochs=1, verbose=0)
        result["first_call_seconds"] = time.perf_counter() - start
        start = time.perf_counter()
        logs = model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0).history
        step = (time.perf_counter() - start) / steps
        finite = all(np.isfinite(v[-1]) for v in logs.values())
        result.update(
            ms_per_step=1000 * step,
            images_per_second=batch_size / step,
            losses_finite=bool(finite),
            jit_effective=bool(model.jit_compile),
            peak_gpu_memory_bytes=_gpu_memory(),
        )
    except Exception as e:  # a check reports and goes on
        result["error"] = f"{type(e).__name__}: {e}"[:1000]
    keras.backend.clear_session()
    gc.collect()
    return result


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--tiny", action="store_true", help="tiny sizes (CPU check)")
    parser.add_argument("--models", nargs="+", choices=list(PAPER), default=list(PAPER))
    parser.add_argument(
        "--precisions", nargs="+", choices=PRECISIONS, default=PRECISIONS
    )
    parser.add_argument("--jit", choices=("both", "on", "off"), default="both")
    parser.add_argument("--steps", type=int, default=None, help="timed steps")
    parser.add_argument("--warmup", type=int, default=None, help="untimed steps")
    parser.add_argument(
        "--budget-seconds",
        type=float,
        default=420.0,
        help="start no new combination after this many seconds",
    )
    parser.add_argument("--out", type=pathlib.Path)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    specs = TINY if args.tiny else PAPER
    steps = args.steps or (1 if args.tiny else 10)
    warmup = args.warmup or (1 if args.tiny else 3)
    style_size = TINY_STYLE_SIZE if args.tiny else PAPER_STYLE_SIZE
    jits = {"both": JIT, "on": (True,), "off": (False,)}[args.jit]
    report = dict(
        machine=devices.describe_machine(),
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        load_average=os.getloadavg(),
        tiny=args.tiny,
        steps=steps,
        warmup=warmup,
        results=[],
    )
    start = time.perf_counter()
    for name in args.models:
        for precision in args.precisions:
            for jit_compile in jits:
                if time.perf_counter() - start > args.budget_seconds:
                    report["results"].append(
                        dict(
                            model=name,
                            precision=precision,
                            jit_compile=jit_compile,
                            skipped="time budget spent",
                        )
                    )
                    continue
                result = measure(
                    name, specs[name], precision, jit_compile, steps, warmup, style_size
                )
                report["results"].append(result)
                log(
                    f"{name} {precision} jit={jit_compile}: "
                    + (
                        f"error {result['error'][:200]}"
                        if "error" in result
                        else f"{result['images_per_second']:.1f} img/s, "
                        f"peak GPU memory {result['peak_gpu_memory_bytes']}"
                    )
                )
    report["seconds"] = time.perf_counter() - start
    text = json.dumps(report, indent=2)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)
    return report


if __name__ == "__main__":
    main()
