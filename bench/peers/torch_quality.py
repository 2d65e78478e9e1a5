"""PyTorch-GAN's `gan` and `dcgan` (our own PyTorch code), trained on given digits.

The peers of `bench/peers/quality.py`. The networks and updates follow
PyTorch-GAN (Linder-Norén, github.com/eriklindernoren/PyTorch-GAN,
`implementations/gan/gan.py` and `implementations/dcgan/dcgan.py`), written
here from their published structure:

- `gan`: G z(100) -> 128 -> 256 -> 512 -> 1024 (LeakyReLU 0.2; BatchNorm
  with eps 0.8 — the sources pass 0.8 as BatchNorm1d's second positional
  argument, which is eps — on all but the first) -> 784, tanh; D 784 -> 512
  -> 256 -> 1 (LeakyReLU 0.2), sigmoid; 28x28 digits.
- `dcgan`: G z(100) -> Linear to 128x8x8 -> BatchNorm -> Upsample x2 ->
  Conv3x3 128 -> BatchNorm(eps 0.8) -> LeakyReLU -> Upsample x2 -> Conv3x3
  64 -> BatchNorm(eps 0.8) -> LeakyReLU -> Conv3x3 1, tanh; D four
  Conv3x3 stride 2 blocks 16/32/64/128 (LeakyReLU 0.2, Dropout2d 0.25,
  BatchNorm eps 0.8 after all but the first) -> Linear -> sigmoid; weights
  N(0, 0.02), BatchNorm N(1, 0.02); digits resized to 32x32 (bilinear),
  as the source's `transforms.Resize(32)`.
- Both: z ~ N(0, 1), BCE, Adam(2e-4, betas (0.5, 0.999)), batch 64; per
  step one G update (G(z) labelled real) then one D update (reals and
  detached fakes, the two BCE terms averaged). Reshuffled every epoch; the
  last incomplete batch is dropped (the source keeps it).

Writes `<out>/samples_<step>.npy` (float32 `(num_samples, 28, 28, 1)` in
[-1, 1]; the DCGAN's 32x32 samples resized back to 28x28) at every
checkpoint step and prints one JSON line per checkpoint:
`{"step", "train_seconds", "path"}` (sampling time not counted).

    python bench/peers/torch_quality.py --model dcgan --digits d.npy \
        --checkpoints 390 780 --out /tmp/peer
"""

import argparse
import json
import pathlib
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

LATENT, BATCH = 100, 64


def gan_networks():
    def block(cin, cout, normalize=True):
        layers = [nn.Linear(cin, cout)]
        if normalize:
            layers.append(nn.BatchNorm1d(cout, 0.8))
        layers.append(nn.LeakyReLU(0.2, inplace=True))
        return layers

    generator = nn.Sequential(
        *block(LATENT, 128, normalize=False),
        *block(128, 256),
        *block(256, 512),
        *block(512, 1024),
        nn.Linear(1024, 784),
        nn.Tanh(),
        nn.Unflatten(1, (1, 28, 28)),
    )
    discriminator = nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 512),
        nn.LeakyReLU(0.2, inplace=True),
        nn.Linear(512, 256),
        nn.LeakyReLU(0.2, inplace=True),
        nn.Linear(256, 1),
        nn.Sigmoid(),
    )
    return generator, discriminator, 28


