"""The roster workflow: a region's day as a problem, drafts from solves, moves, compare, publish, the console's view."""
