"""Reports of a run, apart from the engine: JSON and Markdown (the data), HTML (one self-contained page), JUnit XML
and a CI summary, the overview plot, and each claim's pictures drawn by its pack's renderers.

``report.json`` is the record the other formats are made from; :func:`write_report` writes them all.
"""

from ._commit import MANIFEST, ReportBusy, ReportNotWritten, check_set, recover, report_lock
from ._pictures import DPI, claim_pictures, pyplot, render, save_figure
from ._report import prepare_directory, report_dict, verdict_plot, write_report

__all__ = ["write_report", "report_dict", "prepare_directory", "render", "claim_pictures", "pyplot", "save_figure",
           "verdict_plot", "DPI", "MANIFEST", "ReportBusy", "ReportNotWritten", "check_set", "recover",
           "report_lock"]
