"""Discriminator augmentation inside `AdversarialModel`'s train step."""

import keras

from keras_gans.layers import augment as augment_lib

__all__ = ["AugmentMixin"]


class AugmentMixin:
    """Applies `compile(augment=...)` to every image the discriminator sees
    in training.

    The pipeline (`keras_gans.augment.DiffAugment`, `AdaptiveAugment`, or any
    layer with `transform(images, seed)`) is stored as the model's
    `augment_pipeline` sub-layer, so its state (ADA's `p`) is saved in
    `.keras` files and checkpoints and restored on load and resume. Random
    numbers come from the model's seed stream (per replica under a
    distribution strategy). `discriminate(..., training=True)` augments its
    images, so the same kind of transform is applied to real and fake images
    in the D step and in the G step, and the gradient penalties (WGAN-GP,
    R1) are taken with respect to the un-augmented images through the
    augmentation (D∘T), as StyleGAN2-ADA does; `test_step` does not augment.

    For a discriminator that also sees a condition image (Pix2Pix) only the
    judged image is transformed, so geometric stages (translation, cutout,
    ADA's affine stages) break its alignment with the input; use
    `DiffAugment("color")` there.

    Needs from the model: `seed_generator` (its seed stream),
    `replica_seed()` (a per-replica stateless seed or `None`) and the
    `_trackers` dict (the pipeline's logged values get trackers there).
    """

    augment_pipeline = None

    def _compile_augment(self, augment):
        """Sets the pipeline from `compile(augment=...)`; returns its config
        (for `get_compile_config`)."""
        pipeline = augment_lib.get(augment)
        self.augment_pipeline = pipeline
        if pipeline is None:
            return None
        for name in pipeline.log_names():
            self._trackers[name] = keras.metrics.Mean(name=name)
        return keras.saving.serialize_keras_object(pipeline)

    def augment_images(self, images, training=True):
        """The images D sees: augmented in training when a pipeline is set."""
        if not training or self.augment_pipeline is None:
            return images
        seed = self.replica_seed()
        if seed is None:
            seed = self.seed_generator
        return self.augment_pipeline.transform(images, seed=seed)

    def update_augment(self, real_logits):
        """Lets an adaptive pipeline see D's logits on (augmented) real images;
        returns the values to log (`{"augment_p": p}` for ADA)."""
        if self.augment_pipeline is None:
            return {}
        return self.augment_pipeline.update(real_logits)
