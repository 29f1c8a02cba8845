import subprocess
import sys

import pytest

from core.config import PROJECT_ROOT
from core.pin import PinFormatError, hash_pin, verify_pin


def test_right_pin_verifies_and_wrong_pin_does_not():
    stored = hash_pin("246810")
    assert stored.startswith("scrypt$") and "246810" not in stored
    assert verify_pin("246810", stored)
    assert not verify_pin("246811", stored)


def test_same_pin_gets_a_different_salt_each_time():
    assert hash_pin("246810") != hash_pin("246810")


@pytest.mark.parametrize("stored", ["", "plain", "md5$x$y$z$a$b", "scrypt$bad$8$1$AAAA$AAAA"])
def test_missing_or_malformed_hash_locks_maintenance(stored):
    assert not verify_pin("246810", stored)


def test_short_or_non_digit_pin_is_refused():
    with pytest.raises(PinFormatError):
        hash_pin("1234")
    with pytest.raises(PinFormatError):
        hash_pin("abcdef")


def test_hash_pin_command_prints_a_config_line():
    result = subprocess.run([sys.executable, str(PROJECT_ROOT / "main.py"), "maintenance", "hash-pin"],
                            input="135790\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    value = result.stdout.strip().split(" = ")[1].strip('"')
    assert verify_pin("135790", value)
