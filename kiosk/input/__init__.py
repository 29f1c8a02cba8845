"""Text entry the kiosk draws itself (no system keyboard ever appears): keypads and a pinyin input method."""
