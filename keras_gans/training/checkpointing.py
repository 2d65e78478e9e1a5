"""Runs that survive kills, preemption and divergence.

Model-agnostic helpers the runner (`keras_gans.runner.fit_and_export`) and
the training driver (`keras_gans.distribute.fit`) use:

- `atomic_path(path)` / `atomic_directory(path)` / `write_json(path, obj)`:
  a file or folder appears whole or not at all. It is written under a
  temporary name in the same folder, flushed to disk (`fsync`) and renamed
  over the target; a kill during the write leaves the previous version.
- `TrainingCheckpoint(directory, every_steps, every_seconds)`: step-exact
  checkpoints. Each is a folder `ckpt-<global step>` holding the model's
  weights with both optimizers and its random stream (`model.save_weights`),
  the loss trackers and the loop counters (`state.json`), with the number
  of batches read so far: the data position. A restarted run reads its
  pipeline afresh and skips that many batches, which reproduces the exact
  position for any pipeline whose order depends only on its seeds (the
  package's `data`/`pairs` pipelines, with `keras.utils.set_random_seed`
  called before they are built). Replaying is used rather than
  `tf.train.Checkpoint(iterator=...)`, which does not restore the order of
  later reshuffled passes of a `repeat`ed `shuffle`, and costs only
  reading (not training on) the skipped batches. The
  previous checkpoint is removed only after the new one is complete. It
  also turns SIGTERM into "finish this step, checkpoint, stop".
- `RunLock(out_dir)`: one run per output folder (`<out>/.lock` holds the
  PID; a lock whose process is gone is taken over).
- `DivergenceGuard()`: a Keras callback that stops training with a
  `DivergedError` at the first non-finite loss or weight.
"""

import contextlib
import json
import logging
import math
import os
import shutil
import signal
import time

import keras
import numpy as np
import tensorflow as tf

__all__ = [
    "DEFAULT_CHECKPOINT_SECONDS",
    "DivergedError",
    "DivergenceGuard",
    "RunLock",
    "RunLockedError",
    "TrainingCheckpoint",
    "atomic_directory",
    "atomic_path",
    "write_json",
]

#: Seconds of training between two checkpoints when no step interval is
#: given: a few minutes of work lost at most on a kill.
DEFAULT_CHECKPOINT_SECONDS = 300.0

_LOG = logging.getLogger("keras_gans")


# --------------------------------------------------------------- atomic files
def _fsync_path(path):
    """Flushes a file, or a folder's entry table, to disk (best effort)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _fsync_tree(path):
    for root, _, files in os.walk(path):
        for name in files:
            _fsync_path(os.path.join(root, name))
        _fsync_path(root)


def _temp_name(path):
    folder, name = os.path.split(os.fspath(path))
    # The temporary name keeps the suffix (Keras checks `.keras`, `.h5`).
    return os.path.join(folder, f".tmp-{os.getpid()}-{name}")


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path to write; on success renames it to `path`.

    The temporary file lies in `path`'s folder (so the rename is atomic) and
    keeps its suffix. A failure or a kill before the rename leaves whatever
    was at `path` before.

    Example:
    >>> import tempfile, os
    >>> target = os.path.join(tempfile.mkdtemp(), "a.txt")
    >>> with atomic_path(target) as tmp:
    ...     _ = open(tmp, "w").write("whole")
    >>> open(target).read()
    'whole'
    """
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = _temp_name(path)
    try:
        yield tmp
        _fsync_path(tmp)
        os.replace(tmp, path)
        _fsync_path(os.path.dirname(path) or ".")
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


