"""Fits y = a*x + b to the `train` input by gradient descent and writes the model to the `model` output.

It uses only what PAI gives every job: hyperparameters in $PAI_CONFIG_DIR/hyperparameters.json (all values
are strings), the input channel at $PAI_INPUT_TRAIN, the output channel at $PAI_OUTPUT_MODEL.
"""
import csv
import json
import os
from pathlib import Path

config_dir = Path(os.environ["PAI_CONFIG_DIR"])
hps = json.loads((config_dir / "hyperparameters.json").read_text())
epochs = int(hps["epochs"])
lr = float(hps["learning_rate"])

with open(os.environ["PAI_INPUT_TRAIN"], newline="") as f:
    rows = [(float(r["x"]), float(r["y"])) for r in csv.DictReader(f)]
print(f"read {len(rows)} rows; training for {epochs} epochs at learning rate {lr}")

a, b = 0.0, 0.0
n = len(rows)
for epoch in range(1, epochs + 1):
    grad_a = sum(2 * (a * x + b - y) * x for x, y in rows) / n
    grad_b = sum(2 * (a * x + b - y) for x, y in rows) / n
    a, b = a - lr * grad_a, b - lr * grad_b
    if epoch % (epochs // 4 or 1) == 0:
        loss = sum((a * x + b - y) ** 2 for x, y in rows) / n
        print(f"epoch {epoch}/{epochs} loss {loss:.6f}")

model = {"a": round(a, 4), "b": round(b, 4), "loss": round(sum((a * x + b - y) ** 2 for x, y in rows) / n, 6)}
out = Path(os.environ["PAI_OUTPUT_MODEL"])
out.mkdir(parents=True, exist_ok=True)
(out / "model.json").write_text(json.dumps(model) + "\n")
print(f"model: y = {model['a']} * x + {model['b']} (loss {model['loss']}), written to {out / 'model.json'}")
