"""The week plan: a region's horizon of days, courses of sessions, weekly caps (docs/week-document.md)."""
