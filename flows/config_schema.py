"""Configuration keys of the flows ([flows] in the TOML files)."""

from core.schema import Field, Schema

FINGER_NAMES = tuple(f"{hand}_{finger}" for hand in ("RIGHT", "LEFT")
                     for finger in ("THUMB", "INDEX", "MIDDLE", "RING", "LITTLE"))

FLOWS_SCHEMA: Schema = {
    "face_tries": Field(int, "Face comparisons allowed before the identity step refuses.",
                        minimum=1, maximum=10),
    "journal": Field(str, "Journal of payments, card writes and submissions; \"\" = journal.sqlite3 in terminal.data_dir."),
    "collection_take_seconds": Field(float, "Self-service collection: seconds a document may lie in the tray "
                                            "before it is retracted to the reject bin (not collected).",
                                     minimum=5.0, maximum=300.0),
    # Self-service acceptance (issue 12): the hall's pair of fingers and the poor images allowed each.
    "acceptance_finger_tries": Field(int, "Self-service acceptance: images of one finger the module may judge poor "
                                          "before it is recorded as 'could not be captured' (the counter redoes it).",
                                     minimum=1, maximum=10),
    "acceptance_first_finger": Field(str, "Self-service acceptance: the first finger taken.", choices=FINGER_NAMES),
    "acceptance_second_finger": Field(str, "Self-service acceptance: the second finger taken.", choices=FINGER_NAMES),
    "take_alert_seconds": Field(float, "Seconds the permit card may wait untaken (in the slot or at its opening) "
                                       "after a service ends before the hall is alerted and the card retracted "
                                       "(when the module can); the kiosk does not go home before it is taken.",
                                minimum=10.0, maximum=1800.0),
    "issuing_office": Field(str, "GB/T 2260 code (6 digits) of the issuing exit-entry office written into "
                                 "each endorsement record on the permit chip, e.g. '430100'."),
}
