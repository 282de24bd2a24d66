"""Trains a linear regression with plain gradient descent: standard library only, so the image
needs nothing beyond Python and the SageMaker training toolkit.

The training toolkit runs this as `python train.py --epochs N --learning-rate R` (the job's
hyperparameters), with the `train` channel's files under SM_CHANNEL_TRAIN; whatever lands in
SM_MODEL_DIR becomes the job's model.tar.gz.
"""
import argparse
import csv
import glob
import json
import os


def load_rows(channel_dir):
    """Reads every CSV file of the channel: feature columns, then the target in the last column."""
    rows = []
    for path in sorted(glob.glob(os.path.join(channel_dir, "**", "*.csv"), recursive=True)):
        with open(path, newline="") as f:
            for record in csv.reader(f):
                if not record or record[0].startswith("#"):
                    continue
                try:
                    values = [float(v) for v in record]
                except ValueError:
                    continue  # a header line
                rows.append((values[:-1], values[-1]))
    if not rows:
        raise SystemExit("no training rows found under %s" % channel_dir)
    return rows


def mean_squared_error(rows, weights, bias):
    total = 0.0
    for x, y in rows:
        err = sum(w * v for w, v in zip(weights, x)) + bias - y
        total += err * err
    return total / len(rows)


def train(rows, epochs, learning_rate):
    n_features = len(rows[0][0])
    weights = [0.0] * n_features
    bias = 0.0
    for _ in range(epochs):
        grad_w = [0.0] * n_features
        grad_b = 0.0
        for x, y in rows:
            err = sum(w * v for w, v in zip(weights, x)) + bias - y
            for i, v in enumerate(x):
                grad_w[i] += err * v
            grad_b += err
        weights = [w - learning_rate * 2 * g / len(rows) for w, g in zip(weights, grad_w)]
        bias -= learning_rate * 2 * grad_b / len(rows)
    return weights, bias


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--learning-rate", type=float, default=0.05)
    parser.add_argument("--train", default=os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train"))
    parser.add_argument("--model-dir", default=os.environ.get("SM_MODEL_DIR", "/opt/ml/model"))
    args, _unknown = parser.parse_known_args()

    rows = load_rows(args.train)
    weights, bias = train(rows, args.epochs, args.learning_rate)
    mse = mean_squared_error(rows, weights, bias)
    # The job's metric definitions read this line from the log.
    print("train_mse=%.6f;" % mse)

    os.makedirs(args.model_dir, exist_ok=True)
    model = {"weights": weights, "bias": bias, "epochs": args.epochs, "learning_rate": args.learning_rate,
             "rows": len(rows), "train_mse": mse}
    with open(os.path.join(args.model_dir, "model.json"), "w") as f:
        json.dump(model, f, indent=2)
    print("model written to %s: weights=%s bias=%.4f" % (args.model_dir, weights, bias))


if __name__ == "__main__":
    main()
