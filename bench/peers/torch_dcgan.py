"""DCGAN-64 in PyTorch (CPU): the reference networks of the PyTorch DCGAN example.

G: z (100) -> ConvT 4x4 (1 -> 4) 512 -> 256 -> 128 -> 64 -> 3 (kernel 4,
stride 2, BatchNorm + ReLU, tanh); D mirrored: Conv 3 -> 64 (LeakyReLU
0.2) -> 128 -> 256 -> 512 (BatchNorm + LeakyReLU) -> 4x4 valid conv -> 1
logit; BCE (non-saturating G loss), Adam(2e-4, betas (0.5, 0.999)), batch
64, one D update then one G update per step on random 64x64x3 images.

A worker of `bench/peers/compare.py` (run it with the PyTorch venv's python):
it builds and warms up, prints `ready`, then for every line `N` on stdin
runs N training steps and prints `{"seconds": ..., "steps": N}`.

    /work/torchvenv/bin/python bench/peers/torch_dcgan.py --threads 2
"""

import argparse
import json
import sys
import time

import torch
from torch import nn

NZ, NGF, NDF, NC, BATCH = 100, 64, 64, 3, 64


def generator():
    def up(cin, cout):
        return [
            nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False),
            nn.BatchNorm2d(cout),
            nn.ReLU(True),
        ]

    return nn.Sequential(
        nn.ConvTranspose2d(NZ, NGF * 8, 4, 1, 0, bias=False),
        nn.BatchNorm2d(NGF * 8),
        nn.ReLU(True),
        *up(NGF * 8, NGF * 4),
        *up(NGF * 4, NGF * 2),
        *up(NGF * 2, NGF),
        nn.ConvTranspose2d(NGF, NC, 4, 2, 1, bias=False),
        nn.Tanh(),
    )


def discriminator():
    def down(cin, cout):
        return [
            nn.Conv2d(cin, cout, 4, 2, 1, bias=False),
            nn.BatchNorm2d(cout),
            nn.LeakyReLU(0.2, inplace=True),
        ]

    return nn.Sequential(
        nn.Conv2d(NC, NDF, 4, 2, 1, bias=False),
        nn.LeakyReLU(0.2, inplace=True),
        *down(NDF, NDF * 2),
        *down(NDF * 2, NDF * 4),
        *down(NDF * 4, NDF * 8),
        nn.Conv2d(NDF * 8, 1, 4, 1, 0, bias=False),
        nn.Flatten(),
    )


def init_weights(m):
    name = type(m).__name__
    if "Conv" in name:
        nn.init.normal_(m.weight, 0.0, 0.02)
    elif "BatchNorm" in name:
        nn.init.normal_(m.weight, 1.0, 0.02)
        nn.init.zeros_(m.bias)


def make_trainer():
    torch.manual_seed(0)
    g, d = generator(), discriminator()
    g.apply(init_weights)
    d.apply(init_weights)
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    reals = [torch.rand(BATCH, NC, 64, 64) * 2 - 1 for _ in range(4)]
    ones, zeros = torch.ones(BATCH, 1), torch.zeros(BATCH, 1)
    state = {"i": 0}

    def step():
        real = reals[state["i"] % len(reals)]
        state["i"] += 1
        fake = g(torch.randn(BATCH, NZ, 1, 1))
        opt_d.zero_grad(set_to_none=True)
        d_loss = bce(d(real), ones) + bce(d(fake.detach()), zeros)
        d_loss.backward()
        opt_d.step()
        opt_g.zero_grad(set_to_none=True)
        g_loss = bce(d(fake), ones)
        g_loss.backward()
        opt_g.step()
        return float(g_loss)  # waits for the step like Keras's logs do

    return step


def serve(step, warmup):
    for _ in range(warmup):
        step()
    print("ready", flush=True)
    for line in sys.stdin:
        n = int(line)
        start = time.perf_counter()
        for _ in range(n):
            step()
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "steps": n}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    serve(make_trainer(), args.warmup)


if __name__ == "__main__":
    main()
