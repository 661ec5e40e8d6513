"""BylineApp: the Textual application. Screens and widgets sit on top of the plain-Python core."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tui import STYLES_DIR
from tui.analysis import Analyser, SteppedAnalyser
from tui.errors import BylineError
from tui.key_gate import KeyGateApp
from tui.model import Analysis, Article
from tui.safe_text import shown
from tui.screens.reader import ReaderScreen
from tui.scroll_region import ScrollRegionApp

if TYPE_CHECKING:
    from textual.driver import Driver

    from tui.messages import LookUp, OpenAt
    from tui.store import Library
    from tui.store.index import Found


#: Textual's system commands that write files on the machine Byline runs on.
FILE_WRITING_SYSTEM_COMMANDS = frozenset({"Screenshot"})


class BylineApp(KeyGateApp, ScrollRegionApp):
    """A terminal reader for news articles."""

    TITLE = "Byline"
    # The library, lookup and annotation screens bring their own stylesheets when first shown:
    # parsing them is not the reader's first frame's work.
    CSS_PATH = [STYLES_DIR / "app.tcss", STYLES_DIR / "reader.tcss"]
    BINDINGS = [
        Binding("q", "quit", "Quit"),
        Binding("L", "library", "Library", show=False),
        Binding("E", "find_entity", "Find entity", show=False),
        Binding("a", "annotate", "Annotate", show=False),
    ]

    def __init__(
        self,
        articles: Sequence[Article],
        *,
        model: str | None = None,
        analyser: Analyser | None = None,
        analyses: Mapping[int, Analysis] | None = None,
        library: Library | None = None,
        keep: Sequence[Article] = (),
        annotate: bool = False,
        annotator: str | None = None,
    ) -> None:
        """`analyser` replaces spaCy (e.g. with a cache in front); `analyses` are ones already
        known, by article index, which are shown at once and not recomputed. With a `library`,
        analyses are cached in it, the `keep` articles are added to it, and `L` opens it."""
        # Textual loads a screen's own stylesheet when it is pushed, not for the default screen.
        css_path = list(self.CSS_PATH)
        if annotate:
            from tui.screens.annotate import AnnotateScreen

            css_path.append(AnnotateScreen.CSS_PATH)
        super().__init__(css_path=css_path)
        # No animations: over SSH every animation frame is bytes on the wire and a delay.
        self.animation_level = "none"
        self.articles = list(articles)
        self.model = model
        self.library = library
        if analyser is None:
            from tui.analysis import AnalysisService

            analyser = AnalysisService(library, model)
        self.analyser = analyser
        self.analyses = dict(analyses or {})
        self._keep = list(keep)
        #: Annotation mode from the start (`byline annotate`), and as whom (None: the OS user).
        self.annotate = annotate and library is not None
        self.annotator = annotator

    def check_stylesheets(self) -> None:
        """Raise BylineError if a stylesheet is missing (a broken install): Textual would print
        a traceback and exit 0. Checked before the terminal is taken over."""
        for path in self.css_path:
            if not Path(path).is_file():
                shown_path = shown(str(path))
                raise BylineError(f"cannot read stylesheet '{shown_path}': reinstall byline")

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver, but one that stops reading the terminal while the app is behind
        (tui/input_pressure.py): a key flood must not grow the session's memory."""
        from tui.input_pressure import bounded_driver_class
        from tui.margin_scroll import margin_driver_class  # asks for left/right margins

        return margin_driver_class(bounded_driver_class(super().get_driver_class()))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's palette commands, but in a served session none that writes a file (the
        SVG "Screenshot" would land in the server account's Downloads): a served user's only
        writes are to the library."""
        from tui.serve import served

        commands = super().get_system_commands(screen)
        if not served():
            yield from commands
            return
        yield from (c for c in commands if c.title not in FILE_WRITING_SYSTEM_COMMANDS)

    def on_mount(self) -> None:
        #: The app drives a real terminal (or a browser), not a test's headless one.
        self.in_terminal = not self.is_headless
        self._quit_on_signals()
        if self.library is not None and self._keep:
            # After the first frame: storing a big article must not delay its text.
            self.call_after_refresh(self.run_worker, self._add_to_library, thread=True)

    def _quit_on_signals(self) -> None:
        """SIGTERM (a server shutting down) and SIGHUP (the terminal or SSH connection gone)
        quit as `q` does: the action in hand (a keystroke's store call) is finished and
        committed first, and the terminal is restored."""
        import asyncio
        import signal

        if self.is_headless:  # tests drive the app inside their own event loop
            return
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.exit)

    def on_unmount(self) -> None:
        """Quit: an analysis still running is dropped, not waited for (its child process is
        ended now; the worker thread that waited on it sees the cancel at once)."""
        if isinstance(self.analyser, SteppedAnalyser):
            self.analyser.close()

    def end_process(self, code: int) -> int:
        """Quit fast: the terminal is restored, the last store writes committed (the annotation
        writer is closed when its screen goes) and the library closed by now; the process ends
        here, exit status `code`, rather than through the interpreter's teardown of Textual's
        objects and modules (150-400 ms of every quit). Returns `code` for an app that ran
        headless (a test in its own process), where nothing ends."""
        if not getattr(self, "in_terminal", False):
            return code
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            with contextlib.suppress(Exception):
                if stream is not None:
                    stream.flush()
        os._exit(code)

    def _add_to_library(self) -> None:
        from tui.errors import BylineError

        assert self.library is not None
        try:
            self.library.add(self._keep)
        except BylineError as error:
            self.call_from_thread(
                self.notify, f"{error} (shown but not saved)", title="Library", severity="error"
            )

    def get_default_screen(self) -> ReaderScreen:
        if self.annotate:
            from tui.screens.annotate import AnnotateScreen
            from tui.store.annotations import Annotations

            assert self.library is not None
            return AnnotateScreen(
                self.articles,
                self.analyser,
                self.analyses,
                Annotations(self.library),
                self.annotator,
            )
        return ReaderScreen(self.articles, self.analyser, self.analyses)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "library":
            return isinstance(self.screen, ReaderScreen)
        if action == "annotate":
            screen = self.screen
            return isinstance(screen, ReaderScreen) and not getattr(screen, "annotating", False)
        if action == "find_entity":
            from tui.screens.lookup import LookupScreen

            return self.library is not None and isinstance(self.screen, ReaderScreen | LookupScreen)
        return True

    def action_annotate(self) -> None:
        """`a` in the reader: the same articles in annotation mode (`a` there comes back)."""
        from tui.screens.annotate import AnnotateScreen
        from tui.store.annotations import Annotations

        reader = self.screen
        if self.library is None:
            self.notify("Annotating needs a library (see byline --db)", severity="error")
            return
        if not isinstance(reader, ReaderScreen):
            return
        self.push_screen(
            AnnotateScreen(
                reader.articles,
                reader.analyser,
                reader.analyses,
                Annotations(self.library),
                self.annotator,
                current=reader.current,
                pushed=True,
            )
        )

    def action_library(self) -> None:
        from tui.errors import BylineError
        from tui.screens.library import LibraryScreen

        if self.library is None:
            self.notify("No library is open (see byline --db)", severity="error")
            return
        try:
            screen = LibraryScreen(self.library)  # counts the articles; reads them as shown
        except BylineError as error:
            self.notify(str(error), title="Library", severity="error")
            return
        self.push_screen(screen, self._open_from_library)

    def _open_from_library(self, article_id: int | None) -> None:
        if article_id is not None:
            self.call_later(self._open_article, article_id)  # once the library screen is gone

    def _open_article(self, article_id: int) -> None:
        from tui.errors import BylineError

        if self.library is None:
            return
        try:
            article = self.library.get(article_id)
        except BylineError as error:
            self.notify(str(error), title="Library", severity="error")
            return
        reader = ReaderScreen([article], self.analyser)
        self._stop_analysis_below()
        if len(self.screen_stack) > 1:  # one opened from the library before: replace it
            self.switch_screen(reader)
        else:
            self.push_screen(reader)

    # Entity lookup (`e` in the reader, `E` anywhere): the lookup screen opens articles at a span.

    def action_find_entity(self) -> None:
        from tui.screens.lookup import EntitySearchScreen

        if self.library is not None:
            self.push_screen(EntitySearchScreen(self.library), self._look_up_found)

    def _look_up_found(self, found: Found | None) -> None:
        if found is not None:
            self.call_later(self.look_up, found.name, found.label)

    def on_look_up(self, message: LookUp) -> None:
        self.look_up(message.name, message.label)

    def look_up(self, name: str, label: str | None = None) -> None:
        from tui.screens.lookup import LookupScreen

        if self.library is None:
            self.notify("No library is open (see byline --db)", severity="error")
            return
        self.push_screen(LookupScreen(self.library, name, label))

    def on_open_at(self, message: OpenAt) -> None:
        """An article from a lookup, at a span; `escape` there goes back to the lookup."""
        from tui.errors import BylineError

        if self.library is None:
            return
        try:
            article = self.library.get(message.article)
        except BylineError as error:
            self.notify(str(error), title="Library", severity="error")
            return
        self._stop_analysis_below()
        self.push_screen(
            ReaderScreen([article], self.analyser, mark=(message.start, message.end), back=True)
        )

    def _stop_analysis_below(self) -> None:
        """Another article takes the reader over: the analyses of the readers it covers stop
        (one analyser serves them one article at a time: the new one would wait for theirs).
        A reader shown again starts its own again (`ReaderScreen.on_screen_resume`)."""
        for screen in self.screen_stack:
            if isinstance(screen, ReaderScreen):
                screen.stop_analysis()
