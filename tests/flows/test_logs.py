"""Secrets never appear in logs: redaction of headers, keys, URL credentials and env values,
for records of any logger, through a real handler, including Prefect's run logger."""

import io
import logging

import pytest
from prefect import flow, get_run_logger

from flows import logs

SECRETS = [
    ("request headers {'Authorization': 'Bearer abc123SECRET'}", "abc123SECRET"),
    ("Authorization: Basic dXNlcjpwYXNzd29yZA==", "dXNlcjpwYXNzd29yZA=="),
    ("GET https://api.example.test/jobs?api_key=k3y-value&page=2", "k3y-value"),
    ('{"client_secret": "s3cr3t-v4lue"}', "s3cr3t-v4lue"),
    ("fetching https://bob:hunter2pass@boards.example.test/x", "hunter2pass"),
    ("token ghp_abcdefghijklmnopqrstuvwxyz0123 leaked", "ghp_abcdefghijklmnopqrstuvwxyz0123"),
]  # fmt: skip


@pytest.mark.parametrize(("message", "secret"), SECRETS)
def test_redact(message, secret):
    cleaned = logs.redact(message)
    assert secret not in cleaned and logs.MASK in cleaned


def test_plain_messages_are_untouched():
    message = "greenhouse:acme: 12 postings, 1 quarantined (hn:123 has no text)"
    assert logs.redact(message) == message


def test_every_logger_and_env_secrets_are_redacted(monkeypatch):
    monkeypatch.setenv("PMPULSE_GREENHOUSE_TOKEN", "tok-0123456789")
    logs.install()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("pmpulse.test.redaction")
    logger.addHandler(handler)
    try:
        logger.warning("board %s failed with header %s", "acme", {"Authorization": "Bearer zzz999"})
        logger.warning("using tok-0123456789 for the board")
        try:
            raise RuntimeError("HTTP 401 for ?token=qqq777")
        except RuntimeError:
            logger.exception("fetch failed")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "zzz999" not in out and "tok-0123456789" not in out and "qqq777" not in out
    assert "board acme failed" in out and out.count(logs.MASK) >= 3


@pytest.mark.usefixtures("prefect_harness")
def test_prefect_run_logs_are_redacted(caplog):
    logs.install()

    @flow
    def leaky() -> None:
        get_run_logger().info("calling with Authorization: Bearer runlog-secret-42")

    with caplog.at_level(logging.INFO):
        leaky()
    assert "runlog-secret-42" not in caplog.text
    assert "Authorization: " + logs.MASK in caplog.text
