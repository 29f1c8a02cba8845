"""ID photo pipeline: detect, measure, check, align, crop, background, encode (OpenCV)."""
