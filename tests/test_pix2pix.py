"""Tests for `Pix2Pix`, `unet_generator`, `patch_discriminator` and the
image-to-image SavedModel export (`export.export_image_to_image`)."""

import json
import os

import keras
import model_test_case as mtc
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import Pix2Pix, losses
from keras_gans.export import export_generator, export_image_to_image
from keras_gans.layers import BatchNormalization as FusedBatchNormalization
from keras_gans.models import DCGAN
from keras_gans.models.pix2pix import (
    patch_discriminator,
    receptive_field,
    unet_generator,
    with_active_dropout,
)


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _randomize(net, std=0.2, seed=0):
    """Weights of a few tenths, so outputs span [-1, 1] instead of ~0."""
    rng = np.random.default_rng(seed)
    for w in net.trainable_weights:
        w.assign(rng.normal(0.0, std, w.shape).astype("float32"))


def _tiny(**kw):
    kw = {
        "image_size": 16,
        "input_channels": 1,
        "channels": 2,
        "generator_filters": 4,
        "discriminator_filters": 4,
        "num_discriminator_layers": 1,
        "seed": 0,
        **kw,
    }
    return Pix2Pix(**kw)


def _images(n=2, size=16, channels=1, seed=1):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (n, size, size, channels)).astype("float32")


def _serve(path, **inputs):
    served = tf.saved_model.load(str(path))
    tensors = {k: tf.constant(v) for k, v in inputs.items()}
    return served.signatures["serving_default"](**tensors)["images"].numpy()


# ------------------------------------------------------------------- export
def test_export_image_to_image_signature_and_any_size(tmp_path):
    net = unet_generator(16, 1, 2, filters=4)
    _randomize(net)
    path = export_image_to_image(net, str(tmp_path / "t"), size_multiple=16)
    assert path == os.path.join(str(tmp_path / "t"), "1")
    serving = tf.saved_model.load(path).signatures["serving_default"]
    (spec,) = serving.structured_input_signature[1].values()
    assert spec.name == "image" and spec.dtype == tf.float32
    assert spec.shape.as_list() == [None, None, None, 1]
    assert list(serving.structured_outputs) == ["images"]
    for n, size in ((3, 16), (1, 48)):  # any batch, any multiple of 16
        x = _images(n, size)
        images = _serve(path, image=x)
        expected = _np(net(x, training=False))
        assert images.shape == (n, size, size, 2) and images.dtype == np.float32
        assert np.abs(images).mean() > 0.1
        np.testing.assert_allclose(images, expected, atol=1e-5)
    # Versions as export_generator numbers them; uint8 maps the float output.
    pixels = _serve(
        export_image_to_image(net, str(tmp_path / "t"), output="uint8"),
        image=_images(),
    )
    assert pixels.dtype == np.uint8 and sorted(os.listdir(tmp_path / "t")) == ["1", "2"]
    floats = _np(net(_images(), training=False))
    assert np.abs(pixels.astype(int) - np.round((floats + 1) * 127.5)).max() <= 1


def test_export_image_to_image_bad_inputs_raise(tmp_path):
    net = unet_generator(16, 3, 3, filters=2)
    path = export_image_to_image(net, str(tmp_path), size_multiple=16)
    served = tf.saved_model.load(path).signatures["serving_default"]
    with pytest.raises((ValueError, TypeError, tf.errors.InvalidArgumentError)):
        served(image=tf.zeros([1, 16, 16, 1]))  # wrong channels
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiples of 16"):
        served(image=tf.zeros([1, 24, 24, 3]))
    for kwargs, name in (
        ({"training": "yes"}, "training"),
        ({"training": 1}, "training"),
        ({"output": "png"}, "output"),
        ({"input_name": "a b"}, "input_name"),
        ({"size_multiple": 0}, "size_multiple"),
        ({"version": 0}, "version"),
    ):
        with pytest.raises(ValueError, match=f"`{name}`"):
            export_image_to_image(net, str(tmp_path / "bad"), **kwargs)
    noise_net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="`network` must have one input"):
        export_image_to_image(noise_net, str(tmp_path / "bad"))


def _bn_dropout_net(rate=0.5):
    x = keras.Input((None, None, 2))
    bn = keras.layers.BatchNormalization(epsilon=1e-5)
    y = keras.layers.Dropout(rate, seed=3)(bn(x))
    net = keras.Model(x, y)
    bn.moving_mean.assign([1.0, -2.0])
    bn.moving_variance.assign([4.0, 0.25])
    return net


