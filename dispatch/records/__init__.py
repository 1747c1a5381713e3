"""Stored records a dispatcher keeps: regions, nurses, patients, visits, accounts, and who may take which visit."""
