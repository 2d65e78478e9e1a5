"""Cluster ids for images without labels: what a self-conditioned GAN trains on.

`kmeans_labels(images, num_clusters)` partitions a set of images with
k-means (SciPy's `kmeans2`, k-means++ seeding) on their first principal
components, and returns one int id per image. `SelfConditionedGAN`
(Liu et al. 2020) conditions G and D on these ids in place of class labels.
"""

import numpy as np

from keras_gans import utils

__all__ = ["kmeans_labels"]


def kmeans_labels(images, num_clusters, pca_dim=50, restarts=3, seed=0):
    """k-means cluster ids of images, on their first principal components.

    The pixels of each image (scaled to [0, 1] if uint8) are centred and
    projected on their first `pca_dim` principal components (by SVD), and
    k-means++ runs `restarts` times from seeds drawn from `seed`; the run
    with the lowest within-cluster sum of squares wins. Deterministic for a
    given `seed`.

    Args:
        images: array `(n, H, W[, C])`, uint8 or float (any range).
        num_clusters: int >= 2, at most `n`. The number of clusters k.
        pca_dim: int >= 1. Principal components kept (at most the pixel
            count and `n`).
        restarts: int >= 1. k-means runs; the best is kept.
        seed: int. Seeds the k-means runs.

    Returns:
        int64 array `(n,)` of cluster ids in `[0, num_clusters)`. Ids are
        ordered by cluster size (0 = the largest) so that the same data and
        seed give the same ids on any machine. A cluster k-means empties is
        left empty (its id is never returned).

    Raises:
        ValueError: `images` is not a batch of images, holds non-finite
            values, or has fewer images than `num_clusters`; a bad
            `num_clusters`, `pca_dim` or `restarts`.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> images = np.concatenate([rng.normal(0, 0.1, (10, 4, 4)),
    ...                          rng.normal(5, 0.1, (20, 4, 4))])
    >>> ids = kmeans_labels(images, 2, pca_dim=2)  # 0: the larger cluster
    >>> sorted(set(ids[:10].tolist())), sorted(set(ids[10:].tolist()))
    ([1], [0])
    """
    from scipy.cluster.vq import kmeans2  # here: keeps `import keras_gans` fast

    images = np.asarray(images)
    if images.ndim not in (3, 4) or images.shape[0] == 0:
        raise ValueError(
            "`images` must be a non-empty batch (n, H, W[, C]). Received: "
            f"shape {images.shape}"
        )
    num_clusters = utils.check_int("num_clusters", num_clusters, minimum=2)
    pca_dim = utils.check_int("pca_dim", pca_dim, minimum=1)
    restarts = utils.check_int("restarts", restarts, minimum=1)
    n = images.shape[0]
    if n < num_clusters:
        raise ValueError(
            f"`num_clusters` must be at most the number of images ({n}). "
            f"Received: num_clusters={num_clusters}"
        )
    x = images.reshape(n, -1).astype(np.float64)
    if images.dtype == np.uint8:
        x /= 255.0
    if not np.all(np.isfinite(x)):
        raise ValueError("`images` must be finite. Received: NaN or inf pixels")
    x -= x.mean(axis=0)
    _, _, components = np.linalg.svd(x, full_matrices=False)
    features = x @ components[: min(pca_dim, len(components))].T
    rng = np.random.default_rng(seed)
    best = None
    for _ in range(restarts):
        centroids, ids = kmeans2(
            features, num_clusters, seed=int(rng.integers(2**31)), minit="++"
        )
        inertia = float(np.sum((features - centroids[ids]) ** 2))
        if best is None or inertia < best[0]:
            best = (inertia, ids)
    ids = best[1]
    sizes = np.bincount(ids, minlength=num_clusters)
    order = np.argsort(-sizes, kind="stable")  # old id of the new id 0, 1, ...
    renumber = np.empty(num_clusters, np.int64)
    renumber[order] = np.arange(num_clusters)
    return renumber[ids]
