"""TensorBoard: the grid callbacks' image summaries, `Throughput`, and the
runner's `OUT/logs` (scalars and sample images), read back from the event
files."""

import glob
import os

import model_test_case as mtc
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import DCGAN, Pix2Pix, callbacks, runner


def _events(log_dir):
    """`{tag: [(step, kind, value)]}` of every event file under `log_dir`."""
    tags = {}
    files = glob.glob(
        os.path.join(log_dir, "**", "events.out.tfevents.*"), recursive=True
    )
    assert files, f"no event files under {log_dir}"
    for path in files:
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                plugin = value.metadata.plugin_data.plugin_name
                tensor = (
                    tf.make_ndarray(value.tensor) if value.HasField("tensor") else None
                )
                tags.setdefault(value.tag, []).append((event.step, plugin, tensor))
    return tags


def _dcgan():
    model = DCGAN(
        image_size=28,
        channels=1,
        latent_dim=8,
        generator_filters=4,
        discriminator_filters=4,
        kernel_size=3,
        seed=0,
    )
    model.compile(augment="ada")
    return model


def test_sample_grid_writes_an_image_summary(tmp_path):
    log_dir = str(tmp_path / "logs")
    grid = callbacks.SampleGrid(str(tmp_path / "png"), num_samples=4, log_dir=log_dir)
    model = _dcgan()
    model.fit(
        mtc.digits(with_labels=False, steps=1),
        epochs=2,
        verbose=0,
        callbacks=[
            grid,
            callbacks.Throughput(8),
            callbacks.TensorBoardScalars(log_dir),
        ],
    )
    tags = _events(log_dir)
    (step, plugin, tensor) = tags["samples"][-1]
    assert plugin == "images" and step == 2
    # an encoded PNG of the 2x2 grid (28x28 tiles, 2 px padding)
    width, height = (int(x) for x in tensor[:2])
    assert (width, height) == (58, 58) and tensor[2].startswith(b"\x89PNG")
    for name in ("epoch_d_loss", "epoch_g_loss", "epoch_augment_p"):
        assert name in tags, sorted(tags)
    speeds = [float(v) for _, _, v in tags["epoch_images_per_second"]]
    assert len(speeds) == 2 and all(s > 0 for s in speeds)


def test_translation_grid_writes_an_image_summary(tmp_path):
    model = Pix2Pix(
        image_size=32,
        input_channels=1,
        channels=1,
        generator_filters=4,
        discriminator_filters=4,
    )
    x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 1)).astype("float32")
    grid = callbacks.TranslationGrid(str(tmp_path), x, x, log_dir=str(tmp_path / "tb"))
    grid.set_model(model)
    grid.save(1)
    (step, plugin, tensor) = _events(str(tmp_path / "tb"))["translations"][0]
    assert plugin == "images" and step == 1 and len(tensor) == 3


def test_runner_logs_under_out(tmp_path):
    out = tmp_path / "run"
    model = _dcgan()
    runner.fit_and_export(
        model,
        mtc.digits(with_labels=False, steps=2),
        str(out),
        epochs=1,
        batch_size=8,
        num_samples=4,
        verbose=0,
        tensorboard=True,
    )
    tags = _events(str(out / "logs"))
    for name in ("epoch_d_loss", "epoch_augment_p", "epoch_images_per_second"):
        assert name in tags, sorted(tags)
    assert tags["samples"][0][1] == "images"


def test_no_tensorboard_flag():
    parser = runner.recipe_parser(
        "x", {"epochs": 1, "batch_size": 8, "seed": 0, "out": "o"}
    )
    assert parser.parse_args(["--no-tensorboard"]).no_tensorboard is True
    assert parser.parse_args([]).no_tensorboard is False


def test_tensorboard_reads_the_plugins(tmp_path):
    """TensorBoard's own reader (when installed) files the summaries under
    its scalar and image plugins, as it does tf.summary.scalar/image."""
    accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.plugin_event_accumulator"
    )
    log_dir = str(tmp_path / "logs")
    grid = callbacks.SampleGrid(str(tmp_path / "png"), num_samples=4, log_dir=log_dir)
    _dcgan().fit(
        mtc.digits(with_labels=False, steps=1),
        epochs=1,
        verbose=0,
        callbacks=[grid, callbacks.TensorBoardScalars(log_dir)],
    )
    train = accumulator.EventAccumulator(os.path.join(log_dir, "train"))
    train.Reload()
    assert {"epoch_d_loss", "epoch_augment_p"} <= set(
        train.PluginTagToContent("scalars")
    )
    images = accumulator.EventAccumulator(os.path.join(log_dir, "images"))
    images.Reload()
    assert "samples" in images.PluginTagToContent("images")
