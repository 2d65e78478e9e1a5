"""Tests for `keras_gans.export.export_generator` on a tiny DCGAN and cGAN."""

import json
import os
import shutil
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import DCGAN, ConditionalGAN, Pix2Pix
from keras_gans.export import export_generator, next_version

LATENT = 8


def _randomize(net, std=0.3, seed=0):
    """Weights of a few tenths, so that outputs span [-1, 1] rather than the
    tiny values of the N(0, 0.02) initialisation."""
    rng = np.random.default_rng(seed)
    for w in net.trainable_weights:
        w.assign(rng.normal(0.0, std, w.shape).astype("float32"))


def _dcgan(**kw):
    model = DCGAN(
        image_size=28,
        channels=1,
        latent_dim=LATENT,
        generator_filters=4,
        discriminator_filters=4,
        kernel_size=3,
        seed=0,
        **kw,
    )
    _randomize(model.generator)
    return model


def _cgan(**kw):
    model = ConditionalGAN(
        num_classes=10,
        latent_dim=LATENT,
        architecture="conv",
        generator_filters=4,
        discriminator_filters=4,
        kernel_size=3,
        seed=0,
        **kw,
    )
    _randomize(model.generator)
    return model


def _noise(n=3):
    return np.random.default_rng(1).uniform(-1, 1, (n, LATENT)).astype("float32")


def _serve(path, **inputs):
    served = tf.saved_model.load(str(path))
    tensors = {k: tf.constant(v) for k, v in inputs.items()}
    return served.signatures["serving_default"](**tensors)["images"].numpy()


def _sample(served, seed, **inputs):
    tensors = {k: tf.constant(v) for k, v in inputs.items()}
    out = served.signatures["sample"](seed=tf.constant(seed, tf.int64), **tensors)
    return out["images"].numpy()


def _np(x):
    return keras.ops.convert_to_numpy(x)


# ------------------------------------------------------------------- layout
def test_layout_and_auto_incremented_versions(tmp_path):
    base = tmp_path / "dcgan"
    model = _dcgan()
    assert next_version(base) == 1
    first = export_generator(model, str(base))
    assert first == os.path.join(str(base), "1")
    assert os.path.isfile(os.path.join(first, "saved_model.pb"))
    assert os.path.isdir(os.path.join(first, "variables"))
    second = export_generator(model, str(base))
    assert second == os.path.join(str(base), "2")
    assert sorted(os.listdir(base)) == ["1", "2"]
    # An explicit version, then auto-increment from the largest one.
    assert export_generator(model, str(base), version=7).endswith("7")
    (base / "notes").mkdir()  # non-integer folders are ignored
    assert next_version(base) == 8


def test_an_export_clears_what_dead_writers_left(tmp_path):
    """Issue 30, case 8: a writer killed mid-export leaves `.tmp-*`; the
    next export removes a dead writer's (this host, PID gone) and never a
    live writer's, another host's or a name it did not write."""
    import subprocess
    import sys

    from keras_gans.export import _files as _export_files

    base = tmp_path / "served"
    base.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(dead.stdout)
    host = _export_files._host()
    names = {
        "dead": f".tmp-1-{host}-{dead_pid}-{'a' * 32}",
        "live": f".tmp-1-{host}-{os.getpid()}-{'b' * 32}",
        "other_host": f".tmp-1-elsewhere-{dead_pid}-{'c' * 32}",
        "foreign": ".tmp-notes",
    }
    for name in names.values():
        (base / name).mkdir()
        (base / name / "saved_model.pb").write_bytes(b"partial")
    path = export_generator(_dcgan(), str(base))
    assert os.path.basename(path) == "1"
    left = set(os.listdir(base))
    assert names["dead"] not in left
    assert {names["live"], names["other_host"], names["foreign"], "1"} == left


def test_versions_increment_and_appear_whole(tmp_path):
    """Each export is the next version; the version folder is written under a
    temporary name (invisible to TF Serving) and renamed, leaving nothing else."""
    base = tmp_path / "served"
    model = _dcgan()
    paths = [export_generator(model, str(base)) for _ in range(2)]
    assert [os.path.basename(p) for p in paths] == ["1", "2"]
    assert sorted(os.listdir(base)) == ["1", "2"]  # no `.tmp-*` folder left
    for path in paths:
        assert sorted(os.listdir(path)) == sorted(os.listdir(paths[0]))
        assert {"saved_model.pb", "variables"} <= set(os.listdir(path))
        np.testing.assert_allclose(
            _serve(path, noise=_noise()), _serve(paths[0], noise=_noise()), atol=1e-6
        )


def test_a_model_without_export_archive_is_rejected(tmp_path):
    plain = keras.Sequential([keras.Input((LATENT,)), keras.layers.Dense(4)])
    with pytest.raises(ValueError, match="`export_archive` method.*Sequential"):
        export_generator(plain, str(tmp_path / "plain"))
    assert not (tmp_path / "plain").exists()
    with pytest.raises(ValueError, match="`dropout` is not an export option of DCGAN"):
        export_generator(_dcgan(), str(tmp_path / "d"), dropout=True)


