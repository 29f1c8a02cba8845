"""The fingerprint scanner: AS608 / R30x / ZFM optical modules (docs/protocols/fingerprint.md)."""
