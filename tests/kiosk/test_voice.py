"""Voice prompts really reach espeak-ng (written to a WAV file here instead of the sound card)."""

import shutil
import wave

import pytest

from terminal.voice import Voice

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng is installed by ./kiosk.sh; absent only outside it")


@pytest.mark.parametrize("language,text", [("zh_CN", "请将身份证放在读卡区"), ("en", "Please place your ID card")])
def test_prompt_is_spoken_in_the_chosen_language(tmp_path, language, text):
    out = tmp_path / "prompt.wav"
    voice = Voice(extra_args=["-w", str(out)])
    assert voice.say(text, language)
    assert voice.wait() == 0
    with wave.open(str(out)) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.5


def test_muted_voice_says_nothing(tmp_path):
    out = tmp_path / "prompt.wav"
    voice = Voice(enabled=False, extra_args=["-w", str(out)])
    assert not voice.say("你好", "zh_CN")
    assert not out.exists()


def test_missing_program_is_silent_not_an_error():
    voice = Voice(program="no-such-speech-program")
    assert not voice.available
    assert not voice.say("你好", "zh_CN")
