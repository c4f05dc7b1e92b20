"""Reference prequential accuracies for docs/learning-quality.md, on the test datasets in stream order.

Run from the repository root with Debian's python (scikit-learn 1.2, PyTorch 1.13):

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 shared/src/test/python/learning_quality.py [batch]

(Haswell, not SkylakeX: these AMD EPYC machines have AVX2 but no AVX-512, and scikit-learn's
BLAS calls die with SIGILL under the SkylakeX kernels.)

Single pass, test-then-train on mini-batches of `batch` examples (default 8, streamprop's default), inputs standardized
online with statistics that include the current batch (as streamprop does). Learners:
- sklearn MLPClassifier(hidden_layer_sizes=(64, 32), solver adam, lr 0.001 (its default)) via
  partial_fit;
- sklearn SGDClassifier(loss="log_loss") via partial_fit (a linear model);
- PyTorch: the same MLP as streamprop's defaults (one hidden layer of 64 ReLU, Adam lr 0.01,
  softmax cross-entropy, clip 5), one step per batch; and the same with hidden (64, 32) and lr
  0.003, a deeper and slower alternative to the defaults.
The score is accuracy over every example of every full batch, before the model learned from it.

With `regression` as the second argument it scores the regression streams (diabetes, diamonds5k)
instead: prequential MSE in the target's own units, with the targets standardized online the way
streamprop does it (the batch is scored with target statistics from before it, then its labels
join them and the model learns the standardized labels). Learners: the running-mean baseline (each
example predicted by the mean of the labels before it), sklearn SGDRegressor (linear, squared
error) and MLPRegressor (64, 32), and PyTorch with streamprop's default MLP (64 ReLU, Adam lr 0.01,
MSE, clip 5), with PyTorch's default initialization, with He normal and zero biases on every layer
(streamprop's `init: he_normal`), and with He normal on the hidden layer only:

    OPENBLAS_CORETYPE=Haswell /usr/bin/python3 shared/src/test/python/learning_quality.py 8 regression
"""

import os
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "data")
SETS = ["iris", "wine", "breast_cancer", "digits", "letter"]
REGRESSION_SETS = ["diabetes", "diamonds5k"]


def load(name, dtype=np.int64):
    path = os.path.join(DATA, name + ".csv")
    if not os.path.exists(path):
        path += ".gz"
    raw = np.loadtxt(path, delimiter=",", skiprows=1)
    return raw[:, :-1].astype(np.float64), raw[:, -1].astype(dtype)


def batches(x, y, batch):
    for start in range(0, len(y) - batch + 1, batch):
        yield x[start : start + batch], y[start : start + batch]


class OnlineScaler:
    def __init__(self, n):
        self.count, self.mean, self.m2 = 0.0, np.zeros(n), np.zeros(n)

    def update(self, xb):
        for row in xb:
            self.count += 1
            delta = row - self.mean
            self.mean += delta / self.count
            self.m2 += delta * (row - self.mean)

    def transform(self, xb):
        var = self.m2 / self.count
        scale = np.where(self.m2 > 0, 1.0 / np.sqrt(var + 1e-8), 1.0)
        return ((xb - self.mean) * scale).astype(np.float32)


def prequential(make, x, y, batch):
    classes = np.arange(y.max() + 1)
    scaler = OnlineScaler(x.shape[1])
    model = None
    correct = scored = 0
    for xb, yb in batches(x, y, batch):
        scaler.update(xb)
        xs = scaler.transform(xb)
        if model is None:
            model = make()
            predicted = np.zeros(len(yb), dtype=np.int64)  # untrained: class 0
        else:
            predicted = model.predict(xs)
        correct += int((predicted == yb).sum())
        scored += len(yb)
        model.partial_fit(xs, yb, classes=classes)
    return correct / scored


class TorchMlp:
    def __init__(self, inputs, classes, hidden=(64,), lr=0.01, seed=42):
        import torch

        torch.manual_seed(seed)
        layers, width = [], inputs
        for h in hidden:
            layers += [torch.nn.Linear(width, h), torch.nn.ReLU()]
            width = h
        layers.append(torch.nn.Linear(width, classes))
        self.net = torch.nn.Sequential(*layers)
        self.opt = torch.optim.Adam(self.net.parameters(), lr=lr)
        self.torch = torch

    def predict(self, xs):
        with self.torch.no_grad():
            return self.net(self.torch.from_numpy(xs)).argmax(1).numpy()

    def partial_fit(self, xs, yb, classes=None):
        torch = self.torch
        self.opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(self.net(torch.from_numpy(xs)), torch.from_numpy(yb))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.net.parameters(), 5.0)
        self.opt.step()


