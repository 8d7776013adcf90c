"""Context corruption (training augmentation): damages pitched stems only, keeps shapes."""
import numpy as np

from model.codec import DEFAULT_LAYOUT
from model.data.dataset import corrupt_context


def _rolls(rng, b=64, c=32):
    roll = (rng.random((b, c, DEFAULT_LAYOUT.channels)) < 0.1).astype(np.float32)
    return roll


def test_off_changes_nothing():
    rng = np.random.default_rng(0)
    roll = _rolls(rng)
    before = roll.copy()
    corrupt_context(roll, np.random.default_rng(1), 0.0)
    np.testing.assert_array_equal(roll, before)


def test_pitched_stems_damaged_drums_kept():
    rng = np.random.default_rng(0)
    roll = _rolls(rng)
    before = roll.copy()
    corrupt_context(roll, np.random.default_rng(1), 1.0)
    drums = DEFAULT_LAYOUT.slice("drums")
    np.testing.assert_array_equal(roll[..., drums], before[..., drums])
    changed = {s.name: int(sum(not np.array_equal(roll[b][:, DEFAULT_LAYOUT.slice(s.name)],
                                                  before[b][:, DEFAULT_LAYOUT.slice(s.name)])
                               for b in range(len(roll))))
               for s in DEFAULT_LAYOUT.stems if not s.drums}
    # each pitched stem is damaged in about half of the windows
    assert all(15 <= n <= 50 for n in changed.values()), changed
    assert roll.shape == before.shape and roll.max() <= 1.0 and roll.min() >= 0.0
    # corruption never adds notes beyond what a transposition moves: total activity does not grow
    assert roll.sum() <= before.sum()


def test_deterministic_from_rng():
    a, b = _rolls(np.random.default_rng(0)), _rolls(np.random.default_rng(0))
    corrupt_context(a, np.random.default_rng(5), 0.7)
    corrupt_context(b, np.random.default_rng(5), 0.7)
    np.testing.assert_array_equal(a, b)
