"""The pty harness's own checks: what it says about a frame must hold however the program's
output is cut into reads (a torn frame read as whole is a test that lies)."""

from __future__ import annotations

from terminal import SYNC_BEGIN, SYNC_END, SYNC_QUERY, Emulator


def fed_in_pieces(data: bytes, size: int) -> Emulator:
    emulator = Emulator(20, 3)
    for at in range(0, len(data), size):
        emulator.feed(data[at : at + size])
    return emulator


def test_a_frame_is_open_whatever_the_reads_cut_its_mark() -> None:
    frame_open = b"old" + SYNC_BEGIN + b"half of a new"
    for size in range(1, len(frame_open) + 1):
        assert fed_in_pieces(frame_open, size).in_frame, size
        assert not fed_in_pieces(frame_open + SYNC_END, size).in_frame, size


def test_the_question_about_frames_is_heard_once_whatever_the_reads_cut() -> None:
    asked = b"\x1b[c" + SYNC_QUERY + b"\x1b[?25l" + SYNC_QUERY
    for size in range(1, len(asked) + 1):
        assert fed_in_pieces(asked, size).sync_queries == 2, size
