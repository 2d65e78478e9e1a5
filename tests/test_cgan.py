"""`ConditionalGAN` (Mirza & Osindero 2014) and its conv, projection and
AC-GAN variants: the paper's layer sizes, shapes, the shared model
properties, label checks and training on labelled digits."""

import keras
import model_test_case as mtc
import numpy as np
import pytest

from keras_gans import ConditionalGAN
from keras_gans.layers import Maxout

SHAPES = [(28, 28, 1), (32, 32, 3), (64, 64, 3)]


def _tiny_cgan(**kw):
    kw = {
        "num_classes": 10,
        "latent_dim": 8,
        "architecture": "conv",
        "generator_filters": 4,
        "discriminator_filters": 4,
        "kernel_size": 3,
        **kw,
    }
    return ConditionalGAN(**kw)


def _layers(net, cls):
    return [layer for layer in net.layers if type(layer) is cls]


def _input_width(layer):
    """Last dimension of a layer's (single) input."""
    return layer.input.shape[-1]


# ------------------------------------------------------ paper architectures
def test_maxout_paper_sizes():
    """Mirza & Osindero 2014, sec 4.1: G z -> 200 ReLU, y -> 1000 ReLU, joint
    1200 ReLU, 784 outputs; D x -> Maxout 240x5, y -> Maxout 50x5, joint
    Maxout 240x4; dropout 0.5; U(-1, 1) noise of size 100."""
    model = ConditionalGAN()
    g, d = model.generator, model.discriminator
    assert model.latent_dim == 100 and model.num_classes == 10
    assert model.latent_distribution == "uniform"

    dense = _layers(g, keras.layers.Dense)
    by_input = {_input_width(layer): layer for layer in dense[:2]}
    assert by_input[100].units == 200  # from z
    assert by_input[10].units == 1000  # from one-hot y
    joint = _layers(g, keras.layers.Concatenate)[0]
    assert joint.output.shape == (None, 1200)
    (hidden,) = [layer for layer in dense if layer.input is joint.output]
    assert hidden.units == 1200
    assert g.get_layer("to_pixels").units == 784
    assert sorted(layer.units for layer in dense) == [200, 784, 1000, 1200]
    for layer in dense:
        assert layer.activation.__name__ == ("tanh" if layer.units == 784 else "relu")
    assert all(layer.rate == 0.5 for layer in _layers(g, keras.layers.Dropout))

    maxouts = {m.name: (m.units, m.pieces, _input_width(m)) for m in _layers(d, Maxout)}
    assert maxouts == {
        "maxout_x": (240, 5, 784),
        "maxout_y": (50, 5, 10),
        "maxout_joint": (240, 4, 290),
    }
    dropouts = _layers(d, keras.layers.Dropout)
    assert len(dropouts) == 3 and all(layer.rate == 0.5 for layer in dropouts)
    assert d.output.shape == (None, 1)


def test_mlp_conv_joins_the_paper_generator_to_a_conv_discriminator():
    model = _tiny_cgan(architecture="mlp_conv")
    dense = _layers(model.generator, keras.layers.Dense)
    assert sorted(layer.units for layer in dense) == [200, 784, 1000, 1200]
    assert not _layers(model.discriminator, Maxout)
    assert _layers(model.discriminator, keras.layers.Conv2D)
    assert "projection" in [layer.name for layer in model.discriminator.layers]


@pytest.mark.parametrize("head", ["projection", "concat"])
def test_conv_heads(head):
    model = _tiny_cgan(conv_head=head)
    d = model.discriminator
    names = [layer.name for layer in d.layers]
    if head == "projection":
        assert "embed" in names and "projection" in names
        assert "label_map" not in names
    else:
        assert "label_map" in names and "embed" not in names
        # The label map is an extra input channel of the first conv.
        assert _input_width(_layers(d, keras.layers.Conv2D)[0]) == 2
    assert not _layers(d, keras.layers.BatchNormalization)
    assert d.output.shape == (None, 1)


# ---------------------------------------------------------- output shapes
@pytest.mark.parametrize(
    "shape, architecture",
    # The Maxout nets have the paper's fixed widths: 28 and 32 are enough.
    [(s, "conv") for s in SHAPES]
    + [(s, arch) for s in SHAPES[:2] for arch in ("maxout", "mlp_conv")],
)
def test_output_shapes(shape, architecture):
    model = _tiny_cgan(
        image_size=shape[0], channels=shape[2], architecture=architecture
    )
    labels = np.array([0, 9], "int32")
    images = model.generate(2, labels=labels, seed=0)
    assert images.shape == (2, *shape)
    assert np.all(np.abs(images) <= 1.0)
    assert model.discriminator([images, labels]).shape == (2, 1)


