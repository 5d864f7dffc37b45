"""Step 3: train a small dense classifier on the features, save it as model.h5."""

import os

# Keep TensorFlow quiet: no C++ logs, no oneDNN notice (set before importing it).
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import absl.logging
import keras
import numpy as np
import yaml
from dvclive.keras import DVCLiveCallback

absl.logging.set_verbosity(absl.logging.ERROR)  # no "HDF5 is a legacy format" warning

with open("params.yaml", encoding="utf-8") as f:
    params = yaml.safe_load(f)["train"]

keras.utils.set_random_seed(42)
train_features = np.load("preprocessed/train_features.npy")
train_labels = np.load("preprocessed/train_labels.npy")
validation_features = np.load("preprocessed/validation_features.npy")
validation_labels = np.load("preprocessed/validation_labels.npy")

inputs = keras.Input(shape=train_features.shape[1:])
x = keras.layers.Flatten()(inputs)
x = keras.layers.Dense(params["units"], activation="relu")(x)
x = keras.layers.Dropout(params["dropout"])(x)
outputs = keras.layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.RMSprop(learning_rate=params["lr"]),
              metrics=["accuracy"])

history = model.fit(
    train_features, train_labels, epochs=params["epochs"],
    validation_data=(validation_features, validation_labels), verbose=0,
    callbacks=[DVCLiveCallback(dir="dvclive", dvcyaml=None)],
)
print(f"validation accuracy after {params['epochs']} epochs: {history.history['val_accuracy'][-1]:.3f}")
model.save("model.h5", include_optimizer=False)
