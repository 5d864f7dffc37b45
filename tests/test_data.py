"""The committed dataset and base model are what the scripts in data/ make."""

import subprocess
import sys

from kit import KIT_ROOT
from kit.course import DATASETS

IMAGES = KIT_ROOT / "data" / "images"


def test_generator_reproduces_the_committed_images(tmp_path):
    subprocess.run([sys.executable, "make_images.py", "--out", str(tmp_path / "images"),
                    "--heldout", str(tmp_path / "heldout")], cwd=KIT_ROOT / "data", check=True, capture_output=True)
    for folder, count in (("images", 2 * DATASETS["v2"]), ("heldout", 80)):
        committed = sorted(path.name for path in (KIT_ROOT / "data" / folder).glob("*.jpg"))
        assert sorted(path.name for path in (tmp_path / folder).glob("*.jpg")) == committed
        assert len(committed) == count
        differing = [name for name in committed
                     if (tmp_path / folder / name).read_bytes() != (KIT_ROOT / "data" / folder / name).read_bytes()]
        assert differing == []


def test_heldout_images_are_not_in_the_dataset():
    heldout = {path.name for path in (KIT_ROOT / "data" / "heldout").glob("*.jpg")}
    assert heldout and not heldout & {path.name for path in IMAGES.glob("*.jpg")}


def test_generator_is_deterministic_and_varied():
    sys.path.insert(0, str(KIT_ROOT / "data"))
    from animals import draw_animal

    first, again = draw_animal("cat", 3, 1).tobytes(), draw_animal("cat", 3, 1).tobytes()
    assert first == again
    assert draw_animal("cat", 4, 1).tobytes() != first
    assert draw_animal("dog", 3, 1).tobytes() != first


def test_base_model_is_small_and_ships_beside_its_script():
    base = KIT_ROOT / "data" / "base.h5"
    assert base.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    assert base.stat().st_size < 2_000_000
    assert (KIT_ROOT / "data" / "make_base.py").exists()
