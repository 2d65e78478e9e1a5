"""`ProgressiveSchedule`: phase lengths, α, dict checks, resume mid-fade."""

import importlib
import importlib.util
import pathlib
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf
from training_helpers import Crash

from keras_gans import ProgressiveGAN
from keras_gans.models.pggan import ProgressiveSchedule

TINY = dict(image_size=8, channels=1, latent_dim=8, fmap_base=16, fmap_max=8)


def _model(**kwargs):
    keras.utils.set_random_seed(5)
    model = ProgressiveGAN(**{**TINY, **kwargs}, seed=3)
    model.compile()
    return model


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _images(n=8, size=8, seed=0):
    return (
        np.random.default_rng(seed).uniform(-1, 1, (n, size, size, 1)).astype("float32")
    )


# ------------------------------------------------------------------ old path
def test_old_callbacks_path_warns_and_returns_the_same_class():
    callbacks = importlib.import_module("keras_gans.callbacks")
    with pytest.warns(DeprecationWarning, match="keras_gans.models.pggan"):
        old = callbacks.ProgressiveSchedule
    assert old is ProgressiveSchedule
    with pytest.raises(AttributeError, match="NoSuchCallback"):
        callbacks.NoSuchCallback
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        callbacks.LossCurves  # other names do not warn


def test_callbacks_module_does_not_import_models_at_module_level():
    # The ground floor never imports models; the alias above imports lazily.
    text = pathlib.Path(importlib.util.find_spec("keras_gans.callbacks").origin)
    top_level = [
        line
        for line in text.read_text().splitlines()
        if line.startswith(("from keras_gans.models", "import keras_gans.models"))
    ]
    assert top_level == []


# ------------------------------------------------------------------ phases
def test_schedule_phases_and_alpha():
    s = ProgressiveSchedule(
        fade_kimg=0.02, stable_kimg=0.01, first_kimg=0.005, final_kimg=0.03
    )
    assert s.phase_lengths(5) == [5, 20, 10, 20, 30] and s.total_images(5) == 85
    assert s.phase_at(0, 5) == (0, 1.0)
    assert s.phase_at(5, 5) == (1, 0.0)
    assert s.phase_at(15, 5) == (1, 0.5)
    assert s.phase_at(25, 5) == (2, 1.0)
    assert s.phase_at(40, 5) == (3, 0.25)
    assert s.phase_at(1000, 5) == (4, 1.0)
    assert s.total_steps(5, batch_size=5) == 17
    per_res = ProgressiveSchedule(
        fade_kimg=0.02, stable_kimg=0.01, batch_sizes={4: 10, 8: 5}
    )
    assert per_res.total_steps(3, batch_size=10) == 1 + 4 + 2
    with pytest.raises(ValueError, match="fade_kimg"):
        ProgressiveSchedule(fade_kimg=0)
    with pytest.raises(ValueError, match="batch_sizes"):
        ProgressiveSchedule(batch_sizes={4: 0})


def test_schedule_phase_lengths_per_resolution():
    s = ProgressiveSchedule(
        fade_kimg={8: 0.002, 16: 0.004},
        stable_kimg={4: 0.001, 8: 0.01, 16: 0.03},
    )
    # 4x4, fade 8, stable 8, fade 16, stable 16 (the last: stable_kimg[16]).
    assert s.phase_lengths(5) == [1, 2, 10, 4, 30]
    assert s.phase_at(1 + 2 + 10 + 1, 5) == (3, 0.25)
    # first_kimg / final_kimg still override the dict's 4x4 / last entry.
    s = ProgressiveSchedule(
        fade_kimg=0.002, stable_kimg={8: 0.01}, first_kimg=0.005, final_kimg=0.007
    )
    assert s.phase_lengths(5) == [5, 2, 10, 2, 7]
    with pytest.raises(
        ValueError, match=r"`stable_kimg` has no entry for resolution 16"
    ):
        s.phase_lengths(7)
    with pytest.raises(ValueError, match=r"stable_kimg\[8\]"):
        ProgressiveSchedule(stable_kimg={8: -1})
    with pytest.raises(ValueError, match="fade_kimg"):
        ProgressiveSchedule(fade_kimg=[1, 2])


