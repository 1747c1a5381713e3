"""The day under way: what nurses report, what the dispatcher is told, re-planning input, urgent slots, a nurse's own day."""