@contextlib.contextmanager
def atomic_directory(path):
    """Yields a temporary folder to fill; on success it becomes `path`.

    An existing `path` is replaced only once the new folder is complete.
    """
    path = os.fspath(path).rstrip(os.sep)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = _temp_name(path)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        yield tmp
        _fsync_tree(tmp)
        old = None
        if os.path.exists(path):
            old = _temp_name(path) + ".old"
            os.replace(path, old)
        os.replace(tmp, path)
        _fsync_path(os.path.dirname(path) or ".")
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def write_json(path, obj):
    """Writes `obj` as indented JSON to `path`, atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "w") as f:
            json.dump(obj, f, indent=2)
            f.flush()
            os.fsync(f.fileno())


# ------------------------------------------------------------------ run lock
class RunLockedError(ValueError):
    """Another live process is running in the same output folder."""


def _process_alive(pid):
    if pid == os.getpid():
        return False  # our own lock, left by an earlier run in this process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (killed, not yet reaped) is not running
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


class RunLock:
    """One run per output folder: `<out_dir>/.lock` holds the owner's PID.

    `acquire()` creates the lock file exclusively. If it exists and its
    process is alive, it raises `RunLockedError` (a `ValueError`, exit
    code 2 from the CLI); a lock left by a process that is gone is taken
    over. `release()` removes the file if it is still ours. Also a context
    manager.

    Example:
    >>> import tempfile
    >>> out = tempfile.mkdtemp()
    >>> with RunLock(out):
    ...     os.path.exists(os.path.join(out, ".lock"))
    True
    """

    def __init__(self, out_dir):
        self.out_dir = os.fspath(out_dir)
        self.path = os.path.join(self.out_dir, ".lock")
        self.held = False

    def _owner(self):
        try:
            with open(self.path) as f:
                return int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def acquire(self):
        os.makedirs(self.out_dir, exist_ok=True)
        for _ in range(10):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner == os.getpid():  # this process holds it already
                    return self
                if owner is not None and _process_alive(owner):
                    raise RunLockedError(
                        f"Another run (PID {owner}) is writing to {self.out_dir}; "
                        f"wait for it to end or choose another `--out`. "
                        f"Lock file: {self.path}"
                    ) from None
                if owner is None and time.time() - _mtime(self.path) < 2.0:
                    time.sleep(0.2)  # being written by its owner right now
                    continue
                _LOG.warning(
                    "Taking over the lock %s of PID %s, which is gone.",
                    self.path,
                    owner,
                )
                with contextlib.suppress(FileNotFoundError):
                    os.remove(self.path)
                continue
            with os.fdopen(fd, "w") as f:
                f.write(f"{os.getpid()}\n")
            self.held = True
            return self
        raise RunLockedError(f"Could not take the lock {self.path}.")

    def release(self):
        if self.held and self._owner() == os.getpid():
            with contextlib.suppress(FileNotFoundError):
                os.remove(self.path)
        self.held = False

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def _mtime(path):
    try:
        return os.path.getmtime(path)
    except OSError:
        return 0.0


# --------------------------------------------------------------- divergence
class DivergedError(ValueError):
    """Training met a non-finite loss or weight.

    Attributes:
        step: int. The global train step (1-based) whose update diverged.
    """

    def __init__(self, message, step=None):
        super().__init__(message)
        self.step = step


class DivergenceGuard(keras.callbacks.Callback):
    """Stops training at the first non-finite loss or weight.

    After every train step it checks the logged losses and (every
    `check_weights_every` steps) every float weight of the model; at the
    first NaN or Inf it raises `DivergedError` naming the step, before any
    later callback or checkpoint sees the diverged state. Model-agnostic:
    it reads only `logs` and `model.weights`.

    Args:
        check_weights_every: int. Check the weights every N steps (0: only
            the losses).
        initial_step: int. Steps done before this `fit` (a resumed run), so
            that the step in the message counts from the run's start.

    Example:
    >>> guard = DivergenceGuard()
    >>> guard.check_logs({"d_loss": 0.5}, step=3)
    >>> guard.check_logs({"d_loss": float("nan")}, step=4)
    Traceback (most recent call last):
    ...
    keras_gans.training.checkpointing.DivergedError: Training diverged at step 4: non-finite d_loss=nan.
    """

    def __init__(self, check_weights_every=1, initial_step=0):
        super().__init__()
        self.check_weights_every = int(check_weights_every)
        self.initial_step = int(initial_step)
        self.step = self.initial_step

    def on_train_begin(self, logs=None):
        self.step = self.initial_step

    def check_logs(self, logs, step):
        bad = {}
        for name, value in (logs or {}).items():
            try:
                number = float(np.asarray(value))
            except (TypeError, ValueError):
                continue
            if not math.isfinite(number):
                bad[name] = number
        if bad:
            values = ", ".join(f"{k}={v}" for k, v in sorted(bad.items()))
            raise DivergedError(
                f"Training diverged at step {step}: non-finite {values}.", step=step
            )

    def _float_weights(self):
        return [w for w in self.model.weights if "float" in str(w.dtype)]

    def check_weights(self, step):
        weights = self._float_weights()
        if len(weights) != getattr(self, "_checked_count", None):
            # One graph, one device sync per check; re-made if weights change.
            self._checked_count = len(weights)
            self._all_finite = tf.function(
                lambda: tf.reduce_all(
                    tf.stack(
                        [tf.reduce_all(tf.math.is_finite(w.value)) for w in weights]
                    )
                )
            )
        if bool(self._all_finite()):
            return
        bad = [
            w.path
            for w in weights
            if not bool(tf.reduce_all(tf.math.is_finite(w.value)))
        ]
        shown = ", ".join(bad[:3]) + (" ..." if len(bad) > 3 else "")
        raise DivergedError(
            f"Training diverged at step {step}: non-finite weights in "
            f"{len(bad)} variable(s) ({shown}).",
            step=step,
        )

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        self.check_logs(logs, self.step)
        every = self.check_weights_every
        if every and self.step % every == 0:
            self.check_weights(self.step)


# ------------------------------------------------------------- checkpoints
def _skip(iterator, count):
    """Reads and drops `count` elements of `iterator` (inside a graph loop)."""
    if count <= 0:
        return

    @tf.function
    def skip(n):
        for _ in tf.range(n):
            next(iterator)

    skip(tf.constant(count, tf.int64))


class TrainingCheckpoint:
    """Step-exact checkpoints of a training loop under `directory`.

    Args:
        directory: str. Folder of the checkpoints (created).
        every_steps: int or `None`. Write one every N train steps.
        every_seconds: float or `None`. Write one when this many seconds of
            training passed since the last one (used when `every_steps` is
            `None`).
        at_epoch_end: bool. Also write one after the last step of every
            epoch.

    `distribute.fit(..., checkpoint=ckpt)` calls `restore` before the first
    step and `after_step` after each step's callbacks; `after_step` returns
    `True` when training must stop because the process got SIGTERM (a
    checkpoint was written then).
    """

    PREFIX = "ckpt-"

    def __init__(
        self,
        directory,
        every_steps=None,
        every_seconds=DEFAULT_CHECKPOINT_SECONDS,
        at_epoch_end=True,
    ):
        self.directory = os.fspath(directory)
        self.at_epoch_end = at_epoch_end
        self.every_steps = every_steps
        self.every_seconds = every_seconds
        self.preempted = False
        self.last_path = None
        self.saved_step = None
        self._last_time = time.monotonic()
        self._previous_handler = None

    # ---------------------------------------------------------------- files
    def latest(self):
        """The newest complete checkpoint folder, or `None`."""
        if not os.path.isdir(self.directory):
            return None
        names = sorted(
            n
            for n in os.listdir(self.directory)
            if n.startswith(self.PREFIX)
            and os.path.isfile(os.path.join(self.directory, n, "state.json"))
        )
        return os.path.join(self.directory, names[-1]) if names else None

    def save(self, model, iterator, state):
        """Writes a checkpoint of `model` and the dict `state` (which must
        hold `global_step`, and `batches`: the batches read from the data
        iterator); returns its folder."""
        path = os.path.join(
            self.directory, f"{self.PREFIX}{int(state['global_step']):09d}"
        )
        state = dict(state)
        with atomic_directory(path) as tmp:
            model.save_weights(os.path.join(tmp, "model.weights.h5"))
            trackers = [v.numpy() for m in model.metrics for v in m.variables]
            np.savez(os.path.join(tmp, "trackers.npz"), *trackers)
            with open(os.path.join(tmp, "state.json"), "w") as f:
                json.dump(state, f, indent=2)
        for name in os.listdir(self.directory):
            old = os.path.join(self.directory, name)
            # Older checkpoints, and halves of one a kill interrupted.
            if name.startswith((self.PREFIX, ".tmp-")) and old != path:
                shutil.rmtree(old, ignore_errors=True)
        self.last_path = path
        self.saved_step = int(state["global_step"])
        self._last_time = time.monotonic()
        return path

    def restore(self, model, iterator):
        """Loads the newest checkpoint into `model`, moves the fresh data
        `iterator` past the batches already used; returns the checkpoint's
        state dict, or `None` when there is none."""
        path = self.latest()
        if path is None:
            return None
        with open(os.path.join(path, "state.json")) as f:
            state = json.load(f)
        model.load_weights(os.path.join(path, "model.weights.h5"))
        with np.load(os.path.join(path, "trackers.npz")) as saved:
            values = [saved[f"arr_{i}"] for i in range(len(saved.files))]
        variables = [v for m in model.metrics for v in m.variables]
        if len(values) == len(variables):
            for variable, value in zip(variables, values):
                variable.assign(value)
        if iterator is not None:
            _skip(iterator, int(state.get("batches", 0)))
        self.last_path = path
        self.saved_step = int(state["global_step"])
        self._last_time = time.monotonic()
        return state

    def remove(self):
        """Deletes every checkpoint (after a finished run's artifacts)."""
        shutil.rmtree(self.directory, ignore_errors=True)

    # ---------------------------------------------------------------- timing
    def due(self, global_step):
        if self.every_steps:
            return global_step % self.every_steps == 0
        if self.every_seconds is not None:
            return time.monotonic() - self._last_time >= self.every_seconds
        return False

    def after_step(self, model, iterator, state):
        """Saves if due or preempted; returns whether to stop (SIGTERM)."""
        epoch_end = self.at_epoch_end and state["step"] == state.get("steps_per_epoch")
        if self.preempted or epoch_end or self.due(state["global_step"]):
            self.save(model, iterator, state)
        return self.preempted

    # -------------------------------------------------------------- SIGTERM
    def _on_sigterm(self, signum, frame):
        self.preempted = True

    def install_sigterm_handler(self):
        """SIGTERM then sets `preempted` (the loop checkpoints and stops)."""
        try:
            self._previous_handler = signal.signal(signal.SIGTERM, self._on_sigterm)
        except ValueError:  # not the main thread
            self._previous_handler = None

    def uninstall_sigterm_handler(self):
        if self._previous_handler is not None:
            signal.signal(signal.SIGTERM, self._previous_handler)
            self._previous_handler = None
