"""Unpaired data: the CycleGAN folder layout, jitter, downloads, digits task."""

import os
import zipfile

import keras
import numpy as np
import pytest

from keras_gans import unpaired


def _write_folder(
    root, sizes=(("trainA", 3), ("trainB", 5), ("testA", 2), ("testB", 2))
):
    rng = np.random.default_rng(0)
    for name, n in sizes:
        os.makedirs(root / name, exist_ok=True)
        for i in range(n):
            image = rng.integers(0, 256, (20 + i, 24, 3), dtype=np.uint8)
            keras.utils.save_img(root / name / f"{i:03d}.png", image)
    return root


def test_folder_layout_jitter_shapes_and_range(tmp_path):
    root = _write_folder(tmp_path / "toy")
    ds = unpaired.unpaired_folder_dataset(
        root, "train", image_size=8, load_size=12, batch_size=2, seed=0
    )
    batches = list(ds)
    assert len(batches) == 2  # max(3, 5) = 5 examples, batches of 2, remainder dropped
    for a, b in batches:
        assert a.shape == b.shape == (2, 8, 8, 3)
        for x in (a, b):
            assert -1.0 <= float(np.min(x)) <= float(np.max(x)) <= 1.0
    again = list(
        unpaired.unpaired_folder_dataset(
            root, "train", image_size=8, load_size=12, batch_size=2, seed=0
        )
    )
    np.testing.assert_array_equal(batches[0][0], again[0][0])  # seeded
    ((a, b),) = list(
        unpaired.unpaired_folder_dataset(
            root, "test", image_size=8, jitter=False, batch_size=2, shuffle=False
        )
    )
    assert a.shape == (2, 8, 8, 3)


def test_jitter_is_independent_per_domain(tmp_path):
    root = tmp_path / "same"
    rng = np.random.default_rng(1)
    for name in ("trainA", "trainB"):
        os.makedirs(root / name)
    for i in range(4):
        image = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
        for name in ("trainA", "trainB"):  # identical files in both domains
            keras.utils.save_img(root / name / f"{i}.png", image)
    ds = unpaired.unpaired_folder_dataset(
        root, "train", image_size=8, load_size=16, batch_size=4, seed=3
    )
    a, b = next(iter(ds))
    assert not np.array_equal(a.numpy(), b.numpy())


def test_bad_files_and_layout_are_named(tmp_path):
    root = _write_folder(tmp_path / "bad")
    (root / "trainB" / "broken.png").write_bytes(b"not an image")
    with pytest.raises(ValueError, match="broken.png"):
        unpaired.unpaired_folder_dataset(root, "train", image_size=8, load_size=8)
    ds = unpaired.unpaired_folder_dataset(
        root, "train", image_size=8, load_size=8, skip_bad=True
    )
    assert next(iter(ds))[0].shape == (1, 8, 8, 3)
    with pytest.raises(ValueError, match="trainA"):
        unpaired.unpaired_folder_dataset(tmp_path / "nothing", "train")
    with pytest.raises(ValueError, match="subset"):
        unpaired.unpaired_folder_dataset(root, "val")


def _zip(path, members):
    with zipfile.ZipFile(path, "w") as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return path


def test_download_from_a_file_url_and_refuse_unsafe_members(tmp_path):
    src = _write_folder(tmp_path / "src" / "horse2zebra")
    archive = tmp_path / "horse2zebra.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for folder, _, files in os.walk(src):
            for f in files:
                full = os.path.join(folder, f)
                z.write(full, os.path.relpath(full, src.parent))
    root = unpaired.download_cyclegan_dataset(
        "horse2zebra", cache_dir=tmp_path / "cache", origin=archive.as_uri()
    )
    assert sorted(os.listdir(root)) == ["testA", "testB", "trainA", "trainB"]
    assert unpaired.CYCLEGAN_URL.format(name="monet2photo").endswith(
        "/CycleGAN/datasets/monet2photo.zip"
    )
    evil = _zip(
        tmp_path / "evil.zip", {"apple2orange/trainA/x.txt": "x", "../escape.txt": "x"}
    )
    with pytest.raises(ValueError, match="escape.txt"):
        unpaired.download_cyclegan_dataset(
            "apple2orange", cache_dir=tmp_path / "cache2", origin=evil.as_uri()
        )
    assert not (tmp_path / "cache2" / "escape.txt").exists()
    assert not (tmp_path / "cache2" / "datasets" / "apple2orange_unpacked").exists()
    with pytest.raises(ValueError, match="name"):
        unpaired.download_cyclegan_dataset("horses")


def test_digit_domains_are_drawn_independently():
    from keras_gans import pairs

    a, b = next(iter(unpaired.digit_unpaired_dataset(batch_size=64, seed=0)))
    assert a.shape == b.shape == (64, 32, 32, 1)
    # B is not the edge map of A: the pairing is shuffled away.
    edges_of_a = pairs.digit_edges(
        ((a.numpy()[..., 0] + 1) * 127.5).round().astype("uint8")
    )
    matches = np.mean(
        [
            np.array_equal(e > 127, bb[..., 0] > 0)
            for e, bb in zip(edges_of_a, b.numpy())
        ]
    )
    assert matches < 0.1
    a2, b2 = next(iter(unpaired.digit_unpaired_dataset(batch_size=64, seed=0)))
    np.testing.assert_array_equal(a, a2)  # seeded
    np.testing.assert_array_equal(b, b2)
    digits, edges, labels = unpaired.digit_heldout_pairs()
    assert digits.shape == edges.shape == (1000, 32, 32, 1) and labels.shape == (1000,)
    assert -1.0 <= digits.min() and digits.max() <= 1.0
