"""`StyleGAN2` networks: FIR resampling, modulation/demodulation, noise,
style mixing, truncation, sampling, projection and export, against hand
computations in NumPy."""

import keras
import model_test_case as mtc
import numpy as np
import pytest
import tensorflow as tf

from keras_gans.models.stylegan2 import (
    ModulatedConv2D,
    StyleGAN2,
    StyleGAN2Discriminator,
    StyleGAN2Generator,
    fir_blur,
    fir_downsample,
    fir_upsample,
    num_channels,
)

TINY = dict(
    image_size=8,
    channels=1,
    latent_dim=8,
    w_dim=8,
    num_mapping_layers=2,
    channel_base=32,
    channel_max=4,
)
RNG = np.random.default_rng(0)


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _model(**kwargs):
    model = StyleGAN2(**{**TINY, **kwargs}, seed=3)
    model.compile(run_eagerly=True)
    return model


# --------------------------------------------------------- NumPy references
def _upfirdn_1d(x, axis, up, down, pad0, pad1, gain):
    """The official `upfirdn2d` along one axis, by its definition."""
    f = np.array([1.0, 3.0, 3.0, 1.0])
    f = f / f.sum() * gain
    x = np.moveaxis(x, axis, -1)
    n = x.shape[-1]
    u = np.zeros(x.shape[:-1] + (n * up,))
    u[..., ::up] = x  # zero insertion
    u = np.concatenate(
        [np.zeros(u.shape[:-1] + (pad0,)), u, np.zeros(u.shape[:-1] + (pad1,))], -1
    )
    out = np.stack(
        [(u[..., i : i + 4] * f).sum(-1) for i in range(u.shape[-1] - 3)], -1
    )
    return np.moveaxis(out[..., ::down], -1, axis)


def _upfirdn(x, up=1, down=1, pad=(0, 0), gain=1.0):
    for axis in (1, 2):
        x = _upfirdn_1d(x, axis, up, down, pad[0], pad[1], gain)
    return x


def _conv_same(x, kernel):
    """NHWC correlation with zero padding, kernel `(k, k, in, out)`."""
    k = kernel.shape[0]
    p = k // 2
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    h, w = x.shape[1:3]
    out = np.zeros(x.shape[:3] + (kernel.shape[-1],))
    for i in range(k):
        for j in range(k):
            out += np.einsum("bhwi,io->bhwo", xp[:, i : i + h, j : j + w], kernel[i, j])
    return out


def test_fir_resampling_matches_upfirdn2d():
    x = RNG.normal(size=(2, 6, 6, 3)).astype("float32")
    np.testing.assert_allclose(
        _np(fir_upsample(x)), _upfirdn(x, up=2, pad=(2, 1), gain=2.0), atol=1e-5
    )
    np.testing.assert_allclose(
        _np(fir_downsample(x)), _upfirdn(x, down=2, pad=(1, 1)), atol=1e-5
    )
    np.testing.assert_allclose(_np(fir_blur(x, 2)), _upfirdn(x, pad=(2, 2)), atol=1e-5)
    # Gain: a constant image keeps its value inside the border.
    ones = np.ones((1, 8, 8, 1), "float32")
    assert np.allclose(_np(fir_upsample(ones))[0, 2:-2, 2:-2], 1.0)
    assert np.allclose(_np(fir_downsample(ones))[0, 1:-1, 1:-1], 1.0)


