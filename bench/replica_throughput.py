"""Training throughput at 1 and 2 replicas of one machine, as JSON.

The CPU is split into two logical devices; the same model config trains on
the same global batch under `OneDeviceStrategy("/cpu:0")` (1 replica) and
`MirroredStrategy(["/cpu:0", "/cpu:1"])` (2 replicas, each half the batch),
and images/second of `model.fit` are compared. On a 2-core machine this
measures the cost of the replication machinery (all-reduce, per-replica
graphs) rather than a speed-up, since both replicas share the same cores and
TensorFlow's thread pools already use both; on a multi-GPU machine pass
`--devices /gpu:0 /gpu:1`.

    python bench/replica_throughput.py                  # dcgan28 and cgan_mlp_conv
    python bench/replica_throughput.py --models gan --steps 20

Models, data and timing are those of `bench/train_throughput.py` (its
`CONFIGS`, synthetic datasets, fastest of `--repeats` timed `fit` calls).
"""

import argparse
import json
import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))  # bench/
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

import tensorflow as tf  # noqa: E402

_cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    _cpu, [tf.config.LogicalDeviceConfiguration()] * 2
)

import keras  # noqa: E402
import train_throughput as tt  # noqa: E402

from keras_gans import models  # noqa: E402


def measure(label, strategy, steps, warmup, repeats):
    config = tt.CONFIGS[label]
    keras.utils.set_random_seed(tt.SEED)
    with strategy.scope():
        model = getattr(models, config["model"])(seed=tt.SEED, **config["kwargs"])
        model.compile(jit_compile=False)
    ds = tt.synthetic_dataset(model, config)
    start = time.perf_counter()
    tt._timed_fit(model, ds, warmup)
    first = time.perf_counter() - start
    step = min(tt._timed_fit(model, ds, steps) / steps for _ in range(repeats))
    keras.backend.clear_session()
    return dict(
        model=label,
        replicas=strategy.num_replicas_in_sync,
        global_batch=config["batch_size"],
        images_per_second=config["batch_size"] / step,
        ms_per_step=1000 * step,
        first_call_seconds=first,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", default=["dcgan28", "cgan_mlp_conv"], choices=tt.CONFIGS
    )
    parser.add_argument("--devices", nargs=2, default=["/cpu:0", "/cpu:1"])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args(argv)
    results = []
    # One strategy object of each kind for all models: a second
    # MirroredStrategy in the same process reuses collective instance keys
    # ("Shape mismatch in the collective instance").
    strategies = (
        tf.distribute.OneDeviceStrategy(args.devices[0]),
        tf.distribute.MirroredStrategy(args.devices),
    )
    for label in args.models:
        for strategy in strategies:
            result = measure(label, strategy, args.steps, args.warmup, args.repeats)
            tt.log(
                f"{label} x{result['replicas']}: "
                f"{result['images_per_second']:.0f} images/s"
            )
            results.append(result)
    print(json.dumps(dict(machine=tt.machine_info(), results=results), indent=2))


if __name__ == "__main__":
    main()