def test_dropout_mode_drops_but_keeps_moving_statistics(tmp_path):
    net = _bn_dropout_net()
    x = _images(4, 8, 2)
    inference = (x - np.array([1.0, -2.0])) / np.sqrt(np.array([4.0, 0.25]) + 1e-5)
    np.testing.assert_allclose(_np(net(x, training=False)), inference, atol=1e-5)
    active = with_active_dropout(net)
    path = export_image_to_image(active, str(tmp_path))
    for out in (_np(active(x, training=False)), _serve(path, image=x)):
        dropped = out == 0
        assert 0.3 < dropped.mean() < 0.7
        # Kept values are the moving-statistics output scaled by 1 / (1 - rate).
        np.testing.assert_allclose(out[~dropped], 2 * inference[~dropped], rtol=1e-4)
    served = tf.saved_model.load(path).signatures["serving_default"]
    a, b = (served(image=tf.constant(x))["images"].numpy() for _ in range(2))
    assert not np.array_equal(a, b)  # a new dropout mask per request


def test_training_mode_uses_the_request_batch_statistics(tmp_path):
    net = _bn_dropout_net(rate=0.0)
    x = _images(3, 4, 2)
    path = export_image_to_image(net, str(tmp_path), training=True)
    mean, var = x.mean((0, 1, 2)), x.var((0, 1, 2))
    np.testing.assert_allclose(
        _serve(path, image=x), (x - mean) / np.sqrt(var + 1e-5), atol=1e-4
    )


def test_with_active_dropout_rejects_subclassed_networks():
    class Net(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="functional or Sequential"):
        with_active_dropout(Net())


# ------------------------------------------------------ paper architectures
def _of(net, cls):
    return [layer for layer in net.layers if type(layer) is cls]


def test_unet_256_is_the_papers_generator():
    """Isola et al. 2017, sec 6.1.1: encoder C64-C128-C256-C512-C512-C512-C512-
    C512, decoder CD512-CD512-CD512-C512-C256-C128-C64, skips i -> n - i."""
    g = unet_generator(256, 3, 3)
    convs = _of(g, keras.layers.Conv2D)
    assert [c.filters for c in convs] == [64, 128, 256, 512, 512, 512, 512, 512]
    ups = _of(g, keras.layers.Conv2DTranspose)
    assert [c.filters for c in ups] == [512, 512, 512, 512, 256, 128, 64, 3]
    for layer in convs + ups:
        assert layer.kernel_size == (4, 4) and layer.strides == (2, 2)
    assert ups[-1].activation is keras.activations.tanh
    assert [d.rate for d in _of(g, keras.layers.Dropout)] == [0.5] * 3
    # The first three decoder blocks drop out: each Dropout follows up0..up2's norm.
    drops = [d.name for d in _of(g, keras.layers.Dropout)]
    assert drops == ["up6_dropout", "up5_dropout", "up4_dropout"]
    norms = [n.name for n in _of(g, FusedBatchNormalization)]
    assert "down0_norm" not in norms and "down7_norm" not in norms  # C64, bottleneck
    assert len(norms) == 6 + 7
    assert {a.negative_slope for a in _of(g, keras.layers.LeakyReLU)} == {0.2}
    # Each decoder block is concatenated with the mirrored encoder block.
    skips = _of(g, keras.layers.Concatenate)
    for skip, i in zip(skips, range(6, -1, -1)):  # decoder block -> encoder block i
        assert skip.input[1] is g.get_layer(f"down{i}_act").output
    widths = [s.output.shape[-1] for s in skips]
    assert widths == [1024, 1024, 1024, 1024, 512, 256, 128]
    assert 54_000_000 < g.count_params() < 55_000_000  # the reference's 54.4M


@pytest.mark.parametrize("size, depth", [(128, 7), (64, 6), (32, 5)])
def test_unet_depth_follows_the_image_size(size, depth):
    g = unet_generator(size, 1, 3, filters=2)
    assert len(_of(g, keras.layers.Conv2D)) == depth
    bottleneck = g.get_layer(f"down{depth - 1}_act")
    assert _np(
        keras.Model(g.input, bottleneck.output)(np.zeros((1, size, size, 1)))
    ).shape[1:3] == (1, 1)
    assert g(np.zeros((2, size, size, 1), "float32")).shape == (2, size, size, 3)


