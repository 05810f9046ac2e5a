"""The filing writer's own process: `python -m formkit.store._writer_process FD`.

`formkit.store.writer.ProcessWriter` starts it with one end of a socket pair as FD, sends the
settings, and then one batch at a time. This side opens the store, answers `("ready", pid)`
(or the error that kept it from opening), and answers each batch with `("ok", outcomes)` or
`("error", exception)`, until its input ends.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

from formkit.receipts import load_seal
from formkit.settings import Settings
from formkit.store.database import connect
from formkit.store.writer import WriterUnavailableError, dossier_store


def main(argv: list[str]) -> None:
    connection = Connection(int(argv[1]))
    # Ctrl-C and a service manager's SIGTERM reach the whole process group: the web process
    # shuts down in order and then closes our input, so a batch in hand is not cut short.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    watch = threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True)
    watch.start()
    settings: Settings = connection.recv()
    try:
        engine = connect(settings.database)  # the web process migrated it before starting us
        store = dossier_store(settings, engine, load_seal(os.environ, settings.data_dir))
    except Exception as error:
        connection.send(("error", _portable(error)))
        return
    connection.send(("ready", os.getpid()))
    while True:
        try:
            filings, schemas = connection.recv()
        except EOFError:  # the web process is done with us
            engine.dispose()
            return
        try:
            answer: tuple[str, Any] = ("ok", store.file(filings, schemas))
        except Exception as error:  # the web process answers the batch's clients with it
            answer = ("error", _portable(error))
        try:
            connection.send(answer)
        except OSError:  # the web process stopped waiting: it is shutting down
            return


def _portable(error: Exception) -> Exception:
    """The error itself if it survives the pipe, else its description."""
    try:
        pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes, just made
    except Exception:
        return WriterUnavailableError(f"the filing writer failed: {error!r}")
    return error


def _exit_when_orphaned(parent: int) -> None:
    """Stop when the web process is gone (killed, say): nobody is left to hand in filings.

    A batch in hand stops where it is; uncommitted, its transaction rolls back. Its clients'
    connections died with the web process.
    """
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


if __name__ == "__main__":
    main(sys.argv)
