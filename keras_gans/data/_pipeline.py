"""What the data pipelines share: the empty-dataset check, the centre crop,
batching with seeded mirroring, and the formats TensorFlow decodes."""

import tensorflow as tf

__all__ = [
    "DECODABLE_FORMATS",
    "batch_and_finish",
    "center_crop_square",
    "check_not_empty",
    "without_autotune_stall",
]

# The PIL format names of the files `tf.io.decode_image` reads.
DECODABLE_FORMATS = ("BMP", "GIF", "JPEG", "PNG")


def check_not_empty(n, batch_size, drop_remainder, source):
    """With `drop_remainder`, fewer than `batch_size` examples give no batch."""
    if drop_remainder and n < batch_size:
        raise ValueError(
            f"{source} holds {n} example(s), fewer than batch_size={batch_size}: "
            f"with drop_remainder=True the dataset would be empty. Pass a smaller "
            f"batch_size or drop_remainder=False."
        )


def center_crop_square(image):
    """Crops the central `(s, s)` square, s = the shorter side. # (h, w, c)"""
    h, w = image.shape[0], image.shape[1]
    if h is None or w is None:
        shape = tf.shape(image)
        h, w = shape[0], shape[1]
        s = tf.minimum(h, w)
    else:
        s = min(h, w)
    return tf.image.crop_to_bounding_box(image, (h - s) // 2, (w - s) // 2, s, s)


def without_autotune_stall(ds):
    """`ds` with tf.data's autotuning model switched off, unless it is set.

    Why (issue 26, measured in BENCHMARKS.md "The slow mode"): with
    autotuning on, tf.data runs a model thread that re-tunes the pipeline
    after waits of 10, 20, 40, ... ms (each twice the last). When an
    iterator is deleted, which `fit` does at the end of every epoch and a
    `for batch in ds` loop at its end, the deletion waits for the model
    thread's current wait to run out. On 2 CPU cores that stall made about
    two `fit` calls in three last until the next 10 ms * (2**k - 1) mark:
    DCGAN-64 1282 ms per step instead of ~800, the MLP cGAN 52 ms instead
    of 25, with one core idle; with the model thread off no call of 32 (or
    20) stalled. What autotuning would tune here keeps a sound value:
    `num_parallel_calls=AUTOTUNE` runs as many calls as cores, and
    `prefetch(AUTOTUNE)` grows its buffer when the consumer waits.

    Args:
        ds: a `tf.data.Dataset`.

    Returns:
        `ds`, or `ds.with_options(...)` with `autotune.enabled = False` when
        its options leave autotuning unset (a pipeline that sets
        `options.autotune.enabled` itself is returned as it is).

    Example:
    >>> ds = without_autotune_stall(tf.data.Dataset.range(3).prefetch(2))
    >>> ds.options().autotune.enabled
    False
    """
    if ds.options().autotune.enabled is not None:
        return ds
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.with_options(options)


def batch_and_finish(ds, batch_size, drop_remainder, random_flip, seed):
    """Batches, optionally mirrors (per image, seeded, new every epoch), prefetches."""
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if random_flip:
        # One stateless seed per batch from a seeded stream that changes each
        # epoch, so a seeded run repeats and epochs still differ.
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True)
        ds = tf.data.Dataset.zip((ds, seeds))

        def flip(element, batch_seed):
            images, *rest = element
            images = tf.image.stateless_random_flip_left_right(
                images, seed=tf.stack([batch_seed, tf.constant(0, tf.int64)])
            )
            return (images, *rest)

        ds = ds.map(flip, num_parallel_calls=tf.data.AUTOTUNE)
    return without_autotune_stall(ds.prefetch(tf.data.AUTOTUNE))
