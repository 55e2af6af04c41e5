"""The game master's incident board: one self-contained page (no external assets) that
refreshes itself from `GET /state` every second, and `POST /end` (the end button: a
per-run token in the form plus a same-origin check, enough for a loopback page).

Served by the harness on 127.0.0.1 (port 0 or given) in a thread of its own.
"""

from __future__ import annotations

import hmac
import html
import json
import socket
import threading
from typing import Any, Protocol

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from drill.gameday.text import t

__all__ = ["Board", "Exercise", "board_app"]

START_S = 10.0


class Exercise(Protocol):
    token: str
    lang: str

    def state(self) -> dict[str, Any]: ...

    def end(self, reason: str) -> None: ...


def _ex(request: Request) -> Exercise:
    ex: Exercise = request.app.state.exercise
    return ex


async def state(request: Request) -> Response:
    return JSONResponse(_ex(request).state())


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or origin == f"http://{request.headers.get('host', '')}"


async def end(request: Request) -> Response:
    """POST /end (form field `token`): ends the exercise; 403 without the page's token."""
    ex = _ex(request)
    form = await request.form(max_files=0, max_fields=4)
    token = str(form.get("token", ""))
    if not _same_origin(request) or not hmac.compare_digest(token.encode(), ex.token.encode()):
        return JSONResponse({"error": "the end button needs the board page's token (and the "
                                      "same origin); reload the board", "status": 403}, 403)
    ex.end("button")
    if request.headers.get("accept", "").startswith("application/json"):
        return JSONResponse({"ok": True})
    return RedirectResponse("/", status_code=303)


SCRIPT = """
const L = %s;
function esc(s){return String(s??'').replace(/[&<>"]/g,
  c=>({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]))}
function li(items, f){return items.map(x=>'<li><code>'+x.at+'</code> '+f(x)+'</li>')
  .join('')||'<li>—</li>'}
function put(id, v){document.getElementById(id).textContent=v}
function show(s){
 put('timer', s.timer); put('stuck', s.stuck); put('oldest', s.oldest);
 put('mails', s.mails_total+' '+JSON.stringify(s.mails)); put('ncompl', s.complaints_total);
 document.getElementById('alerts').innerHTML=li(s.alerts, a=>esc(a.text));
 document.getElementById('compl').innerHTML=li(s.complaints, c=>esc(c.order_no));
 document.getElementById('actions').innerHTML=li(s.actions,
   a=>esc(a.operator)+': '+esc(a.what)+' ('+esc(a.outcome)+')');
 if(s.ended){put('cause', s.cause?(s.cause.name+' — '+s.cause[L]):''); put('endbox', L_ENDED)}
 document.body.dataset.ended=s.ended||'';
}
async function tick(){
 try{const r=await fetch('/state',{cache:'no-store'}); show(await r.json())}catch(e){}}
setInterval(tick,1000);
"""


def _page(ex: Exercise) -> str:
    lang, e = ex.lang, html.escape
    s = ex.state()

    def box(key: str, ident: str, value: str) -> str:
        return (f"<div class=box><h2>{e(t(lang, key))}</h2><div id={ident} class=big>{value}"
                "</div></div>")
    lists = "".join(f"<section><h2>{e(t(lang, key))}{extra}</h2><ol id={ident}></ol></section>"
                    for key, ident, extra in (
                        ("board.alerts", "alerts", ""),
                        ("board.complaints", "compl", " (<span id=ncompl>0</span>)"),
                        ("board.actions", "actions", "")))
    script = (SCRIPT % json.dumps(lang)).replace("L_ENDED", json.dumps(t(lang, "board.ended")))
    return (f"<!doctype html><html lang={lang}><head><meta charset=utf-8>"
            f"<title>{e(t(lang, 'board.title'))}</title><noscript><meta http-equiv=refresh "
            f"content=5></noscript><style>body{{font:15px system-ui,'WenQuanYi Micro Hei',"
            f"sans-serif;margin:1.5em}}.row{{display:flex;gap:1em;flex-wrap:wrap}}.box{{border:"
            f"1px solid #ccc;padding:.5em 1em;min-width:11em}}.big{{font-size:2em}}h2{{font-size:"
            f"1em;margin:.2em 0}}ol{{font-size:13px;max-height:16em;overflow:auto}}</style></head>"
            f"<body><h1>{e(t(lang, 'board.title'))}</h1><div class=row>"
            f"{box('board.timer', 'timer', e(s['timer']))}"
            f"{box('board.planned', 'planned', e(s['planned_end']))}"
            f"{box('board.stuck', 'stuck', str(s['stuck']))}"
            f"{box('board.oldest', 'oldest', e(s['oldest']))}"
            f"{box('board.mails', 'mails', str(s['mails_total']))}</div>"
            f"<p>{e(t(lang, 'board.cause'))}: <b id=cause>{e(t(lang, 'board.hidden'))}</b></p>"
            f"{lists}<form id=endbox method=post action=/end><input type=hidden name=token "
            f"value='{e(ex.token)}'><button id=end>{e(t(lang, 'board.end'))}</button></form>"
            f"<script>{script}tick();</script></body></html>")


async def page(request: Request) -> Response:
    return HTMLResponse(_page(_ex(request)))


def board_app(ex: Exercise) -> Starlette:
    app = Starlette(routes=[Route("/", page, methods=["GET"]),
                            Route("/state", state, methods=["GET"]),
                            Route("/end", end, methods=["POST"])])
    app.state.exercise = ex
    return app


class Board:
    """The board served in a thread on 127.0.0.1:`port` (0: any free port)."""

    def __init__(self, ex: Exercise, port: int = 0) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.port = int(self.sock.getsockname()[1])
        config = uvicorn.Config(board_app(ex), lifespan="off", access_log=False,
                                log_level="warning", timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                        daemon=True, name="gameday-board")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        self._thread.start()
        for _ in range(int(START_S / 0.05)):
            if self.server.started or not self._thread.is_alive():
                return
            threading.Event().wait(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self._thread.join(5)
        self.sock.close()