@pytest.mark.parametrize("architecture", ["conv", "maxout"])
@pytest.mark.parametrize("head", ["projection", "concat"])
def test_rectangular_images(architecture, head):
    model = _tiny_cgan(image_size=(28, 32), architecture=architecture, conv_head=head)
    labels = np.array([0, 9], "int32")
    images = model.generate(2, labels=labels, seed=0)
    assert images.shape == (2, 28, 32, 1)
    assert model.discriminator([images, labels]).shape == (2, 1)


def test_image_shape_is_deprecated_but_works():
    with pytest.warns(DeprecationWarning, match="image_shape"):
        model = _tiny_cgan(image_shape=(32, 32, 3))
    assert (model.image_size, model.channels) == (32, 3)
    config = model.get_config()
    assert "image_shape" not in config
    del config["image_size"], config["channels"]
    config["image_shape"] = [32, 32, 3]  # a config saved before the rename
    assert ConditionalGAN.from_config(config).get_config() == model.get_config()


# ------------------------------------------------------ config and saving
_CASES = {
    "maxout": lambda: _tiny_cgan(architecture="maxout", seed=3),
    "concat": lambda: _tiny_cgan(conv_head="concat", minibatch_stddev=True, seed=3),
    "acgan": lambda: _tiny_cgan(auxiliary_weight=0.5, discriminator_batch_norm=True),
    "mlp_conv": lambda: _tiny_cgan(architecture="mlp_conv", auxiliary_weight=1.0),
}


@pytest.fixture
def mixed_bfloat16():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    yield
    keras.mixed_precision.set_global_policy("float32")


