"""FLOPs of one training step, two ways (used by the benches, not the package).

1. `graph_flops(model, batch)` — the traced graph's own count: trace
   `model.train_step` as a `tf.function` on fixed-shape `TensorSpec`s and
   sum TensorFlow's registered float-op statistics of every op
   (`tf.compat.v1.profiler` float_operation: MatMul, Conv2D, both conv
   backprops, elementwise ops, ...). This is what the step really runs,
   backward pass included, for any model (and only the active phase of a
   ProgressiveGAN). `"flops_method": "tf_profiler_float_ops"`.
2. `layer_flops(network, batch)` — counted per layer from the network's
   own shapes (multiply-adds x 2): Dense 2·in·out, Conv2D
   2·k·k·cin·cout·Hout·Wout, Conv2DTranspose 2·k·k·cin·cout·Hin·Win (each
   input pixel is scattered through the kernel), per sample. A GAN step
   (`AdversarialModel.train_step`) is then about
   ``3·G + 8·D``: G forward + G backward (input and weight gradients, 2·G);
   D forward on real and fake (2·D) and their backward (4·D); D forward on
   the fake again and the input gradients through D for G's update (2·D).
   `"flops_method": "per_layer"`.

The graph count is higher than the per-layer one by the elementwise work
(BatchNorm, activations, Adam); the per-layer one is the convention of
papers (multiply-adds of the weighted layers).
"""

import collections

import keras
import numpy as np
import tensorflow as tf

__all__ = ["graph_flops", "graph_op_counts", "layer_flops", "gan_step_layer_flops"]


def _trace(model, batch):
    """The concrete graph of `model.train_step` on `batch` (arrays)."""
    specs = tf.nest.map_structure(
        lambda a: tf.TensorSpec(np.shape(a), tf.as_dtype(np.asarray(a).dtype)), batch
    )
    return tf.function(model.train_step).get_concrete_function(specs).graph


def graph_flops(model, batch):
    """Float ops of one `train_step` on `batch`, from the traced graph.

    Args:
        model: a compiled `keras.Model` with a `train_step`.
        batch: one dataset element (array or tuple of arrays) of the step's
            fixed batch size.

    Returns:
        `(flops, op_counts)`: int total float ops of the step, and a dict
        `{op type: count}` of the graph's ops (a measure of dispatch work).
    """
    from tensorflow.python.profiler import model_analyzer, option_builder

    graph = _trace(model, batch)
    options = option_builder.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    profile = model_analyzer.profile(graph, options=options)
    return int(profile.total_float_ops), graph_op_counts(graph)


def graph_op_counts(graph):
    """`{op type: count}` of a graph's ops, most frequent first."""
    counts = collections.Counter(op.type for op in graph.get_operations())
    return dict(counts.most_common())


def _shape(tensor):
    return tuple(int(d) if d is not None else 1 for d in tensor.shape[1:])


def _layer_forward(layer):
    """Forward multiply-add FLOPs per sample of one weighted layer."""
    kind = type(layer).__name__
    if not hasattr(layer, "input") or not hasattr(layer, "output"):
        return 0
    try:
        in_shape, out_shape = _shape(layer.input), _shape(layer.output)
    except (AttributeError, ValueError, TypeError):
        return 0
    kernel = getattr(layer, "kernel", None)
    if kernel is None:
        return 0
    k = tuple(kernel.shape)
    if "Dense" in kind or kind == "Maxout":
        # kernel (in, out[, pieces]); applied to every leading position.
        positions = int(np.prod(in_shape[:-1])) if len(in_shape) > 1 else 1
        return 2 * positions * int(np.prod(k))
    if "Transpose" in kind:  # kernel (kh, kw, cout, cin)
        return 2 * int(np.prod(k)) * int(np.prod(in_shape[:-1]))
    if "Conv" in kind:  # kernel (kh, kw, cin, cout)
        return 2 * int(np.prod(k)) * int(np.prod(out_shape[:-1]))
    return 0


def layer_flops(network, batch_size=1):
    """Forward FLOPs of a functional `network` counted per weighted layer.

    Args:
        network: a functional `keras.Model` (nested models are walked).
        batch_size: int. Samples per call.

    Returns:
        int: 2 x multiply-adds of its Dense/Conv/transposed-conv layers.
    """
    total = 0
    for layer in network.layers:
        if isinstance(layer, keras.Model):
            total += layer_flops(layer, 1)
        else:
            total += _layer_forward(layer)
    return total * batch_size


def gan_step_layer_flops(model, batch_size):
    """Per-layer FLOPs of one `AdversarialModel` step: 3·G + 8·D."""
    g = layer_flops(model.generator, batch_size)
    d = layer_flops(model.discriminator, batch_size)
    return 3 * g + 8 * d
