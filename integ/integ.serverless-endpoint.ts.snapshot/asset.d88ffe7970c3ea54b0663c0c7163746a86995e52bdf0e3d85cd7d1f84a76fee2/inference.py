"""Inference handlers for the SageMaker inference toolkit (SAGEMAKER_PROGRAM=inference.py)."""
import json
import os


def model_fn(model_dir):
    with open(os.path.join(model_dir, "model.json")) as f:
        return json.load(f)


def predict_fn(data, model):
    return {"model": model, "input": data}
