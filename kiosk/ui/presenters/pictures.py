"""The pictures of device actions (files in assets/images/, drawn by assets/images/make_images.py).

UX.md: a device action shows a picture of that action. The pictures carry no words (the
instruction next to them is in the citizen's language), so one file serves every language.
"""

from __future__ import annotations

PLACE_ID_CARD = "place_id_card.png"      # the ID card laid flat on the reader
INSERT_PERMIT = "insert_permit.png"      # the permit card pushed into the slot
TAKE_CARD = "take_card.png"              # the card coming out of the slot, a hand taking it
SCAN_QR = "scan_qr.png"                  # a phone showing a QR code held to the scanner
PAY_WITH_PHONE = "pay_with_phone.png"    # a phone scanning the QR code on the screen
PAY_WITH_CARD = "pay_with_card.png"      # a bank card going into the card terminal with its PIN pad
LOOK_AT_CAMERA = "look_at_camera.png"    # a face looking into the lens
TAKE_RECEIPT = "take_receipt.png"        # a receipt coming out of the printer
FINGER_PLACE = "finger_place.png"        # a fingertip pressed flat on the fingerprint glass
FINGER_LIFT = "finger_lift.png"          # the fingertip raised off the glass

ALL = (PLACE_ID_CARD, INSERT_PERMIT, TAKE_CARD, SCAN_QR, PAY_WITH_PHONE, PAY_WITH_CARD, LOOK_AT_CAMERA,
       TAKE_RECEIPT, FINGER_PLACE, FINGER_LIFT)

# Drawn only as pictograms (kiosk/ui/pictograms.py), no file: the write and print steps (issue 14).
CARD_IN_SLOT = "card_in_slot"            # the card held in the slot, "do not pull it out"
PRINTING = "printing"                    # the receipt coming out of the printer
