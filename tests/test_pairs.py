"""Tests for `keras_gans.pairs`: A|B folders, jitter, bad files, the offline
download path and the embedded digit pairs."""

import logging
import os
import pathlib
import tarfile

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from keras_gans import data, pairs


def _write(path, array, fmt="PNG"):
    Image.fromarray(array).save(path, format=fmt)
    return path


def _pair_image(seed, h=8, w=8):
    """An A|B image whose B half is 255 - A (so B maps to -A in [-1, 1])."""
    a = np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)
    return np.concatenate([a, 255 - a], axis=1), a


def _folder(tmp_path, n=4, **kw):
    folder = tmp_path / "train"
    folder.mkdir(exist_ok=True)
    halves = []
    for i in range(n):
        image, a = _pair_image(i, **kw)
        _write(folder / f"{i}.png", image)
        halves.append(a)
    return folder, halves


def _as_float(a):
    return a.astype(np.float32) / 127.5 - 1.0


def test_directions_split_the_halves_exactly(tmp_path):
    folder, halves = _folder(tmp_path)
    for direction, sign in (("AtoB", 1.0), ("BtoA", -1.0)):
        ds = pairs.pix2pix_folder_dataset(
            folder, direction, image_size=8, jitter=False, batch_size=4, shuffle=False
        )
        ((inputs, targets),) = list(ds)
        assert inputs.shape == (4, 8, 8, 3) and inputs.dtype == "float32"
        expected = np.stack([_as_float(a) for a in halves])
        np.testing.assert_allclose(inputs.numpy(), sign * expected, atol=1e-5)
        np.testing.assert_allclose(targets.numpy(), -sign * expected, atol=1e-5)


def test_jitter_crops_and_mirrors_both_halves_alike(tmp_path):
    folder, _ = _folder(tmp_path, n=3, h=16, w=16)

    def epochs(seed):
        ds = pairs.pix2pix_folder_dataset(
            folder, image_size=12, load_size=20, batch_size=3, seed=seed
        )
        return [[x.numpy() for x in batch] for _ in range(2) for batch in ds]

    first = epochs(seed=5)
    for inputs, targets in first:
        assert inputs.shape == (3, 12, 12, 3)
        np.testing.assert_allclose(targets, -inputs, atol=1e-4)  # same crop, flip
        assert inputs.min() >= -1.0 and inputs.max() <= 1.0
    assert not np.allclose(first[0][0], first[1][0])  # epochs differ
    again = epochs(seed=5)
    for (a, _), (b, _) in zip(first, again):
        np.testing.assert_array_equal(a, b)  # a seeded run repeats


def test_cached_and_uncached_pipelines_give_the_same_batches(tmp_path, monkeypatch):
    folder, _ = _folder(tmp_path, n=5, h=16, w=16)

    def epochs(**kw):
        ds = pairs.pix2pix_folder_dataset(
            folder, image_size=12, load_size=20, batch_size=2, seed=3, **kw
        )
        return [[x.numpy() for x in batch] for _ in range(3) for batch in ds]

    cached, uncached = epochs(cache=True), epochs(cache=False)
    assert len(cached) == len(uncached) == 6
    for a, b in zip(cached, uncached):
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(cached[0][0], cached[2][0])  # reshuffled, re-cropped
    # "auto": 5 files of 16x32 RGB pixels fit a 7680-byte budget, not 7679.
    auto = []
    for limit in (5 * 16 * 32 * 3, 5 * 16 * 32 * 3 - 1):
        monkeypatch.setattr(pairs, "CACHE_LIMIT_BYTES", limit)
        ds = pairs.pix2pix_folder_dataset(folder, image_size=12, load_size=20)
        auto.append(_cached(ds))
    assert auto == [True, False]
    with pytest.raises(ValueError, match="`cache` must be"):
        pairs.pix2pix_folder_dataset(folder, cache="yes")


def _cached(ds):
    """Whether a `tf.data` pipeline holds a `cache()` stage."""
    graph = ds._as_serialized_graph().numpy()
    return b"CacheDataset" in graph


