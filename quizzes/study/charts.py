"""What the study pages' charts share (the progress page, the workload simulator)."""

from django.utils.translation import pgettext_lazy

# Month labels on a chart: short, unambiguous and as each language writes them (Django's "M" gives
# "Jui" for both June and July in French, and capitalises them).
MONTH_LABELS = [
    pgettext_lazy("month on a chart", "Jan"),
    pgettext_lazy("month on a chart", "Feb"),
    pgettext_lazy("month on a chart", "Mar"),
    pgettext_lazy("month on a chart", "Apr"),
    pgettext_lazy("month on a chart", "May"),
    pgettext_lazy("month on a chart", "Jun"),
    pgettext_lazy("month on a chart", "Jul"),
    pgettext_lazy("month on a chart", "Aug"),
    pgettext_lazy("month on a chart", "Sep"),
    pgettext_lazy("month on a chart", "Oct"),
    pgettext_lazy("month on a chart", "Nov"),
    pgettext_lazy("month on a chart", "Dec"),
]