@pytest.mark.parametrize(
    "up, demodulate", [(False, True), (True, True), (False, False)]
)
def test_modulated_conv_matches_per_sample_weights_by_hand(up, demodulate):
    """Fused form by hand: w'_kio = s_i w_kio, w'' = w' / sqrt(sum_ki w'^2 +
    1e-8) per sample and output, then conv, + noise * strength + bias, lrelu
    * sqrt(2); the layer's unfused form must give the same."""
    r, cin, cout, wdim = 8, 3, 5, 4
    layer = ModulatedConv2D(cout, 3, resolution=r, up=up, demodulate=demodulate)
    size = r // 2 if up else r
    x = RNG.normal(size=(2, size, size, cin)).astype("float32")
    w = RNG.normal(size=(2, wdim)).astype("float32")
    layer.build(x.shape, w.shape)
    layer.bias.assign(RNG.normal(size=(cout,)).astype("float32"))
    layer.noise_strength.assign(0.7)
    affine = layer.affine
    affine.kernel.assign(RNG.normal(size=affine.kernel.shape).astype("float32"))
    out = _np(layer(x, w, noise_mode="const"))

    styles = w @ (_np(affine.kernel) * affine.scale) + _np(affine.bias)  # (B, in)
    kernel = _np(layer.kernel) / np.sqrt(9 * cin)  # (3, 3, in, out)
    xin = _upfirdn(x, up=2, pad=(2, 1), gain=2.0) if up else x
    expected = []
    for b in range(2):
        wb = kernel * styles[b][None, None, :, None]  # modulation
        if demodulate:
            wb = wb / np.sqrt((wb**2).sum(axis=(0, 1, 2)) + 1e-8)  # demodulation
        expected.append(_conv_same(xin[b : b + 1], wb)[0])
    y = np.stack(expected) + _np(layer.noise_const)[None, :, :, None] * 0.7
    y = y + _np(layer.bias)
    y = np.where(y > 0, y, 0.2 * y) * np.sqrt(2.0)
    np.testing.assert_allclose(out, y, rtol=1e-4, atol=1e-4)
    # Demodulated outputs have unit scale whatever the style's magnitude.
    if demodulate:
        np.testing.assert_allclose(_np(layer(x, 3.0 * w)).shape, out.shape)


def test_noise_modes_shapes_and_seeds():
    layer = ModulatedConv2D(2, 3, resolution=4)
    x, w = np.ones((3, 4, 4, 2), "float32"), np.ones((3, 4), "float32")
    layer.build(x.shape, w.shape)
    layer.noise_strength.assign(1.0)
    seed = tf.constant([5, 6], tf.int64)
    noise = _np(layer.noise(3, "random", seed, "float32"))
    assert noise.shape == (3, 4, 4, 1)  # one map per sample, shared by channels
    assert not np.allclose(noise[0], noise[1])
    np.testing.assert_array_equal(noise, _np(layer.noise(3, "random", seed, "float32")))
    other = _np(layer.noise(3, "random", tf.constant([5, 7], tf.int64), "float32"))
    assert not np.allclose(noise, other)
    const = _np(layer.noise(3, "const", None, "float32"))
    assert const.shape == (1, 4, 4, 1)
    assert layer.noise(3, "none", None, "float32") is None
    with pytest.raises(ValueError, match="noise_seed"):
        layer(x, w, noise_mode="random")
    with pytest.raises(ValueError, match="noise_mode"):
        layer(x, w, noise_mode="fresh")


# ------------------------------------------------------------- architecture
def test_networks_follow_config_f():
    assert [num_channels(r) for r in (4, 8, 64, 128, 256, 1024)] == [
        512,
        512,
        512,
        256,
        128,
        32,
    ]
    g = StyleGAN2Generator(
        image_size=32,
        channels=3,
        latent_dim=4,
        w_dim=4,
        channel_base=128,
        channel_max=16,
    )
    assert g.num_ws == 8 and len(g.mapping_dense) == 8
    assert {d.lr_multiplier for d in g.mapping_dense} == {0.01}
    assert [c.filters for c in g.convs] == [16, 16, 16, 8, 8, 4, 4]
    assert [c.up for c in g.convs] == [False, True, False, True, False, True, False]
    assert all(not t.demodulate and t.kernel_size == 1 for t in g.to_rgb)
    assert g(np.zeros((2, 4), "float32")).shape == (2, 32, 32, 3)
    d = StyleGAN2Discriminator(
        image_size=32, channels=3, channel_base=128, channel_max=16
    )
    assert [b[1].filters for b in d.blocks] == [8, 16, 16]  # 32 -> 16 -> 8 -> 4
    assert d.mbstd.group_size == 4 and d.conv_4x4.kernel.shape[2] == 17


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(image_size=48), "image_size"),
        (dict(image_size=4), "image_size"),
        (dict(image_size=2048), "image_size"),
        (dict(image_size=(16, 8)), "square"),
        (dict(channel_max=0), "channel_max"),
        (dict(num_mapping_layers=0), "num_mapping_layers"),
        (dict(mapping_lr_multiplier=0.0), "mapping_lr_multiplier"),
        (dict(w_avg_beta=1.0), "w_avg_beta"),
        (dict(latent_distribution="uniform"), "latent_distribution"),
    ],
)
def test_bad_arguments_name_the_field(kwargs, field):
    with pytest.raises(ValueError, match=field):
        StyleGAN2(**{**TINY, **kwargs})


