"""Policies: watch the history and the calendar, and raise alerts when support
is not happening or not working.

One module per alert kind (``missed_sessions`` … ``parents_not_notified``),
each with its thresholds and a ``causes(context)`` that reads the read models
as of a date; ``policy.py`` what they share, ``catalogue.py`` the list of
them and their thresholds, ``runner.py`` the comparison of causes with the
alerts already recorded, ``scheduler.py`` the daily run."""
