"""Booking: offers over the coming days, held while the patient decides, taken as promised visits."""