# ------------------------------------------------------- mixing, truncation
def test_style_mixing_inputs_are_seeded_and_mix_at_the_cutoff():
    a, b = _model(), _model()
    a.compile(style_mixing_prob=0.9, run_eagerly=True)
    b.compile(style_mixing_prob=0.9, run_eagerly=True)
    cutoffs = []
    for _ in range(60):
        x, y = a.generator_inputs(4, None), b.generator_inputs(4, None)
        for key in x:
            np.testing.assert_array_equal(_np(x[key]), _np(y[key]), err_msg=key)
        assert x["noise"].shape == x["mix_noise"].shape == (4, 8)
        assert x["noise_seed"].shape == (2,)
        cutoffs.append(int(_np(x["mix_cutoff"])))
    num_ws = a.num_ws
    assert set(cutoffs) <= set(range(1, num_ws + 1))
    assert 0.75 <= np.mean([c < num_ws for c in cutoffs]) <= 1.0  # p = 0.9
    g = a.generator
    ws, ws2 = np.zeros((2, num_ws, 8), "float32"), np.ones((2, num_ws, 8), "float32")
    mixed = _np(g.mix(ws, ws2, 1))
    assert (mixed[:, :1] == 0).all() and (mixed[:, 1:] == 1).all()
    a.compile(style_mixing_prob=0.0, run_eagerly=True)
    assert set(a.generator_inputs(4, None)) == {"noise", "noise_seed"}


def test_w_avg_is_tracked_in_training_and_truncation_pulls_towards_it():
    model = _model()
    g = model.generator
    z = RNG.normal(size=(16, 8)).astype("float32")
    w = _np(g.mapping(z))
    assert np.allclose(_np(g.w_avg), 0.0)  # inference leaves it
    g.mapping(z, training=True)
    np.testing.assert_allclose(_np(g.w_avg), 0.005 * w.mean(0), rtol=1e-4, atol=1e-7)
    g.mapping(z, training=True, update_w_avg=False)
    np.testing.assert_allclose(_np(g.w_avg), 0.005 * w.mean(0), rtol=1e-4, atol=1e-7)
    w_avg = _np(g.w_avg)
    ws = model.mapping(z[:3], truncation=0.25, use_ema=False)
    np.testing.assert_allclose(ws, w_avg + 0.25 * (w[:3] - w_avg), rtol=1e-4, atol=1e-6)
    images = model.generate(3, seed=2, truncation=0.0, use_ema=False)
    assert np.allclose(images, images[0:1], atol=1e-6)  # ψ = 0: all the mean
    with pytest.raises(ValueError, match="truncation"):
        model.generate(2, truncation=1.5)


def test_generate_is_deterministic_under_a_seed():
    model = _model()
    np.testing.assert_array_equal(model.generate(3, seed=1), model.generate(3, seed=1))
    assert not np.array_equal(model.generate(3, seed=1), model.generate(3, seed=2))
    for w in model.ema_generator.weights:  # noise on, so random mode differs
        if "noise_strength" in w.path:
            w.assign(1.0)
    r1 = model.generate(2, seed=1, noise_mode="random")
    np.testing.assert_array_equal(r1, model.generate(2, seed=1, noise_mode="random"))
    assert not np.array_equal(r1, model.generate(2, seed=1))
    assert model.generate(3, seed=1, batch_size=2).shape == (3, 8, 8, 1)
    with pytest.raises(ValueError, match="unconditional"):
        model.generate(2, labels=[0, 1])


def test_style_mix_grid_takes_the_column_styles():
    model = _model()
    grid = model.style_mix([1, 2], [3, 4, 5], col_styles=[])
    assert grid.shape == (2, 3, 8, 8, 1)
    rows = model.synthesize(
        model.mapping(
            np.concatenate([_np(model.sample_noise(1, seed=s)) for s in (1, 2)])
        )
    )
    np.testing.assert_allclose(grid[:, 0], rows, atol=1e-6)
    full = model.style_mix([1, 2], [3], col_styles=range(model.num_ws))
    np.testing.assert_allclose(full[0, 0], full[1, 0], atol=1e-6)  # all from col
    assert model.latent_walk(steps=4, seed=0).shape == (4, 8, 8, 1)
    assert model.latent_walk(steps=3, seed=0, space="z").shape == (3, 8, 8, 1)
    with pytest.raises(ValueError, match="w"):
        model.synthesize(np.zeros((2, 5), "float32"))


