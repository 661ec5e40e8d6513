"""Byline's widgets: each does one job; messages go up, attributes come down."""
