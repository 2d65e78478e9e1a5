"""Keeps TensorFlow's C++ start-up logs out of a newcomer's way.

Imports nothing from TensorFlow or keras_gans, so that it can run before
TensorFlow loads: `TF_CPP_MIN_LOG_LEVEL` is read once, when TensorFlow's
C++ runtime starts. Level 3 hides the `failed call to cuInit` and `remapper
failed` lines, but not the lines absl writes before its logging is set up
(`WARNING: All log messages before absl::InitializeLog() ...`, oneDNN and
CUDA notes), so `import_tensorflow_quietly` also filters those out of the
process's stderr while TensorFlow loads.
"""

import os
import re
import sys
import tempfile

__all__ = []

# Lines of absl/TF C++ logging: `I0000 00:00:...`, `W0000 ...`, `E0000 ...`.
_NOISE = re.compile(
    r"^([IWEF]\d{4} \d\d:\d\d:|WARNING: All log messages before absl"
    r"|To enable the following instructions:)"
)


def wants_verbose(argv):
    """Whether the command line asks for TensorFlow's logs (`--verbose`)."""
    return "--verbose" in (sys.argv[1:] if argv is None else argv)


def quiet_tensorflow(argv=None):
    """Sets `TF_CPP_MIN_LOG_LEVEL=3` and loads TensorFlow with its start-up
    noise filtered out, unless `--verbose` is in `argv` or the user chose
    another level. A no-op once TensorFlow is loaded."""
    if wants_verbose(argv):
        return
    if os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3") == "3":
        import_tensorflow_quietly()  # level 3 cannot hide absl's early lines


def import_tensorflow_quietly():
    """Imports TensorFlow with the absl start-up lines removed from stderr
    (other output of the import, such as Python warnings, is kept)."""
    if "tensorflow" in sys.modules:
        return
    try:
        stderr_fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # no real stderr (captured)
        stderr_fd = None
    if stderr_fd is None:
        import tensorflow  # noqa: F401

        return
    sys.stderr.flush()
    saved = os.dup(stderr_fd)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), stderr_fd)
        try:
            import tensorflow  # noqa: F401
        finally:
            sys.stderr.flush()
            os.dup2(saved, stderr_fd)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode("utf-8", "replace")
            kept = [line for line in text.splitlines(True) if not _NOISE.match(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


def on_package_import():
    """Called first thing by `keras_gans/__init__.py`, before TensorFlow loads.

    Quiets the start-up of the `keras-gans` command (unless `--verbose`),
    and filters absl's early lines whenever `TF_CPP_MIN_LOG_LEVEL` is 3 (set
    by a recipe or by the user), since that level cannot hide them.
    """
    program = os.path.basename(sys.argv[0]) if sys.argv else ""
    if program in ("keras-gans", "keras-gans.exe"):
        quiet_tensorflow()
    elif os.environ.get("TF_CPP_MIN_LOG_LEVEL") == "3":
        import_tensorflow_quietly()
