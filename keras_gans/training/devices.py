"""Which accelerator a run has, and the settings that follow from it.

One place decides device-dependent defaults so that recipes, presets and
the runner do not each hard-code them:

- `default_jit_compile()`: XLA (`jit_compile=True`) where an accelerator
  (GPU or TPU) is visible, the default TensorFlow graph on CPU, where XLA
  was measured slower for this package's models (see BENCHMARKS.md).
- `describe_machine()`: CPU model, core count and accelerators, recorded
  beside benchmark figures.
"""

import os
import platform

import tensorflow as tf

__all__ = [
    "accelerators",
    "default_jit_compile",
    "describe_machine",
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
