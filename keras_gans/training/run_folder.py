"""What a run folder holds, checked before a run starts in it.

`runner.fit_and_export` records what a run was started with in
`out/run.json` (`run_record`: model class and config, batch size, steps per
epoch) and keeps the run's final checkpoint. `prepare(out, record, epochs,
...)` then decides, before anything is loaded: continue a run killed midway
(checkpoint, same record), continue a finished run to more epochs, do
nothing for a finished run of the same length, start over (`fresh`), or
refuse in one line naming what differs (another model, config or batch
size) or a finished run that cannot be continued.
"""

import json
import logging
import os
import pathlib
import shutil
import time

from keras_gans.training import checkpointing

__all__ = ["RUN_RECORD", "prepare", "run_record"]

RUN_RECORD = "run.json"


def run_record(model, batch_size, steps_per_epoch):
    """What a run is started with, as JSON data (compared on resume)."""
    config = dict(model.get_config())
    config.pop("name", None)
    config.pop("dtype", None)  # a precision policy: the weights stay float32
    return json.loads(
        json.dumps(
            {
                "class": type(model).__name__,
                "config": config,
                "batch_size": batch_size,
                "steps_per_epoch": steps_per_epoch,
            },
            default=str,
            sort_keys=True,
        )
    )


def _differences(before, now):
    """`["key: before -> now", ...]` of two run records' model parts."""
    found = []
    if before["class"] != now["class"]:
        found.append(f"model: {before['class']} -> {now['class']}")
    old, new = before.get("config", {}), now.get("config", {})
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            found.append(f"{key}: {old.get(key)!r} -> {new.get(key)!r}")
    if before.get("steps_per_epoch") != now.get("steps_per_epoch"):
        found.append(
            f"steps_per_epoch: {before.get('steps_per_epoch')} -> "
            f"{now.get('steps_per_epoch')}"
        )
    return found


def prepare(out, record, epochs, fresh, allow_batch_size_change):
    """Checks `out` against the run about to start. Returns `(metrics,
    continued_from)`: the finished run's `metrics.json` when there is nothing
    left to train (else `None`), and the epochs of a finished run that this
    one continues (else `None`)."""
    log = logging.getLogger("keras_gans")
    out = pathlib.Path(out)
    checkpoints = out / "checkpoints"
    model_file, record_file = out / "model.keras", out / RUN_RECORD
    if fresh:
        if model_file.is_file():
            backup = out / f"model.keras.bak-{time.strftime('%Y%m%d-%H%M%S')}"
            os.replace(model_file, backup)
            log.warning("--fresh: %s kept as %s; training anew.", model_file, backup)
        shutil.rmtree(checkpoints, ignore_errors=True)
        if record_file.is_file():
            record_file.unlink()
    continued_from = None
    latest = checkpointing.TrainingCheckpoint(checkpoints).latest()
    before = json.loads(record_file.read_text()) if record_file.is_file() else None
    if latest is None and model_file.is_file():
        raise ValueError(
            f"{out} holds a finished run (model.keras) that cannot be continued "
            "(it kept no checkpoint). Pass --fresh (fresh=True) to train anew, "
            "keeping its model.keras as a backup, or choose another --out."
        )
    if latest is not None and before is not None:
        changed = _differences(before, record)
        if changed:
            raise ValueError(
                f"{out} holds a run started with other settings, which its "
                f"checkpoint cannot continue: {'; '.join(changed)}. Use another "
                "--out, or --fresh to start over there."
            )
        if before.get("batch_size") != record.get("batch_size"):
            if not allow_batch_size_change:
                raise ValueError(
                    f"{out} holds a run started with batch size "
                    f"{before.get('batch_size')}; this one has "
                    f"{record.get('batch_size')}. Pass --batch-size "
                    f"{before.get('batch_size')} to continue as started, or "
                    "--allow-batch-size-change to continue with the new size."
                )
            log.warning(
                "Continuing %s with batch size %s (it was started with %s).",
                out,
                record.get("batch_size"),
                before.get("batch_size"),
            )
    if latest is not None and model_file.is_file():
        with open(os.path.join(latest, "state.json")) as f:
            state = json.load(f)
        done = state.get("epoch", 0) + 1
        complete = state.get("step") == state.get("steps_per_epoch")
        if complete and done >= epochs:
            print(
                f"{out} finished {done} epoch(s) already: nothing to train "
                f"(--epochs {epochs}). Pass a larger --epochs to continue it, or "
                "--fresh to start over.",
                flush=True,
            )
            metrics_file = out / "metrics.json"
            finished = (
                json.loads(metrics_file.read_text()) if metrics_file.is_file() else {}
            )
            return finished, None
        if complete:
            continued_from = done
            log.warning(
                "Continuing the finished run in %s from epoch %d to %d; its "
                "model.keras will be kept as model-epoch-%03d.keras.",
                out,
                done,
                epochs,
                done,
            )
    out.mkdir(parents=True, exist_ok=True)
    checkpointing.write_json(record_file, record)
    return None, continued_from