def test_patch_discriminator_is_the_papers_70x70_patchgan():
    d = patch_discriminator()
    convs = _of(d, keras.layers.Conv2D)
    assert [c.filters for c in convs] == [64, 128, 256, 512, 1]
    assert [c.strides[0] for c in convs] == [2, 2, 2, 1, 1]
    assert {c.kernel_size for c in convs} == {(4, 4)}
    assert d.input.shape[-1] == 6  # concat(input, target)
    assert _of(d, FusedBatchNormalization)[0].name == "norm1"  # none on C64
    assert d(np.zeros((1, 256, 256, 6), "float32")).shape == (1, 30, 30, 1)
    assert receptive_field(d) == 70


@pytest.mark.parametrize("n_layers, field", [(0, 1), (1, 16), (3, 70), (5, 286)])
def test_patch_sizes_of_the_ablation(n_layers, field):
    d = patch_discriminator(n_layers, 1, 1, filters=2)
    assert receptive_field(d) == field
    if n_layers == 5:
        return
    # The pixels that reach one logit (inference mode: no batch statistics).
    size = 96
    _randomize(d, std=0.5)
    x = tf.constant(_images(1, size, 2))
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = d(x, training=False)
        h = logits.shape[1] // 2
        centre = logits[0, h, h, 0]
    grad = np.abs(tape.gradient(centre, x).numpy()[0]).sum(-1)
    rows, cols = np.nonzero(grad.sum(1))[0], np.nonzero(grad.sum(0))[0]
    assert rows.max() - rows.min() + 1 == field
    assert cols.max() - cols.min() + 1 == field


def test_instance_norm_is_group_norm_with_one_group_per_channel():
    g = unet_generator(16, 1, 1, filters=4, normalization="instance")
    norm = g.get_layer("down1_norm")  # 8 channels: groups=-1 became 8 groups of 1
    assert isinstance(norm, keras.layers.GroupNormalization) and norm.groups == 8
    x = _images(2, 5, 8, seed=3)
    mean, var = x.mean((1, 2), keepdims=True), x.var((1, 2), keepdims=True)
    probe = keras.layers.GroupNormalization(groups=-1, epsilon=1e-5)
    np.testing.assert_allclose(
        _np(probe(x)), (x - mean) / np.sqrt(var + 1e-5), atol=1e-5
    )
    # Each image is normalised on its own: a batch translates as its images.
    model = _tiny(normalization="instance")
    _randomize(model.generator)
    x = _images(3, 16)
    whole = model.translate(x)
    for i in range(3):
        np.testing.assert_allclose(
            whole[i : i + 1], model.translate(x[i : i + 1]), atol=1e-5
        )


def test_generator_trained_at_256_translates_512():
    model = Pix2Pix(generator_filters=2, discriminator_filters=2, seed=0)
    assert model.size_multiple == 256
    out = model.translate(np.zeros((1, 512, 512, 3), "float32"))
    assert out.shape == (1, 512, 512, 3)
    with pytest.raises(ValueError, match="multiples of 256"):
        model.translate(np.zeros((1, 384, 320, 3), "float32"))


# ------------------------------------------------------------ the train step
def _sgd(variables, loss_fn, lr):
    with tf.GradientTape() as tape:
        loss = loss_fn()
    grads = tape.gradient(loss, variables)
    for v, grad in zip(variables, grads):
        v.assign(v - lr * grad)


def _weights(net):
    return [_np(w) for w in net.trainable_variables]


