"""`runner.fit_and_export`: the artefacts of a run, and resuming a crash."""

import json
import os
import pathlib

import keras
import numpy as np
import pytest
from training_helpers import Crash

from keras_gans import checkpointing, cli, data, runner
from keras_gans.models import DCGAN


def _model():
    keras.utils.set_random_seed(7)
    model = DCGAN(
        image_size=28,
        channels=1,
        latent_dim=8,
        generator_filters=4,
        discriminator_filters=4,
        seed=3,
    )
    model.compile()
    return model


def _dataset():
    # Two batches per epoch, the same each epoch, in any process.
    return data.digits_dataset(batch_size=8, with_labels=False, shuffle=False).take(2)


def test_fit_and_export_writes_every_artefact(tmp_path):
    results = runner.fit_and_export(
        _model(),
        _dataset(),
        tmp_path,
        epochs=2,
        steps_per_epoch=2,
        batch_size=8,
        evaluate=lambda model: {"mean_pixel": float(model.generate(4, seed=0).mean())},
        verbose=0,
    )
    for name in (
        "samples/samples_epoch_001.png",
        "samples/samples_epoch_002.png",
        "losses.png",
        "losses.json",
        "model.keras",
        "saved_model/1/saved_model.pb",
        "metrics.json",
    ):
        assert (tmp_path / name).is_file(), name
    # The final checkpoint stays (the finished state), beside the run record.
    assert len(list((tmp_path / "checkpoints").glob("ckpt-*"))) == 1
    assert json.loads((tmp_path / "run.json").read_text())["class"] == "DCGAN"
    assert not (tmp_path / ".lock").exists()
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved == results
    assert results["steps"] == 4 and results["epochs"] == 2
    assert results["images_per_second"] > 0
    assert -1.0 <= results["mean_pixel"] <= 1.0
    curves = json.loads((tmp_path / "losses.json").read_text())
    assert curves["epoch"] == [1, 2] and len(curves["d_loss"]) == 2
    reloaded = keras.saving.load_model(tmp_path / "model.keras")
    assert reloaded.d_optimizer.iterations.numpy() == 4


def test_interrupted_run_resumes_where_the_checkpoint_left_it(tmp_path):
    straight = _model()
    runner.fit_and_export(straight, _dataset(), tmp_path / "a", epochs=3, verbose=0)

    crashed = _model()
    with pytest.raises(RuntimeError, match="simulated crash"):
        runner.fit_and_export(
            crashed,
            _dataset(),
            tmp_path / "b",
            epochs=3,
            callbacks=[Crash(at_epoch=2)],
            verbose=0,
        )
    assert (tmp_path / "b" / "checkpoints").is_dir()
    assert not (tmp_path / "b" / "model.keras").exists()

    resumed = _model()  # a new process would build the model afresh
    results = runner.fit_and_export(
        resumed, _dataset(), tmp_path / "b", epochs=3, verbose=0
    )
    assert results["steps"] == 2  # only the third epoch ran again
    for a, b in zip(straight.weights, resumed.weights):
        np.testing.assert_allclose(b.numpy(), a.numpy(), atol=1e-6, err_msg=a.path)
    for opt in ("g_optimizer", "d_optimizer"):
        for a, b in zip(
            getattr(straight, opt).variables, getattr(resumed, opt).variables
        ):
            np.testing.assert_allclose(b.numpy(), a.numpy(), atol=1e-6, err_msg=a.path)


def _dcgan(filters=4):
    keras.utils.set_random_seed(7)
    model = DCGAN(
        image_size=28,
        channels=1,
        latent_dim=8,
        generator_filters=filters,
        discriminator_filters=4,
        seed=3,
    )
    model.compile()
    return model


