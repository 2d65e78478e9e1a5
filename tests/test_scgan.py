"""`SelfConditionedGAN` (Liu et al. 2020) and `kmeans_labels`: cluster ids of
unlabelled images, counted by the model, drawn by their frequency when
sampling; the shared model properties; the data kind that clusters digits."""

import keras
import model_test_case as mtc
import numpy as np
import pytest
import tensorflow as tf

from keras_gans import cli, data, evaluate, presets
from keras_gans.data import kmeans_labels
from keras_gans.models import SelfConditionedGAN


def _tiny(**kw):
    kw = {
        "num_clusters": 4,
        "latent_dim": 8,
        "architecture": "conv",
        "generator_filters": 4,
        "discriminator_filters": 4,
        "kernel_size": 3,
        "seed": 0,
        **kw,
    }
    return SelfConditionedGAN(**kw)


def _blobs(sizes, shape=(4, 4), seed=0):
    """Images around well-separated grey levels, `sizes[i]` at level 10 i."""
    rng = np.random.default_rng(seed)
    return np.concatenate(
        [rng.normal(10.0 * i, 0.1, (n, *shape)) for i, n in enumerate(sizes)]
    )


# ------------------------------------------------------------ kmeans_labels
def test_kmeans_labels_finds_separated_groups_numbered_by_size():
    images = _blobs([5, 20, 10])
    ids = kmeans_labels(images, 3, pca_dim=3, seed=1)
    assert ids.dtype == np.int64 and ids.shape == (35,)
    # The largest group (20 images) is id 0, then the 10, then the 5.
    np.testing.assert_array_equal(ids, [2] * 5 + [0] * 20 + [1] * 10)
    np.testing.assert_array_equal(kmeans_labels(images, 3, pca_dim=3, seed=1), ids)


def test_kmeans_labels_reads_uint8_images_and_channels():
    images = np.concatenate([np.zeros((6, 3, 3, 1)), np.full((4, 3, 3, 1), 255)])
    ids = kmeans_labels(images.astype(np.uint8), 2)
    np.testing.assert_array_equal(ids, [0] * 6 + [1] * 4)


@pytest.mark.parametrize(
    "images, kwargs, match",
    [
        (np.zeros((3, 4)), {}, r"batch \(n, H, W\[, C\]\)"),
        (_blobs([2, 2]), {"num_clusters": 5}, "at most the number of images"),
        (_blobs([2, 2]), {"num_clusters": 1}, "num_clusters"),
        (_blobs([2, 2]), {"pca_dim": 0}, "pca_dim"),
        (np.full((4, 2, 2), np.nan), {}, "finite"),
    ],
)
def test_kmeans_labels_names_bad_input(images, kwargs, match):
    kwargs = {"num_clusters": 2, **kwargs}
    with pytest.raises(ValueError, match=match):
        kmeans_labels(images, **kwargs)


# ------------------------------------------------------------------- model
class TestSelfConditionedGAN(mtc.ModelTestCase):
    def test_takes_num_clusters_not_num_classes(self):
        model = _tiny()
        assert model.num_clusters == model.num_classes == 4
        assert model.labels_are_classes is False
        with pytest.raises(ValueError, match="`num_clusters`, not `num_classes`"):
            SelfConditionedGAN(num_classes=10)

    def test_config_round_trip(self):
        model = _tiny()
        assert model.get_config()["num_clusters"] == 4
        assert "num_classes" not in model.get_config()
        self.run_serialization_test(model)

    def test_counts_the_cluster_ids_it_trains_on(self):
        model = _tiny(image_size=8)
        model.compile()
        np.testing.assert_array_equal(model.cluster_frequencies(), [0.25] * 4)
        images = np.zeros((12, 8, 8, 1), "float32")
        ids = np.array([1, 1, 1, 3] * 3)
        ds = tf.data.Dataset.from_tensor_slices((images, ids)).batch(4)
        model.fit(ds, epochs=2, verbose=0)
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(model.cluster_counts), [0, 18, 0, 6]
        )
        np.testing.assert_allclose(model.cluster_frequencies(), [0, 0.75, 0, 0.25])
        drawn = model.default_labels(400, seed=3)
        assert set(drawn.tolist()) == {1, 3}
        np.testing.assert_array_equal(model.default_labels(400, seed=3), drawn)
        np.testing.assert_array_equal(
            model.generate(5, seed=2),
            model.generate(5, labels=model.default_labels(5, 2), seed=2),
        )

    def test_train_step_changes_only_what_it_should(self):
        model = _tiny(num_clusters=10)
        model.compile()
        self.run_train_step_test(model, mtc.first_batch(model))

    def test_keras_save_load_keeps_the_counts(self, tmp_path):
        model = _tiny(image_size=8)
        model.compile(ema_decay=0.9)
        model.cluster_counts.assign([5.0, 0.0, 1.0, 2.0])
        loaded = self.run_model_saving_test(
            model, tmp_path, outputs=lambda m: m.generate(6, seed=4)
        )
        np.testing.assert_array_equal(
            loaded.cluster_frequencies(), model.cluster_frequencies()
        )

    def test_evaluation_and_cli_draw_ids_by_frequency(self):
        model = _tiny()
        model.cluster_counts.assign([0.0, 0.0, 7.0, 0.0])
        assert cli._parse_labels(None, model, 8) == (None, None)
        labels, rows = cli._parse_labels("3", model, 2)
        np.testing.assert_array_equal(labels, [3, 3])
        real = np.zeros((16, 28, 28, 1), "float32")
        # `evaluate` would draw ids 0..3 in turn for a conditional model;
        # here every sample comes from cluster 2, as `generate` draws it.
        calls = []
        generate = model.generate
        model.generate = lambda n, labels=None, seed=None: (
            calls.append(labels) or (generate(n, labels=labels, seed=seed))
        )
        evaluate(model, real, ["class_entropy"], num_samples=16)
        assert all(set(np.asarray(c).tolist()) == {2} for c in calls)

    def test_preset_draws_digits_of_its_clusters(self):
        model, _ = self.run_preset_test(SelfConditionedGAN, "scgan_digits")
        frequencies = model.cluster_frequencies()
        assert frequencies.shape == (50,) and np.all(frequencies > 0)
        np.testing.assert_allclose(frequencies.sum(), 1.0)

    def test_preset_recipe_clusters_the_embedded_digits(self):
        recipe = presets.get("scgan_digits")["recipe"]
        assert recipe["data"]["cluster_labels"] == recipe["model"]["num_clusters"]
        k = 10  # the recipe's spec with fewer clusters: a faster k-means
        spec = {**recipe["data"], "cluster_labels": k}
        ds, context = data.build_data(spec, data.DataRequest(500, seed=recipe["seed"]))
        ids = np.concatenate([y.numpy() for _, y in ds])
        assert context == {"pad_to": 28}
        assert ids.min() >= 0 and ids.max() < k and len(set(ids.tolist())) == k
        with pytest.raises(ValueError, match="clusters the embedded digits"):
            data.build_data(spec, data.DataRequest(8, seed=0, tfds=True))
