"""Byline's screens."""