def test_more_epochs_continue_a_finished_run(tmp_path):
    """Issue 30, case 1: 1 epoch, then the same with 2 epochs, continues the
    first run to epoch 2 (as one 2-epoch run), keeping the 1-epoch model."""
    straight = _model()
    runner.fit_and_export(straight, _dataset(), tmp_path / "a", epochs=2, verbose=0)
    first = runner.fit_and_export(
        _model(), _dataset(), tmp_path / "b", epochs=1, verbose=0
    )
    one_epoch = (tmp_path / "b" / "model.keras").read_bytes()
    continued = _model()
    results = runner.fit_and_export(
        continued, _dataset(), tmp_path / "b", epochs=2, verbose=0
    )
    assert first["steps"] == 2 and results["steps"] == 2  # only epoch 2 ran
    for a, b in zip(straight.weights, continued.weights):
        np.testing.assert_allclose(b.numpy(), a.numpy(), atol=1e-6, err_msg=a.path)
    assert (tmp_path / "b" / "model-epoch-001.keras").read_bytes() == one_epoch
    # The same epochs again: nothing to train, nothing rewritten.
    mtime = (tmp_path / "b" / "model.keras").stat().st_mtime
    again = runner.fit_and_export(
        _model(), _dataset(), tmp_path / "b", epochs=2, verbose=0
    )
    assert again == results
    assert (tmp_path / "b" / "model.keras").stat().st_mtime == mtime


def test_a_folder_of_another_config_is_refused_in_one_line(tmp_path):
    """Issue 30, case 2: resuming with other settings names what differs
    and the folder, before Keras tries to load mismatched weights."""
    runner.fit_and_export(
        _dcgan(4), _dataset(), tmp_path, epochs=1, batch_size=8, verbose=0
    )
    with pytest.raises(ValueError, match="generator_filters: 4 -> 8") as info:
        runner.fit_and_export(
            _dcgan(8), _dataset(), tmp_path, epochs=2, batch_size=8, verbose=0
        )
    assert str(tmp_path) in str(info.value) and "--out" in str(info.value)
    with pytest.raises(ValueError, match="batch size 8; this one has 16"):
        runner.fit_and_export(
            _dcgan(4), _dataset(), tmp_path, epochs=2, batch_size=16, verbose=0
        )
    results = runner.fit_and_export(
        _dcgan(4),
        _dataset(),
        tmp_path,
        epochs=2,
        batch_size=16,
        verbose=0,
        allow_batch_size_change=True,
    )
    assert results["epochs"] == 2


def test_fresh_starts_over_and_keeps_the_old_model(tmp_path):
    runner.fit_and_export(_dcgan(4), _dataset(), tmp_path, epochs=1, verbose=0)
    old = (tmp_path / "model.keras").read_bytes()
    results = runner.fit_and_export(
        _dcgan(8), _dataset(), tmp_path, epochs=1, verbose=0, fresh=True
    )
    assert results["steps"] == 2
    (backup,) = tmp_path.glob("model.keras.bak-*")
    assert backup.read_bytes() == old


def test_a_finished_run_without_checkpoint_is_not_overwritten_silently(tmp_path):
    runner.fit_and_export(_model(), _dataset(), tmp_path, epochs=1, verbose=0)
    import shutil

    shutil.rmtree(tmp_path / "checkpoints")  # as runs before issue 30 left it
    with pytest.raises(ValueError, match="finished run .* --fresh"):
        runner.fit_and_export(_model(), _dataset(), tmp_path, epochs=2, verbose=0)


def test_fit_and_export_rejects_bad_epochs(tmp_path):
    with pytest.raises(ValueError, match="epochs"):
        runner.fit_and_export(_model(), _dataset(), tmp_path, epochs=0)


def test_eval_every_runs_the_recipe_evaluation_for_other_images(tmp_path):
    keras.utils.set_random_seed(7)
    model = DCGAN(  # draws 8x8 images: the digit metrics do not apply
        image_size=8,
        channels=1,
        latent_dim=4,
        generator_filters=2,
        discriminator_filters=2,
        seed=3,
    )
    model.compile()
    dataset = data.from_arrays(np.zeros((16, 8, 8), "uint8"), batch_size=8)
    calls = []

    def evaluate(model):
        calls.append(model.d_optimizer.iterations.numpy())
        return {"mean_pixel": float(model.generate(4, seed=0).mean()), "note": "x"}

    with pytest.raises(ValueError, match="`eval_real` is needed"):
        runner.fit_and_export(model, dataset, tmp_path / "a", epochs=1, eval_every=1)
    results = runner.fit_and_export(
        model,
        dataset,
        tmp_path / "b",
        epochs=4,
        eval_every=2,
        evaluate=evaluate,
        verbose=0,
    )
    assert calls == [4, 8, 8]  # after epochs 2 and 4, then once at the end
    curves = json.loads((tmp_path / "b" / "losses.json").read_text())
    assert "val_note" not in curves
    assert results["val_mean_pixel"] == curves["val_mean_pixel"][-1]
    assert results["val_mean_pixel"] == results["mean_pixel"]
    assert results["eval_seconds"] > 0


