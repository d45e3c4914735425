"""The timed epoch both PyTorch baselines share: shuffled minibatches, backward, update."""
import time

import torch


def timed_epoch(model, optimizer, cost, inputs, targets, batch):
    """Trains one epoch; returns (seconds, mean training loss)."""
    count = len(inputs)
    order = torch.randperm(count)
    began = time.perf_counter()
    total = 0.0
    for start in range(0, count, batch):
        index = order[start:start + batch]
        optimizer.zero_grad()
        loss = cost(model(inputs[index]), targets[index])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(index)
    return time.perf_counter() - began, total / count