def test_schedule_checks_dict_resolutions_when_training_begins():
    model = _model()  # grows to 8x8
    ds = tf.data.Dataset.from_tensors((tf.zeros((4, 8, 8, 1)),)).repeat()
    for kwargs, match in (
        (
            dict(stable_kimg={4: 1, 8: 1, 32: 1}),
            r"`stable_kimg` has resolutions.*\[32\]",
        ),
        (dict(stable_kimg={4: 1}), "`stable_kimg` has no entry for resolution 8"),
        (dict(fade_kimg={16: 1}), "`fade_kimg` has resolutions"),
    ):
        with pytest.raises(ValueError, match=match):
            model.fit(
                ds,
                steps_per_epoch=1,
                shuffle=False,
                callbacks=[ProgressiveSchedule(**kwargs)],
            )


# ------------------------------------------------------------------ resume
class _Traces(keras.callbacks.Callback):
    """Counts train-step traces, and records resolution and alpha per batch."""

    def __init__(self):
        super().__init__()
        self.batches = []

    def set_model(self, model):
        super().set_model(model)
        if not hasattr(model, "_traces"):
            model._traces = 0
            step = model.train_step

            def counted(data):
                model._traces += 1
                return step(data)

            model.train_step = counted

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append((logs["resolution"], logs["alpha"]))


def _schedule():
    # 4x4: 1 step of 4 images, then 4 steps fading in 8x8, then 8x8 stable.
    return ProgressiveSchedule(fade_kimg=0.016, stable_kimg=0.004, first_kimg=0.004)


def _fixed_batches():
    return tf.data.Dataset.from_tensor_slices((_images(4),)).batch(4)  # 1 per epoch


def _assert_same_state(a, b):
    assert (a.phase, a.alpha, a.images_seen) == (b.phase, b.alpha, b.images_seen)
    for x, y in zip(a.weights, b.weights, strict=True):
        np.testing.assert_allclose(_np(y), _np(x), atol=1e-5, err_msg=x.path)
    for opt in ("g_optimizer", "d_optimizer"):
        for x, y in zip(
            getattr(a, opt).variables, getattr(b, opt).variables, strict=True
        ):
            np.testing.assert_allclose(_np(y), _np(x), atol=1e-5, err_msg=x.path)


def test_interrupted_mid_fade_run_resumes_like_an_uninterrupted_one(tmp_path):
    straight, traces = _model(), _Traces()
    straight.fit(
        _fixed_batches(),
        epochs=4,
        verbose=0,
        shuffle=False,
        callbacks=[_schedule(), traces],
    )
    assert straight._traces == 2  # one trace per phase, none per alpha change
    assert traces.batches == [(4, 1.0), (8, 0.0), (8, 0.25), (8, 0.5)]
    assert (straight.resolution, straight.images_seen) == (8, 16)

    backup = str(tmp_path / "backup")
    crashed = _model()
    with pytest.raises(RuntimeError, match="simulated crash"):
        crashed.fit(
            _fixed_batches(),
            epochs=4,
            verbose=0,
            shuffle=False,
            callbacks=[
                keras.callbacks.BackupAndRestore(backup),
                _schedule(),
                Crash(at_epoch=3),
            ],
        )
    assert (crashed.phase, crashed.images_seen) == (1, 12)  # in the middle of the fade
    mid_fade = tmp_path / "mid_fade.keras"
    crashed.save(mid_fade)

    resumed = _model()  # as a new process would build it
    assert resumed.phase == 0
    history = resumed.fit(
        _fixed_batches(),
        epochs=4,
        verbose=0,
        shuffle=False,
        callbacks=[keras.callbacks.BackupAndRestore(backup), _schedule()],
    )
    assert len(history.history["d_loss"]) == 1  # epoch 4 only
    _assert_same_state(straight, resumed)

    reloaded = keras.saving.load_model(mid_fade)  # `.keras` mid-fade
    assert (reloaded.resolution, reloaded.alpha, reloaded.images_seen) == (8, 0.25, 12)
    _assert_same_state(crashed, reloaded)
    np.testing.assert_allclose(
        reloaded.generate(3, seed=1), crashed.generate(3, seed=1), atol=1e-6
    )
