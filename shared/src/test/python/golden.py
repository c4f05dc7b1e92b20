"""Golden vectors for streamprop's learning engine (forward, loss, every gradient), from PyTorch.

Run from the repository root with Debian's python (PyTorch 1.13):

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 shared/src/test/python/golden.py

It writes shared/src/test/resources/golden/engine.json, read by EngineGoldenTest. Each case is a
small MLP in streamprop's layout (dense -> [batch norm] -> activation per hidden layer, then a
dense output layer), built in PyTorch with float32 and a fixed seed, run on one mini-batch in
training mode. The case records the spec (streamprop JSON), the inputs and labels, the parameters
in streamprop's names and layout (dense weights (in, out) row-major, i.e. PyTorch's weight
transposed), and what the Java engine must reproduce: the logits, the mean loss, the gradient of
every parameter, and with batch norm the running statistics after the step and the logits in
inference mode.
"""

import json
import os

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(20261127)

BATCH = 8
INPUTS = 5

ACTIVATIONS = {
    "identity": nn.Identity,
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky_relu": lambda: nn.LeakyReLU(0.01),
    "elu": lambda: nn.ELU(1.0),
    "gelu": lambda: nn.GELU(approximate="none"),
}

# name, hidden, activation, loss, outputs, batch_norm
CASES = [
    ("linear_softmax", [], "identity", "softmax_cross_entropy", 3, False),
    ("identity_softmax", [4], "identity", "softmax_cross_entropy", 3, False),
    ("sigmoid_softmax", [6, 4], "sigmoid", "softmax_cross_entropy", 3, False),
    ("tanh_mse", [6], "tanh", "mse", 1, False),
    ("relu_softmax", [7, 5], "relu", "softmax_cross_entropy", 4, False),
    ("leaky_relu_mse2", [6], "leaky_relu", "mse", 2, False),
    ("elu_bce", [6, 3], "elu", "binary_cross_entropy", 2, False),
    ("gelu_huber2", [6, 4], "gelu", "huber", 2, False),
    ("relu_bn_softmax", [6, 4], "relu", "softmax_cross_entropy", 3, True),
    ("tanh_bn_mse", [6], "tanh", "mse", 1, True),
    ("gelu_bn_bce", [5, 4, 3], "gelu", "binary_cross_entropy", 2, True),
]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def spec_json(hidden, activation, loss, outputs, batch_norm):
    spec = {
        "inputs": INPUTS,
        "hidden": hidden,
        "activation": activation,
        "loss": loss,
        "batch_norm": batch_norm,
        "batch_size": BATCH,
        "standardize": False,
    }
    if loss in ("mse", "huber"):
        spec["task"] = "regression"
        spec["targets"] = outputs
    else:
        spec["classes"] = outputs
    return spec


def make_case(name, hidden, activation, loss_name, outputs, batch_norm):
    out_width = 1 if loss_name == "binary_cross_entropy" else outputs
    linears, norms, layers = [], [], []
    width_in = INPUTS
    for width in hidden:
        lin = nn.Linear(width_in, width)
        linears.append(lin)
        layers.append(lin)
        if batch_norm:
            bn = nn.BatchNorm1d(width, eps=1e-5, momentum=0.1)
            # Non-trivial gamma and beta so their gradients are checked in general position.
            with torch.no_grad():
                bn.weight.uniform_(0.5, 1.5)
                bn.bias.uniform_(-0.5, 0.5)
            norms.append(bn)
            layers.append(bn)
        layers.append(ACTIVATIONS[activation]())
        width_in = width
    out = nn.Linear(width_in, out_width)
    linears.append(out)
    layers.append(out)
    net = nn.Sequential(*layers)
    net.train()

    x = torch.randn(BATCH, INPUTS) * 1.5
    if loss_name == "softmax_cross_entropy":
        labels = torch.randint(0, outputs, (BATCH,))
        target = labels
        label_values = [float(v) for v in labels.tolist()]
        loss_fn = nn.CrossEntropyLoss()
    elif loss_name == "binary_cross_entropy":
        labels = torch.randint(0, 2, (BATCH,)).float()
        target = labels.reshape(BATCH, 1)
        label_values = flat(labels)
        loss_fn = nn.BCEWithLogitsLoss()
    elif loss_name == "mse":
        target = torch.randn(BATCH, outputs)
        label_values = flat(target)
        loss_fn = nn.MSELoss()
    else:  # huber: targets spread so that both the quadratic and the linear part occur
        target = torch.randn(BATCH, outputs) * 2.0
        label_values = flat(target)
        loss_fn = nn.HuberLoss(delta=1.0)

    params = {}
    for i, lin in enumerate(linears):
        params[f"dense.{i}.weight"] = flat(lin.weight.t())
        params[f"dense.{i}.bias"] = flat(lin.bias)
    for i, bn in enumerate(norms):
        params[f"bn.{i}.gamma"] = flat(bn.weight)
        params[f"bn.{i}.beta"] = flat(bn.bias)

    logits = net(x)
    loss = loss_fn(logits, target)
    loss.backward()

    grads = {}
    for i, lin in enumerate(linears):
        grads[f"dense.{i}.weight"] = flat(lin.weight.grad.t())
        grads[f"dense.{i}.bias"] = flat(lin.bias.grad)
    for i, bn in enumerate(norms):
        grads[f"bn.{i}.gamma"] = flat(bn.weight.grad)
        grads[f"bn.{i}.beta"] = flat(bn.bias.grad)

    case = {
        "name": name,
        "spec": spec_json(hidden, activation, loss_name, outputs, batch_norm),
        "batch": BATCH,
        "input": flat(x),
        "labels": label_values,
        "params": params,
        "logits": flat(logits),
        "loss": float(loss.item()),
        "grads": grads,
    }
    if batch_norm:
        case["running"] = {}
        for i, bn in enumerate(norms):
            case["running"][f"bn.{i}.running_mean"] = flat(bn.running_mean)
            case["running"][f"bn.{i}.running_var"] = flat(bn.running_var)
        net.eval()
        with torch.no_grad():
            case["inference_logits"] = flat(net(x))
    return case


def main():
    cases = [make_case(*c) for c in CASES]
    doc = {
        "generator": "shared/src/test/python/golden.py",
        "torch": torch.__version__,
        "cases": cases,
    }
    root = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(root, "..", "resources", "golden", "engine.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
