"""tf.distribute: strategies by name, the multi-worker `fit` driver, and
two real worker processes on 127.0.0.1."""

import json
import os
import socket
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import distribute
from keras_gans.models.adversarial import AdversarialModel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", KERAS_BACKEND="tensorflow")

# A tiny GAN without BatchNorm, the same in every process.
_NETS = textwrap.dedent(
    """
    import keras, numpy as np, tensorflow as tf
    from keras_gans.models.adversarial import AdversarialModel

    X = np.random.default_rng(2).uniform(-1, 1, (8, 4)).astype("float32")

    def build(seed=3):
        keras.utils.set_random_seed(0)
        g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5, activation="tanh"),
                              keras.layers.Dense(4, activation="tanh")])
        d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(1)])
        model = AdversarialModel(g, d, seed=seed)
        model.compile(g_optimizer=keras.optimizers.SGD(0.1),
                      d_optimizer=keras.optimizers.SGD(0.1))
        return model

    def dataset():
        return tf.data.Dataset.from_tensor_slices((X,)).batch(8)
    """
)


def _tiny_model():
    g = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh")])
    d = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model = AdversarialModel(g, d, seed=1)
    model.compile(
        g_optimizer=keras.optimizers.SGD(0.1), d_optimizer=keras.optimizers.SGD(0.1)
    )
    return model


def _data():
    x = np.random.default_rng(0).uniform(-1, 1, (12, 4)).astype("float32")
    return tf.data.Dataset.from_tensor_slices((x,)).batch(4)


def test_get_strategy_by_name():
    assert distribute.get_strategy("default") is tf.distribute.get_strategy()
    mirrored = distribute.get_strategy("mirrored", devices=["/cpu:0"])
    assert isinstance(mirrored, tf.distribute.MirroredStrategy)
    with pytest.raises(ValueError, match="`strategy` must be one of"):
        distribute.get_strategy("horovod")


def test_bad_tf_config_is_named(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", "{not json")
    with pytest.raises(ValueError, match="TF_CONFIG"):
        distribute.get_strategy("multiworker")
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": {}}))
    with pytest.raises(ValueError, match="'task'"):
        distribute.get_strategy("multiworker")


def test_single_process_is_chief():
    assert distribute.is_chief()


def test_driver_matches_model_fit_on_one_device():
    """Same seeds, same data: the driver and `model.fit` give the same
    weights, the same logged losses and the same callback calls."""

    class Count(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.calls = []

        def on_epoch_end(self, epoch, logs=None):
            self.calls.append((epoch, sorted(logs)))

    keras.utils.set_random_seed(0)
    a = _tiny_model()
    count_a = Count()
    hist_a = a.fit(_data(), epochs=2, verbose=0, callbacks=[count_a], shuffle=False)
    keras.utils.set_random_seed(0)
    b = _tiny_model()
    count_b = Count()
    hist_b = distribute.fit(b, _data(), epochs=2, verbose=0, callbacks=[count_b])
    for u, v in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-7)
    assert hist_b.history.keys() == hist_a.history.keys() == {"d_loss", "g_loss"}
    for name in hist_a.history:
        np.testing.assert_allclose(
            hist_b.history[name], hist_a.history[name], rtol=1e-5
        )
    assert (
        count_a.calls
        == count_b.calls
        == [(0, ["d_loss", "g_loss"])] * 1 + [(1, ["d_loss", "g_loss"])]
    )


def test_driver_needs_steps_for_an_infinite_dataset():
    model = _tiny_model()
    with pytest.raises(ValueError, match="steps_per_epoch"):
        distribute.fit(model, _data().repeat(), epochs=1, verbose=0)
    history = distribute.fit(model, _data().repeat(), steps_per_epoch=2, verbose=0)
    assert len(history.history["d_loss"]) == 1


def test_driver_honours_stop_training():
    class Stop(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 1:
                self.model.stop_training = True

    model = _tiny_model()
    history = distribute.fit(model, _data(), epochs=5, verbose=0, callbacks=[Stop()])
    assert len(history.history["d_loss"]) == 1
    assert int(model.g_optimizer.iterations) == 2


def test_driver_resumes_with_backup_and_restore(tmp_path):
    """Interrupted in epoch 2 and started again with the same backup folder,
    the driver continues from epoch 2 and ends where an uninterrupted run does."""

    class Crash(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("interrupted")

    keras.utils.set_random_seed(0)
    straight = _tiny_model()
    distribute.fit(straight, _data(), epochs=3, verbose=0)

    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))
    keras.utils.set_random_seed(0)
    first = _tiny_model()
    with pytest.raises(RuntimeError, match="interrupted"):
        distribute.fit(first, _data(), epochs=3, verbose=0, callbacks=[backup, Crash()])
    keras.utils.set_random_seed(0)
    resumed = _tiny_model()
    history = distribute.fit(
        resumed,
        _data(),
        epochs=3,
        verbose=0,
        callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))],
    )
    assert history.epoch == [2]
    for u, v in zip(straight.get_weights(), resumed.get_weights()):
        np.testing.assert_allclose(u, v, rtol=1e-6, atol=1e-7)


