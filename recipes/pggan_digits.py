"""Progressive GAN on the embedded MNIST digits, growing 4 -> 8 -> 16 -> 32.

Trains the `pggan_digits` preset: `ProgressiveGAN` (Karras et al. 2018) on
the 5000 digits that ship with the package, padded with background to
32x32, so that a fresh machine sees the whole schedule: 4x4, then 8x8,
16x16 and 32x32, each fading in and then training stable
(`ProgressiveSchedule`). Writes to `--out`: a sample grid per phase at its
resolution (`phases/`, fixed noise, EMA generator), a grid per epoch
(`samples/`), loss curves, a `BackupAndRestore` backup while training (a
killed run started again with the same `--out` resumes), `model.keras`, the
final EMA generator as a SavedModel, and `metrics.json` with what the
shipped digit classifier reads in 1000 samples (cropped back to 28x28):
class histogram entropy (ln 10 = 2.30 nats for ten equally frequent digits)
and the fraction it reads with confidence >= 0.9.

The paper's training: WGAN-GP (lambda 10) + drift 0.001, Adam(1e-3, 0, 0.99,
1e-8), PixelNorm, equalized learning rate, minibatch stddev (group 4),
normal latents, optimizer state reset at every phase change. Made small so
that the whole run takes minutes on two CPU cores: latent 128 (paper 512),
feature maps `min(256 / 2**stage, 64)` = 64, 64, 32, 16 at 4, 8, 16, 32
(paper: 512 up to 32x32), minibatch 16 up to 16x16 and 32 at 32x32
(paper: 16), and thousands of images per phase 20 at 4x4, 16 per fade-in,
40 stable at 8x8, 360 stable at 16x16, 60 for the last (paper: 800 each;
`--kimg-per-phase` sets one value for all), and an EMA decay of 0.99
instead of 0.999: with the phases this short, an average over the last
~1000 steps (0.999) would still hold much of the weights of the previous
resolution. The long 16x16 phase is where the time goes because it pays:
the digit shapes are settled at 16x16, and the classifier's confidence in
the final samples rose with the 16x16 phase's length more than with wider
maps, larger minibatches, other learning rates or a longer last phase
(BENCHMARKS.md).

    python recipes/pggan_digits.py --out runs/pggan_digits
    python recipes/pggan_digits.py --kimg-per-phase 4   # a quicker, rougher run
"""

import os
import pathlib
import sys

if "--verbose" not in sys.argv:  # before TensorFlow loads: no C++ start-up logs
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # checkout

from keras_gans import cli, runner  # noqa: E402


def main(argv=None):
    return runner.run_preset("pggan_digits", argv)


if __name__ == "__main__":
    cli.run_entry_point(main)
