"""`export_generator(model, dir, format="onnx")`: every servable generator
converts, and onnxruntime, in a process that never imports keras_gans,
serves what the generator computes (within 1e-4)."""

import os
import subprocess
import sys
import textwrap

import model_test_case as mtc
import numpy as np
import pytest
from keras import ops

from keras_gans import (
    DCGAN,
    GAN,
    ConditionalGAN,
    Pix2Pix,
    ProgressiveGAN,
    StyleGAN2,
    export,
)

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("tf2onnx")

_RUN = textwrap.dedent(
    """
    import sys
    import numpy as np
    import onnxruntime

    path, inputs, out = sys.argv[1:4]
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    feeds = dict(np.load(inputs))
    names = [i.name for i in session.get_inputs()]
    assert sorted(names) == sorted(feeds), (names, list(feeds))
    (images,) = session.run(["images"], feeds)
    np.save(out, images)
    assert not [m for m in sys.modules if m.split(".")[0] in ("keras_gans", "keras")]
    """
)


def _models():
    return {
        "gan": GAN(
            latent_dim=4, generator_units=(8,), discriminator_units=(8,), pieces=2
        ),
        "dcgan": DCGAN(
            image_size=8,
            channels=1,
            latent_dim=4,
            generator_filters=4,
            discriminator_filters=4,
        ),
        "cgan": ConditionalGAN(
            latent_dim=4,
            architecture="conv",
            generator_filters=4,
            discriminator_filters=4,
            kernel_size=3,
        ),
        "pggan": ProgressiveGAN(
            image_size=8, channels=1, latent_dim=8, fmap_base=16, fmap_max=8
        ),
        "stylegan2": StyleGAN2(
            image_size=8,
            channels=1,
            latent_dim=8,
            w_dim=8,
            num_mapping_layers=2,
            channel_base=32,
            channel_max=4,
            seed=3,
        ),
        "pix2pix": Pix2Pix(
            image_size=32,
            input_channels=1,
            channels=1,
            generator_filters=4,
            discriminator_filters=4,
        ),
    }


def _serve(path, feeds, tmp_path):
    inputs = os.path.join(str(tmp_path), "inputs.npz")
    out = os.path.join(str(tmp_path), "served.npy")
    np.savez(inputs, **feeds)
    # Only onnxruntime's own folder on the path: keras_gans stays unreachable
    # from the checkout.
    site = os.path.dirname(os.path.dirname(onnxruntime.__file__))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = site
    result = subprocess.run(
        [sys.executable, "-c", _RUN, path, inputs, out],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=str(tmp_path),
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return np.load(out)


@pytest.mark.parametrize(
    "name", ["gan", "dcgan", "cgan", "pggan", "stylegan2", "pix2pix"]
)
def test_onnx_matches_the_generator(name, tmp_path):
    model = _models()[name]
    path = export.export_generator(
        model, os.path.join(str(tmp_path), "onnx"), format="onnx"
    )
    assert path.endswith(os.path.join("1", "model.onnx")) and os.path.isfile(path)
    if name == "pix2pix":
        image = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 1))
        feeds = {"image": image.astype("float32")}
        expected = model.translate(feeds["image"])
    else:
        inputs = mtc.sample_inputs(model, 3)
        if model.num_classes is None:
            feeds = {"noise": inputs}
        else:
            feeds = {"noise": inputs[0], "labels": inputs[1]}
        expected = ops.convert_to_numpy(
            model.sampling_generator(inputs, training=False)
        )
    served = _serve(path, feeds, tmp_path)
    assert served.shape == expected.shape
    np.testing.assert_allclose(served, expected, atol=1e-4)


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="format"):
        export.export_generator(_models()["gan"], str(tmp_path), format="tflite")
