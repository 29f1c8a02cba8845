"""Configuration keys of the flows ([flows] in the TOML files)."""

from core.schema import Field, Schema

FLOWS_SCHEMA: Schema = {
    "face_tries": Field(int, "Face comparisons allowed before the identity step refuses.",
                        minimum=1, maximum=10),
    "journal": Field(str, "Journal of payments, card writes and submissions; \"\" = journal.sqlite3 in terminal.data_dir."),
    "collection_take_seconds": Field(float, "Self-service collection: seconds a document may lie in the tray "
                                            "before it is retracted to the reject bin (not collected).",
                                     minimum=5.0, maximum=300.0),
    "issuing_office": Field(str, "GB/T 2260 code (6 digits) of the issuing exit-entry office written into "
                                 "each endorsement record on the permit chip, e.g. '430100'."),
}
