"""A stand-in LLM server on loopback that speaks the Ollama and OpenAI chat wire formats,
streaming included. Tests script its replies and read the requests it received; our code
talks to it through the real LangChain clients, over real HTTP."""

from __future__ import annotations

import http.server
import json
import threading
from collections import deque
from typing import Any


class StandInLLM:
    def __init__(self) -> None:
        self.replies: deque[str] = deque()
        self.requests: list[dict[str, Any]] = []
        self.fail_with: int | None = None  # HTTP status to answer with
        self.cut_after: int | None = None  # stream this many pieces, then drop the connection
        self.default_reply = "The corpus does not say."
        standin = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                if self.path.startswith("/api/tags"):
                    self._json(200, {"models": [{"name": "standin"}]})
                elif self.path.startswith("/v1/models"):
                    self._json(200, {"data": [{"id": "standin", "object": "model"}]})
                else:
                    self._json(404, {"error": "not found"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                standin.requests.append(
                    {
                        "path": self.path,
                        "body": body,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                )
                if standin.fail_with:
                    self._json(standin.fail_with, {"error": {"message": "stand-in failure"}})
                    return
                reply = standin.replies.popleft() if standin.replies else standin.default_reply
                pieces = _pieces(reply)
                if self.path.startswith("/api/chat"):
                    self._ollama(body, pieces)
                elif self.path.startswith("/v1/chat/completions"):
                    self._openai(body, pieces)
                else:
                    self._json(404, {"error": "unknown endpoint"})

            def _stream(self, content_type: str, frames: list[bytes]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                for i, frame in enumerate(frames):
                    if standin.cut_after is not None and i >= standin.cut_after:
                        self.wfile.flush()
                        self.connection.shutdown(2)
                        return
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

            def _ollama(self, body: dict, pieces: list[str]) -> None:
                model = body.get("model", "standin")
                done = {
                    "model": model,
                    "created_at": "2026-01-01T00:00:00Z",
                    "message": {"role": "assistant", "content": ""},
                    "done": True,
                    "done_reason": "stop",
                    "total_duration": 1,
                    "eval_count": len(pieces),
                    "prompt_eval_count": 1,
                }
                if not body.get("stream", True):
                    done["message"]["content"] = "".join(pieces)
                    self._json(200, done)
                    return
                frames = [
                    json.dumps(
                        {
                            "model": model,
                            "created_at": "2026-01-01T00:00:00Z",
                            "message": {"role": "assistant", "content": p},
                            "done": False,
                        }
                    ).encode()
                    + b"\n"
                    for p in pieces
                ]
                frames.append(json.dumps(done).encode() + b"\n")
                self._stream("application/x-ndjson", frames)

            def _openai(self, body: dict, pieces: list[str]) -> None:
                model = body.get("model", "standin")
                if not body.get("stream"):
                    self._json(
                        200,
                        {
                            "id": "chatcmpl-standin",
                            "object": "chat.completion",
                            "created": 0,
                            "model": model,
                            "choices": [
                                {
                                    "index": 0,
                                    "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": "".join(pieces)},
                                }
                            ],
                            "usage": {
                                "prompt_tokens": 1,
                                "completion_tokens": 1,
                                "total_tokens": 2,
                            },
                        },
                    )
                    return

                def chunk(delta: dict, finish: str | None) -> bytes:
                    payload = {
                        "id": "chatcmpl-standin",
                        "object": "chat.completion.chunk",
                        "created": 0,
                        "model": model,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                    }
                    return b"data: " + json.dumps(payload).encode() + b"\n\n"

                frames = [chunk({"role": "assistant", "content": ""}, None)]
                frames += [chunk({"content": p}, None) for p in pieces]
                frames += [chunk({}, "stop"), b"data: [DONE]\n\n"]
                self._stream("text/event-stream", frames)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandInLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def enqueue(self, *replies: str) -> None:
        self.replies.extend(replies)

    def last_messages(self) -> list[dict[str, Any]]:
        return self.requests[-1]["body"]["messages"]


def _pieces(text: str) -> list[str]:
    """Split a reply into a few streamed pieces, at word boundaries."""
    words = text.split(" ")
    size = max(1, len(words) // 4)
    return [
        " ".join(words[i : i + size]) + (" " if i + size < len(words) else "")
        for i in range(0, len(words), size)
    ]
