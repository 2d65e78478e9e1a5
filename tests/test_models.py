"""Tests for `GAN`, `DCGAN` and `ConditionalGAN`: the papers' layer sizes read
from the built networks, output shapes, config and `.keras` round trips, label
checks, and a couple of training steps on the embedded digits."""

import keras
import numpy as np
import pytest

from keras_gans import DCGAN, GAN, ConditionalGAN, data
from keras_gans.layers import Maxout

SHAPES = [(28, 28, 1), (32, 32, 3), (64, 64, 3)]


def _layers(net, cls):
    return [layer for layer in net.layers if type(layer) is cls]


def _input_width(layer):
    """Last dimension of a layer's (single) input."""
    return layer.input.shape[-1]


def _tiny_gan(**kw):
    kw = {"latent_dim": 8, "generator_units": (16,), "discriminator_units": (8,), **kw}
    return GAN(**kw)


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


def _digits(with_labels=True, steps=2):
    return data.digits_dataset(
        batch_size=8, with_labels=with_labels, shuffle=False
    ).take(steps)


def _fit(model, ds):
    history = model.fit(ds, verbose=0, shuffle=False)
    return {name: values[-1] for name, values in history.history.items()}


def _assert_finite(logs, names):
    assert set(names) <= set(logs)
    for name, value in logs.items():
        assert np.isfinite(value), (name, value)


# ------------------------------------------------------ paper architectures
def test_gan_paper_sizes():
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


def test_dcgan_paper_sizes():
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
    g_bn = _layers(g, keras.layers.BatchNormalization)
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
    d_bn = _layers(d, keras.layers.BatchNormalization)
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


def test_cgan_maxout_paper_sizes():
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


def test_cgan_mlp_conv_joins_the_paper_generator_to_a_conv_discriminator():
    model = _tiny_cgan(architecture="mlp_conv")
    dense = _layers(model.generator, keras.layers.Dense)
    assert sorted(layer.units for layer in dense) == [200, 784, 1000, 1200]
    assert not _layers(model.discriminator, Maxout)
    assert _layers(model.discriminator, keras.layers.Conv2D)
    assert "projection" in [layer.name for layer in model.discriminator.layers]


@pytest.mark.parametrize("head", ["projection", "concat"])
def test_cgan_conv_heads(head):
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
@pytest.mark.parametrize("shape", SHAPES)
def test_gan_output_shapes(shape):
    model = _tiny_gan(image_shape=shape)
    images = model.generate(2, seed=0)
    assert images.shape == (2, *shape)
    assert np.all(np.abs(images) <= 1.0)
    assert model.discriminator(images).shape == (2, 1)


@pytest.mark.parametrize("shape", SHAPES)
def test_dcgan_output_shapes(shape):
    model = _tiny_dcgan(image_size=shape[0], channels=shape[2])
    images = model.generate(2, seed=0)
    assert images.shape == (2, *shape)
    assert np.all(np.abs(images) <= 1.0)
    assert model.discriminator(images).shape == (2, 1)


@pytest.mark.parametrize(
    "shape, architecture",
    # The Maxout nets have the paper's fixed widths: 28 and 32 are enough.
    [(s, "conv") for s in SHAPES]
    + [(s, arch) for s in SHAPES[:2] for arch in ("maxout", "mlp_conv")],
)
def test_cgan_output_shapes(shape, architecture):
    model = _tiny_cgan(image_shape=shape, architecture=architecture)
    labels = np.array([0, 9], "int32")
    images = model.generate(2, labels=labels, seed=0)
    assert images.shape == (2, *shape)
    assert np.all(np.abs(images) <= 1.0)
    assert model.discriminator([images, labels]).shape == (2, 1)


@pytest.mark.parametrize("size", [3, 5, 9])
def test_dcgan_rejects_sizes_without_a_stride_2_start(size):
    with pytest.raises(ValueError, match="image_size"):
        _tiny_dcgan(image_size=size)


