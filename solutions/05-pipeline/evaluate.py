"""Step 4: measure the model's accuracy on the test features."""

import json
import os

# Keep TensorFlow quiet: no C++ logs, no oneDNN notice (set before importing it).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import keras
import numpy as np

test_features = np.load("preprocessed/test_features.npy")
test_labels = np.load("preprocessed/test_labels.npy")

model = keras.models.load_model("model.h5", compile=False)
model.compile(loss="binary_crossentropy", metrics=["accuracy"])
test_loss, test_acc = model.evaluate(test_features, test_labels, verbose=0)
print(f"test accuracy: {test_acc:.3f}")

with open("metrics.json", "w", encoding="utf-8") as f:
    json.dump({"test_accuracy": test_acc}, f)