def test_projection_recovers_an_image_of_the_generator():
    model = _model()
    w_true = model.mapping(_np(model.sample_noise(1, seed=4)))[0]
    target = model.synthesize(w_true[None])[0]
    start = model.synthesize(
        model.mapping(_np(model.sample_noise(64, seed=9))).mean(0, keepdims=True)
    )[0]
    w, image = model.project(target, steps=60, w_avg_samples=256)
    assert w.shape == (8,) and image.shape == (8, 8, 1)
    before, after = np.mean((start - target) ** 2), np.mean((image - target) ** 2)
    assert after < 0.25 * before, (before, after)
    with pytest.raises(ValueError, match="target"):
        model.project(np.zeros((4, 4, 1), "float32"), steps=1)


# ------------------------------------------------ the shared model properties
class TestStyleGAN2(mtc.ModelTestCase):
    """Config, dtype policy and export, with the shared checks."""

    def test_config_round_trip_and_seeded_weights(self):
        model = _model()
        self.run_serialization_test(model)
        again = _model()
        for a, b in zip(model.get_weights(), again.get_weights()):
            np.testing.assert_array_equal(a, b)

    def test_mixed_bfloat16_reaches_every_layer(self):
        model = StyleGAN2(**TINY, seed=0, dtype="mixed_bfloat16")
        model.compile(run_eagerly=True)
        self.assert_dtype_policy(model, "mixed_bfloat16")
        x = RNG.uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
        logs = model.train_step((tf.constant(x),))
        assert all(np.isfinite(float(v)) for v in logs.values())
        assert model.generate(2, seed=0).dtype == np.float32

    def test_export_serves_z_psi_and_w_without_keras_gans(self, tmp_path):
        model = _model()
        model.ema_generator.w_avg.assign(RNG.normal(size=(8,)).astype("float32"))
        z = RNG.normal(size=(3, 8)).astype("float32")
        ws = np.repeat(model.mapping(z)[:, None], model.num_ws, axis=1)
        psi = np.float32(0.5)
        g = model.ema_generator
        served = self.run_export_test(
            model,
            tmp_path,
            requests={
                "default": ("serving_default", {"noise": z}),
                "truncated": ("truncated", {"noise": z, "truncation": psi}),
                "w": ("mapping", {"noise": z, "truncation": psi}, "w"),
                "from_w": ("w", {"w": ws}),
                "sample": ("sample", {"batch_size": np.int32(2), "seed": np.int64(3)}),
            },
            expected={
                "default": _np(g(z)),
                "truncated": _np(g(z, truncation=0.5)),
                "from_w": model.synthesize(ws),
            },
        ).served
        np.testing.assert_allclose(
            served["w"][:, 0], model.mapping(z, truncation=0.5), atol=1e-5
        )
        assert served["sample"].shape == (2, 8, 8, 1)
        assert served["default"].min() < served["default"].max()


def test_cli_samples_walks_and_judges_a_32x32_digit_model(tmp_path, capsys):
    """`keras-gans sample`, `interpolate` (a walk in W) and `evaluate` (the
    padded 32x32 digits cropped to the judge's 28x28) on a saved model."""
    import json

    from PIL import Image

    from keras_gans import cli

    model = StyleGAN2(**{**TINY, "image_size": 32}, seed=5)
    model.compile()
    path = str(tmp_path / "m.keras")
    model.save(path)
    grid = tmp_path / "grid.png"
    assert cli.main(["sample", path, "--num", "4", "--out", str(grid)]) == 0
    assert Image.open(grid).size[0] > 32
    walk = tmp_path / "walk.gif"
    assert cli.main(["interpolate", path, "--out", str(walk), "--steps", "3"]) == 0
    assert Image.open(walk).n_frames == 3
    capsys.readouterr()
    assert cli.main(["evaluate", path, "--num", "20"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["num_images"] == 20 and sum(report["class_histogram"]) == 20