# ------------------------------------------------------ config and saving
def _round_trip_cases():
    return [
        ("gan", lambda: _tiny_gan(image_shape=(8, 8, 1), seed=3)),
        ("dcgan", lambda: _tiny_dcgan(latent_distribution="normal", seed=3)),
        ("cgan_maxout", lambda: _tiny_cgan(architecture="maxout", seed=3)),
        (
            "cgan_concat",
            lambda: _tiny_cgan(conv_head="concat", minibatch_stddev=True, seed=3),
        ),
        (
            "cgan_acgan",
            lambda: _tiny_cgan(auxiliary_weight=0.5, discriminator_batch_norm=True),
        ),
        (
            "cgan_mlp_conv",
            lambda: _tiny_cgan(architecture="mlp_conv", auxiliary_weight=1.0),
        ),
    ]


def _labels_for(model, n):
    return None if model.num_classes is None else np.arange(n) % model.num_classes


@pytest.mark.parametrize(
    "make",
    [make for _, make in _round_trip_cases()],
    ids=[n for n, _ in _round_trip_cases()],
)
def test_config_round_trip(make):
    model = make()
    config = model.get_config()
    clone = type(model).from_config(config)
    assert type(clone) is type(model)
    assert clone.get_config() == config
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(model)
    )
    assert type(restored) is type(model)
    assert restored.get_config() == config


@pytest.mark.parametrize(
    "make",
    [make for _, make in _round_trip_cases()],
    ids=[n for n, _ in _round_trip_cases()],
)
def test_keras_save_load_gives_identical_samples(make, tmp_path):
    model = make()
    model.compile(loss="hinge", d_steps=2)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(model)
    assert loaded.get_config() == model.get_config()
    assert (loaded.loss_name, loaded.d_steps) == ("hinge", 2)
    labels = _labels_for(model, 4)
    np.testing.assert_array_equal(
        loaded.generate(4, labels=labels, seed=7),
        model.generate(4, labels=labels, seed=7),
    )
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)


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
def test_cgan_generate_rejects_bad_labels(labels, match):
    model = _tiny_cgan(architecture="maxout")
    with pytest.raises(ValueError, match=match):
        model.generate(2, labels=labels)


def test_cgan_labels_steer_the_generator():
    model = _tiny_cgan()
    zeros = model.generate(2, labels=[0, 0], seed=1)
    np.testing.assert_array_equal(model.generate(2, labels=[0, 0], seed=1), zeros)
    assert not np.allclose(model.generate(2, labels=[5, 5], seed=1), zeros)


def test_cgan_needs_labelled_batches():
    model = _tiny_cgan()
    model.compile()
    with pytest.raises(ValueError, match="\\(images, labels\\)"):
        model.fit(_digits(with_labels=False, steps=1), verbose=0, shuffle=False)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"architecture": "resnet"}, "architecture"),
        ({"conv_head": "film"}, "conv_head"),
        ({"image_shape": (28, 28)}, "image_shape"),
        ({"image_shape": (28, 32, 1)}, "square"),
        ({"auxiliary_weight": -1.0}, "auxiliary_weight"),
        ({"auxiliary_weight": 1.0, "conv_head": "concat"}, "projection"),
        ({"num_classes": 1}, "num_classes"),
    ],
)
def test_cgan_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        _tiny_cgan(**kwargs)


def test_gan_bad_image_shape():
    with pytest.raises(ValueError, match="image_shape"):
        _tiny_gan(image_shape=(28, 28))


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
def test_cgan_trains_on_labelled_digits(kwargs):
    model = _tiny_cgan(**kwargs)
    model.compile()
    g0 = [w.copy() for w in model.generator.get_weights()]
    logs = _fit(model, _digits())
    _assert_finite(logs, {"d_loss", "g_loss"})
    assert int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)) == 2
    assert any(not np.allclose(a, b) for a, b in zip(model.generator.get_weights(), g0))


