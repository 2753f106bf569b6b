"""The apparel classifier's default MLP experiment in PyTorch, for a side-by-side epoch time.

Same data (Debian's Fashion-MNIST IDX files), same seeded 54,000/6,000 split and per-epoch
order (Java's SplittableRandom ported below), same network (784-512-256-10, ReLU, dropout 0.2),
same optimiser (Adam 1e-3, cosine decay per step), batch 64, 5 epochs, the same thread counts
(2 intra-op, 1 inter-op), and the same work per epoch: the running training loss and accuracy
read every batch, validation loss and accuracy in batches of 512. Run by bench/apparel_compare.sh in a throwaway virtualenv.
Prints RESULT lines like the Java harnesses.
"""
import gzip
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

MASK = (1 << 64) - 1
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def to_signed(v):
    v &= MASK
    return v - (1 << 64) if v >> 63 else v


def mix(seed, stream):
    """Shuffles.mix of the reference project (SplitMix64 finaliser)."""
    z = (seed * 0x9E3779B97F4A7C15 + stream + 0x632BE59BD9B4E019) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class SplittableRandom:
    """java.util.SplittableRandom's nextInt(bound), bit for bit."""

    def __init__(self, seed):
        self.seed = seed & MASK

    def _next_seed(self):
        self.seed = (self.seed + GOLDEN_GAMMA) & MASK
        return self.seed

    @staticmethod
    def _mix32(z):
        z = ((z ^ (z >> 33)) * 0x62A9D9ED799705F5) & MASK
        r = (((z ^ (z >> 28)) * 0xCB24D0A5C88C35B3) & MASK) >> 32
        return r - (1 << 32) if r >> 31 else r

    def next_int(self, bound):
        r = self._mix32(self._next_seed())
        m = bound - 1
        if bound & m == 0:
            return r & m
        u = (r & 0xFFFFFFFF) >> 1
        while True:
            r = u % bound
            if u + m - r < (1 << 31):  # Java's int overflow check: u + m - r must stay non-negative
                return r
            u = (self._mix32(self._next_seed()) & 0xFFFFFFFF) >> 1


def permutation(n, seed, stream):
    p = list(range(n))
    rnd = SplittableRandom(mix(seed, stream))
    for i in range(n - 1, 0, -1):
        j = rnd.next_int(i + 1)
        p[i], p[j] = p[j], p[i]
    return np.array(p, dtype=np.int64)


def idx(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def find(folder, stem):
    for name in (stem + ".gz", stem):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    raise SystemExit("missing %s in %s (apt-get install dataset-fashion-mnist)" % (stem, folder))


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    epochs, batch, seed, lr = 5, 64, 42, 1e-3
    torch.set_num_threads(2)
    torch.set_num_interop_threads(1)
    torch.manual_seed(seed)
    x = idx(find(folder, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32)
    y = idx(find(folder, "train-labels-idx1-ubyte")).astype(np.int64)
    xt = idx(find(folder, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32)
    yt = idx(find(folder, "t10k-labels-idx1-ubyte")).astype(np.int64)
    norm = lambda a: (a / 255.0 - 0.2860) / 0.3530
    perm = permutation(len(x), seed, -1)
    val_idx, train_idx = np.sort(perm[:6000]), np.sort(perm[6000:])
    xtr, ytr = torch.from_numpy(norm(x[train_idx])), torch.from_numpy(y[train_idx])
    xva, yva = torch.from_numpy(norm(x[val_idx])), torch.from_numpy(y[val_idx])
    xte, yte = torch.from_numpy(norm(xt)), torch.from_numpy(yt)

    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
                          nn.Linear(512, 256), nn.ReLU(), nn.Dropout(0.2), nn.Linear(256, 10))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    n = len(xtr)
    per_epoch = (n + batch - 1) // batch
    total = epochs * per_epoch
    step = 0
    times = []
    gate = os.environ.get("KEEL_EPOCH_GATE")  # turns with other trainers (bench/apparel_lockstep.sh)
    if gate:  # named pipes: a waiting trainer blocks instead of polling (see EpochGate.java)
        open(gate + ".ready", "w").close()
    for epoch in range(epochs):
        if gate:
            with open(gate + ".go") as go:
                go.readline()
        order = torch.from_numpy(permutation(n, seed, epoch))
        model.train()
        t0 = time.perf_counter()
        loss_sum, right = 0.0, 0
        for b in range(per_epoch):
            for g in opt.param_groups:
                g["lr"] = lr * 0.5 * (1 + math.cos(math.pi * step / total))
            ids = order[b * batch:(b + 1) * batch]
            xb, yb = xtr[ids], ytr[ids]
            opt.zero_grad()
            out = model(xb)
            loss = loss_fn(out, yb)
            loss.backward()
            opt.step()
            # the epoch's running loss and accuracy, as the Java loop's evaluators keep them
            loss_sum += loss.item()
            right += (out.argmax(1) == yb).sum().item()
            step += 1
        model.eval()
        val_loss, val_right = 0.0, 0
        with torch.no_grad():
            # validation as the Java loop does it: batches of 512, loss and accuracy
            for s in range(0, len(xva), 512):
                out = model(xva[s:s + 512])
                val_loss += loss_fn(out, yva[s:s + 512]).item() * len(out)
                val_right += (out.argmax(1) == yva[s:s + 512]).sum().item()
        times.append(time.perf_counter() - t0)
        if gate:
            with open(gate + ".done", "w") as done:
                done.write("%d\n" % epoch)
        print("epoch %d: %.2f s, loss %.4f accuracy %.4f val_loss %.4f val_accuracy %.4f"
              % (epoch + 1, times[-1], loss_sum / per_epoch, right / n, val_loss / len(xva), val_right / len(xva)),
              file=sys.stderr)
    if gate:  # wait until every trainer is done timing before evaluating
        with open(gate + ".go") as go:
            go.readline()
    with torch.no_grad():
        test_acc = (model(xte).argmax(1) == yte).float().mean().item()
    print("RESULT pytorch.mlp.epoch_time.median %.4g s (torch %s, 2 threads; epochs %s)"
          % (sorted(times)[len(times) // 2], torch.__version__, " ".join("%.2f" % t for t in times)))
    print("RESULT pytorch.mlp.train_time %.4g s" % sum(times))
    print("epoch_times_s " + " ".join("%.3f" % t for t in times))
    print("RESULT pytorch.mlp.test_accuracy %.4f" % test_acc)
    print("first ten training indices of epoch 0: %s" % [int(i) for i in order_preview(n, seed)], file=sys.stderr)


def order_preview(n, seed):
    return list(permutation(n, seed, 0)[:10])


if __name__ == "__main__":
    main()
