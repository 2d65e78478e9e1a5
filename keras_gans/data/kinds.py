"""Data kinds as a table: what a recipe's `data` names, and who builds it.

A preset's recipe names its training data as a dict, `{"kind": name, ...}`;
each kind is a builder registered here with `@data_kind(name)` (as
StyleGAN2-ADA names its datasets by class, not by branches). `build_data`
looks the kind up and calls its builder, which returns `(dataset, context)`:
the `tf.data.Dataset` that `model.fit` takes, and what the recipe's sample
grid and evaluation need from the same data:

- `heldout(num)`: held-out images for the sample grid, `(inputs, targets)`
  (paired kinds) or `(a, b, true_b, true_a)` (unpaired kinds);
- `pad_to` (digits), `validation_dir` and `direction` (pix2pix folders),
  `data_dir` (CycleGAN folders): what the evaluation reads.

A new kind is one decorated function; `data_kinds()` lists them.
"""

import dataclasses
import logging
import os
import tempfile

import numpy as np
import tensorflow as tf

from keras_gans.data.arrays import from_arrays
from keras_gans.data.clusters import kmeans_labels
from keras_gans.data.digits import digits_dataset, load_digits_sample
from keras_gans.data.image_folder import from_image_folder
from keras_gans.data.pairs import (
    digit_pairs_dataset,
    digit_pairs_heldout,
    download_pix2pix_dataset,
    pix2pix_folder_dataset,
)
from keras_gans.data.tfds import from_tfds
from keras_gans.data.unpaired import (
    digit_heldout_pairs,
    digit_unpaired_dataset,
    download_cyclegan_dataset,
    unpaired_folder_dataset,
)

__all__ = ["HELDOUT_FRACTION", "DataRequest", "build_data", "data_kind", "data_kinds"]

#: Fraction of `train/` held out for validation when a pix2pix folder has no
#: validation folder (chosen by the recipe's seed; at least one pair).
HELDOUT_FRACTION = 0.05

_KINDS = {}


@dataclasses.dataclass(frozen=True)
class DataRequest:
    """What a run asks of its data besides the recipe's `data` dict.

    Args:
        batch_size: int. Images per batch.
        seed: int. Shuffle, jitter and split seed.
        image_size: int, `(H, W)` or `None`. The model's image size.
        tfds: bool. Digits: TFDS MNIST instead of the embedded 5000.
        data_dir: str or `None`. A TFDS folder (digits), a folder of images
            (faces), of A|B pairs or of A/B domains (default: downloaded).
    """

    batch_size: int
    seed: int
    image_size: object = None
    tfds: bool = False
    data_dir: str = None


def data_kind(name):
    """Registers the decorated `builder(spec, request) -> (dataset, context)`
    as data kind `name`."""

    def register(builder):
        _KINDS[name] = builder
        return builder

    return register


def data_kinds():
    """The registered data kinds, sorted."""
    return sorted(_KINDS)


def build_data(spec, request):
    """The dataset a recipe's `data` dict names, and its context.

    Args:
        spec: dict. The recipe's `data`: `kind` and the kind's own keys;
            `repeat: True` repeats the dataset without end.
        request: `DataRequest`.

    Returns:
        `(dataset, context)` (see the module docstring).

    Raises:
        ValueError: an unknown kind (the known ones are listed), or a
            request the kind cannot use (`tfds`, `data_dir`).

    Example:
    >>> ds, context = build_data(
    ...     {"kind": "digits", "with_labels": False}, DataRequest(4, seed=0))
    >>> next(iter(ds))[0].shape, context
    (TensorShape([4, 28, 28, 1]), {'pad_to': 28})
    """
    kind = spec["kind"]
    if kind not in _KINDS:
        raise ValueError(
            f"Unknown data kind {kind!r} in the recipe. Known kinds: "
            f"{', '.join(data_kinds())}"
        )
    ds, context = _KINDS[kind](spec, request)
    if spec.get("repeat"):
        ds = ds.repeat()
    return ds, context


