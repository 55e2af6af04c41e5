"""Load generation: the LoadPlan (data) and LoadRun (Locust as a subprocess).

Nothing here imports Locust: Locust monkey-patches gevent on import, so it is
loaded only inside the subprocess LoadRun starts (drill/load/locustfile.py).
"""

from drill.load.plan import LoadPlan
from drill.load.runner import LoadRun

__all__ = ["LoadPlan", "LoadRun"]
