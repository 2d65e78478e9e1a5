"""`CycleGrid`: A -> B and B -> A sample grids of a CycleGAN per epoch."""

import os

import keras
import numpy as np

from keras_gans import plotting
from keras_gans.utils import check_int

__all__ = ["CycleGrid"]


def _rgb(parts):
    channels = max(p.shape[-1] for p in parts)
    return [np.repeat(p, channels, -1) if p.shape[-1] == 1 else p for p in parts]


class CycleGrid(keras.callbacks.Callback):
    """Saves both directions of a CycleGAN at the end of every `every` epochs.

    `ab_epoch_NNN.png`: rows of a | G(a) | F(G(a)) (| the true B image when
    `targets_b` is given); `ba_epoch_NNN.png`: b | F(b) | G(F(b)) (| the
    true A image when `targets_a` is given). `groups` triplets per row.
    Paths written are kept in `self.paths`.

    Args:
        out_dir: str or path-like. Folder of the PNG files (created).
        images_a: float `(n, H, W, C_a)` in [-1, 1].
        images_b: float `(n, H, W, C_b)` in [-1, 1].
        targets_b: `None` or aligned B images of `images_a`.
        targets_a: `None` or aligned A images of `images_b`.
        every: int. Save every `every` epochs.
        groups: int. Examples per row; must divide n.

    Example::

        grid = CycleGrid("runs/cyclegan/samples", a[:8], b[:8])
        model.fit(ds, epochs=5, callbacks=[grid])
    """

    def __init__(
        self,
        out_dir,
        images_a,
        images_b,
        targets_b=None,
        targets_a=None,
        every=1,
        groups=1,
    ):
        super().__init__()
        self.every = check_int("every", every, minimum=1)
        self.groups = check_int("groups", groups, minimum=1)
        self.out_dir = os.fspath(out_dir)

        def arrays(x):
            return None if x is None else np.asarray(x, np.float32)

        self.images_a, self.images_b = arrays(images_a), arrays(images_b)
        self.targets_a, self.targets_b = arrays(targets_a), arrays(targets_b)
        for name in ("images_a", "images_b"):
            x = getattr(self, name)
            if x.ndim != 4 or not len(x) or len(x) % self.groups:
                raise ValueError(
                    f"`{name}` must be a non-empty (n, H, W, C) array with n a "
                    f"multiple of groups={self.groups}. Received: {name}.shape={x.shape}"
                )
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            self.save(epoch + 1)

    def _grid(self, source, direction, back, target, path):
        forward = self.model.translate(source, direction=direction)
        cycle = self.model.translate(forward, direction=back)
        parts = _rgb([source, forward, cycle] + ([] if target is None else [target]))
        images = np.stack(parts, axis=1)  # (n, k, H, W, C)
        k = images.shape[1]
        rows = len(source) // self.groups
        plotting.save_image_grid(
            images.reshape((-1,) + images.shape[2:]),
            path,
            rows=rows,
            cols=k * self.groups,
        )
        self.paths.append(path)

    def save(self, epoch):
        """Writes both grids for `epoch` (1-based); returns their paths."""
        ab = os.path.join(self.out_dir, f"ab_epoch_{epoch:03d}.png")
        ba = os.path.join(self.out_dir, f"ba_epoch_{epoch:03d}.png")
        self._grid(self.images_a, "AtoB", "BtoA", self.targets_b, ab)
        self._grid(self.images_b, "BtoA", "AtoB", self.targets_a, ba)
        return ab, ba
