"""MLP cGAN in PyTorch (CPU): the networks of PyTorch-GAN's `cgan`.

G: label embedding (10 -> 10) joined to z (100) -> 128 (no BatchNorm) ->
256 -> 512 -> 1024 (BatchNorm1d(eps 0.8), LeakyReLU 0.2) -> 784 tanh;
D: flattened image joined to the label embedding (794) -> 512 -> 512 ->
512 (dropout 0.4 on the last two, LeakyReLU 0.2) -> 1; LSGAN (MSE),
Adam(2e-4, betas (0.5, 0.999)), batch 64, one D and one G update per step
on random 28x28 images with random labels.

A worker of `bench/peers/compare.py`, same protocol as `torch_dcgan.py`.

    /work/torchvenv/bin/python bench/peers/torch_cgan.py --threads 2
"""

import argparse

import torch
from torch import nn
from torch_dcgan import serve

NZ, CLASSES, BATCH, PIXELS = 100, 10, 64, 28 * 28


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_emb = nn.Embedding(CLASSES, CLASSES)

        def block(cin, cout, normalize=True):
            layers = [nn.Linear(cin, cout)]
            if normalize:
                layers.append(nn.BatchNorm1d(cout, 0.8))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            return layers

        self.model = nn.Sequential(
            *block(NZ + CLASSES, 128, normalize=False),
            *block(128, 256),
            *block(256, 512),
            *block(512, 1024),
            nn.Linear(1024, PIXELS),
            nn.Tanh(),
        )

    def forward(self, noise, labels):
        x = torch.cat((self.label_emb(labels), noise), -1)
        return self.model(x).view(-1, 1, 28, 28)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.label_embedding = nn.Embedding(CLASSES, CLASSES)
        self.model = nn.Sequential(
            nn.Linear(CLASSES + PIXELS, 512),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 512),
            nn.Dropout(0.4),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 512),
            nn.Dropout(0.4),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Linear(512, 1),
        )

    def forward(self, images, labels):
        x = torch.cat(
            (images.view(images.size(0), -1), self.label_embedding(labels)), -1
        )
        return self.model(x)


def make_trainer():
    torch.manual_seed(0)
    g, d = Generator(), Discriminator()
    opt_g = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    mse = nn.MSELoss()
    data = [
        (torch.rand(BATCH, 1, 28, 28) * 2 - 1, torch.randint(0, CLASSES, (BATCH,)))
        for _ in range(4)
    ]
    valid, fake_target = torch.ones(BATCH, 1), torch.zeros(BATCH, 1)
    state = {"i": 0}

    def step():
        real, labels = data[state["i"] % len(data)]
        state["i"] += 1
        gen_labels = torch.randint(0, CLASSES, (BATCH,))
        opt_g.zero_grad(set_to_none=True)
        fake = g(torch.randn(BATCH, NZ), gen_labels)
        g_loss = mse(d(fake, gen_labels), valid)
        g_loss.backward()
        opt_g.step()
        opt_d.zero_grad(set_to_none=True)
        d_loss = (
            mse(d(real, labels), valid) + mse(d(fake.detach(), gen_labels), fake_target)
        ) / 2
        d_loss.backward()
        opt_d.step()
        return float(d_loss)

    return step


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    serve(make_trainer(), args.warmup)


if __name__ == "__main__":
    main()
