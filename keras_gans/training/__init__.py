"""What a training run uses around `model.fit`, for any model.

- `callbacks`: sample grids, loss curves, periodic evaluation
  (`keras_gans.callbacks`);
- `coverage`: mode coverage of a sample and the `CollapseMonitor` callback;
- `summaries`: TensorBoard scalars, images and throughput;
- `checkpointing`: step-exact checkpoints, the run lock, atomic writes, the
  divergence guard;
- `run_folder`: what a run folder holds, and whether a run continues, does
  nothing, starts over or is refused;
- `distribute`: `tf.distribute` strategies and the multi-worker fit driver;
- `devices`: which accelerator a run has and what it implies;
- `optimizers`: `FusedAdam`, Keras' Adam update in one kernel per variable.

Each module keeps its public path (`keras_gans.callbacks`,
`keras_gans.checkpointing`, ...; see `keras_gans/_public_api.py`).
"""

from keras_gans.training import (
    callbacks,
    checkpointing,
    coverage,
    devices,
    distribute,
    optimizers,
    run_folder,
    summaries,
)
from keras_gans.training.optimizers import FusedAdam

__all__ = [
    "FusedAdam",
    "callbacks",
    "checkpointing",
    "coverage",
    "devices",
    "distribute",
    "optimizers",
    "run_folder",
    "summaries",
]
