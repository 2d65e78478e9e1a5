"""Style transfer throughput at 256x256, as JSON.

Measures, with random VGG19 weights (`vgg_weights=None`: ImageNet weights
cannot be downloaded here; the FLOPs are the same):

- `gatys`: optimisation steps/second of `NeuralStyleTransfer` (Gatys et al.
  2016: VGG19 up to conv5_1, average pooling, one image) at 256x256;
- `fast_train`: training images/second of `FastStyleTransfer` (Johnson et
  al. 2016 transformation network, filters 32, 5 residual blocks, batch 4,
  VGG19 loss network) at 256x256;
- `fast_inference`: images/second of the transformation network alone (one
  forward pass per image, the served graph's work) at 256x256, batches 1
  and 4;

next to the machine's float32 matmul GFLOP/s (`bench/train_throughput.py`),
so numbers from different machines can be read relative to what the CPU
can do.

    python bench/style_throughput.py                       # everything
    python bench/style_throughput.py --only gatys --jit on
    python bench/style_throughput.py --steps 2 --warmup 1  # smoke run

Timing: `warmup` steps first (tracing, graph optimisation; wall time
reported as `first_call_seconds`), then `repeats` timed calls of `steps`
steps each; the fastest call gives the rate, all are listed. One JSON
object goes to stdout; logs go to stderr.
"""

import argparse
import json
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # checkout
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from train_throughput import machine_info, matmul_gflops  # noqa: E402

from keras_gans.models.style import (  # noqa: E402
    FastStyleTransfer,
    NeuralStyleTransfer,
    transformation_network,
)

PARTS = ("gatys", "fast_train", "fast_inference")


def log(message):
    print(f"[style_throughput] {message}", file=sys.stderr, flush=True)


def _best(times):
    return min(times)


def bench_gatys(size, steps, warmup, repeats, jit_compile):
    rng = np.random.default_rng(0)
    model = NeuralStyleTransfer(image_size=size, vgg_weights=None, seed=0)
    model.set_images(*(rng.uniform(0, 255, (size, size, 3)) for _ in range(2)))
    model.compile(jit_compile=jit_compile)
    start = time.perf_counter()
    model.optimize(warmup, verbose=0)
    first = time.perf_counter() - start
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.optimize(steps, verbose=0)
        times.append(time.perf_counter() - start)
    best = _best(times)
    result = dict(
        image_size=size,
        pooling=model.perceptual.pooling,
        jit_compile=jit_compile,
        steps=steps,
        steps_per_second=round(steps / best, 3),
        ms_per_step=round(1000 * best / steps, 1),
        seconds_per_call=[round(t, 2) for t in times],
        first_call_seconds=round(first, 2),
    )
    log(f"gatys: {result}")
    return result


def bench_fast_train(size, batch_size, steps, warmup, repeats, jit_compile):
    model = FastStyleTransfer(vgg_weights=None)
    model.set_style(np.random.default_rng(1).uniform(0, 255, (size, size, 3)))
    model.compile(jit_compile=jit_compile)
    images = tf.random.stateless_uniform(
        (2, batch_size, size, size, 3), (1, 2), -1.0, 1.0
    )
    ds = tf.data.Dataset.from_tensor_slices(images).cache().repeat()

    def timed(n):
        start = time.perf_counter()
        model.fit(ds, steps_per_epoch=n, epochs=1, verbose=0, shuffle=False)
        return time.perf_counter() - start

    first = timed(warmup)
    times = [timed(steps) for _ in range(repeats)]
    best = _best(times)
    result = dict(
        image_size=size,
        batch_size=batch_size,
        jit_compile=jit_compile,
        steps=steps,
        images_per_second=round(steps * batch_size / best, 3),
        ms_per_step=round(1000 * best / steps, 1),
        seconds_per_call=[round(t, 2) for t in times],
        first_call_seconds=round(first, 2),
        transformer_params=model.transformer.count_params(),
    )
    log(f"fast_train: {result}")
    return result


def bench_fast_inference(size, batch_sizes, steps, warmup, repeats, jit_compile):
    net = transformation_network()  # FastStyleTransfer's default transformer
    forward = tf.function(lambda x: net(x, training=False), jit_compile=jit_compile)
    results = {}
    for batch_size in batch_sizes:
        x = tf.random.stateless_uniform((batch_size, size, size, 3), (3, 4), -1.0, 1.0)
        start = time.perf_counter()
        for _ in range(warmup):
            forward(x).numpy()
        first = time.perf_counter() - start
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(steps):
                forward(x).numpy()
            times.append(time.perf_counter() - start)
        best = _best(times)
        results[str(batch_size)] = dict(
            images_per_second=round(steps * batch_size / best, 3),
            ms_per_batch=round(1000 * best / steps, 1),
            first_call_seconds=round(first, 2),
        )
        log(f"fast_inference batch {batch_size}: {results[str(batch_size)]}")
    return dict(image_size=size, jit_compile=jit_compile, by_batch_size=results)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=PARTS, default=list(PARTS))
    parser.add_argument("--image-size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=3, help="timed steps per call")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--batch-size", type=int, default=4, help="fast stylizer training batch"
    )
    parser.add_argument("--jit", choices=["on", "off"], default="off")
    parser.add_argument("--matmul-sizes", type=int, nargs="*", default=[1024])
    parser.add_argument("--out", default=None, help="also write the JSON here")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(0)
    jit = args.jit == "on"
    report = dict(
        machine=machine_info(),
        vgg_weights=None,
        note="random VGG19 weights (weights=None): the same FLOPs as ImageNet weights",
        command=" ".join([os.path.basename(sys.argv[0])] + sys.argv[1:]),
    )
    matmul = matmul_gflops(args.matmul_sizes) if args.matmul_sizes else {}
    report["matmul_gflops"] = round(max(matmul.values()), 1) if matmul else None
    common = dict(
        steps=args.steps, warmup=args.warmup, repeats=args.repeats, jit_compile=jit
    )
    if "gatys" in args.only:
        report["gatys"] = bench_gatys(args.image_size, **common)
    if "fast_train" in args.only:
        report["fast_train"] = bench_fast_train(
            args.image_size, args.batch_size, **common
        )
    if "fast_inference" in args.only:
        report["fast_inference"] = bench_fast_inference(
            args.image_size, (1, 4), **common
        )
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        pathlib.Path(args.out).write_text(text)
    return report


if __name__ == "__main__":
    main()