@pytest.mark.parametrize(
    "l1_weight, gan_weight, conditional",
    [(100.0, 1.0, True), (0.0, 1.0, True), (10.0, 0.0, True), (100.0, 1.0, False)],
    ids=["cgan+l1", "cgan_only", "l1_only", "gan+l1"],
)
def test_one_step_is_the_papers_objective(l1_weight, gan_weight, conditional):
    """D: ½·BCE on D(x, y) and D(x, G(x)); G: gan_weight·(-log D(x, G(x)))
    + λ·|y - G(x)|; λ = 0 and gan_weight = 0 are the paper's ablations."""
    kw = dict(
        dropout=0.0,
        l1_weight=l1_weight,
        gan_weight=gan_weight,
        conditional_discriminator=conditional,
    )
    model = _tiny(**kw)
    _randomize(model.generator, 0.1)
    model.compile(
        g_optimizer=keras.optimizers.SGD(0.05), d_optimizer=keras.optimizers.SGD(0.1)
    )
    twin = _tiny(**kw)
    twin.generator.set_weights(model.generator.get_weights())
    twin.discriminator.set_weights(model.discriminator.get_weights())
    g, d = twin.generator, twin.discriminator
    g_loss_fn, d_loss_fn = losses.get("non_saturating")
    x, y = _images(4, 16, 1, seed=1), _images(4, 16, 2, seed=2)

    def pair(images):
        return tf.concat([x, images], -1) if conditional else images

    fake = g(x, training=True)

    def d_objective():
        real_logits, fake_logits = (
            d(pair(y), training=True),
            d(pair(fake), training=True),
        )
        return 0.5 * d_loss_fn(real_logits, fake_logits)

    _sgd(d.trainable_variables, d_objective, 0.1)

    def g_objective():
        out = g(x, training=True)
        return gan_weight * g_loss_fn(
            d(pair(out), training=True)
        ) + l1_weight * tf.reduce_mean(tf.abs(y - out))

    _sgd(g.trainable_variables, g_objective, 0.05)

    before = _weights(model.generator)
    history = model.fit(
        tf.data.Dataset.from_tensors((x, y)), verbose=0, shuffle=False
    ).history
    for a, e in zip(_weights(model.discriminator), _weights(d)):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)
    for a, e in zip(_weights(model.generator), _weights(g)):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-6)
    assert any(not np.allclose(a, b) for a, b in zip(before, _weights(model.generator)))
    assert ("l1" in history) == bool(l1_weight)
    if gan_weight == 0:
        assert history["g_loss"] == [0.0]


def test_bad_arguments_name_the_field():
    for kwargs, name in (
        ({"image_size": 48}, "image_size"),
        ({"normalization": "layer"}, "normalization"),
        ({"num_discriminator_layers": -1}, "num_discriminator_layers"),
        ({"l1_weight": -1.0}, "l1_weight"),
        ({"gan_weight": -1.0}, "gan_weight"),
        ({"dropout": 1.0}, "dropout"),
        ({"generator_filters": 0}, "filters"),
    ):
        with pytest.raises(ValueError, match=f"`{name}`"):
            _tiny(**kwargs)
    with pytest.raises(ValueError, match="cannot both be 0"):
        _tiny(l1_weight=0.0, gan_weight=0.0)
    model = _tiny()
    model.compile()
    with pytest.raises(ValueError, match=r"\(inputs, targets\)"):
        model.fit(
            tf.data.Dataset.from_tensors((_images(2, 16),)), verbose=0, shuffle=False
        )
    with pytest.raises(ValueError, match="translate"):
        model.generate(2)
    with pytest.raises(ValueError, match=r"`images` must have shape \(n, H, W, 1\)"):
        model.translate(np.zeros((2, 16, 16, 3), "float32"))


def test_translation_grid_draws_input_translated_target(tmp_path):
    from keras_gans import callbacks, plotting

    model = _tiny(channels=3)
    x, y = _images(4, 16, 1), _images(4, 16, 3, seed=2)
    grid = callbacks.TranslationGrid(tmp_path, x, y, groups=2)
    grid.set_model(model)
    path = grid.save(3)
    assert path.endswith("translations_epoch_003.png")
    drawn = plt_read(path)
    grey = np.repeat(x, 3, -1)
    tiles = np.stack([grey, model.translate(x), y], 1).reshape(-1, 16, 16, 3)
    expected = plotting.image_grid(tiles, rows=2, cols=6)  # uint8 (H, W, 3)
    np.testing.assert_array_equal(np.round(drawn[..., :3] * 255), expected)
    with pytest.raises(ValueError, match="`groups`"):
        callbacks.TranslationGrid(tmp_path, x, y, groups=3)


def plt_read(path):
    import matplotlib.image

    return matplotlib.image.imread(path)