def test_bad_files_name_the_file_or_are_skipped_with_a_count(tmp_path, caplog):
    folder, _ = _folder(tmp_path, n=2)
    odd = _write(folder / "odd.png", np.zeros((8, 15, 3), np.uint8))
    with pytest.raises(ValueError, match=r"odd\.png.*odd width 15"):
        pairs.pix2pix_folder_dataset(folder)
    os.remove(odd)
    grey = _write(folder / "grey.png", np.zeros((8, 16), np.uint8))
    with pytest.raises(ValueError, match=r"grey\.png.*1 channel\(s\).*expected 3"):
        pairs.pix2pix_folder_dataset(folder)
    (folder / "broken.jpg").write_bytes(b"not an image at all")
    with pytest.raises(ValueError, match=r"broken\.jpg.*unreadable image"):
        pairs.pix2pix_folder_dataset(folder)  # broken.jpg sorts before grey.png
    _write(folder / "odd.png", np.zeros((8, 15, 3), np.uint8))
    with caplog.at_level(logging.WARNING, logger="keras_gans.data.pairs"):
        ds = pairs.pix2pix_folder_dataset(
            folder,
            image_size=8,
            jitter=False,
            batch_size=1,
            shuffle=False,
            skip_bad=True,
        )
    assert "skipped 3 bad file(s)" in caplog.text
    assert len(list(ds)) == 2
    os.remove(grey)
    with pytest.raises(ValueError, match="`direction`"):
        pairs.pix2pix_folder_dataset(folder, direction="AB")
    with pytest.raises(ValueError, match="`load_size`"):
        pairs.pix2pix_folder_dataset(folder, image_size=256, load_size=200)
    with pytest.raises(ValueError, match="`path` must be a folder"):
        pairs.pix2pix_folder_dataset(tmp_path / "missing")


def test_download_unpacks_a_file_url_archive_and_then_uses_the_cache(tmp_path):
    source = tmp_path / "src" / "facades"
    for split in ("train", "val"):
        (source / split).mkdir(parents=True)
        _write(source / split / "1.jpg", _pair_image(0)[0], fmt="JPEG")
    archive = tmp_path / "facades.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(source, arcname="facades")
    origin = pathlib.Path(archive).as_uri()  # file:///...
    cache = tmp_path / "cache"
    root = pairs.download_pix2pix_dataset("facades", cache_dir=cache, origin=origin)
    assert sorted(os.listdir(root)) == ["train", "val"]
    assert str(cache) in root
    inputs, targets = next(
        iter(
            pairs.pix2pix_folder_dataset(
                os.path.join(root, "train"), image_size=8, jitter=False
            )
        )
    )
    assert inputs.shape == targets.shape == (1, 8, 8, 3)
    os.remove(archive)  # a second call must not need the origin
    again = pairs.download_pix2pix_dataset("facades", cache_dir=cache, origin=origin)
    assert again == root
    with pytest.raises(ValueError, match="`name` must be one of"):
        pairs.download_pix2pix_dataset("shoes", cache_dir=cache)
    assert pairs.PIX2PIX_URL.format(name="maps").startswith("http")


def test_digit_pairs_are_edge_maps_of_the_embedded_digits():
    edges, digits, labels = pairs.digit_pairs("test")
    images, expected_labels = data.load_digits_sample("test")
    assert edges.shape == digits.shape == (1000, 32, 32, 1)
    assert edges.dtype == digits.dtype == np.uint8
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_array_equal(digits[:, 2:30, 2:30, 0], images)
    assert set(np.unique(edges)) == {0, 255}
    # Edges lie on and around the strokes, not in the empty background.
    near = np.stack(
        [ndimage.binary_dilation(d[..., 0] > 0, np.ones((3, 3))) for d in digits]
    )
    assert edges[..., 0][~near].max() == 0
    assert 0.05 < (edges > 0).mean() < 0.4
    # Each image's edges come from that image alone (no mixing across a batch).
    one = pairs.digit_edges(digits[3:4, ..., 0])
    np.testing.assert_array_equal(one[0], edges[3, ..., 0])


def test_digit_pairs_dataset_batches_in_unit_range():
    ds = pairs.digit_pairs_dataset(batch_size=16, subset="test", shuffle=False)
    inputs, targets = next(iter(ds))
    assert inputs.shape == targets.shape == (16, 32, 32, 1)
    assert set(np.unique(inputs.numpy())) == {-1.0, 1.0}
    assert targets.numpy().min() == -1.0 and targets.numpy().max() <= 1.0
    assert len(list(ds)) == 1000 // 16
    with pytest.raises(ValueError, match="`batch_size`"):
        pairs.digit_pairs_dataset(batch_size=0)
