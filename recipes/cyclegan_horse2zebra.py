"""CycleGAN on horse2zebra with the paper's settings.

Trains the `cyclegan_horse2zebra` preset: `CycleGAN` (Zhu et al. 2017) at
256x256 with 9-residual-block ResNet generators, 70x70 PatchGANs, LSGAN +
cycle (λ = 10) + identity (0.5·λ) losses, image pools of 50, batch 1,
Adam(2e-4, β1=0.5) for 100 epochs then linearly to 0 over 100 more, on the
official horse2zebra archive (downloaded when `--data-dir` is not given;
`--data-dir` takes any folder in the official layout: trainA/, trainB/,
testA/, testB/), with the paper's jitter (resize 286, random crop 256,
mirror) for each domain on its own. Writes A -> B and B -> A grids of test
images per epoch, loss curves, `model.keras`, the translators as one
SavedModel (`serving_default`/`AtoB` and `BtoA`) and `metrics.json` with
the test images' mean cycle L1 both ways.

    python recipes/cyclegan_horse2zebra.py --data-dir horse2zebra --out runs/h2z
"""

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("cyclegan_horse2zebra", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