# ------------------------------------------------ the shared model properties
class TestPix2Pix(mtc.ModelTestCase):
    """Export, `.keras`, preset and dtype policy, with the shared checks."""

    def test_export_generator_dispatches_pix2pix(self, tmp_path):
        model = _tiny()
        _randomize(model.generator)
        x = _images(2, 32)
        served = self.run_export_test(
            model,
            tmp_path,
            requests={
                "images": ("serving_default", {"image": x}),
                "bad_size": ("serving_default", {"image": _images(1, 24)}),
            },
            expected={"images": model.translate(x)},
        )
        assert "multiples of 16" in served.errors["bad_size"]
        assert served.signatures["serving_default"] == {
            "inputs": {"image": [[None, None, None, 1], "float32"]},
            "outputs": ["images"],
        }
        # dropout=True keeps the decoder's dropout on: outputs vary per request.
        noisy = export_generator(model, str(tmp_path / "noisy"), dropout=True)
        serve = tf.saved_model.load(noisy).signatures["serving_default"]
        a, b = (serve(image=tf.constant(x))["images"].numpy() for _ in range(2))
        assert not np.allclose(a, b)
        with pytest.raises(ValueError, match="`dropout`"):
            export_generator(
                DCGAN(
                    28, 1, latent_dim=4, generator_filters=2, discriminator_filters=2
                ),
                str(tmp_path / "d"),
                dropout=True,
            )

    def test_save_load_round_trip_and_test_time_dropout(self, tmp_path):
        model = _tiny(normalization="instance", test_time_dropout=False)
        model.compile()
        x, y = _images(4, 16, 1), _images(4, 16, 2, seed=2)
        model.fit(tf.data.Dataset.from_tensors((x, y)), verbose=0, shuffle=False)
        loaded = self.run_model_saving_test(model, tmp_path, lambda m: m.translate(x))
        # The optimizers' state is restored: training goes on from the same point.
        assert loaded.g_optimizer.iterations.numpy() == 1
        assert loaded.d_optimizer.iterations.numpy() == 1
        np.testing.assert_array_equal(model.translate(x), model.translate(x))
        _randomize(model.generator)
        a, b = model.translate(x, dropout=True), model.translate(x, dropout=True)
        assert not np.allclose(a, b)  # the paper's test-time dropout

    def test_preset_loads_and_translates(self):
        self.run_preset_test(
            Pix2Pix,
            "pix2pix_digits",
            sample=lambda m: m.translate(_images(2, 32)),
            expected_shape=(2, 32, 32, 1),
        )

    def test_mixed_bfloat16_reaches_every_layer_and_trains(self):
        model = _tiny(dtype="mixed_bfloat16")
        self.assert_dtype_policy(model, "mixed_bfloat16")
        model.compile()
        x, y = _images(2, 16, 1), _images(2, 16, 2, seed=2)
        before = _weights(model.generator)
        dataset = tf.data.Dataset.from_tensors((x, y))
        history = model.fit(dataset, verbose=0, shuffle=False).history
        assert all(np.isfinite(v[0]) for v in history.values())
        assert any(
            not np.allclose(a, b) for a, b in zip(before, _weights(model.generator))
        )
        out = model.translate(x)
        assert out.dtype == np.float32 and out.shape == (2, 16, 16, 2)
        # The policy is saved and rebuilt with the model.
        loaded = Pix2Pix.from_config(model.get_config())
        assert loaded.generator.layers[1].compute_dtype == "bfloat16"


# ------------------------------------------------ vocabulary, dtype, data checks
def test_channels_vocabulary_and_deprecated_output_channels():
    model = _tiny(channels=3, input_channels=None)
    assert (model.input_channels, model.channels) == (3, 3)
    assert model.sample_shape == (16, 16, 3)
    with pytest.warns(DeprecationWarning, match="output_channels"):
        old = Pix2Pix(
            16, 1, output_channels=2, generator_filters=2, discriminator_filters=2
        )
    assert (old.input_channels, old.channels) == (1, 2)
    assert old.generator.output.shape[-1] == 2
    with pytest.warns(DeprecationWarning):
        assert old.output_channels == 2
    with pytest.raises(ValueError, match="not both"), pytest.warns(DeprecationWarning):
        Pix2Pix(16, 1, channels=2, output_channels=4)
    # A config saved before `channels` existed still loads.
    config = old.get_config()
    config["output_channels"] = config.pop("channels")
    loaded = Pix2Pix.from_config(config)
    assert loaded.channels == 2 and loaded.get_config() == old.get_config()


def test_image_size_may_be_a_pair_of_powers_of_two():
    model = _tiny(image_size=(16, 32))
    assert model.size_multiple == 16 and model.sample_shape == (16, 32, 2)
    x = np.zeros((1, 16, 32, 1), "float32")
    assert model.translate(x).shape == (1, 16, 32, 2)
    assert Pix2Pix.from_config(model.get_config()).image_size == (16, 32)
    for bad in ((16, 24), (16,), (16, 16, 16), "16"):
        with pytest.raises(ValueError, match="`image_size`"):
            _tiny(image_size=bad)


