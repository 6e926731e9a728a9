"""Fixtures for the mail handler tests: the handler on loopback, in front of the `smtp_server` mailbox."""

import smtplib
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from accounts.forwarding.handler import MailHandler, smtp_parameters
from tests.conftest import free_port


class RunningHandler:
    """The mail handler listening on loopback, with an smtplib client factory."""

    def __init__(self, executor):
        from aiosmtpd.controller import Controller

        handler = MailHandler(executor=executor, manage_connections=False)
        self.controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **smtp_parameters())
        self.controller.start()
        self.port = self.controller.port

    def client(self) -> smtplib.SMTP:
        """A connected smtplib client."""
        return smtplib.SMTP("127.0.0.1", self.port, timeout=10)

    def send(self, *, mail_from: str, to: list[str], message: bytes | str) -> dict:
        """Send one message; raises smtplib errors like a real sending server would see them."""
        with self.client() as smtp:
            return smtp.sendmail(mail_from, to, message)

    def stop(self):
        self.controller.stop()


@pytest.fixture
def shared_connection_executor(db):
    """One worker thread using the test's own database connections, so it sees (and rolls back with) the test's rows.

    The test thread only waits on its SMTP client while the handler works, so the connection is never used by
    both threads at once (the same arrangement as Django's LiveServerThread).
    """
    shared = {alias: connections[alias] for alias in connections}
    for connection in shared.values():
        connection.inc_thread_sharing()

    def use_shared_connections():
        for alias, connection in shared.items():
            connections[alias] = connection

    executor = ThreadPoolExecutor(max_workers=1, initializer=use_shared_connections)
    yield executor
    executor.shutdown(wait=True)
    for connection in shared.values():
        connection.dec_thread_sharing()


@pytest.fixture
def start_handler(smtp_server, shared_connection_executor):
    """Start the handler with the current settings (call it after changing settings)."""
    running = []

    def start() -> RunningHandler:
        running.append(RunningHandler(shared_connection_executor))
        return running[-1]

    yield start
    for handler in running:
        handler.stop()


@pytest.fixture
def mail_handler(start_handler):
    """The handler on loopback; forwarded mail lands in `smtp_server.messages`."""
    return start_handler()
