"""Loaders: turn files, directories, stdin and URLs into sanitised `Article`s. No Textual here."""

from tui.loaders.base import Problem, Report
from tui.loaders.source import FORMATS, load_path, load_source
from tui.loaders.text import decode_bytes, load_text

__all__ = ["FORMATS", "Problem", "Report", "decode_bytes", "load_path", "load_source", "load_text"]
