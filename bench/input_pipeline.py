"""Input pipelines alone: images/s from an image folder, as JSON.

Writes `--files` random JPEGs into a temporary folder (photos at
`--source-size`, and A|B pairs twice as wide for the Pix2Pix pipeline),
then times, for each image size (128 and 256 by default):

- `from_image_folder`: `keras_gans.data.from_image_folder(folder,
  image_size, batch_size)` (decode, resize, scale to [-1, 1], batch);
- `pix2pix_folder`: `keras_gans.pairs.pix2pix_folder_dataset(folder,
  image_size=..., load_size=image_size * 286 // 256, jitter=True)` (decode,
  split A|B, random resize-crop and mirror).

Each pipeline is iterated for `--epochs` passes over the folder (the first
pass untimed: file listing, first decode); images/s is the median of the
timed passes, with the load average beside it. Compare with the models'
step rate (`bench/train_throughput.py`): a pipeline slower than the
training step starves it.

    python bench/input_pipeline.py --out bench/results/input_pipeline.json
"""

import argparse
import datetime
import json
import os
import pathlib
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout's keras_gans
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans import data, devices, pairs  # noqa: E402


def log(message):
    print(f"[input_pipeline] {message}", file=sys.stderr, flush=True)


def write_jpegs(folder, count, height, width, seed=0):
    """`count` random-noise JPEGs (blurred so they compress like photos)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        small = rng.integers(0, 256, (height // 8, width // 8, 3), dtype=np.uint8)
        image = tf.image.resize(small, (height, width), method="bilinear")
        jpeg = tf.io.encode_jpeg(tf.cast(image, tf.uint8), quality=90)
        (folder / f"{i:05d}.jpg").write_bytes(jpeg.numpy())


def time_pipeline(make_dataset, epochs):
    """Images/s of each pass after the first, and the load average."""
    rates, loads = [], []
    for epoch in range(epochs):
        ds = make_dataset()
        start = time.perf_counter()
        count = 0
        for batch in ds:
            count += int(tf.shape(batch[0])[0])
        seconds = time.perf_counter() - start
        if epoch > 0:
            rates.append(count / seconds)
            loads.append(round(os.getloadavg()[0], 2))
    return dict(
        images_per_second=statistics.median(rates),
        images_per_second_passes=[round(r, 1) for r in rates],
        load_average_passes=loads,
        images_per_pass=count,
    )


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--source-size", type=int, default=286)
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 256])
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--epochs", type=int, default=3, help="passes; first untimed")
    parser.add_argument("--out", type=pathlib.Path)
    args = parser.parse_args(argv)
    report = dict(
        machine=devices.describe_machine(),
        date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        files=args.files,
        source_size=args.source_size,
        batch_size=args.batch_size,
        results=[],
    )
    with tempfile.TemporaryDirectory() as tmp:
        photos, ab = pathlib.Path(tmp) / "photos", pathlib.Path(tmp) / "pairs"
        s = args.source_size
        write_jpegs(photos, args.files, s, s)
        write_jpegs(ab, args.files, s, 2 * s, seed=1)
        log(f"wrote {args.files} JPEGs {s}x{s} and {args.files} A|B {s}x{2 * s}")
        for size in args.sizes:
            pipelines = {
                "from_image_folder": lambda size=size: data.from_image_folder(
                    str(photos), size, batch_size=args.batch_size, seed=0
                ),
                "pix2pix_folder": lambda size=size: pairs.pix2pix_folder_dataset(
                    str(ab),
                    image_size=size,
                    load_size=size * 286 // 256,
                    batch_size=args.batch_size,
                    seed=0,
                ),
            }
            for name, make in pipelines.items():
                result = dict(pipeline=name, image_size=size)
                try:
                    result.update(time_pipeline(make, args.epochs))
                    log(f"{name} {size}: {result['images_per_second']:.0f} img/s")
                except Exception as e:  # a bench reports and goes on
                    result["error"] = f"{type(e).__name__}: {e}"[:500]
                    log(f"{name} {size}: {result['error']}")
                report["results"].append(result)
    text = json.dumps(report, indent=2)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")
    print(text)
    return report


if __name__ == "__main__":
    main()
