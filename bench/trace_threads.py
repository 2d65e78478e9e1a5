"""Which thread runs each op of a training step: a TF profiler trace, read.

Issue 26: a `fit` process on 2 cores sometimes runs its steps at a fixed
slower speed (DCGAN-64: 1282 against ~800 ms per step; MLP cGAN: 52 against
25 ms). This builds `bench/peers/keras_worker.py`'s model in this process,
warms it up, then runs `--calls` timed `fit` calls of `--steps` steps, each
under its own `tf.profiler.experimental` trace (the same trace the
TensorBoard profile plugin's trace viewer shows). It reads each trace's
host plane (`*.xplane.pb`, TensorFlow's own proto) and reports, per call:
ms per step, and per thread (the trace's lines: one per OS thread, named by
its pool, e.g. `tf_inter_op_parallelism` / `tf_intra_op_parallelism` /
`tf_data_...`) the number of op executions, their summed time, and the summed
time of the heavy ops (MatMul, Conv2D and their gradients, oneDNN's `_Mkl*` /
`_Fused*` kernels). So a reader can see, call by call, on which pool the
expensive kernels ran in a fast call and in a slow one.

    python bench/trace_threads.py --model dcgan64 --steps 4 --calls 6
    TF_NUM_INTRAOP_THREADS=1 python bench/trace_threads.py --model cgan_mlp

One JSON object to stdout (and `--out`); the raw traces stay under
`--logdir` for the trace viewer (`tensorboard --logdir LOGDIR`, Profile tab).
"""

import argparse
import collections
import datetime
import json
import os
import pathlib
import re
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "peers"))

import tensorflow as tf  # noqa: E402

HEAVY = re.compile(r"(MatMul|Conv2D|Conv2DBackprop|_Mkl|_Fused|Einsum)")
# Trace lines that are not OS threads (step markers, derived timelines).
NOT_THREADS = re.compile(r"^(Steps|XLA|Framework|Source|Derived|TensorFlow Name)")


def read_host_plane(logdir):
    """Per-thread op counts and times of the newest `.xplane.pb` under logdir."""
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    files = sorted(pathlib.Path(logdir).rglob("*.xplane.pb"), key=os.path.getmtime)
    if not files:
        raise FileNotFoundError(f"no .xplane.pb under {logdir}")
    space = xplane_pb2.XSpace()
    space.ParseFromString(files[-1].read_bytes())
    threads = collections.defaultdict(
        lambda: {"ops": 0, "op_ms": 0.0, "heavy_ops": 0, "heavy_ms": 0.0}
    )
    for plane in space.planes:
        if not plane.name.startswith("/host:CPU"):
            continue
        names = {k: v.name for k, v in plane.event_metadata.items()}
        for line in plane.lines:
            if NOT_THREADS.match(line.name):
                continue
            pool = re.sub(r"[/_]?\d+$", "", line.name) or line.name
            entry = threads[pool]
            for event in line.events:
                name = names.get(event.metadata_id, "")
                # Op executions are named `OpName:OpType` or `OpType` by the
                # executor; Python and runtime scopes hold no `:` of a type.
                op_type = name.rsplit(":", 1)[-1]
                if not op_type or op_type.startswith(("$", "Thunk", "Execute")):
                    continue
                ms = event.duration_ps / 1e9
                entry["ops"] += 1
                entry["op_ms"] += ms
                if HEAVY.search(op_type):
                    entry["heavy_ops"] += 1
                    entry["heavy_ms"] += ms
    return {
        pool: {k: round(v, 1) if isinstance(v, float) else v for k, v in t.items()}
        for pool, t in sorted(threads.items())
    }


def main(argv=None):
    import keras_worker
    import reference_nets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=list(keras_worker.MODELS), required=True)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--calls", type=int, default=6)
    parser.add_argument("--logdir", type=pathlib.Path)
    parser.add_argument("--out", type=pathlib.Path)
    args = parser.parse_args(argv)
    logdir = args.logdir or pathlib.Path(tempfile.mkdtemp(prefix="trace_threads_"))
    builder, loss, _ = keras_worker.MODELS[args.model]
    model = getattr(reference_nets, builder)(seed=0)
    reference_nets.compile_reference(model, loss)
    ds = keras_worker.dataset(args.model)
    model.fit(ds, steps_per_epoch=3, verbose=0)
    from keras_gans.training.devices import describe_machine

    result = {
        "date": datetime.date.today().isoformat(),
        "machine": describe_machine(),
        "model": args.model,
        "env": {k: v for k, v in os.environ.items() if k.startswith(("TF_", "OMP"))},
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "logdir": str(logdir),
        "calls": [],
    }
    for index in range(args.calls):
        call_dir = logdir / f"call{index}"
        tf.profiler.experimental.start(str(call_dir))
        start = time.perf_counter()
        model.fit(ds, steps_per_epoch=args.steps, verbose=0)
        seconds = time.perf_counter() - start
        tf.profiler.experimental.stop()
        threads = read_host_plane(call_dir)
        result["calls"].append(
            {"ms_per_step": round(1000 * seconds / args.steps, 1), "threads": threads}
        )
        heavy = {p: t["heavy_ms"] for p, t in threads.items() if t["heavy_ms"]}
        print(
            f"[trace_threads] call {index}: {1000 * seconds / args.steps:.1f} "
            f"ms/step, heavy-op ms by thread {heavy}",
            file=sys.stderr,
            flush=True,
        )
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
