"""The category classifier: training on drawn objects, files, the shipped model."""

import cv2
import numpy as np
import pytest

from groupbuy.snap.recognition import grocery, train
from groupbuy.snap.recognition.category_encoder import CategoryEncoder, EncoderSettings
from groupbuy.snap.recognition.classifier import (
    CategoryClassifier,
    load_default_classifier,
    train_category_classifier,
)

# Hue (OpenCV's 0..180 scale) and texture of each drawn kind of object.
KINDS = {
    "tomato": (0, "spots"),
    "lime": (60, "stripes"),
    "blueberry-yoghurt": (115, "checks"),
}
SMALL_ENCODER = EncoderSettings(
    max_side=96, grid_step=8, pca_components=16, vocabulary_size=8, hue_bins=8
)


def draw_object(kind: str, seed: int) -> np.ndarray:
    """Return a textured blob of the kind's colour on a random grey background."""
    rng = np.random.default_rng(seed)
    hue, texture = KINDS[kind]
    hsv = np.zeros((128, 128, 3), np.uint8)
    hsv[...] = (0, 0, int(rng.integers(60, 200)))
    centre = tuple(int(v) for v in rng.integers(48, 80, 2))
    radius = int(rng.integers(30, 48))
    jittered_hue = int(np.clip(hue + rng.integers(-6, 7), 0, 179))
    cv2.circle(hsv, centre, radius, (jittered_hue, 200, 200), -1)
    pattern = np.zeros((128, 128), np.uint8)
    period = int(rng.integers(7, 11))
    if texture == "stripes":
        pattern[:, (np.arange(128) // period) % 2 == 0] = 1
    elif texture == "checks":
        rows, columns = np.indices((128, 128)) // period
        pattern[(rows + columns) % 2 == 0] = 1
    else:
        for _ in range(25):
            spot = tuple(int(v) for v in rng.integers(0, 128, 2))
            cv2.circle(pattern, spot, 3, 1, -1)
    inside = np.zeros((128, 128), np.uint8)
    cv2.circle(inside, centre, radius, 1, -1)
    hsv[..., 2] = np.where(inside & pattern, 120, hsv[..., 2])
    rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB).astype(np.float32)
    return np.clip(rgb + rng.normal(0, 6, rgb.shape), 0, 255).astype(np.uint8)


def labelled(seeds) -> list[tuple[np.ndarray, str]]:
    return [(draw_object(kind, seed), kind) for kind in KINDS for seed in seeds]


@pytest.fixture(scope="module")
def trained():
    training = labelled(range(8))
    encoder = CategoryEncoder.fit((image for image, _ in training), SMALL_ENCODER)
    return train_category_classifier(
        iter(training),  # a one-pass generator is enough
        encoder=encoder,
        parents={"tomato": "vegetables", "lime": "fruit", "blueberry-yoghurt": "dairy"},
        iterations=200,
    )


def test_trained_classifier_tells_held_out_objects_apart(trained):
    # given objects the classifier never saw
    held_out = labelled(range(100, 104))

    # when
    predicted = [trained.predict(image, top_k=1)[0] for image, _ in held_out]

    # then
    assert [p.label for p in predicted] == [kind for _, kind in held_out]
    assert all(p.probability > 0.5 and p.is_leaf for p in predicted)
    assert trained.labels == sorted(KINDS)
    assert trained.metadata == {"training_samples": 24}


def test_probabilities_sum_to_one_and_roll_up_to_parents(trained):
    # given
    image = draw_object("lime", 200)

    # when
    probabilities = trained.probabilities(image)
    parents = trained.ancestor_probabilities(probabilities)

    # then
    assert probabilities.shape == (3,)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    lime = probabilities[trained.labels.index("lime")]
    assert parents["fruit"] == pytest.approx(float(lime))
    assert set(parents) == {"vegetables", "fruit", "dairy"}


def test_classifier_survives_a_round_trip_through_a_file(trained, tmp_path):
    # given
    path = tmp_path / "model.npz"
    trained.save(path)

    # when
    loaded = CategoryClassifier.load(path)

    # then it predicts as before (weights are stored as float16)
    image = draw_object("tomato", 300)
    assert loaded.labels == trained.labels
    assert loaded.parents == trained.parents
    assert loaded.temperature == trained.temperature
    assert loaded.encoder.settings == SMALL_ENCODER
    np.testing.assert_allclose(
        loaded.probabilities(image), trained.probabilities(image), atol=1e-3
    )


def test_training_needs_two_labels():
    # given photos of a single category
    samples = labelled(range(2))[:2]

    # when / then
    with pytest.raises(ValueError, match="at least 2 labels"):
        train_category_classifier(samples)


def test_training_reuses_the_shipped_encoder_by_default():
    # given a catalog's few photos and no encoder of its own
    samples = labelled(range(3))

    # when
    classifier = train_category_classifier(samples, iterations=100)

    # then
    assert classifier.encoder is load_default_classifier().encoder
    assert classifier.predict(draw_object("lime", 400), top_k=1)[0].label == "lime"


def test_shipped_model_loads_once_and_names_grocery_categories():
    # given
    classifier = load_default_classifier()

    # when
    predictions = classifier.predict(draw_object("tomato", 1), top_k=5)

    # then
    assert load_default_classifier() is classifier
    assert len(classifier.labels) == 81
    assert {"granny-smith", "arla-standard-milk", "red-bell-pepper"} <= set(
        classifier.labels
    )
    assert classifier.ancestors_of("granny-smith") == ["apple", "fruit"]
    assert classifier.ancestors_of("avocado") == ["fruit"]
    assert classifier.ancestors_of("oatly-oat-milk") == ["oat-milk", "packages"]
    assert len(predictions) == 5
    assert all(p.label in classifier.labels for p in predictions)
    assert predictions[0].probability >= predictions[-1].probability


def test_training_command_learns_from_a_folder_per_category(tmp_path):
    # given photos filed as <category-slug>/<photo>.png
    for image, kind in labelled(range(3)):
        folder = tmp_path / "photos" / kind
        folder.mkdir(parents=True, exist_ok=True)
        count = len(list(folder.iterdir()))
        cv2.imwrite(
            str(folder / f"{count}.png"), cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
        )
    model_path = tmp_path / "model.npz"

    # when
    exit_code = train.main(
        ["folder", str(tmp_path / "photos"), "--out", str(model_path)]
    )

    # then
    classifier = CategoryClassifier.load(model_path)
    assert exit_code == 0
    assert classifier.labels == sorted(KINDS)
    assert classifier.predict(draw_object("tomato", 500), top_k=1)[0].label == "tomato"


def test_grocery_classes_become_a_category_tree(tmp_path):
    # given the dataset's classes.csv
    (tmp_path / "classes.csv").write_text(
        "Class Name (str),Class ID (int),Coarse Class Name (str),"
        "Coarse Class ID (int),Iconic Image Path (str),Product Description Path (str)\n"
        "Granny-Smith,1,Apple,0,/iconic-images-and-descriptions/Fruit/Apple/"
        "Granny-Smith/Granny-Smith_Iconic.jpg,/d.txt\n"
        "Avocado,5,Avocado,1,/iconic-images-and-descriptions/Fruit/Avocado/"
        "Avocado_Iconic.jpg,/d.txt\n"
        "Oatly-Oat-Milk,47,Oat-Milk,12,/iconic-images-and-descriptions/Packages/"
        "Oat-Milk/Oatly-Oat-Milk/Oatly-Oat-Milk_Iconic.jpg,/d.txt\n",
        encoding="utf-8",
    )

    # when
    classes = grocery.read_classes(tmp_path)

    # then
    assert [c.slug for c in classes] == ["granny-smith", "avocado", "oatly-oat-milk"]
    assert grocery.category_parents(classes) == {
        "granny-smith": "apple",
        "apple": "fruit",
        "avocado": "fruit",
        "oatly-oat-milk": "oat-milk",
        "oat-milk": "packages",
    }