def _refuse_tfds(request, data):
    if request.tfds:
        raise ValueError(f"`--tfds` is not used by this preset; its data are {data}")


def _pad(images, size):
    pad = (size - images.shape[1]) // 2
    return tf.pad(
        images, [[0, 0], [pad, pad], [pad, pad], [0, 0]], constant_values=-1.0
    )


@data_kind("digits")
def _digits(spec, request):
    """The embedded 5000 digits, or TFDS `spec["tfds"]` with `request.tfds`;
    `pad_to` pads them with background. `cluster_labels: k` replaces the
    labels by k-means cluster ids of the images (`kmeans_labels`, seeded by
    the run's seed), for a self-conditioned GAN (embedded digits only)."""
    pad_to = spec.get("pad_to")
    clusters = spec.get("cluster_labels")
    if clusters:
        if request.tfds:
            raise ValueError(
                "`--tfds` is not used by this preset: it clusters the embedded "
                "digits (`cluster_labels`), which needs them all in memory"
            )
        images, _ = load_digits_sample()
        ids = kmeans_labels(images, clusters, seed=request.seed)
        ds = from_arrays(
            images,
            ids,
            batch_size=request.batch_size,
            seed=request.seed,
            **({"pad_to": pad_to} if pad_to else {}),
        )
        return ds, {"pad_to": pad_to or 28}
    if request.tfds:
        ds = from_tfds(
            spec["tfds"],
            batch_size=request.batch_size,
            with_labels=spec["with_labels"],
            seed=request.seed,
            data_dir=request.data_dir,
        )
        if pad_to:
            ds = ds.map(lambda x, *y: (_pad(x, pad_to), *y))
    else:
        ds = digits_dataset(
            batch_size=request.batch_size,
            with_labels=spec["with_labels"],
            seed=request.seed,
            **({"pad_to": pad_to} if pad_to else {}),
        )
    return ds, {"pad_to": pad_to or 28}


@data_kind("faces")
def _faces(spec, request):
    """A folder of face images (`request.data_dir`), else TFDS `spec["tfds"]`."""
    common = dict(
        batch_size=request.batch_size,
        center_crop=spec.get("center_crop", False),
        random_flip=spec.get("random_flip", False),
        seed=request.seed,
    )
    size = request.image_size
    if request.data_dir is not None:
        return from_image_folder(request.data_dir, image_size=size, **common), {}
    ds = from_tfds(
        spec["tfds"], image_size=size, data_dir=spec.get("tfds_data_dir"), **common
    )
    return ds, {}


@data_kind("digit_pairs")
def _digit_pairs(spec, request):
    """The embedded paired task: digit edge maps -> digits."""
    _refuse_tfds(request, "the embedded digit pairs.")
    ds = digit_pairs_dataset(
        batch_size=request.batch_size, subset="train", seed=request.seed
    )

    def heldout(num):
        edges, digits, _ = digit_pairs_heldout(request.image_size)
        return edges[:num], digits[:num]

    return ds, {"heldout": heldout}


@data_kind("pix2pix_folder")
def _pix2pix_folder(spec, request):
    """A folder of A|B pairs in the pix2pix layout (`request.data_dir`, else
    the official `spec["dataset"]`, downloaded); without a validation folder
    `HELDOUT_FRACTION` of `train/` is held out, with a logged warning."""
    _refuse_tfds(request, "`--data-dir`.")
    root = request.data_dir or download_pix2pix_dataset(spec["dataset"])
    train_dir = _split_dir(root, spec["train"])
    context = {"direction": spec["direction"]}
    if any(os.path.isdir(os.path.join(root, n)) for n in spec["validation"]):
        context["validation_dir"] = _split_dir(root, spec["validation"])
    else:  # only train/: hold out HELDOUT_FRACTION of it, with a warning
        train_dir, context["validation_dir"] = _holdout_split(train_dir, request.seed)
    ds = pix2pix_folder_dataset(
        train_dir,
        spec["direction"],
        image_size=request.image_size,
        load_size=spec["load_size"],
        batch_size=request.batch_size,
        seed=request.seed,
    )

    def heldout(num):
        val = pix2pix_folder_dataset(
            context["validation_dir"],
            spec["direction"],
            image_size=request.image_size,
            jitter=False,
            batch_size=num,
            shuffle=False,
            drop_remainder=False,
        )
        return next(iter(val))

    context["heldout"] = heldout
    return ds, context


