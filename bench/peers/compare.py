"""keras_gans against PyTorch on the same networks, timed alternately.

For each network (DCGAN-64 reference, MLP cGAN) it starts two worker
processes — `keras_worker.py` (this checkout's python) and
`torch_dcgan.py` / `torch_cgan.py` (the PyTorch venv's python) — each with
its thread count fixed, waits until both are warm, then asks them in turn
for a timed call of `--steps` training steps: keras, torch, keras, torch,
... (`--pairs` pairs). Only one worker computes at a time; the other
waits on stdin. Per pair: images/s of each and the ratio keras / torch,
with the load average beside it; then the medians. One JSON object goes to
stdout (and `--out`), progress to stderr.

    python bench/peers/compare.py --torch-python /work/torchvenv/bin/python
    python bench/peers/compare.py --torch-python /work/torchvenv/bin/python \\
        --models cgan_mlp --pairs 5 --steps 50 --keras-args=--jit
"""

import argparse
import datetime
import json
import os
import pathlib
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # the checkout's keras_gans

BATCH = 64
TORCH_SCRIPTS = {"dcgan64": "torch_dcgan.py", "cgan_mlp": "torch_cgan.py"}
DEFAULT_STEPS = {"dcgan64": 8, "cgan_mlp": 50}


def log(message):
    print(f"[compare] {message}", file=sys.stderr, flush=True)


class Worker:
    """A warm worker process answering `N` with the seconds of N steps."""

    def __init__(self, name, argv):
        self.name = name
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=HERE,
            env=env,
        )
        line = self.proc.stdout.readline().strip()
        if line != "ready":
            raise RuntimeError(f"{name} worker did not start: {line!r}")

    def run(self, steps):
        self.proc.stdin.write(f"{steps}\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())["seconds"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def compare(model, args):
    steps = args.steps or DEFAULT_STEPS[model]
    keras_argv = [sys.executable, str(HERE / "keras_worker.py"), "--model", model]
    keras_argv += ["--threads", str(args.threads)] + shlex.split(args.keras_args)
    torch_argv = [args.torch_python, str(HERE / TORCH_SCRIPTS[model])]
    torch_argv += ["--threads", str(args.threads)]
    log(f"{model}: starting workers")
    workers = [Worker("keras", keras_argv), Worker("torch", torch_argv)]
    pairs = []
    try:
        for i in range(args.pairs):
            pair = {}
            for worker in workers:
                pair[f"{worker.name}_load_average"] = round(os.getloadavg()[0], 2)
                seconds = worker.run(steps)
                pair[f"{worker.name}_images_per_second"] = BATCH * steps / seconds
                pair[f"{worker.name}_ms_per_step"] = 1000 * seconds / steps
            pair["ratio"] = (
                pair["keras_images_per_second"] / pair["torch_images_per_second"]
            )
            pairs.append(pair)
            log(
                f"{model} pair {i + 1}: keras {pair['keras_images_per_second']:.0f} "
                f"img/s, torch {pair['torch_images_per_second']:.0f} img/s, "
                f"ratio {pair['ratio']:.2f} (load {pair['keras_load_average']})"
            )
    finally:
        for worker in workers:
            worker.close()
    median = statistics.median
    return dict(
        model=model,
        steps_per_call=steps,
        batch_size=BATCH,
        threads=args.threads,
        keras_args=args.keras_args,
        pairs=pairs,
        ratio_median=median(p["ratio"] for p in pairs),
        keras_images_per_second_median=median(
            p["keras_images_per_second"] for p in pairs
        ),
        torch_images_per_second_median=median(
            p["torch_images_per_second"] for p in pairs
        ),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--torch-python", required=True, help="python with torch")
    parser.add_argument(
        "--models", nargs="+", choices=list(TORCH_SCRIPTS), default=list(TORCH_SCRIPTS)
    )
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--steps", type=int, help="steps per timed call")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--keras-args", default="", help="extra keras_worker.py flags, e.g. --jit"
    )
    parser.add_argument("--out", type=pathlib.Path)
    args = parser.parse_args(argv)
    # The workers run in this folder: a relative interpreter path is the
    # caller's, so resolve it (a bare name is looked up on PATH).
    args.torch_python = os.path.abspath(
        shutil.which(args.torch_python) or args.torch_python
    )
    from keras_gans import devices

    report = dict(
        machine=devices.describe_machine(),
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        load_average_start=os.getloadavg(),
        torch_version=subprocess.run(
            [args.torch_python, "-c", "import torch; print(torch.__version__)"],
            capture_output=True,
            text=True,
        ).stdout.strip(),
    )
    start = time.perf_counter()
    report["results"] = [compare(model, args) for model in args.models]
    report["seconds"] = time.perf_counter() - start
    report["load_average_end"] = os.getloadavg()
    text = json.dumps(report, indent=2)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
