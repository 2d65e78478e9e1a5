"""`DCGAN` (Radford et al. 2016): the paper's layer sizes read from the
built networks, shapes, the shared model properties, dtype policies and
synchronized BatchNorm."""

import keras
import model_test_case as mtc
import numpy as np
import pytest

from keras_gans import DCGAN
from keras_gans.layers import BatchNormalization as FusedBatchNormalization
from keras_gans.models.dcgan import num_upsamplings

SHAPES = [(28, 28, 1), (32, 32, 3), (64, 64, 3)]


def _tiny_dcgan(**kw):
    kw = {
        "image_size": 28,
        "channels": 1,
        "latent_dim": 8,
        "generator_filters": 4,
        "discriminator_filters": 4,
        "kernel_size": 3,
        **kw,
    }
    return DCGAN(**kw)


def _layers(net, cls):
    return [layer for layer in net.layers if type(layer) is cls]


def test_paper_sizes():
    """Radford et al. 2016, Fig. 1: z -> 4x4x1024 -> 8x8x512 -> 16x16x256 ->
    32x32x128 -> 64x64x3 with 5x5 stride-2 transposed convs, BatchNorm + ReLU
    on all but the tanh output; D: 5x5 stride-2 convs 64-128-256-512 with
    LeakyReLU(0.2) and BatchNorm on all but the first; N(0, 0.02) weights."""
    model = DCGAN()
    g, d = model.generator, model.discriminator
    assert model.latent_dim == 100 and model.latent_distribution == "uniform"

    reshape = _layers(g, keras.layers.Reshape)[0]
    assert reshape.output.shape == (None, 4, 4, 1024)
    deconvs = _layers(g, keras.layers.Conv2DTranspose)
    assert [c.output.shape[1:] for c in deconvs] == [
        (8, 8, 512),
        (16, 16, 256),
        (32, 32, 128),
        (64, 64, 3),
    ]
    for conv in deconvs:
        assert conv.kernel_size == (5, 5) and conv.strides == (2, 2)
    assert deconvs[-1].activation.__name__ == "tanh"
    g_bn = _layers(g, FusedBatchNormalization)
    assert [b.output.shape[-1] for b in g_bn] == [1024, 512, 256, 128]
    assert len(_layers(g, keras.layers.ReLU)) == 4

    convs = _layers(d, keras.layers.Conv2D)
    assert [c.output.shape[1:] for c in convs] == [
        (32, 32, 64),
        (16, 16, 128),
        (8, 8, 256),
        (4, 4, 512),
    ]
    for conv in convs:
        assert conv.kernel_size == (5, 5) and conv.strides == (2, 2)
    # BatchNorm on every conv but the first.
    d_bn = _layers(d, FusedBatchNormalization)
    assert [b.output.shape[-1] for b in d_bn] == [128, 256, 512]
    first = d.layers.index(convs[0])
    assert type(d.layers[first + 1]) is keras.layers.LeakyReLU
    leaky = _layers(d, keras.layers.LeakyReLU)
    assert len(leaky) == 4
    assert all(np.isclose(layer.negative_slope, 0.2) for layer in leaky)
    assert not _layers(d, keras.layers.MaxPooling2D)
    assert d.output.shape == (None, 1)

    for conv in deconvs + convs:
        init = conv.kernel_initializer
        assert isinstance(init, keras.initializers.RandomNormal)
        assert (init.mean, init.stddev) == (0.0, 0.02)


@pytest.mark.parametrize("shape", SHAPES)
def test_output_shapes(shape):
    model = _tiny_dcgan(image_size=shape[0], channels=shape[2])
    images = model.generate(2, seed=0)
    assert images.shape == (2, *shape)
    assert np.all(np.abs(images) <= 1.0)
    assert model.discriminator(images).shape == (2, 1)


def test_rectangular_images():
    """(28, 32): the fewer stride-2 stages of the two sides (2), from 7x8."""
    assert num_upsamplings((28, 32)) == 2
    model = _tiny_dcgan(image_size=(28, 32))
    images = model.generate(2, seed=0)
    assert images.shape == (2, 28, 32, 1)
    assert model.discriminator(images).shape == (2, 1)


@pytest.mark.parametrize("size", [3, 5, 9])
def test_rejects_sizes_without_a_stride_2_start(size):
    with pytest.raises(ValueError, match="image_size"):
        _tiny_dcgan(image_size=size)


def test_image_shape_is_deprecated_but_works():
    with pytest.warns(DeprecationWarning, match="image_shape"):
        model = DCGAN(image_shape=(8, 8, 2), generator_filters=4, latent_dim=4)
    assert (model.image_size, model.channels) == (8, 2)


@pytest.fixture
def mixed_bfloat16():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    yield
    keras.mixed_precision.set_global_policy("float32")


