"""The orchestrator: stored data in, solver problems out, rosters back."""