class TestConditionalGAN(mtc.ModelTestCase):
    """The shared model properties (config, `.keras`, train step, export,
    preset), label checks, training and dtype policies."""

    @pytest.mark.parametrize("case", list(_CASES))
    def test_config_round_trip(self, case):
        self.run_serialization_test(_CASES[case]())

    @pytest.mark.parametrize("case", list(_CASES))
    def test_keras_save_load_gives_identical_samples(self, case, tmp_path):
        model = _CASES[case]()
        model.compile(loss="hinge", d_steps=2)
        loaded = self.run_model_saving_test(model, tmp_path)
        assert (loaded.loss_name, loaded.d_steps) == ("hinge", 2)

    @pytest.mark.parametrize("case", ["maxout", "acgan"])
    def test_train_step_changes_only_what_it_should(self, case):
        model = _CASES[case]()
        model.compile()
        logs = self.run_train_step_test(model, mtc.first_batch(model))
        if model.auxiliary_weight:
            assert {"d_aux", "g_aux"} <= set(logs)

    def test_export_round_trip(self, tmp_path):
        model = _tiny_cgan(image_size=8, seed=0)
        self.run_export_test(model, tmp_path)

    def test_preset_loads_and_samples(self):
        self.run_preset_test(
            ConditionalGAN, "cgan_digits", expected_shape=(2, 28, 28, 1)
        )

    # ------------------------------------------------------------ label checks
    @pytest.mark.parametrize(
        "labels, match",
        [
            ([0, 10], "out-of-range labels: \\[10\\]"),
            ([-1, 3], "out-of-range labels: \\[-1\\]"),
            ([0, 1, 2], "must have 2 entries"),
            ([0.0, 1.0], "must be integers"),
            (None, "is conditional"),
        ],
    )
    def test_generate_rejects_bad_labels(self, labels, match):
        model = _tiny_cgan(architecture="maxout")
        with pytest.raises(ValueError, match=match):
            model.generate(2, labels=labels)

    def test_labels_steer_the_generator(self):
        model = _tiny_cgan()
        zeros = model.generate(2, labels=[0, 0], seed=1)
        np.testing.assert_array_equal(model.generate(2, labels=[0, 0], seed=1), zeros)
        assert not np.allclose(model.generate(2, labels=[5, 5], seed=1), zeros)

    def test_needs_labelled_batches(self):
        model = _tiny_cgan()
        model.compile()
        with pytest.raises(ValueError, match="\\(images, labels\\)"):
            model.fit(mtc.digits(with_labels=False, steps=1), verbose=0, shuffle=False)

    @pytest.mark.parametrize(
        "kwargs, name",
        [
            ({"architecture": "resnet"}, "architecture"),
            ({"conv_head": "film"}, "conv_head"),
            ({"image_shape": (28, 28)}, "image_shape"),
            ({"image_size": (28, 28, 1, 1)}, "image_size"),
            ({"image_size": 9}, "image_size"),
            ({"channels": 0}, "channels"),
            ({"auxiliary_weight": -1.0}, "auxiliary_weight"),
            ({"auxiliary_weight": 1.0, "conv_head": "concat"}, "projection"),
            ({"num_classes": 1}, "num_classes"),
        ],
    )
    def test_bad_arguments(self, kwargs, name):
        with pytest.raises(ValueError, match=name):
            _tiny_cgan(**kwargs)

    # ---------------------------------------------------------------- training
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"architecture": "maxout"},
            {"conv_head": "projection"},
            {"conv_head": "concat", "discriminator_batch_norm": True},
            {"architecture": "mlp_conv"},
        ],
        ids=["maxout", "conv_projection", "conv_concat", "mlp_conv"],
    )
    def test_trains_on_labelled_digits(self, kwargs):
        model = _tiny_cgan(**kwargs)
        model.compile()
        g0 = [w.copy() for w in model.generator.get_weights()]
        logs = mtc.fit_logs(model, mtc.digits())
        mtc.assert_finite(logs, {"d_loss", "g_loss"})
        assert int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)) == 2
        assert any(
            not np.allclose(a, b) for a, b in zip(model.generator.get_weights(), g0)
        )

    def test_auxiliary_classifier_trains(self):
        """AC-GAN head: a second D output with class logits and two logged terms."""
        model = _tiny_cgan(auxiliary_weight=1.0)
        assert [tuple(o.shape) for o in model.discriminator.outputs] == [
            (None, 1),
            (None, 10),
        ]
        model.compile()
        logs = mtc.fit_logs(model, mtc.digits())
        mtc.assert_finite(logs, {"d_loss", "g_loss", "d_aux", "g_aux"})

    # ------------------------------------------------------- dtype policies
    @pytest.mark.parametrize("case", ["maxout", "acgan", "concat"])
    def test_dtype_reaches_the_networks(self, case):
        """`dtype="mixed_bfloat16"`: every layer of G and D (Maxout, Embedding,
        MinibatchStdDev, BatchNorm, ...) computes in bfloat16 with float32
        weights; a training step runs; images are float32."""
        config = {**_CASES[case]().get_config(), "dtype": "mixed_bfloat16"}
        model = ConditionalGAN.from_config(config)
        self.assert_dtype_policy(model, "mixed_bfloat16")
        model.compile()
        logs = self.run_train_step_test(model, mtc.first_batch(model))
        assert all(np.isfinite(v) for v in logs.values())
        images = model.generate(3, labels=[0, 1, 2], seed=0)
        assert images.dtype == np.float32 and np.all(np.isfinite(images))

    def test_mixed_float16_scales_the_loss(self):
        model = _tiny_cgan(auxiliary_weight=1.0, seed=0, dtype="mixed_float16")
        self.assert_dtype_policy(model, "mixed_float16")
        model.compile()
        for opt in (model.g_optimizer, model.d_optimizer):
            assert isinstance(opt, keras.optimizers.LossScaleOptimizer)
        logs = mtc.fit_logs(model, mtc.digits())
        mtc.assert_finite(logs, {"d_loss", "g_loss", "d_aux", "g_aux"})
        images = model.generate(2, labels=[3, 4], seed=0)
        assert images.dtype == np.float32 and np.all(np.isfinite(images))

    def test_global_mixed_bfloat16_step_and_round_trip(self, mixed_bfloat16, tmp_path):
        """One training step under a global `mixed_bfloat16` policy: bfloat16
        compute, float32 weights, finite float32 losses and images; the `.keras`
        file reloads under the policy with the same samples."""
        model = _tiny_cgan(auxiliary_weight=1.0, seed=3)
        assert model.generator.compute_dtype == "bfloat16"
        model.compile(ema_decay=0.9)
        logs = mtc.fit_logs(model, mtc.digits(steps=1))
        mtc.assert_finite(logs, ["d_loss", "g_loss"])
        assert all(w.dtype == "float32" for w in model.generator.weights)
        labels = np.arange(3) % 10
        images = model.generate(3, labels=labels, seed=0)
        assert images.dtype == np.float32 and np.all(np.isfinite(images))
        loaded = self.run_model_saving_test(model, tmp_path)
        assert loaded.generator.compute_dtype == "bfloat16"

    def test_sync_batch_norm_option(self, tmp_path):
        """Every BatchNorm of G and D is synchronized; the option survives the
        config and `.keras` round trips, and the model trains."""
        model = _tiny_cgan(discriminator_batch_norm=True, sync_batch_norm=True, seed=3)
        norms = [
            layer
            for net in (model.generator, model.discriminator)
            for layer in net.layers
            if isinstance(layer, keras.layers.BatchNormalization)
        ]
        assert norms and all(layer.synchronized for layer in norms)
        assert type(model).from_config(model.get_config()).sync_batch_norm
        model.compile()
        mtc.assert_finite(mtc.fit_logs(model, mtc.digits(True, 1)), ["d_loss"])
        loaded = self.run_model_saving_test(model, tmp_path)
        assert loaded.sync_batch_norm
