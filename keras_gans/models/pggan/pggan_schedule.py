"""`ProgressiveSchedule`: a `ProgressiveGAN`'s phase and α from its image count."""

import numbers
import os

import keras

from keras_gans import plotting, utils
from keras_gans.models.pggan.pggan_network import (
    phase_resolution,
    stage_resolution,
)

__all__ = ["ProgressiveSchedule"]


def _check_kimg(name, value, allow_dict=False):
    def positive(v):
        return isinstance(v, numbers.Real) and not isinstance(v, bool) and v > 0

    if allow_dict and isinstance(value, dict):
        for resolution, kimg in value.items():
            if not positive(kimg):
                raise ValueError(
                    f"`{name}[{resolution!r}]` must be a number > 0. Received: {kimg!r}"
                )
        return
    if not positive(value):
        kind = (
            "a number > 0 or a dict {resolution: number}"
            if allow_dict
            else ("a number > 0")
        )
        raise ValueError(f"`{name}` must be {kind}. Received: {name}={value!r}")


def _kimg_at(name, value, resolution):
    if not isinstance(value, dict):
        return value
    if resolution not in value:
        raise ValueError(
            f"`{name}` has no entry for resolution {resolution}. "
            f"Received keys: {sorted(value, key=repr)}"
        )
    return value[resolution]