def test_diverged_run_stops_keeps_the_last_finite_checkpoint_and_writes_nothing(
    tmp_path,
):
    keras.utils.set_random_seed(7)
    model = DCGAN(
        image_size=28,
        channels=1,
        latent_dim=8,
        generator_filters=4,
        discriminator_filters=4,
        seed=3,
    )
    model.compile(
        g_optimizer=keras.optimizers.SGD(1e30), d_optimizer=keras.optimizers.SGD(1e30)
    )
    with pytest.raises(runner.DivergedError, match=r"diverged at step \d+") as info:
        runner.fit_and_export(
            model, _dataset(), tmp_path, epochs=3, checkpoint_every=1, verbose=0
        )
    assert isinstance(info.value, ValueError) and info.value.step >= 1
    for name in ("model.keras", "saved_model", "metrics.json"):
        assert not (tmp_path / name).exists(), name
    assert not (tmp_path / ".lock").exists()
    kept = sorted((tmp_path / "checkpoints").glob("ckpt-*"))
    if info.value.step > 1:  # the checkpoint of the step before, all finite
        assert [p.name for p in kept] == [f"ckpt-{info.value.step - 1:09d}"]
        restored = _model()
        restored.load_weights(kept[0] / "model.weights.h5")
        for w in restored.weights:
            assert np.isfinite(w.numpy()).all(), w.path
    else:
        assert kept == []


def test_divergence_guard_can_be_turned_off():
    args = runner.preset_parser("dcgan_digits").parse_args(["--no-divergence-guard"])
    assert args.no_divergence_guard and args.checkpoint_every is None
    args = runner.preset_parser("dcgan_digits").parse_args(["--checkpoint-every", "5"])
    assert args.checkpoint_every == 5 and not args.no_divergence_guard


def test_cpu_intra_op_threads_flag_reaches_the_recipe(monkeypatch):
    """Issue 26: `--cpu-intra-op-threads` sets the recipe's pool choice, which
    `run_preset` applies before anything runs; 0 is refused in one line."""
    from keras_gans.presets import run_options
    from keras_gans.training import devices

    args = runner.preset_parser("gan_digits").parse_args(
        ["--cpu-intra-op-threads", "1"]
    )
    assert runner.preset_recipe("gan_digits", args)["cpu_intra_op_threads"] == 1
    args = runner.preset_parser("gan_digits").parse_args([])
    assert "cpu_intra_op_threads" not in runner.preset_recipe("gan_digits", args)
    args = runner.preset_parser("gan_digits").parse_args(
        ["--cpu-intra-op-threads", "0"]
    )
    with pytest.raises(ValueError, match="--cpu-intra-op-threads"):
        run_options._check_args(args)
    seen = []
    monkeypatch.setattr(devices, "set_cpu_intra_op_threads", seen.append)
    monkeypatch.setattr(runner, "strategy_for_recipe", lambda args: 1 / 0)
    with pytest.raises(ZeroDivisionError):  # stops right after the pool choice
        runner.run_preset("gan_digits", ["--cpu-intra-op-threads", "1"])
    assert seen == [1]


def test_a_second_run_on_a_live_runs_folder_refuses(tmp_path):
    import subprocess
    import sys

    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / ".lock").write_text(f"{holder.pid}\n")
        with pytest.raises(checkpointing.RunLockedError, match=f"PID {holder.pid}"):
            runner.fit_and_export(_model(), _dataset(), tmp_path, epochs=1)
        # The CLI: one line, exit code 2, before building anything.
        code = cli.main(
            ["train", "dcgan_digits", "--out", str(tmp_path), "--epochs", "1"]
        )
        assert code == 2
    finally:
        holder.kill()
        holder.wait()
    # The holder is gone: its stale lock is taken over.
    results = runner.fit_and_export(_model(), _dataset(), tmp_path, epochs=1, verbose=0)
    assert results["steps"] == 2 and not (tmp_path / ".lock").exists()