def test_cgan_auxiliary_classifier_trains():
    """AC-GAN head: a second D output with class logits and two logged terms."""
    model = _tiny_cgan(auxiliary_weight=1.0)
    assert [tuple(o.shape) for o in model.discriminator.outputs] == [
        (None, 1),
        (None, 10),
    ]
    model.compile()
    logs = _fit(model, _digits())
    _assert_finite(logs, {"d_loss", "g_loss", "d_aux", "g_aux"})


@pytest.mark.parametrize("loss", ["minimax", "non_saturating"])
def test_gan_trains_with_paper_losses(loss):
    model = _tiny_gan(seed=0)
    model.compile(loss=loss)
    logs = _fit(model, _digits(with_labels=False))
    _assert_finite(logs, {"d_loss", "g_loss"})
    if loss == "minimax":
        assert logs["g_loss"] <= 0.0  # mean log(1 - D(G(z))) is never positive
    else:
        assert logs["g_loss"] >= 0.0  # -mean log D(G(z)) is never negative


def test_gan_ignores_labels_in_the_batch():
    model = _tiny_gan(seed=0)
    model.compile()
    _assert_finite(_fit(model, _digits(with_labels=True)), {"d_loss", "g_loss"})


def test_dcgan_trains_on_digits():
    model = _tiny_dcgan(seed=0)
    model.compile(ema_decay=0.9)
    logs = _fit(model, _digits(with_labels=False))
    _assert_finite(logs, {"d_loss", "g_loss"})
    assert model.generate(2, seed=0).shape == (2, 28, 28, 1)


# ------------------------------------------------------- mixed precision
@pytest.fixture
def mixed_bfloat16():
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    yield
    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize(
    "name,make",
    [
        ("dcgan", lambda: _tiny_dcgan(seed=3)),  # BatchNorm, EMA statistics
        ("cgan_acgan", lambda: _tiny_cgan(auxiliary_weight=1.0, seed=3)),
    ],
)
def test_mixed_bfloat16_step_and_round_trip(mixed_bfloat16, name, make, tmp_path):
    """One training step under `mixed_bfloat16`: bfloat16 compute, float32
    weights, finite float32 losses and images; the `.keras` file reloads
    under the policy with the same samples."""
    model = make()
    assert model.generator.compute_dtype == "bfloat16"
    model.compile(ema_decay=0.9)
    logs = _fit(model, _digits(with_labels=model.num_classes is not None, steps=1))
    _assert_finite(logs, ["d_loss", "g_loss"])
    assert all(w.dtype == "float32" for w in model.generator.weights)
    labels = _labels_for(model, 3)
    images = model.generate(3, labels=labels, seed=0)
    assert images.dtype == np.float32 and np.all(np.isfinite(images))
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert loaded.generator.compute_dtype == "bfloat16"
    np.testing.assert_array_equal(loaded.generate(3, labels=labels, seed=0), images)


@pytest.mark.parametrize(
    "make",
    [
        lambda: _tiny_dcgan(sync_batch_norm=True, seed=3),
        lambda: _tiny_cgan(discriminator_batch_norm=True, sync_batch_norm=True, seed=3),
    ],
    ids=["dcgan", "cgan_conv"],
)
def test_sync_batch_norm_option(make, tmp_path):
    """Every BatchNorm of G and D is synchronized; the option survives the
    config and `.keras` round trips, and the model trains."""
    model = make()
    norms = [
        layer
        for net in (model.generator, model.discriminator)
        for layer in net.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    ]
    assert norms and all(layer.synchronized for layer in norms)
    assert type(model).from_config(model.get_config()).sync_batch_norm
    model.compile()
    _assert_finite(_fit(model, _digits(model.num_classes is not None, 1)), ["d_loss"])
    model.save(tmp_path / "m.keras")
    assert keras.saving.load_model(tmp_path / "m.keras").sync_batch_norm
