"""The training logic the toolkit calls through SAGEMAKER_TRAINING_MODULE=my_pkg.training:main."""
import json
import os


def main():
    model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
    os.makedirs(model_dir, exist_ok=True)
    hyperparameters = json.loads(os.environ.get("SM_HPS", "{}"))
    with open(os.path.join(model_dir, "model.json"), "w") as f:
        json.dump({"hyperparameters": hyperparameters}, f)


if __name__ == "__main__":
    main()