def test_pix2pix_exports_with_test_time_dropout(tmp_path):
    model = Pix2Pix(
        image_size=16,
        input_channels=1,
        channels=2,
        generator_filters=4,
        discriminator_filters=4,
        num_discriminator_layers=1,
        seed=0,
    )
    _randomize(model.generator)
    x = np.random.default_rng(2).uniform(-1, 1, (2, 16, 16, 1)).astype("float32")
    plain = export_generator(model, str(tmp_path / "p2p"))
    np.testing.assert_allclose(_serve(plain, image=x), model.translate(x), atol=1e-5)
    noisy = export_generator(model, str(tmp_path / "p2p"), dropout=True)
    assert os.path.basename(noisy) == "2"
    serving = tf.saved_model.load(noisy).signatures["serving_default"]
    (spec,) = serving.structured_input_signature[1].values()
    assert spec.name == "image" and spec.shape.as_list() == [None, None, None, 1]
    a, b = (serving(image=tf.constant(x))["images"].numpy() for _ in range(2))
    assert a.shape == (2, 16, 16, 2) and not np.allclose(a, b)  # dropout per request
    assert np.abs(a).max() <= 1.0


def test_existing_or_bad_version_is_rejected(tmp_path):
    model = _dcgan()
    export_generator(model, str(tmp_path), version=1)
    with pytest.raises(ValueError, match="already exists"):
        export_generator(model, str(tmp_path), version=1)
    for version in (0, -2, "3", 1.0):
        with pytest.raises(ValueError, match="`version` must be a positive int"):
            export_generator(model, str(tmp_path), version=version)


def test_bad_output_is_rejected_before_writing(tmp_path):
    with pytest.raises(ValueError, match="`output` must be one of"):
        export_generator(_dcgan(), str(tmp_path / "x"), output="png")
    assert not (tmp_path / "x").exists()


# ------------------------------------------------------------ unconditional
def test_dcgan_signatures(tmp_path):
    model = _dcgan()
    path = export_generator(model, str(tmp_path))
    served = tf.saved_model.load(path)
    assert set(served.signatures) == {"serving_default", "sample", "sample_truncated"}
    serving = served.signatures["serving_default"]
    (spec,) = serving.structured_input_signature[1].values()
    assert spec.name == "noise" and spec.shape.as_list() == [None, LATENT]
    assert list(serving.structured_outputs) == ["images"]

    z = _noise()
    images = _serve(path, noise=z)
    expected = _np(model.generator(z, training=False))
    assert images.shape == (3, 28, 28, 1) and images.dtype == np.float32
    assert np.abs(images).mean() > 0.1  # equality of real values, not of ~0
    np.testing.assert_allclose(images, expected, atol=1e-5)
    np.testing.assert_allclose(images, _np(model(z)), atol=1e-5)

    batch = {"batch_size": np.int32(4)}
    a, b = _sample(served, 5, **batch), _sample(served, 5, **batch)
    assert a.shape == (4, 28, 28, 1)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(_sample(served, 6, **batch), a)
    # The stateless prior in the graph is the one `generate(seed=...)` draws.
    np.testing.assert_allclose(a, model.generate(4, seed=5), atol=1e-5)


# The checks run before the generator (control dependencies), so a bad
# request fails with the named message, never first in a generator kernel.
def test_dcgan_bad_inputs_raise(tmp_path):
    served = tf.saved_model.load(export_generator(_dcgan(), str(tmp_path)))
    serve = served.signatures["serving_default"]
    for _ in range(5):  # the order of independent ops is not fixed: repeat
        with pytest.raises(
            tf.errors.InvalidArgumentError,
            match=f"`noise` must have shape \\[batch, {LATENT}\\]",
        ):
            serve(noise=tf.zeros([2, LATENT + 1]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="`batch_size` must be"):
        _sample(served, 0, batch_size=np.int32(0))


def test_wrong_dtype_is_rejected_by_the_signature(tmp_path):
    """Before any op runs: the signature names the expected and received dtypes."""
    served = tf.saved_model.load(export_generator(_cgan(), str(tmp_path)))
    serve = served.signatures["serving_default"]
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="expected to be a float tensor but is a int32",
    ):
        serve(noise=tf.zeros([2, LATENT], tf.int32), labels=tf.constant([0, 1]))
    with pytest.raises(
        tf.errors.InvalidArgumentError,
        match="expected to be a int32 tensor but is a float",
    ):
        serve(noise=tf.zeros([2, LATENT]), labels=tf.constant([0.0, 1.0]))


