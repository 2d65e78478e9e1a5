"""`ImagePool`: the history of generated images a CycleGAN D trains on."""

import keras
import tensorflow as tf
from keras import ops

from keras_gans.utils import check_int

__all__ = ["ImagePool"]


@keras.saving.register_keras_serializable(package="keras_gans")
class ImagePool(keras.layers.Layer):
    """A buffer of the last generated images (Shrivastava et al. 2017).

    "Learning from Simulated and Unsupervised Images through Adversarial
    Training", CVPR 2017, sec 2.3, as CycleGAN uses it (Zhu et al. 2017,
    sec 4: "we update the discriminators using a history of generated
    images rather than the ones produced by the latest generators. We keep
    an image buffer that stores the 50 previously created images"). For
    each image of a batch, in order (the official `ImagePool.query`): while
    the pool is not full the image is stored and returned; once full, with
    probability 1/2 a uniformly chosen stored image is returned and the new
    one takes its place, otherwise the new image is returned.

    The stored images and their count are non-trainable variables of the
    layer, so they are saved with the model (`.keras`, checkpoints, and
    `BackupAndRestore`) and a resumed run draws from the same history. The
    random draws come from the `SeedGenerator` passed to `query` (the
    model's stream).

    Args:
        pool_size: int >= 0. Images kept (paper: 50); 0 returns every batch
            unchanged.
        image_shape: `(H, W, C)` of the images stored.
        **kwargs: Base `keras.layers.Layer` arguments (`name`, `dtype`).

    Example:
    >>> pool = ImagePool(2, (1, 1, 1))
    >>> seeds = keras.random.SeedGenerator(0)
    >>> x = np.ones((3, 1, 1, 1), "float32")
    >>> pool.query(x, seeds).shape, int(pool.count.numpy())
    (TensorShape([3, 1, 1, 1]), 2)
    """

    def __init__(self, pool_size=50, image_shape=(256, 256, 3), **kwargs):
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        self.pool_size = check_int("pool_size", pool_size, minimum=0)
        image_shape = tuple(image_shape)
        if len(image_shape) != 3:
            raise ValueError(
                "`image_shape` must be (H, W, C). "
                f"Received: image_shape={image_shape!r}"
            )
        self.image_shape = tuple(
            check_int("image_shape", d, minimum=1) for d in image_shape
        )
        self.images = self.add_weight(
            name="images",
            shape=(self.pool_size, *self.image_shape),
            initializer="zeros",
            dtype="float32",
            trainable=False,
        )
        self.count = self.add_weight(
            name="count", shape=(), initializer="zeros", dtype="int32", trainable=False
        )
        self.built = True

    def query(self, images, seed_generator):
        """Returns images for D and updates the pool; see the class doc.

        Args:
            images: float `(batch, H, W, C)` with `(H, W, C) == image_shape`.
            seed_generator: `keras.random.SeedGenerator` of the draws.

        Returns:
            float32 `(batch, H, W, C)`, without gradient.
        """
        images = ops.stop_gradient(ops.cast(images, "float32"))
        if not self.pool_size:
            return images
        n = tf.shape(images)[0]
        coin = keras.random.uniform((n,), seed=seed_generator)  # (batch,)
        slot = keras.random.randint((n,), 0, self.pool_size, seed=seed_generator)
        size = tf.constant(self.pool_size, tf.int32)

        def body(i, pool, count, outputs):
            image = images[i]
            full = count >= size
            swap = tf.logical_and(full, coin[i] > 0.5)
            index = tf.where(full, tf.cast(slot[i], tf.int32), count)
            stored = pool[index]
            write = tf.logical_or(tf.logical_not(full), swap)
            pool = tf.tensor_scatter_nd_update(
                pool, [[index]], [tf.where(write, image, stored)]
            )
            outputs = outputs.write(i, tf.where(swap, stored, image))
            return i + 1, pool, tf.minimum(count + 1, size), outputs

        outputs = tf.TensorArray(tf.float32, size=n, element_shape=self.image_shape)
        _, pool, count, outputs = tf.while_loop(
            lambda i, *_: i < n,
            body,
            (
                tf.constant(0),
                ops.convert_to_tensor(self.images),
                self.count.value,
                outputs,
            ),
        )
        self.images.assign(pool)
        self.count.assign(count)
        result = outputs.stack()
        return tf.ensure_shape(result, images.shape)

    def call(self, images, seed_generator):
        return self.query(images, seed_generator)

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": self.pool_size,
            "image_shape": list(self.image_shape),
        }
