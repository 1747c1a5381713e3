"""Treatment courses and the week plan: sessions spaced over days, planned a week (or two) at a time."""
