"""Reports for one run: summary.json (machines), junit.xml (CI), report.html (humans).

`write_reports(run_dir, analysis)` writes what `drill.analyze.analyze` decided;
nothing here judges, so every output shows the same verdict.
"""

from drill.report.junit import combine, junit_xml, write_junit
from drill.report.writer import write_reports

__all__ = ["combine", "junit_xml", "write_junit", "write_reports"]
