"""`GAN` (Goodfellow et al. 2014): the paper's layer sizes read from the
built networks, shapes, the shared model properties, and the paper's losses."""

import warnings

import keras
import model_test_case as mtc
import numpy as np
import pytest

from keras_gans import GAN
from keras_gans.layers import Maxout
from keras_gans.models.gan import gan_discriminator, gan_generator

SHAPES = [(28, 28, 1), (32, 32, 3), (64, 64, 3)]


def _tiny_gan(**kw):
    kw = {"latent_dim": 8, "generator_units": (16,), "discriminator_units": (8,), **kw}
    return GAN(**kw)


def _layers(net, cls):
    return [layer for layer in net.layers if type(layer) is cls]


def test_paper_sizes():
    """Goodfellow et al. 2014 (mnist.yaml): G ReLU 1200-1200; D Maxout 240x5
    twice, input dropout 0.2, hidden dropout 0.5; U(-1, 1) noise of size 100."""
    model = GAN()
    g, d = model.generator, model.discriminator
    assert model.latent_dim == 100 and model.latent_distribution == "uniform"
    dense = _layers(g, keras.layers.Dense)
    assert [layer.units for layer in dense] == [1200, 1200, 784]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "relu", "tanh"]
    maxouts = _layers(d, Maxout)
    assert [(m.units, m.pieces) for m in maxouts] == [(240, 5), (240, 5)]
    assert [layer.rate for layer in _layers(d, keras.layers.Dropout)] == [
        0.2,
        0.5,
        0.5,
    ]
    assert d.output.shape == (None, 1)


@pytest.mark.parametrize("shape", SHAPES)
def test_output_shapes(shape):
    model = _tiny_gan(image_size=shape[:2], channels=shape[2])
    images = model.generate(2, seed=0)
    assert images.shape == (2, *shape)
    assert np.all(np.abs(images) <= 1.0)
    assert model.discriminator(images).shape == (2, 1)
    assert model.sample_shape == shape


def test_rectangular_images():
    model = _tiny_gan(image_size=(8, 12), channels=2)
    assert model.generate(2, seed=0).shape == (2, 8, 12, 2)
    assert model.get_config()["image_size"] == (8, 12)


def test_image_shape_is_deprecated_but_works():
    with pytest.warns(DeprecationWarning, match="image_shape"):
        old = _tiny_gan(image_shape=(8, 8, 1))
    assert (old.image_size, old.channels) == (8, 1)
    new = _tiny_gan(image_size=8, channels=1, name=old.name)
    assert old.get_config() == new.get_config()
    with pytest.warns(DeprecationWarning):
        assert old.image_shape == (8, 8, 1)
    with pytest.warns(DeprecationWarning):
        g = gan_generator(4, image_shape=(8, 6, 2), units=(4,))
    assert g.output.shape == (None, 8, 6, 2)
    with pytest.warns(DeprecationWarning):
        d = gan_discriminator(image_shape=(8, 6, 2), units=(4,), pieces=2)
    assert d.input.shape == (None, 8, 6, 2)


def test_old_config_with_image_shape_loads():
    config = _tiny_gan(image_size=8, seed=3).get_config()
    del config["image_size"], config["channels"]
    config["image_shape"] = [8, 8, 1]  # as a `.keras` file before the rename
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        model = GAN.from_config(config)
    assert (model.image_size, model.channels) == (8, 1)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"image_shape": (28, 28)}, "image_shape"),
        ({"image_size": 0}, "image_size"),
        ({"channels": 0}, "channels"),
        ({"latent_distribution": "cauchy"}, "latent_distribution"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        _tiny_gan(**kwargs)


class TestGAN(mtc.ModelTestCase):
    """The shared model properties: config, `.keras`, train step, export,
    preset, losses and dtype policies."""

    def test_config_round_trip(self):
        self.run_serialization_test(_tiny_gan(image_size=8, seed=3))

    def test_keras_save_load_gives_identical_samples(self, tmp_path):
        model = _tiny_gan(image_size=8, seed=3)
        model.compile(loss="hinge", d_steps=2)
        loaded = self.run_model_saving_test(model, tmp_path)
        assert (loaded.loss_name, loaded.d_steps) == ("hinge", 2)

    def test_train_step_changes_only_what_it_should(self):
        model = _tiny_gan(seed=0)
        model.compile(d_steps=2)
        self.run_train_step_test(model, mtc.first_batch(model))

    def test_export_round_trip(self, tmp_path):
        self.run_export_test(_tiny_gan(image_size=8, seed=0), tmp_path)

    def test_preset_loads_and_samples(self):
        self.run_preset_test(GAN, "gan_digits", expected_shape=(2, 28, 28, 1))

    @pytest.mark.parametrize("loss", ["minimax", "non_saturating"])
    def test_trains_with_paper_losses(self, loss):
        model = _tiny_gan(seed=0)
        model.compile(loss=loss)
        logs = mtc.fit_logs(model, mtc.digits(with_labels=False))
        mtc.assert_finite(logs, {"d_loss", "g_loss"})
        if loss == "minimax":
            assert logs["g_loss"] <= 0.0  # mean log(1 - D(G(z))) is never positive
        else:
            assert logs["g_loss"] >= 0.0  # -mean log D(G(z)) is never negative

    def test_ignores_labels_in_the_batch(self):
        model = _tiny_gan(seed=0)
        model.compile()
        logs = mtc.fit_logs(model, mtc.digits(with_labels=True))
        mtc.assert_finite(logs, {"d_loss", "g_loss"})

    def test_dtype_reaches_the_networks(self):
        """`dtype="mixed_bfloat16"`: every layer of G and D computes in
        bfloat16 with float32 weights; a training step runs; images are float32."""
        model = _tiny_gan(seed=0, dtype="mixed_bfloat16")
        self.assert_dtype_policy(model, "mixed_bfloat16")
        model.compile()
        self.run_train_step_test(model, mtc.first_batch(model))
        images = model.generate(2, seed=0)
        assert images.dtype == np.float32 and np.all(np.isfinite(images))
        self.run_serialization_test(model)

    def test_mixed_float16_scales_the_loss(self):
        model = _tiny_gan(seed=0, dtype="mixed_float16")
        self.assert_dtype_policy(model, "mixed_float16")
        model.compile()
        for opt in (model.g_optimizer, model.d_optimizer):
            assert isinstance(opt, keras.optimizers.LossScaleOptimizer)
        logs = mtc.fit_logs(model, mtc.digits(with_labels=False))
        mtc.assert_finite(logs, {"d_loss", "g_loss"})
        images = model.generate(2, seed=0)
        assert images.dtype == np.float32 and np.all(np.isfinite(images))
