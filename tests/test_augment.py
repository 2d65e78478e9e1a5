"""Discriminator augmentation: `DiffAugment` and `AdaptiveAugment` (ADA) as
layers (shapes, ranges, seeds, gradients, p's adaptation) and wired into
`AdversarialModel.compile(augment=...)` (train steps, `.keras`, resume)."""

import os

import keras
import model_test_case as mtc
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import DCGAN, ConditionalGAN
from keras_gans.augment import AdaptiveAugment, DiffAugment, get

X = np.random.default_rng(0).uniform(-1, 1, (4, 16, 16, 3)).astype("float32")


def _layers():
    return [DiffAugment(seed=1), AdaptiveAugment(initial_p=1.0, seed=1)]


@pytest.mark.parametrize("aug", _layers(), ids=["diffaugment", "ada"])
def test_shapes_dtypes_and_ranges(aug):
    y = aug.transform(X)
    assert tuple(y.shape) == X.shape and y.dtype == tf.float32
    y = np.asarray(y)
    assert np.all(np.isfinite(y))
    # color ops move values a bounded amount beyond [-1, 1]
    assert -4.0 < y.min() and y.max() < 4.0
    assert not np.allclose(y, X)
    # training=False (inference) is the identity
    np.testing.assert_array_equal(np.asarray(aug(X, training=False)), X)


@pytest.mark.parametrize("cls", [DiffAugment, AdaptiveAugment])
def test_same_seed_same_transform(cls):
    kw = {} if cls is DiffAugment else {"initial_p": 1.0}
    a, b = cls(seed=5, **kw), cls(seed=5, **kw)
    np.testing.assert_array_equal(np.asarray(a.transform(X)), b.transform(X))
    seed = tf.constant([3, 4])
    np.testing.assert_array_equal(
        np.asarray(a.transform(X, seed=seed)), b.transform(X, seed=seed)
    )
    assert not np.allclose(a.transform(X), cls(seed=6, **kw).transform(X))


def test_translation_and_cutout_follow_the_official_ops():
    x = np.ones((64, 16, 16, 1), "float32")
    y = np.asarray(DiffAugment("cutout", seed=0).transform(x))
    zeros = (y == 0).reshape(64, -1).sum(1)
    assert zeros.max() == 64 and zeros.min() >= 16  # an 8x8 square, clipped
    y = np.asarray(DiffAugment("translation", seed=0).transform(x))
    assert set(np.unique(y)) <= {0.0, 1.0}
    rows = (y[..., 0] == 0).all(axis=2).sum(1)
    assert rows.max() <= 2  # shift of at most 16/8 = 2 pixels
    np.testing.assert_array_equal(DiffAugment("", seed=0).transform(x), x)


def test_ada_at_p_zero_is_the_identity():
    np.testing.assert_allclose(AdaptiveAugment(seed=0).transform(X), X, atol=1e-5)


@pytest.mark.parametrize("aug", _layers(), ids=["diffaugment", "ada"])
def test_gradient_flows_through(aug):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(aug.transform(x) ** 2)
    grad = tape.gradient(loss, x)
    assert grad is not None and float(tf.reduce_sum(tf.abs(grad))) > 0


def test_p_moves_toward_the_target():
    ada = AdaptiveAugment(interval=2, speed_images=64, target=0.6)
    confident = tf.ones((8, 1))  # r_t = 1 > 0.6: D overfits, p rises
    logs = [float(ada.update(confident)["augment_p"]) for _ in range(6)]
    assert logs == pytest.approx([0.0, 0.25, 0.25, 0.5, 0.5, 0.75])
    unsure = -tf.ones((8, 1))  # r_t = -1 < 0.6: p falls, clipped at 0
    for _ in range(10):
        ada.update(unsure)
    assert float(ada.p) == 0.0


def test_get_and_config_round_trip():
    assert get(None) is None
    with pytest.raises(ValueError, match="augment"):
        get("mixup")
    with pytest.raises(ValueError, match="policy"):
        DiffAugment("color,zoom")
    for aug in _layers():
        restored = keras.saving.deserialize_keras_object(
            keras.saving.serialize_keras_object(aug)
        )
        assert type(restored) is type(aug)
        assert restored.get_config() == aug.get_config()


def _dcgan(**compile_kw):
    model = DCGAN(
        image_size=28,
        channels=1,
        latent_dim=8,
        generator_filters=4,
        discriminator_filters=4,
        kernel_size=3,
        seed=0,
    )
    model.compile(**compile_kw)
    return model


class TestAugmentedTrainStep(mtc.ModelTestCase):
    @pytest.mark.parametrize("augment", ["diffaugment", "ada"])
    def test_train_step_with_augmentation(self, augment):
        model = _dcgan(augment=augment)
        logs = self.run_train_step_test(model, mtc.first_batch(model))
        if augment == "ada":
            assert "augment_p" in logs


def test_conditional_model_trains_with_ada():
    model = ConditionalGAN(
        num_classes=10,
        latent_dim=8,
        architecture="conv",
        generator_filters=4,
        discriminator_filters=4,
        kernel_size=3,
        seed=0,
    )
    model.compile(augment=AdaptiveAugment(initial_p=0.5), gp_weight=1.0)
    logs = mtc.fit_logs(model, mtc.digits(steps=2))
    mtc.assert_finite(logs, ["d_loss", "g_loss", "gp", "augment_p"])


def test_augmentation_draws_from_the_model_seed():
    a, b = _dcgan(augment="diffaugment"), _dcgan(augment="diffaugment")
    x = tf.constant(X[..., :1].repeat(2, 0)[:, :16, :16])
    np.testing.assert_array_equal(a.augment_images(x), b.augment_images(x))
    state = np.asarray(a.seed_generator.state).copy()
    a.augment_images(x)
    assert not np.array_equal(state, np.asarray(a.seed_generator.state))
    np.testing.assert_array_equal(a.augment_images(x, training=False), x)


def test_p_is_saved_and_restored(tmp_path):
    model = _dcgan(
        augment=AdaptiveAugment(speed_images=1000, interval=1, initial_p=0.5)
    )
    model.fit(mtc.digits(with_labels=False, steps=3), verbose=0)
    p = float(model.augment_pipeline.p)
    assert p != 0.5  # moved, one way or the other
    path = os.path.join(str(tmp_path), "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.augment_pipeline, AdaptiveAugment)
    assert float(loaded.augment_pipeline.p) == pytest.approx(p)
    assert (
        loaded.get_compile_config()["augment"] == model.get_compile_config()["augment"]
    )
    # Loading without compiling skips the pipeline and still works.
    bare = keras.saving.load_model(path, compile=False)
    assert bare.augment_pipeline is None
    # Resume from a weights checkpoint (as BackupAndRestore writes them).
    ckpt = os.path.join(str(tmp_path), "ckpt.weights.h5")
    model.save_weights(ckpt)
    fresh = _dcgan(
        augment=AdaptiveAugment(speed_images=1000, interval=1, initial_p=0.5)
    )
    assert float(fresh.augment_pipeline.p) == 0.5
    fresh.load_weights(ckpt)
    assert float(fresh.augment_pipeline.p) == pytest.approx(p)