def dcgan_networks():
    size = 32
    init = size // 4
    generator = nn.Sequential(
        nn.Linear(LATENT, 128 * init * init),
        nn.Unflatten(1, (128, init, init)),
        nn.BatchNorm2d(128),
        nn.Upsample(scale_factor=2),
        nn.Conv2d(128, 128, 3, stride=1, padding=1),
        nn.BatchNorm2d(128, 0.8),
        nn.LeakyReLU(0.2, inplace=True),
        nn.Upsample(scale_factor=2),
        nn.Conv2d(128, 64, 3, stride=1, padding=1),
        nn.BatchNorm2d(64, 0.8),
        nn.LeakyReLU(0.2, inplace=True),
        nn.Conv2d(64, 1, 3, stride=1, padding=1),
        nn.Tanh(),
    )

    def block(cin, cout, bn=True):
        layers = [
            nn.Conv2d(cin, cout, 3, 2, 1),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Dropout2d(0.25),
        ]
        if bn:
            layers.append(nn.BatchNorm2d(cout, 0.8))
        return layers

    discriminator = nn.Sequential(
        *block(1, 16, bn=False),
        *block(16, 32),
        *block(32, 64),
        *block(64, 128),
        nn.Flatten(),
        nn.Linear(128 * (size // 16) ** 2, 1),
        nn.Sigmoid(),
    )

    def init_weights(m):
        name = type(m).__name__
        if "Conv" in name:
            nn.init.normal_(m.weight, 0.0, 0.02)
        elif "BatchNorm2d" in name:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)

    generator.apply(init_weights)
    discriminator.apply(init_weights)
    return generator, discriminator, size


NETWORKS = {"gan": gan_networks, "dcgan": dcgan_networks}


def to_28(images):
    if images.shape[-1] == 28:
        return images
    return F.interpolate(images, size=(28, 28), mode="bilinear", align_corners=False)


@torch.no_grad()
def sample(generator, n, seed):
    generator.eval()
    gen = torch.Generator().manual_seed(seed)
    chunks = [
        to_28(generator(torch.randn(min(500, n - i), LATENT, generator=gen)))
        for i in range(0, n, 500)
    ]
    generator.train()
    images = torch.cat(chunks).clamp(-1, 1).permute(0, 2, 3, 1)  # NHWC
    return images.numpy().astype(np.float32)


def train(model, digits, checkpoints, out, seed=0, num_samples=2500):
    torch.manual_seed(seed)
    generator, discriminator, size = NETWORKS[model]()
    reals = torch.from_numpy(digits.astype(np.float32) / 127.5 - 1.0)[:, None]
    if size != 28:
        reals = F.interpolate(reals, size=(size, size), mode="bilinear")
    opt_g = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCELoss()
    valid, fake_label = torch.ones(BATCH, 1), torch.zeros(BATCH, 1)
    steps_per_epoch = len(reals) // BATCH
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    step, seconds, marks = 0, 0.0, sorted(set(checkpoints))
    while marks:
        order = torch.randperm(len(reals))
        for b in range(steps_per_epoch):
            start = time.perf_counter()
            real = reals[order[b * BATCH : (b + 1) * BATCH]]
            opt_g.zero_grad(set_to_none=True)
            fake = generator(torch.randn(BATCH, LATENT))
            g_loss = bce(discriminator(fake), valid)
            g_loss.backward()
            opt_g.step()
            opt_d.zero_grad(set_to_none=True)
            d_loss = (
                bce(discriminator(real), valid)
                + bce(discriminator(fake.detach()), fake_label)
            ) / 2
            d_loss.backward()
            opt_d.step()
            d_loss.item()  # wait for the step, as Keras' logs do
            seconds += time.perf_counter() - start
            step += 1
            if step == marks[0]:
                marks.pop(0)
                path = out / f"samples_{step}.npy"
                np.save(path, sample(generator, num_samples, seed + 1))
                record = {"step": step, "train_seconds": round(seconds, 2)}
                print(json.dumps({**record, "path": str(path)}), flush=True)
                if not marks:
                    return


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(NETWORKS), required=True)
    parser.add_argument("--digits", required=True, help="uint8 (n, 28, 28) .npy")
    parser.add_argument("--checkpoints", type=int, nargs="+", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--num-samples", type=int, default=2500)
    args = parser.parse_args()
    if min(args.checkpoints) < 1:
        parser.error(f"--checkpoints must be >= 1. Received: {args.checkpoints}")
    torch.set_num_threads(args.threads)
    digits = np.load(args.digits)
    train(args.model, digits, args.checkpoints, args.out, args.seed, args.num_samples)


if __name__ == "__main__":
    main()
