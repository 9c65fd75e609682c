import math

from hypothesis import given
from hypothesis import strategies as st

from storyline.stories.metrics import auc_same_story, pearson


def test_auc_counts_ordered_pairs_and_ties():
    truth = [1, 1, 3, 4]
    assert auc_same_story([1.0, 1.2, 3.0, 3.5], truth) == 1.0
    assert auc_same_story([3.0, 1.2, 3.0, 3.5], truth) == 0.875  # one tie of four pairs
    assert math.isnan(auc_same_story([1.0, 2.0], [1, 1]))


def test_pearson_of_a_constant_is_nan():
    assert math.isnan(pearson([1, 1, 1], [1, 2, 3]))
    assert abs(pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12


@given(st.lists(st.floats(1, 4), min_size=3, max_size=30))
def test_auc_of_the_truth_itself_is_one_when_both_classes_exist(truth):
    has_both = any(t <= 1.5 for t in truth) and any(t >= 2.5 for t in truth)
    if has_both:
        assert auc_same_story(truth, truth) == 1.0
