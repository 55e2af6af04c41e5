"""The API's fixed error table, rendered exactly as Toxiproxy's Go `apiError` does.

Clients (toxiproxy-python, the Go and Ruby clients) match on status codes and
sometimes on message text, so messages are copied verbatim from `api.go`.
"""

from __future__ import annotations


class ApiError(Exception):
    """An error with the HTTP status the API answers it with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def joined(self, detail: str) -> ApiError:
        """Go's `joinError(err, wrapper)`: ``"<wrapper>: <err>"`` with the wrapper's status."""
        return ApiError(f"{self.message}: {detail}", self.status)

    def __repr__(self) -> str:
        return f"ApiError({self.message!r}, {self.status})"


ERR_BAD_REQUEST_BODY = ApiError("bad request body", 400)
ERR_MISSING_FIELD = ApiError("missing required field", 400)
ERR_PROXY_NOT_FOUND = ApiError("proxy not found", 404)
ERR_PROXY_ALREADY_EXISTS = ApiError("proxy already exists", 409)
ERR_INVALID_STREAM = ApiError("stream was invalid, can be either upstream or downstream", 400)
ERR_INVALID_TOXIC_TYPE = ApiError("invalid toxic type", 400)
ERR_TOXIC_NOT_FOUND = ApiError("toxic not found", 404)
ERR_TOXIC_ALREADY_EXISTS = ApiError("toxic already exists", 409)

# Ours, not Go's (Go accepts any name and any body size; see names.py and api.py).
ERR_INVALID_NAME = ApiError("invalid name", 400)
ERR_BODY_TOO_LARGE = ApiError("request body too large", 413)


def internal(message: str) -> ApiError:
    """Any other error (e.g. a Go listen error) is a 500 carrying its raw text."""
    return ApiError(message, 500)
