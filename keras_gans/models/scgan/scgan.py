"""`SelfConditionedGAN`: a conditional GAN on cluster ids (Liu et al. 2020)."""

import keras
import numpy as np
from keras import ops

from keras_gans.models.cgan import ConditionalGAN
from keras_gans.utils import check_int

__all__ = ["SelfConditionedGAN"]


@keras.saving.register_keras_serializable(package="keras_gans")
class SelfConditionedGAN(ConditionalGAN):
    """An unconditional generator made of a conditional GAN on cluster ids.

    Liu, Wang, Isola, Torralba & Zhu 2020, "Diverse Image Generation via
    Self-Conditioned GANs", CVPR 2020: partition the unlabelled training
    images into k clusters, train a class-conditional GAN with the cluster
    ids as its labels, and sample by drawing a cluster id from the clusters'
    empirical frequencies, then z. No class labels are used: the conditioning
    splits one hard many-mode problem into k easier ones, which is what
    keeps a small unconditional model from drawing shapes halfway between
    two modes.

    The networks, losses and options are `ConditionalGAN`'s (its `conv`
    architecture is the DCGAN trunk with the cluster id as the label;
    `num_clusters` is its `num_classes`). The model counts the cluster ids of
    every training batch (`cluster_counts`, saved with the model); `generate`
    without `labels` draws ids from those counts.

    Deviation from the paper, which clusters D's features with k-means and
    re-clusters every few epochs (matching new clusters to old): the
    clusters are computed once, before training, by k-means on the first 50
    principal components of the pixels (`keras_gans.data.kmeans_labels`),
    so the data pipeline, not the model, holds them and a run resumes
    exactly. More clusters than classes (the paper's k is 50 to 100)
    makes each cluster purer.

    Args:
        num_clusters: int >= 2. k, the number of cluster ids.
        **kwargs: `ConditionalGAN` arguments (`image_size`, `channels`,
            `latent_dim`, `architecture`, `generator_filters`, ...), but not
            `num_classes`.

    Raises:
        ValueError: `num_classes` is passed (use `num_clusters`), or as
            `ConditionalGAN`.

    Example:
    >>> model = SelfConditionedGAN(num_clusters=4, architecture="conv",
    ...                            generator_filters=8, discriminator_filters=8)
    >>> model.compile()
    >>> model.generate(3, seed=0).shape  # cluster ids drawn for you
    (3, 28, 28, 1)
    """

    #: Cluster ids are not class labels: evaluations report no label accuracy.
    labels_are_classes = False

    def __init__(self, num_clusters=50, **kwargs):
        if "num_classes" in kwargs:
            raise ValueError(
                "SelfConditionedGAN takes `num_clusters`, not `num_classes`. "
                f"Received: num_classes={kwargs['num_classes']!r}"
            )
        super().__init__(num_classes=num_clusters, **kwargs)
        self.cluster_counts = self.add_weight(
            shape=(self.num_classes,),
            initializer="zeros",
            trainable=False,
            dtype="float32",
            aggregation="sum",  # replicas add their batches' counts
            name="cluster_counts",
        )

    @property
    def num_clusters(self):
        """k: the number of cluster ids (`num_classes` of the networks)."""
        return self.num_classes

    def train_step(self, data):
        _, labels = self.unpack_batch(data)
        self.cluster_counts.assign_add(
            ops.sum(ops.one_hot(labels, self.num_classes, dtype="float32"), axis=0)
        )
        return super().train_step(data)

    def cluster_frequencies(self):
        """The clusters' share of the training images seen, float64 `(k,)`
        summing to 1 (uniform before any training step)."""
        counts = np.asarray(ops.convert_to_numpy(self.cluster_counts), np.float64)
        total = counts.sum()
        if total <= 0:
            return np.full(self.num_classes, 1.0 / self.num_classes)
        return counts / total

    def default_labels(self, n, seed=None):
        """`n` cluster ids drawn from `cluster_frequencies()`, int32 `(n,)`;
        an int `seed` draws the same ids every call."""
        rng = np.random.default_rng(seed)
        return rng.choice(self.num_classes, size=n, p=self.cluster_frequencies())

    def generate(self, n, labels=None, seed=None, use_ema=True, batch_size=256):
        """Draws `n` images in [-1, 1], NumPy `(n, H, W, C)` float32.

        Args:
            n: int. Number of images.
            labels: int array `(n,)` of cluster ids, or `None` to draw them
                from the training frequencies (`default_labels`).
            seed: int or `None`. Fixes the ids and the noise.
            use_ema: bool. Sample from the EMA generator when there is one.
            batch_size: int. Images per generator call.
        """
        if labels is None:
            n = check_int("n", n, minimum=1)
            labels = self.default_labels(n, seed).astype(np.int32)
        return super().generate(
            n, labels=labels, seed=seed, use_ema=use_ema, batch_size=batch_size
        )

    def get_config(self):
        config = super().get_config()
        config["num_clusters"] = config.pop("num_classes")
        return config