def test_uint8_output_maps_the_float_output(tmp_path):
    model = _dcgan()
    _randomize(model.generator, std=1.0)  # saturates: both ends of the range
    z = _noise(4)
    floats = _serve(export_generator(model, str(tmp_path)), noise=z)
    pixels = _serve(export_generator(model, str(tmp_path), output="uint8"), noise=z)
    assert pixels.dtype == np.uint8
    assert pixels.min() == 0 and pixels.max() == 255
    expected = np.round((np.clip(floats, -1, 1) + 1) * 127.5)
    # float32 rounding may move a value sitting on .5 by one level.
    assert np.abs(pixels.astype(int) - expected).max() <= 1
    assert np.mean(pixels == expected) > 0.99


def test_ema_generator_is_exported_unless_asked_otherwise(tmp_path):
    model = _dcgan()
    model.compile(ema_decay=0.5)
    _randomize(model.ema_generator, seed=1)
    z = _noise()
    ema = _serve(export_generator(model, str(tmp_path)), noise=z)
    online = _serve(export_generator(model, str(tmp_path), use_ema=False), noise=z)
    np.testing.assert_allclose(ema, _np(model.ema_generator(z)), atol=1e-5)
    np.testing.assert_allclose(online, _np(model.generator(z)), atol=1e-5)
    assert not np.allclose(ema, online)


# -------------------------------------------------------------- conditional
def test_cgan_signatures(tmp_path):
    model = _cgan()
    path = export_generator(model, str(tmp_path))
    served = tf.saved_model.load(path)
    specs = served.signatures["serving_default"].structured_input_signature[1]
    assert specs["noise"].shape.as_list() == [None, LATENT]
    assert specs["labels"].dtype == tf.int32
    assert specs["labels"].shape.as_list() == [None]

    z, labels = _noise(), np.array([0, 4, 9], "int32")
    images = _serve(path, noise=z, labels=labels)
    expected = _np(model.generator([z, labels], training=False))
    assert np.abs(images).mean() > 0.1
    np.testing.assert_allclose(images, expected, atol=1e-5)

    a = _sample(served, 3, labels=labels)
    np.testing.assert_array_equal(_sample(served, 3, labels=labels), a)
    assert a.shape == (3, 28, 28, 1)
    np.testing.assert_allclose(a, model.generate(3, labels=labels, seed=3), atol=1e-5)
    # Labels change the images for the same noise.
    other = _serve(path, noise=z, labels=np.array([1, 5, 8], "int32"))
    assert not np.allclose(other, images)


@pytest.mark.parametrize(
    "labels, match",
    [
        ([0, 1, 10], "`labels` must be < num_classes=10"),
        ([-1, 0, 1], "`labels` must be >= 0"),
        ([0, 1], "`noise` and `labels` must have the same batch size"),
    ],
)
def test_cgan_bad_labels_raise(tmp_path, labels, match):
    served = tf.saved_model.load(export_generator(_cgan(), str(tmp_path)))
    with pytest.raises(tf.errors.InvalidArgumentError, match=match):
        served.signatures["serving_default"](
            noise=tf.constant(_noise()), labels=tf.constant(labels, tf.int32)
        )
    if len(labels) == 3:
        with pytest.raises(tf.errors.InvalidArgumentError, match=match):
            _sample(served, 0, labels=np.array(labels, "int32"))


# ------------------------------------- loading without keras_gans, and the CLI
_PLAIN_LOADER = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import tensorflow as tf

    path, noise, labels, expected = sys.argv[1:]
    served = tf.saved_model.load(path)
    inputs = {"noise": tf.constant(np.load(noise))}
    inputs["labels"] = tf.constant(np.load(labels))
    images = served.signatures["serving_default"](**inputs)["images"].numpy()
    print(json.dumps({
        "max_diff": float(np.abs(images - np.load(expected)).max()),
        "keras_gans_imported": any(m.startswith("keras_gans") for m in sys.modules),
    }))
    """
)


def test_export_loads_without_keras_gans_and_runs_in_saved_model_cli(tmp_path):
    model = _cgan()
    path = export_generator(model, str(tmp_path / "cgan"))
    z, labels = _noise(2), np.array([3, 7], "int32")
    expected = _np(model.generator([z, labels], training=False))
    files = {name: str(tmp_path / f"{name}.npy") for name in ("z", "y", "expected")}
    np.save(files["z"], z)
    np.save(files["y"], labels)
    np.save(files["expected"], expected)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")

    result = subprocess.run(
        [sys.executable, "-c", _PLAIN_LOADER, path, files["z"], files["y"]]
        + [files["expected"]],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,  # not the repository: `keras_gans` is only importable installed
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert not report["keras_gans_imported"]
    assert report["max_diff"] < 1e-5

    cli = shutil.which("saved_model_cli", path=os.path.dirname(sys.executable))
    if cli is None:
        pytest.skip("saved_model_cli is not installed next to this Python")
    outdir = tmp_path / "cli"
    result = subprocess.run(
        [
            cli,
            "run",
            "--dir",
            path,
            "--tag_set",
            "serve",
            "--signature_def",
            "serving_default",
            "--inputs",
            f"noise={files['z']};labels={files['y']}",
            "--outdir",
            str(outdir),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    np.testing.assert_allclose(np.load(outdir / "images.npy"), expected, atol=1e-5)
