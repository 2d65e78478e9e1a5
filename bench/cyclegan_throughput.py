"""Images/s of one CycleGAN training step beside Pix2Pix's, as JSON.

Both at the paper's settings: 256x256 RGB, batch 1. CycleGAN: two ResNet
generators with 9 residual blocks and two 70x70 PatchGANs (instance norm),
one step = G and F update, then D_A and D_B update with the image pools.
Pix2Pix: the U-Net and the 70x70 PatchGAN. Random images (contents do not
change the timings); a few warm-up steps (tracing) are left out. One image
per step is one (a, b) pair for CycleGAN and one (input, target) pair for
Pix2Pix.

    python bench/cyclegan_throughput.py
    python bench/cyclegan_throughput.py --steps 2 --size 64   # smoke run
"""

import argparse
import json
import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans.models.cyclegan import CycleGAN  # noqa: E402
from keras_gans.models.pix2pix import Pix2Pix  # noqa: E402


def _images_per_second(model, batch, steps, warmup, jit_compile):
    model.compile(jit_compile=jit_compile)
    ds = tf.data.Dataset.from_tensors(batch).repeat()
    model.fit(ds, steps_per_epoch=warmup, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    return round(steps * batch[0].shape[0] / seconds, 3)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--jit-compile", action="store_true")
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    shape = (1, args.size, args.size, 3)
    a = tf.constant(rng.uniform(-1, 1, shape).astype("float32"))
    b = tf.constant(rng.uniform(-1, 1, shape).astype("float32"))
    results = {
        "image_size": args.size,
        "batch_size": 1,
        "steps": args.steps,
        "jit_compile": args.jit_compile,
        "device": "gpu" if tf.config.list_physical_devices("GPU") else "cpu",
        "cyclegan_images_per_second": _images_per_second(
            CycleGAN(args.size, 3, seed=0),
            (a, b),
            args.steps,
            args.warmup,
            args.jit_compile,
        ),
        "pix2pix_images_per_second": _images_per_second(
            Pix2Pix(args.size, 3, 3, normalization="instance", seed=0),
            (a, b),
            args.steps,
            args.warmup,
            args.jit_compile,
        ),
    }
    print(json.dumps(results))
    return results


if __name__ == "__main__":
    main()
