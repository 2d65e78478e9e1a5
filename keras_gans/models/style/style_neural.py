"""`NeuralStyleTransfer`: image style transfer by optimisation (Gatys et al. 2016).

Gatys, Ecker and Bethge, "Image Style Transfer Using Convolutional Neural
Networks", CVPR 2016. The generated image is the model's one trainable
weight; `fit` runs gradient steps on

    L_total = alpha * L_content + beta * L_style (+ tv_weight * L_tv)

- content: `L_content = 1/2 sum (F - P)^2` of VGG19 `conv4_2` features
  (`block4_conv2`) of the image (F) and the content image (P), eq. 1;
- style: Gram matrices `G_ij = sum_k F_ik F_jk` (eq. 3) of `conv1_1` ...
  `conv5_1` (`block{1..5}_conv1`), `E_l = 1/(4 N_l^2 M_l^2) sum (G - A)^2`
  (eq. 4) with N_l filters and M_l = height * width positions,
  `L_style = sum_l w_l E_l`, w_l = 1/5 (eq. 5);
- alpha/beta: the paper uses 1e-3 (Fig. 2, 3) to 1e-4;
- optional total variation (Mahendran & Vedaldi 2015), not in the paper.

Images are RGB uint8 or float in [0, 255], VGG's range.

Deviations from the paper:
- Adam instead of L-BFGS, so that Keras' `fit` runs the optimisation (with
  its progress bar, callbacks and checkpoints); the image is clipped to
  [0, 255] after every step.
- VGG19 as trained on ImageNet, not the paper's rescaled copy (weights
  scaled so that every filter's mean activation is 1): the loss scales
  differ from the paper's, so alpha/beta may need tuning.
- Average pooling (the paper's choice, `pooling="avg"`, the default)
  reuses the max-pooling net's weights, as the paper does.
"""

import collections
import os

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_gans import utils
from keras_gans.data.images import load_image
from keras_gans.models.registry import PresetMixin
from keras_gans.models.style._style_saving import compile_from_config, without_vgg_file
from keras_gans.models.style.style_perceptual_loss import MIN_IMAGE_SIZE, PerceptualLoss
from keras_gans.models.style.style_vgg import CONTENT_LAYER, STYLE_LAYERS
from keras_gans.training.optimizers import FusedAdam

__all__ = ["INITS", "NeuralStyleTransfer", "Stylized", "stylize"]

INITS = ("content", "noise")

#: What `NeuralStyleTransfer.stylize` returns: the uint8 `(H, W, 3)` image,
#: `[(step, uint8 image), ...]`, the loss history (one value per recorded
#: chunk of steps) and the model.
Stylized = collections.namedtuple(
    "Stylized", ["image", "snapshots", "history", "model"]
)


def _ticks():
    """The dataset `fit` iterates: one dummy element, forever."""
    return tf.data.Dataset.from_tensors(0.0).repeat()


