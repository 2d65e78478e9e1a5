"""`workflow.fit_and_export`: the artefacts of a run, and resuming a crash."""

import json

import keras
import numpy as np
import pytest
from training_helpers import Crash

from keras_gans import data, workflow
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
    results = workflow.fit_and_export(
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
    assert not (tmp_path / "backup").exists()  # removed once training ends
    saved = json.loads((tmp_path / "metrics.json").read_text())
    assert saved == results
    assert results["steps"] == 4 and results["epochs"] == 2
    assert results["images_per_second"] > 0
    assert -1.0 <= results["mean_pixel"] <= 1.0
    curves = json.loads((tmp_path / "losses.json").read_text())
    assert curves["epoch"] == [1, 2] and len(curves["d_loss"]) == 2
    reloaded = keras.saving.load_model(tmp_path / "model.keras")
    assert reloaded.d_optimizer.iterations.numpy() == 4


def test_interrupted_run_resumes_where_the_backup_left_it(tmp_path):
    straight = _model()
    workflow.fit_and_export(straight, _dataset(), tmp_path / "a", epochs=3, verbose=0)

    crashed = _model()
    with pytest.raises(RuntimeError, match="simulated crash"):
        workflow.fit_and_export(
            crashed,
            _dataset(),
            tmp_path / "b",
            epochs=3,
            callbacks=[Crash(at_epoch=2)],
            verbose=0,
        )
    assert (tmp_path / "b" / "backup").is_dir()
    assert not (tmp_path / "b" / "model.keras").exists()

    resumed = _model()  # a new process would build the model afresh
    results = workflow.fit_and_export(
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


def test_fit_and_export_rejects_bad_epochs(tmp_path):
    with pytest.raises(ValueError, match="epochs"):
        workflow.fit_and_export(_model(), _dataset(), tmp_path, epochs=0)
