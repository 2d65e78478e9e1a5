"""What the data pipelines share: the empty-dataset check, the centre crop,
batching with seeded mirroring, and the formats TensorFlow decodes."""

import tensorflow as tf

__all__ = [
    "DECODABLE_FORMATS",
    "batch_and_finish",
    "center_crop_square",
    "check_not_empty",
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
    return ds.prefetch(tf.data.AUTOTUNE)