class ProgressiveSchedule(keras.callbacks.Callback):
    """Drives a `ProgressiveGAN`'s phase and fade-in α from its image count.

    Karras et al. 2018, sec 3 and appendix A.1: training starts at 4x4; each
    further resolution first fades in over `fade_kimg` thousand real images
    (α rising linearly from 0 to 1) and then trains stable (α = 1) for
    `stable_kimg` thousand; the paper uses 800k and 800k. The 4x4 phase lasts
    `first_kimg` (default `stable_kimg`) and the last resolution's stable
    phase `final_kimg` (default `stable_kimg`).

    Before every batch the callback reads the model's image count
    (`model.images_seen`, saved with the model) and sets the phase and α
    that count falls in, so a run restored from a `.keras` file or a
    `BackupAndRestore` backup continues exactly where it stopped. A phase
    change re-traces the train function once (`model.set_phase`) and, with
    `reset_optimizers`, zeroes both optimizers' state as the official code
    does at every change of level of detail; α changes only a variable.
    Batch and epoch logs get `resolution`, `alpha` and `kimg` (shown by the
    progress bar and kept by `History`). Once the schedule's total is
    reached, training stops (`stop_at_end`).

    Minibatch sizes per resolution (`batch_sizes`, paper: 16 up to 128x128,
    then 14, 6, 3 at 256, 512, 1024): `fit` takes one dataset, so its
    batches (at the model's `image_size`) must hold at least the largest
    size, and each train step uses the first `batch_sizes[resolution]`
    images of its batch.

    With `steps_per_execution > 1` the callback runs once per execution, so
    α and the phase change at that granularity.

    Phase lengths may differ per resolution (the official code's
    per-resolution dicts): `fade_kimg` and `stable_kimg` also take a dict
    `{resolution: kimg}`, e.g. `stable_kimg={8: 40, 16: 240}` to spend the
    time where the shapes are settled. A dict must name every resolution
    whose phase it sets (checked when training begins).

    Args:
        fade_kimg: float or dict `{resolution: float}`. Thousands of images
            per fade-in phase (keyed by the resolution fading in), > 0.
        stable_kimg: float or dict `{resolution: float}`. Thousands of
            images per stable phase, > 0.
        first_kimg: float or `None`. The 4x4 phase (`None`: `stable_kimg`,
            or `stable_kimg[4]`).
        final_kimg: float or `None`. The last stable phase (`None`:
            `stable_kimg`, or `stable_kimg[image_size]`).
        batch_sizes: `None` (whole batches), an int, or a dict
            `{resolution: int}` (resolutions missing from it use whole
            batches).
        reset_optimizers: bool. Reset both optimizers at each phase change.
        stop_at_end: bool. Stop training when the schedule is complete.
        sample_dir: str, path-like or `None`. If given, a grid of
            `num_samples` images from fixed noise (`seed`; the EMA generator)
            is written there at the end of every phase (and when training
            stops), at the phase's resolution: `phase_NN_RxR_fade.png` /
            `phase_NN_RxR_stable.png`.
        num_samples: int. Images per grid.
        seed: int. Noise seed of the grids.

    Example:
    >>> schedule = ProgressiveSchedule(fade_kimg=20, stable_kimg=10)
    >>> schedule.phase_lengths(5)  # 4x4, fade 8x8, 8x8, fade 16x16, 16x16
    [10000, 20000, 10000, 20000, 10000]
    >>> schedule.phase_at(20_000, 5)  # halfway through the 8x8 fade-in
    (1, 0.5)

    Training with it::

        model = ProgressiveGAN(image_size=32, channels=1)
        model.compile()
        steps = schedule.total_steps(model.num_phases, batch_size=64)
        model.fit(dataset.repeat(), epochs=1, steps_per_epoch=steps,
                  callbacks=[schedule])
    """

    def __init__(
        self,
        fade_kimg=800,
        stable_kimg=800,
        first_kimg=None,
        final_kimg=None,
        batch_sizes=None,
        reset_optimizers=True,
        stop_at_end=True,
        sample_dir=None,
        num_samples=64,
        seed=0,
    ):
        super().__init__()
        _check_kimg("fade_kimg", fade_kimg, allow_dict=True)
        _check_kimg("stable_kimg", stable_kimg, allow_dict=True)
        if first_kimg is not None:
            _check_kimg("first_kimg", first_kimg)
        if final_kimg is not None:
            _check_kimg("final_kimg", final_kimg)
        if isinstance(batch_sizes, dict):
            for resolution, size in batch_sizes.items():
                utils.check_int(f"batch_sizes[{resolution!r}]", size, minimum=1)
        elif batch_sizes is not None:
            utils.check_int("batch_sizes", batch_sizes, minimum=1)
        utils.check_int("num_samples", num_samples, minimum=1)
        self.fade_kimg = fade_kimg
        self.stable_kimg = stable_kimg
        self.first_kimg = first_kimg
        self.final_kimg = final_kimg
        self.batch_sizes = batch_sizes
        self.reset_optimizers = reset_optimizers
        self.stop_at_end = stop_at_end
        self.sample_dir = None if sample_dir is None else os.fspath(sample_dir)
        self.num_samples = num_samples
        self.seed = seed
        self.paths = []

    # --------------------------------------------------------------- schedule
    def phase_kimg(self, phase, num_phases):
        """Thousands of images in `phase` of a `num_phases`-phase schedule."""
        resolution = phase_resolution(phase)
        if phase % 2:
            return _kimg_at("fade_kimg", self.fade_kimg, resolution)
        if phase == num_phases - 1 and self.final_kimg is not None:
            return self.final_kimg  # also a 4x4-only schedule's one phase
        if phase == 0 and self.first_kimg is not None:
            return self.first_kimg
        return _kimg_at("stable_kimg", self.stable_kimg, resolution)

    def phase_lengths(self, num_phases):
        """Images in each phase, `[4x4, fade 8x8, stable 8x8, ...]`."""
        return [
            max(1, int(round(self.phase_kimg(phase, num_phases) * 1000)))
            for phase in range(num_phases)
        ]

    def total_images(self, num_phases):
        return sum(self.phase_lengths(num_phases))

    def phase_at(self, images_seen, num_phases):
        """`(phase, alpha)` after `images_seen` images (the last phase, α = 1,
        once the schedule is complete)."""
        start = 0
        for phase, length in enumerate(self.phase_lengths(num_phases)):
            if images_seen < start + length:
                alpha = (images_seen - start) / length if phase % 2 else 1.0
                return phase, alpha
            start += length
        return num_phases - 1, 1.0

    def batch_size_for(self, resolution):
        """Images per train step at `resolution` (`None`: whole batches)."""
        if isinstance(self.batch_sizes, dict):
            return self.batch_sizes.get(resolution)
        return self.batch_sizes

    def total_steps(self, num_phases, batch_size, images_seen=0):
        """Train steps from `images_seen` to the end of the schedule when the
        dataset's batches hold `batch_size` images."""
        utils.check_int("batch_size", batch_size, minimum=1)
        steps, total = 0, self.total_images(num_phases)
        while images_seen < total:
            phase, _ = self.phase_at(images_seen, num_phases)
            size = self.batch_size_for(phase_resolution(phase)) or batch_size
            images_seen += min(size, batch_size)
            steps += 1
        return steps

    # -------------------------------------------------------------- callback
    def _sync(self):
        model = self.model
        num_phases = model.num_phases
        phase, alpha = self.phase_at(model.images_seen, num_phases)
        batch_size = self.batch_size_for(phase_resolution(phase))
        if phase != model.phase:
            self._save_grid()  # the phase that just ended
            model.set_phase(phase, alpha=alpha, batch_size=batch_size)
            if self.reset_optimizers:
                model.reset_optimizers()
        elif batch_size != model.phase_batch_size:
            model.set_phase(phase, alpha=alpha, batch_size=batch_size)
        elif model.fading:
            model.set_alpha(alpha)

    def _finished(self):
        return self.model.images_seen >= self.total_images(self.model.num_phases)

    def _save_grid(self):
        if self.sample_dir is None:
            return None
        model = self.model
        kind = "fade" if model.fading else "stable"
        r = model.resolution
        path = os.path.join(
            self.sample_dir, f"phase_{model.phase:02d}_{r}x{r}_{kind}.png"
        )
        images = model.generate(self.num_samples, seed=self.seed)  # (n, r, r, C)
        plotting.save_image_grid(images, path)
        self.paths.append(path)
        return path

    def _log(self, logs):
        if logs is not None:
            model = self.model
            logs["resolution"] = model.resolution
            logs["alpha"] = model.alpha
            logs["kimg"] = model.images_seen / 1000.0

    def on_train_begin(self, logs=None):
        model = self.model
        for name in ("set_phase", "set_alpha", "images_seen", "num_phases"):
            if not hasattr(model, name):
                raise ValueError(
                    "ProgressiveSchedule needs a ProgressiveGAN-like model (with "
                    f"`{name}`). Received: model of type {type(model).__name__}"
                )
        resolutions = {stage_resolution(s) for s in range(model.num_stages)}
        for name in ("batch_sizes", "fade_kimg", "stable_kimg"):
            value = getattr(self, name)
            if isinstance(value, dict):
                unknown = sorted(set(value) - resolutions, key=repr)
                if unknown:
                    raise ValueError(
                        f"`{name}` has resolutions the model does not train: "
                        f"{unknown}. Expected keys among {sorted(resolutions)}"
                    )
        self.phase_lengths(model.num_phases)  # a missing dict key fails here
        self._sync()

    def on_train_batch_begin(self, batch, logs=None):
        self._sync()

    def on_train_batch_end(self, batch, logs=None):
        self._log(logs)
        if self.stop_at_end and self._finished():
            self.model.stop_training = True

    def on_epoch_end(self, epoch, logs=None):
        self._log(logs)

    def on_train_end(self, logs=None):
        # The phase training stopped in (complete or not; a resumed run
        # writes it again when the phase ends).
        self._save_grid()
