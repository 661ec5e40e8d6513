"""Textual stylesheets (package data: tui.styles in the wheel)."""
