#!/usr/bin/python3
"""One training epoch of a recurrent network on the adding problem in PyTorch, the baseline of
bench/recurrent.mjs.

10,000 sequences of length 50 with two features (a value in [0, 1) and a marker on two steps), the
target the sum of the two marked values; a recurrent layer of 32 units and a dense output, Adam
(lr 0.001), mean squared error, batch 32, 2 threads. Run with Debian's python3 and python3-torch:
  /usr/bin/python3 bench/pytorch_recurrent.py lstm|gru|rnn
Prints one line of JSON: {"cell", "seconds", "loss"}.
"""
import json
import sys

import torch
from torch import nn

from pytorch_timing import timed_epoch

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class Net(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.recurrent = CELLS[cell](input_size=2, hidden_size=32, batch_first=True)
        self.out = nn.Linear(32, 1)

    def forward(self, x):
        outputs, _ = self.recurrent(x)
        return self.out(outputs[:, -1])


def adding_problem(count, length, generator):
    values = torch.rand(count, length, generator=generator)
    markers = torch.zeros(count, length)
    for i in range(count):
        first, second = torch.randperm(length, generator=generator)[:2].tolist()
        markers[i, first] = markers[i, second] = 1.0
    return torch.stack([values, markers], dim=2), (values * markers).sum(dim=1, keepdim=True)


def main():
    cell = sys.argv[1]
    torch.set_num_threads(2)
    torch.manual_seed(1)
    x, y = adding_problem(10000, 50, torch.Generator().manual_seed(1))
    model = Net(cell)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    cost = nn.MSELoss()
    seconds, loss = timed_epoch(model, optimizer, cost, x, y, 32)
    print(json.dumps({"cell": cell, "seconds": seconds, "loss": loss}))


main()
