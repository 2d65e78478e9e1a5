"""The keras_gans side of `bench/peers/compare.py`: one reference model, served.

Builds `bench/reference_nets.py`'s DCGAN-64 or MLP cGAN, compiles it
(Adam(2e-4, 0.5); BCE/non-saturating or LSGAN), trains on a synthetic
in-memory dataset (4 random batches, repeated), warms up, prints `ready`,
then for every line `N` on stdin runs `fit(steps_per_epoch=N)` and prints
`{"seconds": ..., "steps": N}`.

    python bench/peers/keras_worker.py --model dcgan64 --threads 2
"""

import argparse
import json
import os
import pathlib
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
BENCH = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BENCH.parent))  # the checkout's keras_gans
sys.path.insert(0, str(BENCH))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

MODELS = {
    "dcgan64": ("dcgan64_reference", "non_saturating", (64, 64, 3)),
    "cgan_mlp": ("mlp_cgan_reference", "least_squares", (28, 28, 1)),
}
BATCH = 64


def dataset(model_name, autotune=True):
    rng = np.random.default_rng(0)
    shape = (4, BATCH, *MODELS[model_name][2])
    images = rng.uniform(-1, 1, size=shape).astype("float32")
    arrays = (images,)
    if model_name == "cgan_mlp":
        arrays += (rng.integers(0, 10, size=(4, BATCH)).astype("int32"),)
    ds = tf.data.Dataset.from_tensor_slices(arrays).cache()
    for _ in ds:
        pass
    ds = ds.repeat().prefetch(tf.data.AUTOTUNE)
    if not autotune:  # tf.data's autotuning model thread off (issue 26)
        options = tf.data.Options()
        options.autotune.enabled = False
        ds = ds.with_options(options)
    return ds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=list(MODELS), required=True)
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads")
    parser.add_argument(
        "--inter-op-threads",
        type=int,
        default=0,
        help="TF inter-op threads; 0: TensorFlow's default (one per core), as "
        "PyTorch's inter-op pool. 1 serialises independent ops and made about "
        "one call in four run at half speed on 2 cores (BENCHMARKS.md).",
    )
    parser.add_argument("--jit", action="store_true", help="jit_compile=True")
    parser.add_argument("--steps-per-execution", type=int, default=1)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument(
        "--no-autotune",
        action="store_true",
        help="tf.data Options.autotune.enabled = False on the input pipeline",
    )
    args = parser.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(args.threads)
    tf.config.threading.set_inter_op_parallelism_threads(args.inter_op_threads)
    import reference_nets

    builder, loss, _ = MODELS[args.model]
    model = getattr(reference_nets, builder)(seed=0)
    reference_nets.compile_reference(
        model,
        loss,
        jit_compile=args.jit,
        steps_per_execution=args.steps_per_execution,
    )
    ds = dataset(args.model, autotune=not args.no_autotune)
    spe = args.steps_per_execution
    model.fit(ds, steps_per_epoch=max(args.warmup, 1) * spe, verbose=0)
    print("ready", flush=True)
    for line in sys.stdin:
        n = int(line)
        start = time.perf_counter()
        model.fit(ds, steps_per_epoch=n, verbose=0)
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "steps": n}), flush=True)


if __name__ == "__main__":
    main()