@pytest.mark.parametrize(
    "inputs_shape, targets_shape, match",
    [
        ((4, 48, 48, 1), (4, 48, 48, 2), r"multiples of 32"),
        (
            (4, 32, 32, 3),
            (4, 32, 32, 2),
            r"`inputs` must have shape \(batch, H, W, 1\)",
        ),
        (
            (4, 32, 32, 1),
            (4, 32, 32, 1),
            r"`targets` must have shape \(batch, H, W, 2\)",
        ),
        ((32, 32, 1), (32, 32, 2), r"`inputs` must have shape \(batch, H, W, 1\)"),
        ((4, 32, 32, 1), (4, 64, 64, 2), "same height and width"),
    ],
    ids=["size", "input_channels", "target_channels", "rank", "mismatch"],
)
def test_fit_names_bad_data_before_the_graph_runs(inputs_shape, targets_shape, match):
    model = _tiny(image_size=32)
    model.compile()
    x = np.zeros(inputs_shape, "float32")
    y = np.zeros(targets_shape, "float32")
    dataset = tf.data.Dataset.from_tensors((x, y))
    for call in (
        lambda: model.fit(dataset, verbose=0, shuffle=False),
        lambda: model.fit(x, y, batch_size=2, verbose=0),
        lambda: model.evaluate(dataset, verbose=0),
    ):
        with pytest.raises(ValueError, match=match):
            call()
    assert model.g_optimizer.iterations.numpy() == 0  # nothing ran


def test_fit_checks_sizes_unknown_before_the_graph_runs():
    model = _tiny(image_size=32)
    model.compile()
    x, y = np.zeros((2, 48, 48, 1), "float32"), np.zeros((2, 48, 48, 2), "float32")
    dataset = tf.data.Dataset.from_generator(
        lambda: iter([(x, y)]),
        output_signature=(
            tf.TensorSpec((None, None, None, 1), tf.float32),
            tf.TensorSpec((None, None, None, 2), tf.float32),
        ),
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match="multiples of 32"):
        model.fit(dataset, verbose=0, shuffle=False)


def test_fit_accepts_arrays_of_multiples_of_the_size():
    model = _tiny()
    model.compile()
    x, y = _images(4, 32, 1), _images(4, 32, 2, seed=2)
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, validation_data=(x, y))
    assert model.g_optimizer.iterations.numpy() == 2
    with pytest.raises(ValueError, match="multiples of 16"):
        model.fit(x, y, validation_data=(x[:, :24, :24], y[:, :24, :24]), verbose=0)


def test_evaluate_l1_is_the_mean_abs_error_in_unit_pixels():
    model = _tiny()
    _randomize(model.generator)
    x, y = _images(5, 16, 1), _images(5, 16, 2, seed=2)
    expected = np.mean(np.abs(model.translate(x) - y)) / 2
    result = model.evaluate_l1((x, y))
    assert result["num_pairs"] == 5
    np.testing.assert_allclose(result["l1"], expected, rtol=1e-5)
    # Batches of a dataset give the same figure; uint8 targets are [0, 255].
    batches = tf.data.Dataset.from_tensor_slices((x, y)).batch(2)
    np.testing.assert_allclose(model.evaluate_l1(batches)["l1"], expected, rtol=1e-5)
    pixels = np.round((y + 1) * 127.5).astype(np.uint8)
    rounded = np.mean(np.abs(model.translate(x) - (pixels / 127.5 - 1))) / 2
    np.testing.assert_allclose(model.evaluate_l1((x, pixels))["l1"], rounded, rtol=1e-5)
    with pytest.raises(ValueError, match=r"`targets` must have shape \(5, 16, 16, 2\)"):
        model.evaluate_l1((x, y[..., :1]))
    with pytest.raises(ValueError, match=r"Float `inputs` must be in \[-1, 1\]"):
        model.evaluate_l1((x * 255, y))
    with pytest.raises(ValueError, match="at least one pair"):
        model.evaluate_l1([])


def test_a_keras_file_saved_with_output_channels_still_loads(tmp_path):
    import zipfile

    model = _tiny()
    _randomize(model.generator)
    model.save(tmp_path / "new.keras")
    # The same file as saved before `channels`: `output_channels` in its config.
    with zipfile.ZipFile(tmp_path / "new.keras") as new:
        files = {name: new.read(name) for name in new.namelist()}
    config = json.loads(files["config.json"])
    config["config"]["output_channels"] = config["config"].pop("channels")
    files["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(tmp_path / "old.keras", "w") as old:
        for name, content in files.items():
            old.writestr(name, content)
    loaded = keras.saving.load_model(tmp_path / "old.keras", safe_mode=True)
    assert loaded.channels == 2 and loaded.get_config() == model.get_config()
    x = _images(2, 16)
    np.testing.assert_allclose(loaded.translate(x), model.translate(x), atol=1e-6)
