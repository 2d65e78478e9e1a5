"""Training on many devices and machines with `tf.distribute`.

Every model of the zoo trains under a strategy with no code change beyond
the scope::

    strategy = keras_gans.distribute.get_strategy("mirrored")
    with strategy.scope():
        model = keras_gans.DCGAN(...)
        model.compile()
    keras_gans.distribute.fit(model, dataset, epochs=5)   # or model.fit

What the models do under a strategy (`AdversarialModel`):

- Each replica's loss is divided by the number of replicas, so the summed
  gradients equal those of the global batch on one device.
- Each replica draws its own noise (the replica id is folded into the
  model's seed), so a global batch holds B distinct latent vectors.
- Logged losses are the global-batch means (Keras reduces them over all
  replicas; `fit` below reads the synced trackers).
- BatchNorm normalises each replica's share of the batch with that share's
  statistics (moving averages are averaged across replicas). With small
  per-replica batches pass `sync_batch_norm=True` to `DCGAN` or
  `ConditionalGAN` (global-batch statistics, one all-reduce per layer), use
  `keras.layers.BatchNormalization(synchronized=True)` in your own
  networks, or instance normalisation (Pix2Pix). ProgressiveGAN has no
  BatchNorm (PixelNorm is per sample).

`model.fit` works under the default strategy, `MirroredStrategy` and
`TPUStrategy`. Under `MultiWorkerMirroredStrategy` Keras 3's `fit` does not
run (keras-team/keras#20585: the trainer's symbolic build reduces a
`PerReplica` batch with `strategy.reduce`, and the reduction of per-replica
step outputs fails on scalars). `keras_gans.distribute.fit` is a small
driver with the same contract as `model.fit` for these models: it runs the
model's own `train_step` through `strategy.run` on a distributed dataset,
reads the metrics in cross-replica context (so they cover all replicas),
and calls Keras callbacks (progress bar, `History`, `SampleGrid`,
`BackupAndRestore`-style callbacks that act on epoch ends) as `fit` does.
It is also the loop that resumes at any step: given a
`keras_gans.checkpointing.TrainingCheckpoint`, it restores the newest
checkpoint (weights, optimizers, random stream, trackers, counters, data
position) before the first step, writes one when asked after a step, and
on SIGTERM finishes the step, writes one and stops. `runner.fit_and_export`
trains every model through it (`model.fit` stays available to users).
"""

import json
import os

import keras
import tensorflow as tf

from keras_gans import _keras_compat, utils

__all__ = ["STRATEGIES", "fit", "get_strategy", "is_chief"]

STRATEGIES = ("default", "mirrored", "multiworker", "tpu")
_MULTI_WORKER = None  # the process's MultiWorkerMirroredStrategy, made once


def get_strategy(name="default", devices=None, tpu=None):
    """A `tf.distribute.Strategy` by name.

    Args:
        name: str. `"default"` (one device), `"mirrored"` (all local GPUs, or
            `devices`), `"multiworker"` (`MultiWorkerMirroredStrategy`;
            workers from the `TF_CONFIG` environment variable; made once per
            process and returned again on later calls) or `"tpu"`
            (`TPUStrategy`; `tpu` names the TPU, `""` for a local one).
        devices: list of str or `None`. Devices of a `"mirrored"` strategy.
        tpu: str or `None`. TPU name or address for `"tpu"`.

    Returns:
        The strategy. Build and compile the model inside `strategy.scope()`.

    Raises:
        ValueError: an unknown `name`, or a malformed `TF_CONFIG`.

    Example:
    >>> get_strategy("default").num_replicas_in_sync
    1
    """
    utils.check_choice("strategy", name, STRATEGIES)
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        return tf.distribute.MirroredStrategy(devices)
    if name == "multiworker":
        # TensorFlow's collective runtime is set up once per process: a second
        # MultiWorkerMirroredStrategy in the same process breaks the first's
        # links to the other workers, so the first one is reused.
        global _MULTI_WORKER
        if _MULTI_WORKER is None:
            if "TF_CONFIG" in os.environ:
                _check_tf_config(os.environ["TF_CONFIG"])
            _MULTI_WORKER = tf.distribute.MultiWorkerMirroredStrategy()
        return _MULTI_WORKER
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu or "")
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, tf.errors.OpError, RuntimeError) as error:
        where = f"at tpu={tpu!r}" if tpu else "on this machine (no TPU address given)"
        raise ValueError(
            f"`--strategy tpu` found no TPU {where}: {error} Give the TPU's "
            "name or grpc:// address with `--tpu` (Python: "
            "get_strategy('tpu', tpu=...)), or choose another --strategy "
            f"({', '.join(s for s in STRATEGIES if s != 'tpu')})."
        ) from None
    return tf.distribute.TPUStrategy(resolver)


