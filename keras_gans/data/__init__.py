"""`tf.data` pipelines of images in [-1, 1], and the files they read.

Every loader returns a batched, prefetched `tf.data.Dataset` whose elements
are `(images,)` or `(images, labels)`, with images as float32
`(batch, height, width, channels)` in [-1, 1] and labels as int32 `(batch,)`.

- `load_digits_sample` / `digits_dataset`: the 5000 MNIST digits embedded in
  the package (no network, no files).
- `from_arrays`: any in-memory uint8 images (and labels).
- `from_tfds`: a TensorFlow Datasets dataset (`"mnist"`, `"fashion_mnist"`,
  `"cifar10"`, `"celeb_a"`, ...), with optional centre crop, resize and
  mirroring. Downloads only when the data is not prepared locally and
  `download=True`; tests use `tfds.testing.mock_data`.
- `from_image_folder`: a folder of image files (flat or nested, or one
  subfolder per class), via `keras.utils.image_dataset_from_directory`.

Bad input raises a `ValueError` that names the argument, feature, file or
folder at fault. Files a loader skips are counted in a logged warning.
`tensorflow_datasets` is imported only when `from_tfds` is called.

The package's files: `digits.py`, `arrays.py`, `tfds.py`, `image_folder.py`
(the loaders above); `images.py` (`keras_gans.images`: one image file as
pixels); `pairs.py` (`keras_gans.pairs`: A|B pairs for Pix2Pix) and
`unpaired.py` (`keras_gans.unpaired`: A/B folders for CycleGAN), which share
one download-and-extract (`_download.py`) and one file check (`_decode.py`);
`clusters.py`: k-means cluster ids of unlabelled images
(`kmeans_labels`, for a self-conditioned GAN); `kinds.py`: the data kinds a preset's recipe names, as a table of builders
(`build_data`, `@data_kind(name)`); `without_autotune_stall`: every
pipeline's last stage (and `fit`'s, on a user's dataset), see its docstring.
"""

from keras_gans.data._pipeline import without_autotune_stall
from keras_gans.data.arrays import from_arrays, to_unit_range
from keras_gans.data.clusters import kmeans_labels
from keras_gans.data.digits import (
    DIGITS_ASSET,
    DIGITS_TRAIN_SIZE,
    digits_dataset,
    load_digits_sample,
)
from keras_gans.data.image_folder import IMAGE_EXTENSIONS, from_image_folder
from keras_gans.data.kinds import (
    HELDOUT_FRACTION,
    DataRequest,
    build_data,
    data_kind,
    data_kinds,
)
from keras_gans.data.tfds import from_tfds

__all__ = [
    "HELDOUT_FRACTION",
    "DataRequest",
    "build_data",
    "data_kind",
    "data_kinds",
    "DIGITS_ASSET",
    "DIGITS_TRAIN_SIZE",
    "IMAGE_EXTENSIONS",
    "kmeans_labels",
    "digits_dataset",
    "from_arrays",
    "from_image_folder",
    "from_tfds",
    "load_digits_sample",
    "to_unit_range",
    "without_autotune_stall",
]
