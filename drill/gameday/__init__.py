"""Game day: a team rehearses the emergency plan (发货延迟应急预案, 黄金30分钟) on the
reference shop while buyers keep coming and a hidden incident breaks delivery.

One concern a module: `setup` (incident draw and the
scenario at a speed), `clock` (scenario time), `recorder` (live outside records and
simulated complaints), `view` and `board` (the game master's page), `facts` and
`records` (the run folder as values), `scoring` (pure checkers), `scorecard`
(html/json/junit), `backoffice_client` and `bots` (runbook and careless operators),
`text` (zh/en catalogue), `conduct` (the exercise itself), `cli` (the verb). The pool's
model is a scenario table: `drill/scenario/gameday.py`.
Nothing is re-exported: import the module you need.
"""

from __future__ import annotations

__all__: list[str] = []