@keras.saving.register_keras_serializable(package="keras_gans")
class NeuralStyleTransfer(PresetMixin, keras.Model):
    """Image style transfer by optimising the image (Gatys et al. 2016).

    "Image Style Transfer Using Convolutional Neural Networks", CVPR 2016.
    `stylize(content, style, steps=...)` does it all in one call. The
    model's one trainable weight is the generated image `(1, H, W, 3)`, RGB
    in [0, 255]; `set_images(content, style)` stores the content target
    (conv4_2 features) and the style targets (Gram matrices of conv1_1 ...
    conv5_1) and initialises the image from the content image or white
    noise. Each `train_step` (one `fit` step; the data is ignored) takes one
    Adam step on `PerceptualLoss` and clips the image to [0, 255].
    `optimize(steps)` runs `fit`; `generated_image()` reads the image as
    uint8; `call()` returns it as float.

    The `.keras` file holds the VGG weights too, so `load_model` needs no
    weights file: `from_config` builds the net with random weights, which
    the saved ones then replace.

    Deviations from the paper (see the module docstring): Adam, not
    L-BFGS; ImageNet VGG19 without the paper's activation rescaling. The
    preset `neural_style_gatys2016` holds the paper's settings (a
    configuration: `keras_gans.presets.build` makes the model).

    Args:
        image_size: int or `(height, width)`, >= 16. Size of the generated
            image (and the content image).
        style_size: int, `(height, width)` or `None` (= `image_size`). Size
            of the style image.
        content_weight: float. alpha.
        style_weight: float. beta. alpha/beta: 1e-3 to 1e-4 in the paper.
        tv_weight: float. Total variation weight (0 in the paper).
        pooling: str. `"avg"` (paper) or `"max"`.
        init: str. `"content"`: start from the content image; `"noise"`:
            from white noise, uniform in [0, 255] (the paper's figures).
        vgg_weights: `"imagenet"` (Keras cache file), a path, or `None`
            (random weights: smoke tests and benchmarks only).
        content_layer: str. VGG19 layer of the content loss.
        style_layers: sequence of str. VGG19 layers of the style loss.
        style_layer_weights: sequence of float or `None` (1 / L each).
        seed: int or `None`. Seeds the noise initialisation.
        **kwargs: `keras.Model` arguments (`name`, `dtype`: the policy of
            the image weight; the loss network computes in float32).

    Raises:
        ValueError: a bad size, weight, layer name, `pooling` or `init`.
        FileNotFoundError: the VGG19 weights file is missing.

    Example:
    >>> model = NeuralStyleTransfer(image_size=32, vgg_weights=None)
    >>> result = model.stylize(np.zeros((32, 32, 3)),
    ...                        np.full((32, 32, 3), 255.0),
    ...                        steps=4, progress_every=2, verbose=0)
    >>> result.image.shape, result.image.dtype, len(result.snapshots)
    ((32, 32, 3), dtype('uint8'), 2)
    """

    def __init__(
        self,
        image_size=256,
        style_size=None,
        content_weight=1e-3,
        style_weight=1.0,
        tv_weight=0.0,
        pooling="avg",
        init="content",
        vgg_weights="imagenet",
        content_layer=CONTENT_LAYER,
        style_layers=STYLE_LAYERS,
        style_layer_weights=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        utils.check_choice("init", init, INITS)
        self.image_size = utils.check_image_size(image_size, minimum=MIN_IMAGE_SIZE)
        self.style_size = (
            self.image_size
            if style_size is None
            else utils.check_image_size(
                style_size, name="style_size", minimum=MIN_IMAGE_SIZE
            )
        )
        self.init = init
        self.seed = seed
        self.perceptual = PerceptualLoss(
            content_weight=content_weight,
            style_weight=style_weight,
            tv_weight=tv_weight,
            content_layer=content_layer,
            style_layers=style_layers,
            style_layer_weights=style_layer_weights,
            pooling=pooling,
            vgg_weights=vgg_weights,
            name="perceptual_loss",
        )
        self.vgg_weights = self.perceptual.vgg_weights
        self.seed_generator = keras.random.SeedGenerator(seed, name="seed_generator")
        h, w = self.image_size
        content_shape, style_shapes = self.perceptual.target_shapes(self.image_size)
        self.image = self.add_weight(
            shape=(1, h, w, 3), initializer="zeros", trainable=True, name="image"
        )
        self.content_image = self.add_weight(
            shape=(1, h, w, 3),
            initializer="zeros",
            trainable=False,
            name="content_image",
        )
        self.content_target = self.add_weight(
            shape=content_shape,
            initializer="zeros",
            trainable=False,
            name="content_target",
        )
        self.style_grams = [
            self.add_weight(
                shape=shape,
                initializer="zeros",
                trainable=False,
                name=f"style_gram_{i}",
            )
            for i, shape in enumerate(style_shapes)
        ]
        self.loss_trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("loss", "content_loss", "style_loss", "tv_loss")
        }
        self.built = True

    # --- the one-call path
    def stylize(
        self,
        content,
        style,
        steps=500,
        progress_every=None,
        optimizer=None,
        verbose="auto",
    ):
        """Stylizes `content` after `style` in `steps` optimisation steps.

        Both images are resized to the model's sizes (`image_size`,
        `style_size`), the targets stored (`set_images`), the model compiled
        (with `optimizer`, or `compile`'s default when it is not compiled
        yet) and optimised (`optimize`).

        Args:
            content: image file path or RGB array `(H, W, 3)`, uint8 or float
                in [0, 255].
            style: the same.
            steps: int >= 1. Optimisation steps.
            progress_every: int or `None`. Keep the image every this many
                steps (`None`: only the last).
            optimizer: a Keras optimizer or `None`.
            verbose: `fit` verbosity.

        Returns:
            `Stylized(image, snapshots, history, model)`: the uint8
            `(H, W, 3)` image, `[(step, uint8 image), ...]`, the loss
            history per recorded chunk, and this model.

        Raises:
            ValueError: a bad image or `steps`.
        """
        utils.check_int("steps", steps, minimum=1)
        self.set_images(
            load_image(content, self.image_size), load_image(style, self.style_size)
        )
        if optimizer is not None or not getattr(self, "compiled", False):
            self.compile(optimizer=optimizer)
        history, snapshots = self.optimize(steps, progress_every, verbose=verbose)
        return Stylized(self.generated_image(), snapshots, history, self)

    # --- setup
    def set_images(self, content, style):
        """Stores the targets and initialises the image (per `init`).

        Args:
            content: array `(H, W, 3)` or `(1, H, W, 3)`, RGB uint8 or float
                in [0, 255], of size `image_size`; or an image file path
                (resized to `image_size`).
            style: the same, of size `style_size` (files are resized).

        Raises:
            ValueError: an array of another size.
        """
        content = self._prepare("content", content, self.image_size)
        style = self._prepare("style", style, self.style_size)
        self.content_image.assign(content)
        self.content_target.assign(self.perceptual.content_features(content))
        for variable, gram in zip(
            self.style_grams, self.perceptual.style_targets(style)
        ):
            variable.assign(gram)
        self.reset_image()

    @staticmethod
    def _prepare(name, image, size):
        is_file = isinstance(image, (str, os.PathLike))
        array = load_image(image, size if is_file else None)
        if array.shape[:2] != size:
            raise ValueError(
                f"`{name}` must be {size[0]}x{size[1]} (the model's size). "
                f"Received: {name}.shape={np.shape(image)}"
            )
        return array[None]  # (1, H, W, 3)

    def reset_image(self):
        """Sets the image to its start (content image or white noise)."""
        if self.init == "content":
            self.image.assign(self.content_image)
        else:
            noise = keras.random.uniform(
                self.image.shape, 0.0, 255.0, seed=self.seed_generator
            )
            self.image.assign(noise)

    # --- Keras API
    def compile(self, optimizer=None, **kwargs):
        """`optimizer` defaults to Adam(5.0, beta_1=0.99, epsilon=0.1).

        The image lives in [0, 255]: a learning rate of 5 moves a pixel by
        at most about 5 grey levels a step (TensorFlow's tutorial settings,
        0.02 on [0, 1] images, rescaled).
        """
        if optimizer is None:
            optimizer = FusedAdam(5.0, beta_1=0.99, epsilon=0.1)
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        compile_from_config(self, config)

    @property
    def metrics(self):
        return list(self.loss_trackers.values())

    def call(self, inputs=None, training=False):
        """The generated image `(1, H, W, 3)`, RGB in [0, 255]; ignores `inputs`."""
        return ops.convert_to_tensor(self.image)

    def compute_losses(self, image=None):
        """The loss dict (scalars) of `image` (default: the generated image)."""
        image = self.image if image is None else image
        losses = self.perceptual(
            ops.convert_to_tensor(image), self.content_target, self.style_grams
        )
        return {name: ops.mean(value) for name, value in losses.items()}

    def train_step(self, data):
        del data  # the image is the weight; `fit`'s data only counts steps
        with tf.GradientTape() as tape:
            losses = self.compute_losses()
        grads = tape.gradient(losses["loss"], [self.image])
        self.optimizer.apply(grads, [self.image])
        self.image.assign(ops.clip(self.image, 0.0, 255.0))
        for name, value in losses.items():
            self.loss_trackers[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.loss_trackers.items()}

    def optimize(self, steps, progress_every=None, callbacks=(), verbose="auto"):
        """Runs `steps` optimisation steps with `fit` (compile first).

        `fit` runs `ceil(steps / progress_every)` epochs of `progress_every`
        steps (the last one shorter when it does not divide `steps`), and
        the image is recorded after each.

        Args:
            steps: int >= 1. Number of steps.
            progress_every: int >= 1 or `None` (= `steps`: one epoch, no
                intermediate images).
            callbacks: extra Keras callbacks.
            verbose: `fit` verbosity.

        Returns:
            `(history, snapshots)`: the `fit` history (a dict of lists, one
            value per epoch) and a list of `(step, uint8 image (H, W, 3))`.
        """
        utils.check_int("steps", steps, minimum=1)
        if progress_every is not None:
            utils.check_int("progress_every", progress_every, minimum=1)
        every = steps if progress_every is None else min(progress_every, steps)
        snapshots, history = [], collections.defaultdict(list)
        done = 0
        while done < steps:
            chunk = min(every, steps - done)
            result = self.fit(
                _ticks(),
                epochs=1,
                steps_per_epoch=chunk,
                shuffle=False,  # Keras warns on shuffle=True with a dataset
                callbacks=list(callbacks),
                verbose=verbose,
            )
            done += chunk
            for name, values in result.history.items():
                history[name].extend(values)
            snapshots.append((done, self.generated_image()))
        return dict(history), snapshots

    def generated_image(self):
        """The image as uint8 `(H, W, 3)` in [0, 255]."""
        pixels = np.rint(np.clip(ops.convert_to_numpy(self.image)[0], 0.0, 255.0))
        return pixels.astype("uint8")

    def get_config(self):
        p = self.perceptual
        return {
            **super().get_config(),
            "image_size": list(self.image_size),
            "style_size": list(self.style_size),
            "content_weight": p.content_weight,
            "style_weight": p.style_weight,
            "tv_weight": p.tv_weight,
            "pooling": p.pooling,
            "init": self.init,
            "vgg_weights": self.vgg_weights,
            "content_layer": p.content_layer,
            "style_layers": list(p.style_layers),
            "style_layer_weights": list(p.style_layer_weights),
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config):
        # The VGG weights are restored from the saved file: no weights file
        # is needed to load a model.
        return without_vgg_file(cls, config)


