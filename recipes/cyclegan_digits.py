"""CycleGAN on the embedded unpaired digits: grey digits <-> their edge maps.

Trains the `cyclegan_digits` preset: `CycleGAN` (Zhu et al. 2017) on the
embedded unpaired task of `keras_gans.unpaired.digit_unpaired_dataset`:
domain A the 4000 training digits (padded to 32x32), domain B their binary
edge maps, each domain drawn in its own seeded order so no pairing is
seen. Writes to `--out`: A -> B and B -> A grids of 16 held-out digits per
epoch (a | G(a) | F(G(a)) | true edges, b | F(b) | G(F(b)) | true digit),
loss curves, `model.keras`, the translators as one SavedModel
(`serving_default` and `AtoB`: `image` -> `images`; `BtoA`), and
`metrics.json` with, on the 1000 held-out digits, the digit classifier's
accuracy on the cycle reconstructions F(G(a)) and on F(true edge maps),
and the mean L1 of G(a) against the true edge maps.

The paper's objective and optimiser: LSGAN terms, cycle λ = 10, identity
0.5·λ, D's objective halved, image pools of 50, Adam(2e-4, β1=0.5) constant
for the first half then linearly to 0. Scaled to 32x32 digits on a CPU:
generators with 16 filters (paper: 64) and 3 residual blocks (paper: 6 at
128x128), PatchGANs with 16 filters and 34x34 patches (`--n-layers 2`),
batch 4 instead of the paper's 1 (instance norm makes each image's
normalisation independent of the batch).

    python recipes/cyclegan_digits.py --out runs/cyclegan_digits
"""

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("cyclegan_digits", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
