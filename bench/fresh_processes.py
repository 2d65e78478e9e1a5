"""Is there a slow mode? The same small `fit` in N fresh processes, one at a time.

Issue 26: on 2-core machines a process of the MLP cGAN or DCGAN-64 `fit`
either runs at its fast speed or, for its whole life, at a fixed slower one
(34.3 against 19.8 ms per step on an Intel Xeon). This starts
`bench/peers/keras_worker.py` `--processes` times in turn (never two at
once), each with its own environment (`--env NAME=VALUE`, repeatable: e.g.
`TF_NUM_INTRAOP_THREADS=1`), lets it warm up, times `--calls` calls of
`--steps` training steps, and stops it. Per process: ms per step of each
call. The summary counts the processes whose median call is more than
`--slow-factor` times the fastest process's: the slow-mode processes.
One JSON object goes to stdout (and `--out`), progress to stderr.

    python bench/fresh_processes.py --model cgan_mlp --processes 10
    python bench/fresh_processes.py --model dcgan64 --processes 10 --steps 8 \\
        --env TF_NUM_INTRAOP_THREADS=1 --threads 0
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
WORKER = HERE / "peers" / "keras_worker.py"


def log(message):
    print(f"[fresh_processes] {message}", file=sys.stderr, flush=True)


def cpu_model():
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def matmul_gflops(size=1024, repeats=10):
    import numpy as np

    a = np.random.default_rng(0).random((size, size), dtype=np.float32)
    a @ a
    start = time.perf_counter()
    for _ in range(repeats):
        a @ a
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


def cpu_ticks():
    """Machine-wide `/proc/stat` CPU ticks: busy (user + system), idle, steal."""
    try:
        fields = pathlib.Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, fields[1:9])
    return {
        "busy": user + nice + system + irq + softirq,
        "idle": idle + iowait,
        "steal": steal,
    }


def cores_busy(before, after, seconds):
    """How many cores were busy / idle / stolen on average between two reads."""
    if before is None or after is None:
        return None
    hz = os.sysconf("SC_CLK_TCK")
    return {k: round((after[k] - before[k]) / hz / seconds, 2) for k in before}


def one_process(args, env):
    """ms per step of each timed call in one fresh worker process, and the
    machine's busy / idle / stolen cores during each call."""
    command = [sys.executable, str(WORKER), "--model", args.model]
    command += ["--threads", str(args.threads)] + args.worker_args
    worker = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        line = worker.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"worker did not start: {line!r}")
        calls, cores = [], []
        for _ in range(args.calls):
            before, start = cpu_ticks(), time.perf_counter()
            worker.stdin.write(f"{args.steps}\n")
            worker.stdin.flush()
            reply = json.loads(worker.stdout.readline())
            seconds = time.perf_counter() - start
            cores.append(cores_busy(before, cpu_ticks(), seconds))
            calls.append(1000.0 * reply["seconds"] / reply["steps"])
        return calls, cores
    finally:
        worker.kill()
        worker.wait()


def summarize(processes, slow_factor):
    """Slow-mode counts of `processes` (each with `ms_per_step` and `cores`).

    A process is slow when its median call is more than `slow_factor` times
    the fastest process's. Slow processes during which the host took CPU
    time from this machine (median stolen cores >= 0.1, `/proc/stat`'s steal)
    are counted apart: that is a neighbour on the host, not this process.
    """
    medians = [statistics.median(p["ms_per_step"]) for p in processes]
    stolen = [
        statistics.median(c["steal"] if c else 0.0 for c in p["cores"])
        for p in processes
    ]
    fastest = min(medians)
    slow = [i for i, m in enumerate(medians) if m > slow_factor * fastest]
    return {
        "median_ms_per_step": round(statistics.median(medians), 2),
        "fastest_ms_per_step": round(fastest, 2),
        "slowest_ms_per_step": round(max(medians), 2),
        "slow_processes": len(slow),
        "slow_processes_while_host_stole_cpu": sum(stolen[i] >= 0.1 for i in slow),
        "of": len(medians),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--model", choices=["cgan_mlp", "dcgan64"], required=True)
    parser.add_argument("--processes", type=int, default=10)
    parser.add_argument("--steps", type=int, default=50, help="steps per call")
    parser.add_argument("--calls", type=int, default=3, help="timed calls")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="the worker's intra-op threads; 0: TensorFlow's default",
    )
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE")
    parser.add_argument("--slow-factor", type=float, default=1.3)
    parser.add_argument("--worker-args", nargs=argparse.REMAINDER, default=[])
    parser.add_argument("--out", type=pathlib.Path)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    for item in args.env:
        name, _, value = item.partition("=")
        if not name or not _:
            parser.error(f"--env must be NAME=VALUE. Received: --env {item}")
        env[name] = value
    result = {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "matmul_gflops": round(matmul_gflops(), 1),
        "model": args.model,
        "threads": args.threads,
        "env": args.env,
        "steps": args.steps,
        "processes": [],
    }
    for index in range(args.processes):
        load = os.getloadavg()[0]
        calls, cores = one_process(args, env)
        result["processes"].append(
            {
                "ms_per_step": [round(c, 2) for c in calls],
                "cores": cores,
                "load": round(load, 2),
            }
        )
        shown = ", ".join(
            f"{c:.1f} ms ({k and k['busy']} busy, {k and k['steal']} stolen)"
            for c, k in zip(calls, cores)
        )
        log(f"process {index + 1}: {shown} (load {load:.2f})")
    result["summary"] = summarize(result["processes"], args.slow_factor)
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