@data_kind("digit_unpaired")
def _digit_unpaired(spec, request):
    """The embedded unpaired task: digits and edge maps, pairing shuffled away."""
    _refuse_tfds(request, "the embedded digit pairs.")
    if request.data_dir is not None:
        raise ValueError(
            "`--data-dir` is not used by this preset; its data are the "
            "embedded digits and their edge maps."
        )
    size = request.image_size
    ds = digit_unpaired_dataset(
        batch_size=request.batch_size, seed=request.seed, pad_to=size
    )

    def heldout(num):
        digits, edges, _ = digit_heldout_pairs(size)
        # a, b and their true counterparts: aligned pairs
        return digits[:num], edges[:num], edges[:num], digits[:num]

    return ds, {"heldout": heldout}


@data_kind("cyclegan_folder")
def _cyclegan_folder(spec, request):
    """A folder in the CycleGAN layout (`request.data_dir`, else the official
    `spec["dataset"]`, downloaded)."""
    _refuse_tfds(request, "`--data-dir`.")
    root = request.data_dir or download_cyclegan_dataset(spec["dataset"])
    size = request.image_size
    ds = unpaired_folder_dataset(
        root,
        "train",
        image_size=size,
        load_size=spec["load_size"],
        batch_size=request.batch_size,
        seed=request.seed,
    )

    def heldout(num):
        test = unpaired_folder_dataset(
            root,
            "test",
            image_size=size,
            jitter=False,
            batch_size=num,
            shuffle=False,
            drop_remainder=False,
        )
        a, b = next(iter(test))
        return a, b, None, None

    return ds, {"data_dir": root, "heldout": heldout}


def _split_dir(root, names):
    for name in names:
        path = os.path.join(root, name)
        if os.path.isdir(path):
            return path
    raise ValueError(
        f"`--data-dir` must hold a {' or '.join(names)} folder of A|B images. "
        f"Received: {root!r}"
    )


def _holdout_split(train_dir, seed, fraction=HELDOUT_FRACTION):
    """`(train_dir, validation_dir)`: folders of links to a seeded split of
    `train_dir`'s files, `fraction` of them (at least one) for validation."""
    files = sorted(
        f
        for f in os.listdir(train_dir)
        if os.path.isfile(os.path.join(train_dir, f)) and not f.startswith(".")
    )
    if len(files) < 2:
        raise ValueError(
            "`--data-dir` has no val or test folder and its train folder holds "
            f"{len(files)} file(s): too few to hold some out. Received: {train_dir!r}"
        )
    count = max(1, int(round(fraction * len(files))))
    order = np.random.default_rng(seed).permutation(len(files))
    held = {files[i] for i in order[:count]}
    root = tempfile.mkdtemp(prefix="keras_gans_split_")
    for part in ("train", "val"):
        os.makedirs(os.path.join(root, part))
    for name in files:
        part = "val" if name in held else "train"
        source = os.path.abspath(os.path.join(train_dir, name))
        os.symlink(source, os.path.join(root, part, name))
    logging.getLogger("keras_gans").warning(
        "%s has no validation folder: validating on %d of its %d pairs "
        "(%.0f%%, chosen by seed %s), training on the other %d.",
        os.path.dirname(os.path.abspath(train_dir)),
        count,
        len(files),
        100 * fraction,
        seed,
        len(files) - count,
    )
    return os.path.join(root, "train"), os.path.join(root, "val")
