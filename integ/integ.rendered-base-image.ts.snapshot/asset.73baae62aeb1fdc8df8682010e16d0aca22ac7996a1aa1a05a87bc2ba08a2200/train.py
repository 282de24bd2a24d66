"""A small training program: reads the hyperparameters and the train channel, writes a model."""
import argparse
import json
import os

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=1)
args, _ = parser.parse_known_args()

train_dir = os.environ.get("SM_CHANNEL_TRAIN", "/opt/ml/input/data/train")
files = sorted(os.listdir(train_dir)) if os.path.isdir(train_dir) else []
model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
os.makedirs(model_dir, exist_ok=True)
with open(os.path.join(model_dir, "model.json"), "w") as f:
    json.dump({"epochs": args.epochs, "files": files}, f)
