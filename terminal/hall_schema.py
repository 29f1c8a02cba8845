"""Configuration keys of the terminal's place in the hall's fleet ([hall] in the TOML files):
how it reports to the hall and how it takes a configuration pushed by the hall's tooling.

The heartbeat's pace is [backend] heartbeat_interval_seconds (the back end may set another
when the terminal registers); these keys cover the rest.
"""

from core.schema import Field, Schema

HALL_SCHEMA: Schema = {
    "config_reload": Field(bool, "Pick up a changed hall or terminal override file at the next idle moment "
                                 "(home screen, nobody served) without a restart; a bad file is refused."),
    "config_check_seconds": Field(float, "How often the override files are checked for a change (their "
                                         "modification time), while the kiosk is idle.",
                                  minimum=0.5, maximum=3600),
    "report_catch_up_days": Field(int, "At start, report to the back end every finished transaction of the "
                                       "last N days that was never reported (a crash between finishing and "
                                       "queueing the report).", minimum=1, maximum=60),
}
