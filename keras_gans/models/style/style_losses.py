"""The content, style and total variation losses of style transfer.

Gatys, Ecker and Bethge, "Image Style Transfer Using Convolutional Neural
Networks", CVPR 2016: content loss (eq. 1) on feature maps F of the image
and P of the content image; Gram matrices (eq. 3) and the per-layer style
loss (eq. 4). Total variation (Mahendran & Vedaldi 2015) as Johnson et al.
2016 use it for smooth outputs. Pure `keras.ops` functions, per image.
"""

from keras import ops

__all__ = [
    "content_loss",
    "gram_matrix",
    "num_positions",
    "style_layer_loss",
    "total_variation_loss",
]


def gram_matrix(features):
    """Gram matrices of feature maps (Gatys et al. 2016, eq. 3).

    `G_ij = sum_k F_ik F_jk` over the M = H * W positions k, unnormalised.

    Args:
        features: `(B, H, W, N)` feature maps.

    Returns:
        float32 `(B, N, N)`.

    Example:
    >>> f = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 2, 1, 2)
    >>> ops.convert_to_numpy(gram_matrix(f)).tolist()
    [[[10.0, 14.0], [14.0, 20.0]]]
    """
    features = ops.cast(features, "float32")
    return ops.einsum("bhwi,bhwj->bij", features, features)  # (B, N, N)


def num_positions(features):
    """M = H * W of `(B, H, W, N)` feature maps, as a float32 scalar.

    Example:
    >>> float(num_positions(np.zeros((1, 3, 5, 2))))
    15.0
    """
    shape = ops.shape(features)
    return ops.cast(shape[1] * shape[2], "float32")


def content_loss(features, target):
    """`1/2 sum (F - P)^2` per image (Gatys et al. 2016, eq. 1).

    Args:
        features: `(B, H, W, N)` features of the generated images (F).
        target: `(B or 1, H, W, N)` features of the content images (P).

    Returns:
        `(B,)`.

    Example:
    >>> f = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 2, 2, 1)
    >>> ops.convert_to_numpy(content_loss(f, np.zeros_like(f))).tolist()
    [15.0]
    """
    return 0.5 * ops.sum(ops.square(features - target), axis=(1, 2, 3))


def style_layer_loss(gram, target_gram, num_positions):
    """`E_l = 1/(4 N_l^2 M_l^2) sum_ij (G_ij - A_ij)^2` (Gatys et al. 2016, eq. 4).

    Computed as `sum ((G - A) / (2 N M))^2`, which keeps the intermediate
    values of float32 small.

    Args:
        gram: `(B, N, N)` Gram matrices of the generated images (G).
        target_gram: `(B or 1, N, N)` Gram matrices of the style image (A),
            over the same number of positions M.
        num_positions: M_l, the number of positions (height * width) the
            Gram matrices sum over.

    Returns:
        `(B,)`.

    Example:
    >>> g = np.array([[[2.0]]])
    >>> ops.convert_to_numpy(style_layer_loss(g, np.zeros_like(g), 1)).tolist()
    [1.0]
    """
    n = ops.cast(ops.shape(gram)[-1], "float32")
    scale = 2.0 * n * ops.cast(num_positions, "float32")
    return ops.sum(ops.square((gram - target_gram) / scale), axis=(1, 2))


def total_variation_loss(images):
    """`sum (x[i+1, j] - x[i, j])^2 + (x[i, j+1] - x[i, j])^2` per image.

    The squared total variation regulariser (Mahendran & Vedaldi 2015,
    beta = 2), as Johnson et al. 2016 use it for smooth outputs.

    Args:
        images: `(B, H, W, C)`.

    Returns:
        float32 `(B,)`.

    Example:
    >>> x = np.array([1.0, 2.0, 3.0, 4.0]).reshape(1, 2, 2, 1)
    >>> ops.convert_to_numpy(total_variation_loss(x)).tolist()
    [10.0]
    """
    images = ops.cast(images, "float32")
    down = images[:, 1:, :, :] - images[:, :-1, :, :]  # (B, H-1, W, C)
    right = images[:, :, 1:, :] - images[:, :, :-1, :]  # (B, H, W-1, C)
    return ops.sum(ops.square(down), axis=(1, 2, 3)) + ops.sum(
        ops.square(right), axis=(1, 2, 3)
    )
