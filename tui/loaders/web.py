"""http(s) URLs: fetched, then read as a feed when they are one and as HTML otherwise."""

from __future__ import annotations

from tui import __version__
from tui.errors import BylineError
from tui.loaders.base import shown

TIMEOUT_SECONDS = 20
MAX_BYTES = 32 << 20


def is_url(name: str) -> bool:
    return name.lower().startswith(("http://", "https://"))


def fetch(url: str) -> tuple[bytes, str]:
    """The body of `url` and its content type; a one-line error when it cannot be fetched."""
    import urllib.error  # here, not at the top: urllib.request costs ~50 ms at every start
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": f"byline/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            data = response.read(MAX_BYTES + 1)
            kind = response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        status = f"HTTP {error.code} {error.reason}"
        raise BylineError(f"cannot fetch '{shown(url)}': {status}") from None
    except urllib.error.URLError as error:
        reason = error.reason if isinstance(error.reason, str) else _reason(error.reason)
        raise BylineError(f"cannot fetch '{shown(url)}': {reason} (are you offline?)") from None
    except TimeoutError:
        raise BylineError(f"cannot fetch '{shown(url)}': timed out (are you offline?)") from None
    except (OSError, ValueError) as error:  # e.g. a bad port, a connection reset mid-body
        raise BylineError(f"cannot fetch '{shown(url)}': {_reason(error)}") from None
    if len(data) > MAX_BYTES:
        raise BylineError(f"cannot fetch '{shown(url)}': larger than {MAX_BYTES >> 20} MB")
    return data, kind


def _reason(error: object) -> str:
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