_WORKER = _NETS + textwrap.dedent(
    """
    import json, sys
    from keras_gans import distribute

    strategy = distribute.get_strategy("multiworker")
    assert distribute.get_strategy("multiworker") is strategy  # one per process
    with strategy.scope():
        model = build()
    init = model.get_weights()
    history = distribute.fit(model, dataset(), epochs=2, steps_per_epoch=2, verbose=0)
    np.savez(sys.argv[1], *model.get_weights())

    # A whole recipe on the two workers: only the chief writes its outputs.
    sys.path.insert(0, "recipes")
    import gan_mnist
    gan_mnist.main(["--strategy", "multiworker", "--epochs", "1", "--batch-size", "32",
                    "--steps-per-epoch", "2", "--out", sys.argv[2]])
    print(json.dumps({
        "replicas": strategy.num_replicas_in_sync,
        "chief": distribute.is_chief(strategy),
        "moved": max(float(np.abs(u - v).max())
                     for u, v in zip(init, model.get_weights())),
        "d_loss": history.history["d_loss"],
    }))
    """
)


def _free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_workers_train_to_identical_weights(tmp_path):
    """MultiWorkerMirroredStrategy with two processes on 127.0.0.1: both
    workers run the driver and end with the same, changed weights; then both
    run the GAN recipe with `--strategy multiworker`."""
    workers = [f"127.0.0.1:{p}" for p in _free_ports(2)]
    procs = []
    for index in range(2):
        env = dict(
            _ENV,
            TF_CONFIG=json.dumps(
                {
                    "cluster": {"worker": workers},
                    "task": {"type": "worker", "index": index},
                }
            ),
        )
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _WORKER,
                    str(tmp_path / f"w{index}.npz"),
                    str(tmp_path / f"run{index}"),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                cwd=ROOT,
            )
        )
    try:
        outputs = [p.communicate(timeout=240) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    for index, (p, (out, err)) in enumerate(zip(procs, outputs)):
        assert p.returncode == 0, f"worker {index}:\n" + "\n\n".join(
            e[-2500:] for _, e in outputs
        )
    results = [json.loads(out.strip().splitlines()[-1]) for out, _ in outputs]
    assert [r["replicas"] for r in results] == [2, 2]
    assert [r["chief"] for r in results] == [True, False]
    assert results[0]["moved"] > 1e-3
    assert results[0]["d_loss"] == results[1]["d_loss"]
    w0, w1 = (np.load(tmp_path / f"w{i}.npz") for i in range(2))
    assert len(w0.files) == len(w1.files) > 0
    for name in w0.files:
        np.testing.assert_array_equal(w0[name], w1[name])
    # The recipe: the chief wrote every artefact, worker 1 left nothing.
    run = tmp_path / "run0"
    for name in ("model.keras", "metrics.json", "losses.png", "saved_model/1"):
        assert (run / name).exists(), name
    assert not (tmp_path / "run1").exists()


def test_driver_resumes_mid_epoch_from_a_training_checkpoint(tmp_path):
    """Stopped by an error after step 4 of 9 (mid-epoch 2) and started again
    with the same checkpoint folder: the same weights, optimizer state and
    data order as one uninterrupted run, bit for bit."""
    from keras_gans import checkpointing

    def shuffled():
        return _data().unbatch().shuffle(12, seed=1).batch(4)

    class CrashAt(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if self.model.g_optimizer.iterations.numpy() == 5:
                raise RuntimeError("crash")

    keras.utils.set_random_seed(0)
    straight = _tiny_model()
    distribute.fit(straight, shuffled(), epochs=3, verbose=0)
    keras.utils.set_random_seed(0)
    first = _tiny_model()
    ckpt = checkpointing.TrainingCheckpoint(tmp_path, every_steps=1)
    with pytest.raises(RuntimeError, match="crash"):
        distribute.fit(
            first,
            shuffled(),
            epochs=3,
            verbose=0,
            callbacks=[CrashAt()],
            checkpoint=ckpt,
        )
    assert os.path.basename(ckpt.latest()) == "ckpt-000000004"
    keras.utils.set_random_seed(0)
    resumed = _tiny_model()
    ckpt = checkpointing.TrainingCheckpoint(tmp_path, every_steps=1)
    distribute.fit(resumed, shuffled(), epochs=3, verbose=0, checkpoint=ckpt)
    assert resumed.stopped_at == {
        "epoch": 2,
        "step": 3,
        "global_step": 9,
        "preempted": False,
    }
    for a, b in zip(straight.weights, resumed.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)
    for name in ("g_optimizer", "d_optimizer"):
        for a, b in zip(
            getattr(straight, name).variables, getattr(resumed, name).variables
        ):
            np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=a.path)


def test_tpu_strategy_without_a_tpu_names_the_flag():
    """tensorflow#70827: no TPU here; the error names `--tpu` and the
    other strategies instead of TensorFlow's "Please provide a TPU Name"."""
    from keras_gans import distribute

    with pytest.raises(ValueError, match="found no TPU .*--tpu"):
        distribute.get_strategy("tpu")


def test_tpu_flag_needs_the_tpu_strategy():
    import argparse

    from keras_gans import run_options

    args = argparse.Namespace(strategy="default", tpu="my-tpu")
    with pytest.raises(ValueError, match="`--tpu` is used with `--strategy tpu`"):
        run_options.strategy_for_recipe(args)


def test_float16_on_a_cpu_warns_once(caplog):
    import logging

    from keras_gans import devices

    devices._WARNED_PRECISIONS.clear()
    with caplog.at_level(logging.WARNING, logger="keras_gans"):
        first = devices.warn_if_slow_precision("mixed_float16")
        second = devices.warn_if_slow_precision("mixed_float16")
    assert "CPUs emulate float16" in first and second is None
    assert sum("mixed_float16" in r.getMessage() for r in caplog.records) == 1
    assert devices.warn_if_slow_precision("mixed_bfloat16") is None


def test_cpu_intra_op_threads_set_before_the_runtime_starts(tmp_path):
    """Issue 26: a recipe's `cpu_intra_op_threads` takes effect in a fresh
    process; once the runtime runs it is refused with a warning, and a
    user's TF_NUM_INTRAOP_THREADS wins."""
    script = textwrap.dedent(
        """
        import json, logging, os
        from keras_gans.training import devices
        import tensorflow as tf
        applied = devices.set_cpu_intra_op_threads(1)
        pool = tf.config.threading.get_intra_op_parallelism_threads()
        tf.ones(2) + 1  # the runtime starts
        again = devices.set_cpu_intra_op_threads(1)
        late = devices.set_cpu_intra_op_threads(3)
        print(json.dumps([applied, pool, again, late]))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "TF_NUM_INTRAOP_THREADS"}
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == [True, 1, True, False]
    assert "cpu_intra_op_threads=3 not applied" in run.stderr
    env["TF_NUM_INTRAOP_THREADS"] = "2"
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env
    )
    assert json.loads(run.stdout.strip().splitlines()[-1])[0] is False


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_cpu_intra_op_threads_refuses_a_bad_value(bad):
    from keras_gans.training import devices

    with pytest.raises(ValueError, match="cpu_intra_op_threads"):
        devices.set_cpu_intra_op_threads(bad)
    assert devices.set_cpu_intra_op_threads(None) is False