def _check_tf_config(text):
    try:
        config = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"`TF_CONFIG` is not valid JSON: {e}. Received: {text!r}")
    for key in ("cluster", "task"):
        if key not in config:
            raise ValueError(f"`TF_CONFIG` has no {key!r} entry. Received: {text!r}")


def is_chief(strategy=None):
    """Whether this process should write files (checkpoints, grids, exports).

    True for single-process strategies; under `MultiWorkerMirroredStrategy`
    only for the chief (task 0 of `"chief"`, or worker 0 with no chief).

    Example:
    >>> is_chief(get_strategy("default"))
    True
    """
    strategy = strategy or tf.distribute.get_strategy()
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not getattr(resolver, "cluster_spec", None):
        return True
    if not resolver.cluster_spec().as_dict():
        return True
    task_type, task_id = resolver.task_type, resolver.task_id
    if task_type == "chief":
        return True
    has_chief = "chief" in resolver.cluster_spec().as_dict()
    return task_type in (None, "worker") and task_id == 0 and not has_chief


def _steps(dataset, steps_per_epoch, count_unknown=False):
    if steps_per_epoch is not None:
        return utils.check_int("steps_per_epoch", steps_per_epoch, minimum=1)
    cardinality = int(dataset.cardinality())
    if cardinality == tf.data.UNKNOWN_CARDINALITY and count_unknown:
        # One pass to count the batches (e.g. after a `filter`).
        return int(dataset.reduce(0, lambda count, _: count + 1))
    if cardinality < 0:
        raise ValueError(
            "The dataset's length is unknown or infinite; pass `steps_per_epoch` "
            "(every worker must run the same number of steps)."
        )
    return cardinality


