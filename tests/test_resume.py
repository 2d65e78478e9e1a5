"""Runs that survive kills: exact resume at any step, SIGTERM, the run lock.

Each run is a subprocess of this file (`python tests/test_resume.py OUT`):
a tiny DCGAN on 128 shuffled digits, 2 epochs of 4 steps, a checkpoint
after every step, op determinism on. `KILL_AT=step:where` makes it SIGKILL
itself after that train step, either before the step's checkpoint
(`where=step`) or in the middle of writing it (`where=save`);
`SIGTERM_AT=step` sends itself SIGTERM there. The final weights and
optimizer state are dumped to `OUT/final.npz`.
"""

import os
import signal
import subprocess
import sys

import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EPOCHS, STEPS = 2, 4
TOTAL = EPOCHS * STEPS


def _train(out):
    import tensorflow as tf

    tf.config.experimental.enable_op_determinism()
    import keras

    from keras_gans import checkpointing, data, runner
    from keras_gans.models import DCGAN

    keras.utils.set_random_seed(0)
    images, _ = data.load_digits_sample()
    dataset = data.from_arrays(images[:128], batch_size=32, seed=5)
    model = DCGAN(
        image_size=28,
        channels=1,
        latent_dim=8,
        generator_filters=4,
        discriminator_filters=4,
        seed=3,
    )
    model.compile(ema_decay=0.9)
    kill_at = os.environ.get("KILL_AT")
    term_at = os.environ.get("SIGTERM_AT")

    class Killer(keras.callbacks.Callback):
        step = 0

        def on_train_begin(self, logs=None):
            self.step = self.initial_step

        def on_train_batch_end(self, batch, logs=None):
            self.step += 1
            if kill_at and kill_at == f"{self.step}:step":
                os.kill(os.getpid(), signal.SIGKILL)
            if term_at and int(term_at) == self.step:
                os.kill(os.getpid(), signal.SIGTERM)

    Killer.initial_step = 0
    if kill_at and kill_at.endswith(":save"):
        step = int(kill_at.split(":")[0])
        fsync_tree = checkpointing._fsync_tree

        def dying_fsync_tree(path):  # the files are written, not yet renamed
            if path.endswith(f"ckpt-{step:09d}"):
                os.kill(os.getpid(), signal.SIGKILL)
            fsync_tree(path)

        checkpointing._fsync_tree = dying_fsync_tree
    result = runner.fit_and_export(
        model,
        dataset,
        out,
        epochs=EPOCHS,
        steps_per_epoch=STEPS,
        callbacks=[Killer()],
        checkpoint_every=1,
        verbose=0,
    )
    if result.get("preempted"):
        return
    state = {f"w/{v.path}": v.numpy() for v in model.weights}
    for optimizer in (model.g_optimizer, model.d_optimizer):
        state.update({f"o/{v.path}": v.numpy() for v in optimizer.variables})
    state["seed"] = model.seed_generator.state.numpy()
    np.savez(os.path.join(out, "final.npz"), **state)


def _run(out, **env):
    environ = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ROOT}
    environ.pop("KILL_AT", None)
    environ.pop("SIGTERM_AT", None)
    environ.update({k: str(v) for k, v in env.items()})
    return subprocess.run(
        [sys.executable, os.path.abspath(__file__), str(out)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _final(out):
    with np.load(os.path.join(out, "final.npz")) as f:
        return {k: f[k] for k in f.files}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("straight")
    proc = _run(out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return _final(out)


def _kill_points(count, seed=None):
    """`count` distinct random (step, where) kill points, sorted by step."""
    rng = np.random.default_rng(seed)
    points = [f"{s}:{w}" for s in range(1, TOTAL) for w in ("step", "save")]
    if count < TOTAL - 1:  # distinct steps, for one chain of kills
        steps = rng.choice(np.arange(1, TOTAL), size=count, replace=False)
        return [f"{s}:{rng.choice(['step', 'save'])}" for s in sorted(steps)]
    chosen = rng.choice(len(points), size=count, replace=False)
    return [points[i] for i in sorted(chosen)]


def _differences(a, b):
    assert a.keys() == b.keys()
    return [k for k in a if not np.array_equal(a[k], b[k])]


def _killed_and_resumed(out, points):
    """One chain: killed at each point in turn, then run to the end."""
    for point in points:
        proc = _run(out, KILL_AT=point)
        assert proc.returncode == -signal.SIGKILL, (point, proc.stderr[-3000:])
        assert not os.path.exists(os.path.join(out, "model.keras"))
    proc = _run(out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return _final(out)


def test_sigkill_at_three_random_steps_resumes_bit_identically(uninterrupted, tmp_path):
    points = _kill_points(3)
    resumed = _killed_and_resumed(tmp_path, points)
    assert _differences(uninterrupted, resumed) == [], points
    # Only the finished state stays.
    assert len(os.listdir(tmp_path / "checkpoints")) == 1
    assert not os.path.exists(tmp_path / ".lock")


@pytest.mark.large
def test_sigkill_at_ten_random_steps_resumes_bit_identically(uninterrupted, tmp_path):
    identical = []
    for i, point in enumerate(_kill_points(10)):
        resumed = _killed_and_resumed(tmp_path / str(i), [point])
        identical.append(not _differences(uninterrupted, resumed))
    print(f"bit-identical after a kill: {sum(identical)}/10")
    assert all(identical)


def test_sigterm_checkpoints_exits_cleanly_and_resumes(uninterrupted, tmp_path):
    proc = _run(tmp_path, SIGTERM_AT=3)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Stopped by SIGTERM after epoch 1, step 3 (train step 3)" in proc.stdout
    assert "Run the same command to resume" in proc.stdout
    assert not (tmp_path / "model.keras").exists()
    assert (tmp_path / "checkpoints" / "ckpt-000000003" / "state.json").is_file()
    proc = _run(tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert _differences(uninterrupted, _final(tmp_path)) == []


if __name__ == "__main__":
    _train(sys.argv[1])
