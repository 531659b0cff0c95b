"""A real HTTP server on 127.0.0.1 that replays recorded responses (tests of the live sources).

Routes map a request target (path + query, exactly as sent; or a prefix ending in `*`) to a
script of responses: each
request takes the next one, the last one repeats. A response can be delayed (a timeout for a
client with a short read timeout). Every request is logged with its headers.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering

    @classmethod
    def json(cls, obj: Any, status: int = 200, **headers: str) -> Reply:
        return cls(status, json.dumps(obj).encode(), {"Content-Type": "application/json",
                                                      **headers})  # fmt: skip

    @classmethod
    def html(cls, text: str, status: int = 200) -> Reply:
        return cls(status, text.encode(), {"Content-Type": "text/html; charset=utf-8"})


class ReplayServer:
    """`with ReplayServer() as server: server.route('/x', Reply.json({...}))`."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.log: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        replay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # one write per reply, no 40 ms delayed-ACK stalls

            def do_GET(self) -> None:
                with replay.lock:
                    replay.log.append((self.path, dict(self.headers)))
                    script = replay.routes.get(self.path) or next(
                        (v for k, v in replay.routes.items()
                         if k.endswith("*") and self.path.startswith(k[:-1])),
                        None,
                    )  # fmt: skip
                    if script is None:
                        reply = Reply(404, b'{"error": "not found"}')
                    else:
                        reply = script.pop(0) if len(script) > 1 else script[0]
                if reply.delay:
                    time.sleep(reply.delay)
                body = reply.body
                etag = reply.headers.get("ETag")
                if reply.status == 200 and etag and self.headers.get("If-None-Match") == etag:
                    reply, body = Reply(304, b"", {"ETag": etag}), b""
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> ReplayServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def route(self, target: str, *replies: Reply) -> None:
        with self.lock:
            self.routes[target] = list(replies)

    def drop(self, target: str) -> None:
        with self.lock:
            self.routes.pop(target, None)

    def hits(self, prefix: str) -> int:
        with self.lock:
            return sum(1 for path, _ in self.log if path.startswith(prefix))


def hn_runs(folder: Path, names: list[str]) -> list[dict]:
    """Collection runs of the shared HN archive (2026 shape), decoded."""
    return [json.loads(gzip.decompress((folder / n).read_bytes())) for n in names]


def route_hn(
    server: ReplayServer, runs: list[dict], search_base: str, hn_base: str
) -> dict[int, list[int]]:
    """Replay HN from collection runs: the search API lists their threads, the item API
    serves each thread (kids = its comments) and each comment (latest run wins).

    Returns the comment ids per thread id.
    """
    threads: dict[int, dict] = {}
    items: dict[int, dict] = {}
    for run in sorted(runs, key=lambda r: r.get("fetched_at") or ""):
        src = run["sources"]
        tid = int(src["who_is_hiring_thread_id"])
        thread = threads.setdefault(tid, {"title": src["who_is_hiring_thread_title"], "kids": []})
        for job in run["jobs"]:
            if job.get("source") == "direct":
                continue  # HN job stories, not comments of the thread
            if job["id"] not in thread["kids"]:
                thread["kids"].append(job["id"])
            items[job["id"]] = {**{k: v for k, v in job.items() if k != "source"},
                                "type": "comment", "parent": tid}  # fmt: skip
    hits = [
        {"objectID": str(tid), "title": t["title"], "author": "whoishiring",
         "num_comments": len(t["kids"]), "created_at_i": 0}
        for tid, t in threads.items()
    ]  # fmt: skip
    hits.append({"objectID": "1", "title": "Ask HN: Who wants to be hired? (May 2026)",
                 "author": "whoishiring"})  # fmt: skip
    server.route(f"{search_base}/search_by_date?*", Reply.json({"hits": hits, "nbPages": 1}))
    prefix = hn_base
    for tid, t in threads.items():
        server.route(f"{prefix}/item/{tid}.json", Reply.json({"id": tid, "type": "story",
                     "by": "whoishiring", "title": t["title"], "kids": t["kids"]}))  # fmt: skip
    for iid, item in items.items():
        server.route(f"{prefix}/item/{iid}.json", Reply.json(item))
    return {tid: t["kids"] for tid, t in threads.items()}
