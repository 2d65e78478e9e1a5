"""Which accelerator a run has, and the settings that follow from it.

One place decides device-dependent defaults so that recipes, presets and
the runner do not each hard-code them:

- `default_jit_compile()`: XLA (`jit_compile=True`) where an accelerator
  (GPU or TPU) is visible, the default TensorFlow graph on CPU, where XLA
  was measured slower for this package's models (see BENCHMARKS.md).
- `describe_machine()`: CPU model, core count and accelerators, recorded
  beside benchmark figures.
- `set_cpu_intra_op_threads(n)`: the intra-op pool a recipe measured
  faster on CPUs, set before TensorFlow's runtime starts.
"""

import os
import platform

import tensorflow as tf

__all__ = [
    "accelerators",
    "default_jit_compile",
    "describe_machine",
    "set_cpu_intra_op_threads",
    "warn_if_slow_precision",
]

_ACCELERATOR_TYPES = ("GPU", "TPU")


def accelerators():
    """Names of the visible accelerators (physical GPUs and TPUs).

    Returns:
        list of str, e.g. `["/physical_device:GPU:0"]`; empty on a CPU-only
        machine.

    Example:
    >>> isinstance(accelerators(), list)
    True
    """
    names = []
    for device_type in _ACCELERATOR_TYPES:
        try:
            names += [d.name for d in tf.config.list_physical_devices(device_type)]
        except (RuntimeError, ValueError):  # a device type this build lacks
            continue
    return names


def default_jit_compile():
    """`jit_compile` for `Model.compile`: True on GPU/TPU, False on CPU.

    Returns:
        bool. True when an accelerator is visible (XLA usually pays there),
        False on a CPU-only machine.

    Example:
    >>> default_jit_compile() == bool(accelerators())
    True
    """
    return bool(accelerators())


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return sorted(
                        f for f in ("avx2", "avx512f", "amx_tile") if f in flags
                    )
    except OSError:
        pass
    return []


def describe_machine():
    """What a benchmark ran on, as a JSON-friendly dict.

    Returns:
        dict with `cpu` (model name), `cpu_flags` (the vector extensions
        that matter for float32 throughput), `cores` (logical CPUs),
        `accelerators` (names of visible GPUs/TPUs), `platform`, `python`
        and `tensorflow` versions.

    Example:
    >>> sorted(describe_machine())[:3]
    ['accelerators', 'cores', 'cpu']
    """
    return dict(
        accelerators=accelerators(),
        cores=os.cpu_count(),
        cpu=_cpu_model(),
        cpu_flags=_cpu_flags(),
        platform=platform.platform(),
        python=platform.python_version(),
        tensorflow=tf.__version__,
    )


def set_cpu_intra_op_threads(threads):
    """Sizes TensorFlow's intra-op thread pool on a machine with no GPU/TPU.

    Small training steps (many small ops) run faster when TensorFlow's
    inter-op pool runs two ops at once, each on one thread, than when every
    op is split over the cores: the MLP cGAN reference took 20.3 instead of
    24.1 ms per step with one intra-op thread on 2 cores, while DCGAN-64's
    large convolutions lost 15-25% (BENCHMARKS.md, "The slow mode found and
    removed"). So it is a per-recipe choice (a recipe's
    `cpu_intra_op_threads`), applied by `keras_gans.presets.runner` before
    anything runs. The pool cannot change once TensorFlow's runtime has
    started, and a user's `TF_NUM_INTRAOP_THREADS` always wins.

    Args:
        threads: int >= 1, or `None` (keep TensorFlow's default: one per
            core).

    Returns:
        bool: whether the pool is now `threads` threads. `False` (with a
        logged warning) when the runtime has already started; `False`
        (silently) for `None`, on a machine with an accelerator, or when
        `TF_NUM_INTRAOP_THREADS` is set.

    Raises:
        ValueError: `threads` not a positive int.
    """
    if threads is None:
        return False
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(
            f"`cpu_intra_op_threads` must be a positive int or None. "
            f"Received: cpu_intra_op_threads={threads!r}"
        )
    if os.environ.get("TF_NUM_INTRAOP_THREADS") or accelerators():
        return False
    import logging

    try:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
    except RuntimeError:  # the runtime has started: the pool is fixed
        if tf.config.threading.get_intra_op_parallelism_threads() == threads:
            return True
        logging.getLogger("keras_gans").warning(
            "cpu_intra_op_threads=%d not applied: TensorFlow's runtime has "
            "already started in this process (set it before building any "
            "model, or set TF_NUM_INTRAOP_THREADS).",
            threads,
        )
        return False
    return True


_WARNED_PRECISIONS = set()


def warn_if_slow_precision(dtype_policy):
    """Warns once per process when `dtype_policy` is known to be slow on the
    devices in use: `mixed_float16` on a machine with no accelerator (CPUs
    emulate float16 matrix products; measured about 80x slower than float32
    here). Returns the warning text, or `None`.

    Example:
    >>> warn_if_slow_precision("float32") is None
    True
    """
    if dtype_policy != "mixed_float16" or accelerators():
        return None
    if dtype_policy in _WARNED_PRECISIONS:
        return None
    _WARNED_PRECISIONS.add(dtype_policy)
    message = (
        "mixed_float16 (--mixed-precision fp16) on a machine with no GPU or "
        "TPU: CPUs emulate float16 matrix products, so training runs many "
        "times slower than float32 (about 80x on a 2-core CPU). Use float32 "
        "(--mixed-precision off) or bfloat16 (bf16) on CPUs."
    )
    import logging

    logging.getLogger("keras_gans").warning(message)
    return message