def test_run_lock_takes_over_a_dead_process_lock_and_is_exclusive(tmp_path):
    import subprocess
    import sys

    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
    )
    (tmp_path / ".lock").write_text(dead.stdout)
    with checkpointing.RunLock(tmp_path) as lock:
        assert lock.held
        assert (tmp_path / ".lock").read_text().strip() == str(os.getpid())
    assert not (tmp_path / ".lock").exists()


def test_a_kill_during_a_write_leaves_the_previous_artifact(tmp_path):
    import subprocess
    import sys

    target = tmp_path / "metrics.json"
    checkpointing.write_json(target, {"version": 1})
    # A process killed in the middle of writing the next version.
    script = (
        "import os, signal, sys\n"
        "from keras_gans import checkpointing\n"
        "with checkpointing.atomic_path(sys.argv[1]) as tmp:\n"
        "    f = open(tmp, 'w'); f.write('{\"vers'); f.flush()\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(target)],
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    assert proc.returncode == -9
    assert json.loads(target.read_text()) == {"version": 1}
    # The same for a folder (a checkpoint, a SavedModel version).
    folder = tmp_path / "ckpt"
    with checkpointing.atomic_directory(folder) as tmp:
        (pathlib.Path(tmp) / "a.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with checkpointing.atomic_directory(folder) as tmp:
            (pathlib.Path(tmp) / "a.txt").write_text("half")
            raise RuntimeError("killed")
    assert (folder / "a.txt").read_text() == "old"
    assert list(tmp_path.glob(".tmp-*ckpt*")) == []  # the failed half is gone


def test_model_keras_is_written_under_a_temporary_name(tmp_path, monkeypatch):
    seen = []
    save = DCGAN.save

    def spy(self, path, *args, **kwargs):
        seen.append(os.path.basename(path))
        assert not (tmp_path / "model.keras").exists()  # not visible yet
        return save(self, path, *args, **kwargs)

    monkeypatch.setattr(DCGAN, "save", spy)
    runner.fit_and_export(_model(), _dataset(), tmp_path, epochs=1, verbose=0)
    assert seen == [f".tmp-{os.getpid()}-model.keras"]
    keras.saving.load_model(tmp_path / "model.keras")


def test_a_pix2pix_folder_with_only_train_validates_on_a_seeded_fraction(
    tmp_path, caplog
):
    from PIL import Image

    from keras_gans import presets

    root = tmp_path / "mine"
    (root / "train").mkdir(parents=True)
    rng = np.random.default_rng(0)
    for i in range(40):
        pixels = rng.integers(0, 256, (40, 80, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(root / "train" / f"{i:02d}.jpg")
    args = runner.preset_parser("pix2pix_facades").parse_args(
        ["--image-size", "32", "--load-size", "36", "--batch-size", "2"]
    )
    recipe = runner.preset_recipe("pix2pix_facades", args)
    splits = []
    for _ in range(2):
        with caplog.at_level("WARNING", logger="keras_gans"):
            ds, context = presets.build_dataset(recipe, data_dir=str(root))
        val = sorted(os.listdir(context["validation_dir"]))
        splits.append(val)
    assert "has no validation folder: validating on 2 of its 40 pairs" in caplog.text
    assert len(splits[0]) == 2 and splits[0] == splits[1]  # 5%, by the seed
    inputs, targets = context["heldout"](2)
    assert inputs.shape == (2, 32, 32, 3) and targets.shape == (2, 32, 32, 3)
    assert next(iter(ds))[0].shape == (2, 32, 32, 3)
    held = set(splits[0])
    train = set(
        os.listdir(os.path.join(os.path.dirname(context["validation_dir"]), "train"))
    )
    assert len(train) == 38 and not held & train