def stylize(
    content,
    style,
    steps=500,
    image_size=256,
    progress_every=None,
    optimizer=None,
    verbose="auto",
    **model_kwargs,
):
    """Gatys et al. 2016 style transfer in one call, model included.

    `NeuralStyleTransfer(image_size=image_size, **model_kwargs).stylize(...)`.

    Args:
        content: image file path or RGB array (uint8 or float in [0, 255]).
        style: the same.
        steps: int. Optimisation steps.
        image_size: int or `(height, width)`.
        progress_every: int or `None`. Keep the image every this many steps.
        optimizer: a Keras optimizer or `None` (`NeuralStyleTransfer.compile`'s default).
        verbose: `fit` verbosity.
        **model_kwargs: `NeuralStyleTransfer` arguments (`content_weight`,
            `style_weight`, `tv_weight`, `pooling`, `init`, `vgg_weights`,
            `seed`, ...).

    Returns:
        `Stylized(image, snapshots, history, model)`, as
        `NeuralStyleTransfer.stylize`.

    Example::

        result = stylize("photo.jpg", "starry_night.jpg", steps=300)
        keras.utils.save_img("out.png", result.image)
    """
    model = NeuralStyleTransfer(image_size=image_size, **model_kwargs)
    return model.stylize(
        content,
        style,
        steps=steps,
        progress_every=progress_every,
        optimizer=optimizer,
        verbose=verbose,
    )
