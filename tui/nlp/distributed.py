"""Analysis on a Dask cluster: `byline analyze --dask ADDRESS` and `byline add --analyze --dask`.

The client (the `byline` process) loads and sanitises the articles; their texts go to the
workers in batches; each worker loads the pipeline once, by name, through `load_pipeline` (the
same function as a single process), and sends back each article's `Analysis.to_json()`. The
client hands the analyses on in input order. Dask itself reruns the batch of a worker that died
on another worker; an article whose analysis raised is tried once more, on its own, and only
then reported. Only a bounded number of batches is in flight, so a million articles never sit
in the scheduler's memory at once.

`dask.distributed` is imported only here, and this module only when `--dask` is given.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Generator, Hashable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.errors import BylineError, UsageError

if TYPE_CHECKING:
    from distributed import Client

#: Batches waiting or running per worker: enough to keep each busy while results travel back.
IN_FLIGHT_PER_WORKER = 3
#: Seconds to wait for a scheduler (or for a local cluster's first worker) before giving up.
CONNECT_TIMEOUT = 20
_LOCAL = re.compile(r"local(?::(\d+))?")


@dataclass(frozen=True, slots=True)
class Failure:
    """An article whose analysis raised twice: its position in the input and the error."""

    index: int
    error: str


#: (articles done, articles in all, workers in use)
Progress = Callable[[int, int, int], None]


def parse_address(address: str) -> tuple[str | None, int]:
    """(scheduler address, 0) or (None, worker processes) for `local[:N]`."""
    local = _LOCAL.fullmatch(address)
    if local:
        workers = int(local.group(1)) if local.group(1) else (os.cpu_count() or 1)
        if workers < 1:
            raise UsageError("--dask local:N needs at least one worker")
        return None, workers
    if "://" not in address and not re.fullmatch(r"[\w.\-\[\]:]+:\d+", address):
        raise UsageError(
            f"--dask {address!r}: give a scheduler address (tcp://host:8786) or local[:N]"
        )
    return address, 0


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise BylineError(
            "--dask needs Dask's distributed scheduler: pip install 'byline[dask]'"
        ) from None
    return distributed


@contextmanager
def dask_client(address: str) -> Iterator[Client]:
    """A client of the scheduler at `address`, or of a local cluster of N worker processes
    (one thread each: spaCy is not faster with threads) that is stopped afterwards."""
    scheduler, local_workers = parse_address(address)
    distributed = _import_distributed()
    import logging

    # Dask logs a worker's death, its restart, a lost connection as multi-line warnings; Byline
    # reports what matters (a failed article, an unreachable scheduler) itself, in one line.
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    # A local scheduler's HTTP endpoint (health, metrics) takes another port when 8787 is taken.
    warnings.filterwarnings("ignore", message="Port .* is already in use", category=UserWarning)
    cluster = None
    try:
        if scheduler is None:
            cluster = distributed.LocalCluster(
                n_workers=local_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.CRITICAL,
            )
            scheduler = cluster.scheduler_address
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as error:
        if cluster is not None:
            cluster.close()
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise BylineError(f"cannot reach the Dask scheduler at {address}: {reason}") from None
    try:
        yield client
    finally:
        with suppress(Exception):
            client.close()
        if cluster is not None:
            with suppress(Exception):
                cluster.close()


# On the workers.


def worker_model_id(model: str) -> str:
    """Load the pipeline on a worker (once per process) and return its id (the cache key)."""
    from tui.nlp.pipeline import load_pipeline, model_id

    return model_id(load_pipeline(model))


def analyse_batch(texts: Sequence[str], model: str, batch_size: int) -> list[dict | str]:
    """Each text's `Analysis.to_json()`, in order; a text whose analysis raised: the error's
    message (the rest of the batch is still analysed)."""
    from tui.nlp.analyze import analyze_text, analyze_texts
    from tui.nlp.pipeline import load_pipeline

    nlp = load_pipeline(model)  # a BylineError (model not installed) fails the whole run
    try:
        return [a.to_json() for a in analyze_texts(texts, nlp, batch_size=batch_size)]
    except Exception:  # one bad text: find it by analysing them one by one
        results: list[dict | str] = []
        for text in texts:
            try:
                results.append(analyze_text(text, nlp).to_json())
            except Exception as error:
                results.append(f"{type(error).__name__}: {error}".splitlines()[0])
        return results


# On the client.


def model_on_cluster(client: Client, model: str) -> str:
    """Load the model on every worker at once (not one after another as batches reach them);
    its id as the workers load it. A worker without the model is a BylineError."""
    workers = list(client.scheduler_info().get("workers", {})) or [None]
    futures = [
        client.submit(
            worker_model_id, model, pure=False, workers=[w] if w else None, allow_other_workers=True
        )
        for w in workers
    ]
    try:
        return client.gather(futures)[0]
    except BylineError as error:
        raise BylineError(f"on a Dask worker: {error}") from None


def analyse_on_cluster(
    client: Client,
    texts: Sequence[str],
    model: str,
    *,
    batch_size: int = 16,
    progress: Progress | None = None,
    failed: Callable[[Failure], None] | None = None,
) -> Generator[tuple[int, list[tuple[int, dict]]], None, None]:
    """Analyse `texts` on the cluster. Yields (articles done so far, [(index, analysis json)])
    for each batch in input order; an article that failed twice is passed to `failed` and left
    out. Closing the generator (Ctrl-C, a broken pipe) cancels every future still pending."""
    from distributed import as_completed

    total = len(texts)
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    # A few articles are still spread over every worker: at least two batches each.
    size = max(1, min(batch_size, -(-total // (2 * workers))))
    batches = [range(at, min(at + size, total)) for at in range(0, total, size)]
    window = max(2, workers * IN_FLIGHT_PER_WORKER)
    pending = as_completed()
    batch_of: dict[
        Hashable, tuple[int, list[int], bool]
    ] = {}  # future key -> (batch, indices, retry)
    ready: dict[int, list[tuple[int, dict]]] = {}
    retries: dict[int, int] = {}  # batch -> articles still being retried
    next_to_submit = next_to_yield = done = 0

    def submit(batch: int, indices: list[int], retry: bool) -> None:
        future = client.submit(
            analyse_batch, [texts[i] for i in indices], model, batch_size, pure=False
        )
        batch_of[future.key] = (batch, indices, retry)
        pending.add(future)

    def fill() -> None:
        nonlocal next_to_submit
        while next_to_submit < len(batches) and pending.count() < window:
            submit(next_to_submit, list(batches[next_to_submit]), False)
            next_to_submit += 1

    try:
        fill()
        for future in pending:
            batch, indices, retry = batch_of.pop(future.key)
            final = retry  # a retried article that fails again is reported, not retried
            try:
                results = future.result()
            except BylineError as error:
                raise BylineError(f"on a Dask worker: {error}") from None
            except Exception as error:  # e.g. KilledWorker: the batch killed several workers
                reason = f"{type(error).__name__}: {error}".splitlines()[0]
                results = [reason] * len(indices)
                final = True
            got = ready.setdefault(batch, [])
            for index, result in zip(indices, results, strict=True):
                if isinstance(result, dict):
                    got.append((index, result))
                elif final:
                    if failed:
                        failed(Failure(index, result))
                else:
                    retries[batch] = retries.get(batch, 0) + 1
                    submit(batch, [index], True)
            if retry:
                retries[batch] -= 1
            fill()
            while (
                next_to_yield < len(batches)
                and next_to_yield in ready
                and not retries.get(next_to_yield)
            ):
                results = sorted(ready.pop(next_to_yield))
                done += len(batches[next_to_yield])
                next_to_yield += 1
                yield done, results
                if progress:
                    progress(done, total, len(client.scheduler_info().get("workers", {})))
    finally:
        futures = list(pending.futures)
        if futures:
            client.cancel(futures)
