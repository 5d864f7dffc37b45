"""Pre-train the small convolutional base shipped as data/base.h5.

The base learns a *different* task than the workshop's: telling apart six
other stylised animals (rabbit, bear, mouse, sheep, pig, fox). Its convolutional
layers then serve as a frozen feature extractor for cats and dogs, as VGG16
(pre-trained on ImageNet) did in the original workshop, at a fraction of the
cost. The final Rescaling layer keeps the features small, which keeps the
learner's dense head stable.

    python data/make_base.py [--out data/base.h5]   # about 2 minutes on 2 cores
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import numpy as np  # noqa: E402
import keras  # noqa: E402
from keras.applications.vgg16 import preprocess_input  # noqa: E402

from animals import PRETEXT_SPECIES, SIZE, draw_animal  # noqa: E402

SEED = 7
IMAGES_PER_SPECIES = 700
EPOCHS = 6
FEATURE_STD = 0.2  # target spread of the base's output features


def pretext_dataset():
    images, labels = [], []
    for label, species in enumerate(PRETEXT_SPECIES):
        for index in range(IMAGES_PER_SPECIES):
            images.append(np.asarray(draw_animal(species, index, SEED), dtype=np.float32))
            labels.append(label)
    return preprocess_input(np.stack(images)), np.array(labels)


def conv_base():
    inputs = keras.Input(shape=(SIZE, SIZE, 3))
    x = keras.layers.Rescaling(1 / 128)(inputs)
    for filters in (16, 32, 64, 64, 64):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D(2)(x)
    return keras.Model(inputs, x, name="conv_base")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=Path(__file__).parent / "base.h5", type=Path)
    args = parser.parse_args()

    keras.utils.set_random_seed(SEED)
    x, y = pretext_dataset()
    order = np.random.default_rng(SEED).permutation(len(x))
    x, y = x[order], y[order]

    base = conv_base()
    head = keras.layers.Dense(len(PRETEXT_SPECIES), activation="softmax")(keras.layers.Flatten()(base.output))
    classifier = keras.Model(base.input, head)
    classifier.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    classifier.fit(x, y, epochs=EPOCHS, batch_size=32, validation_split=0.15, verbose=2)

    # Scale the features down so the downstream dense head trains smoothly.
    std = float(base.predict(x[:500], verbose=0).std())
    scaled = keras.layers.Rescaling(FEATURE_STD / std, name="feature_scale")(base.output)
    final = keras.Model(base.input, scaled, name="base")
    final.save(args.out, include_optimizer=False)
    print(f"{args.out}: {final.count_params()} parameters, feature std before scaling {std:.3f}")


if __name__ == "__main__":
    main()
