"""Loaders: turn files and streams into sanitised `Article`s. No Textual here."""

from tui.loaders.text import decode_bytes, load_path, load_text

__all__ = ["decode_bytes", "load_path", "load_text"]
