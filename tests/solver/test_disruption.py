"""The one roster-diff rule (solver.disruption.assignment_changes), worked out by hand."""

from solver.disruption import assignment_changes


def test_changes_between_two_assignments_by_hand():
    before = {"1": ("A", 36000), "2": ("A", 39600), "3": ("B", 43200), "4": ("B", 46800)}
    after = {"1": ("A", 36000 + 1800), "2": ("B", 39600 + 3600), "3": ("B", 43200 + 1801), "5": ("A", 50000)}
    changes = assignment_changes(before, after, 1800, lambda a, b: abs(a - b))
    assert changes.moved == {"2"}
    assert changes.retimed == {"2", "3"}  # 1 moved exactly the tolerance: not re-timed; 2 counts whoever serves it
    assert changes.lost == {"4"}
    assert changes.gained == {"5"}
