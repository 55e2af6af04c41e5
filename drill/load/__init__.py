"""Load generation: the LoadPlan (data), LoadRun (Locust as a subprocess) and the run's
final catalogue read after the settle.

Nothing here imports Locust: Locust monkey-patches gevent on import, so it is
loaded only inside the subprocess LoadRun starts (drill/load/locustfile.py).
"""

from drill.load.catalogue import record_final_catalogue
from drill.load.plan import LoadPlan
from drill.load.runner import LoadRun

__all__ = ["LoadPlan", "LoadRun", "record_final_catalogue"]