def prequential_regression(make, x, y, batch):
    """Prequential MSE in y's units; targets standardized online, scored before they join."""
    inputs = OnlineScaler(x.shape[1])
    targets = OnlineScaler(1)
    model = None
    squared = scored = 0.0
    for xb, yb in batches(x, y, batch):
        inputs.update(xb)
        xs = inputs.transform(xb)
        if model is None:
            model = make()
            z = np.zeros(len(yb))  # untrained: 0 in standardized units
        else:
            z = model.predict(xs).reshape(-1)
        if targets.count > 0:
            scale = np.where(targets.m2 > 0, np.sqrt(targets.m2 / targets.count + 1e-8), 1.0)
            predicted = z * scale[0] + targets.mean[0]
        else:
            predicted = z
        squared += float(((predicted - yb) ** 2).sum())
        scored += len(yb)
        targets.update(yb.reshape(-1, 1))
        model.partial_fit(xs, targets.transform(yb.reshape(-1, 1)).reshape(-1))
    return squared / scored


def running_mean_mse(y, rows):
    mean, squared = 0.0, 0.0
    for i in range(rows):
        error = y[i] - mean
        squared += error * error
        mean += error / (i + 1)
    return squared / rows


class TorchRegressor(TorchMlp):
    def predict(self, xs):
        with self.torch.no_grad():
            return self.net(self.torch.from_numpy(xs)).numpy()

    def partial_fit(self, xs, zb):
        torch = self.torch
        self.opt.zero_grad()
        out = self.net(torch.from_numpy(xs)).reshape(-1)
        loss = torch.nn.functional.mse_loss(out, torch.from_numpy(zb.astype(np.float32)))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.net.parameters(), 5.0)
        self.opt.step()


class HeTorchRegressor(TorchRegressor):
    """TorchRegressor initialized as streamprop's `init: he_normal`: He normal, zero biases."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for layer in self.net:
            if isinstance(layer, self.torch.nn.Linear):
                self.torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                self.torch.nn.init.zeros_(layer.bias)


class HeHiddenTorchRegressor(TorchRegressor):
    """He normal and zero biases on the hidden layers, PyTorch's default on the output weights."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        linear = [m for m in self.net if isinstance(m, self.torch.nn.Linear)]
        for layer in linear[:-1]:
            self.torch.nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            self.torch.nn.init.zeros_(layer.bias)
        self.torch.nn.init.zeros_(linear[-1].bias)


def regression(batch):
    import torch
    from sklearn.linear_model import SGDRegressor
    from sklearn.neural_network import MLPRegressor

    torch.set_num_threads(1)
    print(f"regression, batch {batch}: prequential MSE in the target's units")
    for name in REGRESSION_SETS:
        x, y = load(name, np.float64)
        rows = (len(y) // batch) * batch
        base = running_mean_mse(y, rows)
        sgd = prequential_regression(lambda: SGDRegressor(random_state=42), x, y, batch)
        mlp = prequential_regression(
            lambda: MLPRegressor(hidden_layer_sizes=(64, 32), random_state=42), x, y, batch
        )
        tmlp = [
            prequential_regression(lambda: TorchRegressor(x.shape[1], 1, seed=s), x, y, batch)
            for s in (42, 7, 1)
        ]
        he = [
            prequential_regression(lambda: HeTorchRegressor(x.shape[1], 1, seed=s), x, y, batch)
            for s in (42, 7, 1)
        ]
        hidden = [
            prequential_regression(
                lambda: HeHiddenTorchRegressor(x.shape[1], 1, seed=s), x, y, batch
            )
            for s in (42, 7, 1)
        ]
        print(
            f"{name:11s} running-mean {base:.6g}  sklearn-sgd {sgd:.6g}  sklearn-mlp {mlp:.6g}"
            f"  torch [64] lr 0.01 seeds 42/7/1 " + " ".join(f"{t:.6g}" for t in tmlp)
            + "  same with He-normal init " + " ".join(f"{t:.6g}" for t in he)
            + "  He-normal hidden, default output " + " ".join(f"{t:.6g}" for t in hidden)
        )


def main():
    batch = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    if len(sys.argv) > 2 and sys.argv[2] == "regression":
        regression(batch)
        return
    import torch
    from sklearn.linear_model import SGDClassifier
    from sklearn.neural_network import MLPClassifier

    torch.set_num_threads(1)
    print(f"batch {batch}")
    for name in SETS:
        x, y = load(name)
        k = int(y.max() + 1)
        mlp = prequential(
            lambda: MLPClassifier(hidden_layer_sizes=(64, 32), random_state=42), x, y, batch
        )
        sgd = prequential(lambda: SGDClassifier(loss="log_loss", random_state=42), x, y, batch)
        tmlp = prequential(lambda: TorchMlp(x.shape[1], k), x, y, batch)
        old = prequential(lambda: TorchMlp(x.shape[1], k, (64, 32), 0.003), x, y, batch)
        print(
            f"{name:14s} sklearn-mlp {mlp:.4f}  sklearn-sgd {sgd:.4f}"
            f"  torch [64] lr 0.01 {tmlp:.4f}  torch [64,32] lr 0.003 {old:.4f}"
        )


if __name__ == "__main__":
    main()
