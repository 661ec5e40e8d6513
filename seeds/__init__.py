"""Bundled sample articles (package data: tui.seeds in the wheel)."""
