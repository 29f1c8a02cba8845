"""The session wipe erases data, files and the names the log filter knew, and runs clean-ups."""

from core.privacy import KnownNames
from core.session import Session


def test_wipe_erases_everything_personal(tmp_path):
    names = KnownNames()
    session = Session(tmp_path, "zh_CN", names=names)
    session.language = "en"
    session.data["form"] = {"phone": "13812345678"}
    session.remember_person("王小明")
    photo = session.temp_dir / "photo.jpg"
    photo.write_bytes(b"jpeg")
    released = []
    session.on_wipe(lambda: released.append("camera"))
    session.on_wipe(lambda: 1 / 0)  # a failing clean-up must not stop the wipe
    session.on_wipe(lambda: released.append("card"))
    old_id = session.id

    session.wipe("cancel")

    assert session.data == {} and not photo.exists() and session.is_empty
    assert released == ["camera", "card"]
    assert names.snapshot() == frozenset()
    assert session.language == "zh_CN"
    assert session.id != old_id
    assert list(tmp_path.iterdir()) == []
