"""Offline batch inference with oar inside Ray Data, on one machine.

Classifies the 450 test images of scikit-learn's 8x8 digits (the split the
digits CNN was trained with, tests/data/models/digits_cnn/ACCURACY.txt) with
oar's Python API inside Ray Data's `map_batches`: a pool of actors, each
holding one predictor made once and reused for every batch. On a cluster the
same script runs unchanged after `ray.init(address=...)`.

Checks, so CI catches a wrong answer and not only a crash: every prediction
equals the one oar makes in this process on the same image, and the accuracy
equals the one recorded when Paddle trained the model.

    python3 examples/batch/ray_digits.py [MODEL_DIR]
"""
import os
import sys

import numpy as np
import ray
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import oar.inference as paddle_infer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/data/models/digits_cnn")


def make_predictor():
    config = paddle_infer.Config(MODEL)
    config.set_cpu_math_library_num_threads(1)  # one thread per actor: Ray runs the actors in parallel
    return paddle_infer.create_predictor(config)


class DigitsClassifier:
    """One Ray actor: the predictor is made once, in __init__, not per batch."""

    def __init__(self):
        self.predictor = make_predictor()

    def __call__(self, batch):
        images = np.stack(batch["image"]).astype(np.float32)  # [n, 1, 8, 8]
        scores, = self.predictor.run([images])
        batch["predicted"] = scores.argmax(axis=1)
        batch["score"] = scores.max(axis=1)
        return batch


def test_split():
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32).reshape(-1, 1, 8, 8)
    _, x_test, _, y_test = train_test_split(images, digits.target, test_size=0.25, random_state=0,
                                            stratify=digits.target)
    return x_test, y_test


def recorded_accuracy():
    with open(os.path.join(MODEL, "ACCURACY.txt")) as f:
        fields = dict(line.split(None, 1) for line in f if line.strip())
    return float(fields["test_accuracy"])


def main():
    x_test, y_test = test_split()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        ds = ray.data.from_items([{"id": i, "image": x, "label": int(y)}
                                  for i, (x, y) in enumerate(zip(x_test, y_test))])
        ds = ds.map_batches(DigitsClassifier, batch_size=64, batch_format="numpy",
                            compute=ray.data.ActorPoolStrategy(size=2))
        rows = sorted(ds.take_all(), key=lambda r: r["id"])
    finally:
        ray.shutdown()

    predicted = np.array([r["predicted"] for r in rows])
    in_process, = make_predictor().run([x_test])
    if len(rows) != len(x_test) or not np.array_equal(predicted, in_process.argmax(axis=1)):
        sys.exit("ray_digits: Ray Data's predictions differ from oar's in this process")
    accuracy = float((predicted == y_test).mean())
    print(f"ray_digits: {len(rows)} images through Ray Data, accuracy {accuracy:.4f} "
          f"(recorded at training: {recorded_accuracy():.4f})")
    if abs(accuracy - recorded_accuracy()) > 5e-4:
        sys.exit("ray_digits: accuracy differs from the one recorded at training")


if __name__ == "__main__":
    main()