def fit(
    model,
    dataset,
    epochs=1,
    steps_per_epoch=None,
    callbacks=None,
    verbose=1,
    initial_epoch=0,
    checkpoint=None,
):
    """`model.fit` for a GAN of this package, under any `tf.distribute` strategy,
    resumable at any step.

    Runs `model.train_step` in every replica of the model's strategy (the
    one whose scope built it) on global batches of `dataset`, split across
    replicas by `strategy.experimental_distribute_dataset`; Keras callbacks
    receive the usual calls and logs. Use it for
    `MultiWorkerMirroredStrategy`, where `model.fit` does not run; under
    other strategies it runs the model's own Keras train function (the one
    `model.fit` runs, re-made when the model re-makes it), so it gives the
    same updates as `model.fit`.

    The dataset is repeated and read through one iterator for the whole
    run: epoch `e` is the `e`-th pass, so the data order depends only on the
    pipeline's seeds, and a `checkpointing.TrainingCheckpoint` can save and
    restore the exact position.

    Args:
        model: a compiled `AdversarialModel`.
        dataset: `tf.data.Dataset` of global batches (batch size = per-replica
            batch x replicas). Under multi-worker training each worker
            passes the same pipeline; `tf.data` shards it.
        epochs: int. Index of the last epoch, as in `fit`.
        steps_per_epoch: int or `None`. Steps per epoch; `None` uses the
            dataset's length (which must be finite; an unknown length is
            counted once, except under multi-worker training).
        callbacks: list of `keras.callbacks.Callback`.
        verbose: 0, 1 or 2, as in `fit`.
        initial_epoch: int. Epoch to start from, as in `fit`.
        checkpoint: a `keras_gans.checkpointing.TrainingCheckpoint` or
            `None`. Restored before the first step (the run continues from
            the step it holds), written after the steps it asks for; on
            SIGTERM the loop writes one and stops after the current step.

    Returns:
        The `keras.callbacks.History` of the run; `model.stopped_at` holds
        `{"epoch", "step", "global_step", "preempted"}` where it stopped.
    """
    if not getattr(model, "compiled", False):
        raise ValueError("`model` must be compiled before `fit`.")
    strategy = model.distribute_strategy
    multi_worker = isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
    steps = _steps(dataset, steps_per_epoch, count_unknown=not multi_worker)
    # Repeated, so epochs end after `steps` batches and no worker ever meets
    # the end of its shard inside a collective step.
    distributed = strategy.experimental_distribute_dataset(dataset.repeat())

    @tf.function
    def multi_worker_step(iterator):
        strategy.run(model.train_step, args=(next(iterator),))
        # Cross-replica reads of the synced trackers: all replicas' updates.
        return {m.name: m.result() for m in model.metrics}

    def train_function(iterator):
        if multi_worker:
            return multi_worker_step(iterator)
        # Read each step: a model may re-make it (ProgressiveGAN's phases).
        return model.train_function(iterator)

    callback_list = keras.callbacks.CallbackList(
        callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        verbose=verbose,
        epochs=epochs,
        steps=steps,
        model=model,
    )
    model.stop_training = False
    if not multi_worker:
        model.make_train_function()
    iterator = iter(distributed)
    global_step, first_step, restored = initial_epoch * steps, 0, False
    batches = 0  # read from `iterator`: what a resumed run skips
    if checkpoint is not None:
        state = checkpoint.restore(model, iterator)
        if state is not None:
            initial_epoch, first_step = state["epoch"], state["step"]
            global_step, restored = state["global_step"], True
            batches = state.get("batches", global_step)
        for callback in callback_list.callbacks:
            if hasattr(callback, "initial_step"):
                callback.initial_step = global_step
        checkpoint.install_sigterm_handler()
    stopped = {"epoch": initial_epoch, "step": 0, "global_step": global_step}
    stopped["preempted"] = False
    try:
        callback_list.on_train_begin()
        if not restored and _keras_compat.resume_epoch(model):
            # `BackupAndRestore` sets the epoch to resume from, as `fit` reads it.
            initial_epoch = _keras_compat.resume_epoch(model)
            global_step = stopped["global_step"] = initial_epoch * steps
            stopped["epoch"] = initial_epoch
        logs = {}
        for epoch in range(initial_epoch, epochs):
            if first_step == 0:
                model.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            for step in range(first_step, steps):
                callback_list.on_train_batch_begin(step)
                logs = {k: float(v) for k, v in train_function(iterator).items()}
                global_step += 1
                batches += 1
                callback_list.on_train_batch_end(step, logs)
                stopped.update(epoch=epoch, step=step + 1, global_step=global_step)
                if checkpoint is not None and checkpoint.after_step(
                    model,
                    iterator,
                    {
                        **stopped,
                        "batches": batches,
                        "epochs": epochs,
                        "steps_per_epoch": steps,
                    },
                ):
                    stopped["preempted"] = True
                    model.stop_training = True
                if model.stop_training:
                    break
            first_step = 0
            if stopped["preempted"]:
                break
            if not logs:  # resumed at the end of an epoch: no step ran
                logs = {m.name: float(m.result()) for m in model.metrics}
            callback_list.on_epoch_end(epoch, dict(logs))
            if model.stop_training:
                break
        if not stopped["preempted"]:
            if checkpoint is not None and checkpoint.saved_step != global_step:
                # The finished state: a run killed while writing its
                # artifacts resumes here and only writes them again.
                checkpoint.save(
                    model,
                    iterator,
                    {
                        **stopped,
                        "batches": batches,
                        "epochs": epochs,
                        "steps_per_epoch": steps,
                    },
                )
            callback_list.on_train_end(dict(logs))
    finally:
        model.stopped_at = dict(stopped)  # set late: Keras tracks (copies) dicts
        if checkpoint is not None:
            checkpoint.uninstall_sigterm_handler()
    _keras_compat.clear_resume_epoch(model)
    return model.history