class TestDCGAN(mtc.ModelTestCase):
    """The shared model properties: config, `.keras`, train step, export,
    preset, training and dtype policies."""

    def test_config_round_trip(self):
        self.run_serialization_test(_tiny_dcgan(latent_distribution="normal", seed=3))

    def test_keras_save_load_gives_identical_samples(self, tmp_path):
        model = _tiny_dcgan(latent_distribution="normal", seed=3)
        model.compile(loss="hinge", d_steps=2)
        loaded = self.run_model_saving_test(model, tmp_path)
        assert (loaded.loss_name, loaded.d_steps) == ("hinge", 2)

    def test_train_step_changes_only_what_it_should(self):
        model = _tiny_dcgan(seed=0)
        model.compile(ema_decay=0.9)
        self.run_train_step_test(model, mtc.first_batch(model))

    def test_export_round_trip(self, tmp_path):
        model = _tiny_dcgan(image_size=8, seed=0)
        model.compile(ema_decay=0.9)
        self.run_export_test(model, tmp_path)

    def test_preset_loads_and_samples(self):
        self.run_preset_test(DCGAN, "dcgan_digits", expected_shape=(2, 28, 28, 1))

    def test_trains_on_digits(self):
        model = _tiny_dcgan(seed=0)
        model.compile(ema_decay=0.9)
        logs = mtc.fit_logs(model, mtc.digits(with_labels=False))
        mtc.assert_finite(logs, {"d_loss", "g_loss"})
        assert model.generate(2, seed=0).shape == (2, 28, 28, 1)

    def test_dtype_reaches_the_networks(self, tmp_path):
        """`DCGAN(dtype="mixed_bfloat16")` builds G and D under that policy
        (BatchNorm included), trains, and draws float32 images; the policy
        survives the `.keras` round trip."""
        model = _tiny_dcgan(seed=3, dtype="mixed_bfloat16")
        self.assert_dtype_policy(model, "mixed_bfloat16")
        model.compile(ema_decay=0.9)
        self.run_train_step_test(model, mtc.first_batch(model))
        nets = (model.generator, model.discriminator, model.ema_generator)
        self.assert_dtype_policy(model, "mixed_bfloat16", networks=nets)
        images = model.generate(3, seed=0)
        assert images.dtype == np.float32 and np.all(np.isfinite(images))
        loaded = self.run_model_saving_test(model, tmp_path)
        self.assert_dtype_policy(loaded, "mixed_bfloat16")

    def test_mixed_float16_scales_the_loss(self):
        model = _tiny_dcgan(seed=0, dtype="mixed_float16")
        self.assert_dtype_policy(model, "mixed_float16")
        model.compile()
        for opt in (model.g_optimizer, model.d_optimizer):
            assert isinstance(opt, keras.optimizers.LossScaleOptimizer)
        logs = mtc.fit_logs(model, mtc.digits(with_labels=False))
        mtc.assert_finite(logs, {"d_loss", "g_loss"})
        assert int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)) == 2
        images = model.generate(2, seed=0)
        assert images.dtype == np.float32 and np.all(np.isfinite(images))

    def test_global_mixed_bfloat16_step_and_round_trip(self, mixed_bfloat16, tmp_path):
        """One training step under a global `mixed_bfloat16` policy: bfloat16
        compute, float32 weights, finite float32 losses and images; the `.keras`
        file reloads under the policy with the same samples (BatchNorm, EMA
        statistics)."""
        model = _tiny_dcgan(seed=3)
        assert model.generator.compute_dtype == "bfloat16"
        model.compile(ema_decay=0.9)
        logs = mtc.fit_logs(model, mtc.digits(with_labels=False, steps=1))
        mtc.assert_finite(logs, ["d_loss", "g_loss"])
        assert all(w.dtype == "float32" for w in model.generator.weights)
        images = model.generate(3, seed=0)
        assert images.dtype == np.float32 and np.all(np.isfinite(images))
        loaded = self.run_model_saving_test(model, tmp_path)
        assert loaded.generator.compute_dtype == "bfloat16"

    def test_sync_batch_norm_option(self, tmp_path):
        """Every BatchNorm of G and D is synchronized; the option survives the
        config and `.keras` round trips, and the model trains."""
        model = _tiny_dcgan(sync_batch_norm=True, seed=3)
        norms = [
            layer
            for net in (model.generator, model.discriminator)
            for layer in net.layers
            if isinstance(layer, keras.layers.BatchNormalization)
        ]
        assert norms and all(layer.synchronized for layer in norms)
        assert type(model).from_config(model.get_config()).sync_batch_norm
        model.compile()
        logs = mtc.fit_logs(model, mtc.digits(False, 1))
        mtc.assert_finite(logs, ["d_loss"])
        loaded = self.run_model_saving_test(model, tmp_path)
        assert loaded.sync_batch_norm
