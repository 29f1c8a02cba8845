"""Configuration keys of the ID photo pipeline ([photo] in the TOML files).

Photo specs are data, not code: `[photo.specs.<name>]` tables, one per document kind, so a
hall adds a spec (a visa photo, a driving-licence photo) by adding a table. The quality limits
and the detector are shared by every spec; the live-guidance timings are the kiosk's.
"""

from core.schema import Field, MapOf, Schema

SPEC_SCHEMA: Schema = {
    "title_zh": Field(str, "Name of the photo kind shown to the citizen (Chinese)."),
    "title_en": Field(str, "Name of the photo kind shown to the citizen (English)."),
    "width": Field(int, "Output width in pixels.", minimum=100, maximum=4000),
    "height": Field(int, "Output height in pixels.", minimum=100, maximum=4000),
    "dpi": Field(int, "Resolution written into the JPEG header (dots per inch).",
                 minimum=72, maximum=1200),
    "min_bytes": Field(int, "Smallest accepted JPEG file size in bytes.", minimum=1000),
    "max_bytes": Field(int, "Largest accepted JPEG file size in bytes.", minimum=1000),
    "head_ratio_min": Field(float, "Chin-to-crown height as a fraction of the image height: least.",
                            minimum=0.3, maximum=0.95),
    "head_ratio_max": Field(float, "Chin-to-crown height as a fraction of the image height: most.",
                            minimum=0.3, maximum=0.95),
    "head_ratio_target": Field(float, "Chin-to-crown fraction the crop aims at (between min and max).",
                               minimum=0.3, maximum=0.95),
    "crown_margin": Field(float, "Space between the top edge and the crown, as a fraction of the height.",
                          minimum=0.0, maximum=0.3),
    "eye_distance_min": Field(float, "Distance between the eye centres as a fraction of the width: least.",
                              minimum=0.05, maximum=0.6),
    "eye_distance_max": Field(float, "Distance between the eye centres as a fraction of the width: most.",
                              minimum=0.05, maximum=0.6),
    "roll_max_degrees": Field(float, "Largest head tilt (roll); a smaller tilt is straightened by rotation.",
                              minimum=0, maximum=45),
    "yaw_max_degrees": Field(float, "Largest head turn left/right (yaw).", minimum=0, maximum=45),
    "pitch_max_degrees": Field(float, "Largest head nod up/down (pitch).", minimum=0, maximum=45),
    "background_rgb": Field(list, "Background colour of the output as [red, green, blue], 0-255.",
                            item_kind=int),
}

QUALITY_SCHEMA: Schema = {
    "max_upscale": Field(float, "Largest enlargement from the capture to the output; a smaller face "
                                "means 'come closer'.", minimum=1.0, maximum=4.0),
    "max_pad_fraction": Field(float, "How far (fraction of the output size) the crop may reach past the "
                                     "capture's edge, filled by repeating the edge, before the citizen "
                                     "is asked to move.", minimum=0.0, maximum=0.2),
    "min_sharpness": Field(float, "Least variance of the Laplacian on the face, measured at a fixed face "
                                  "size (see photo/measure.py).", minimum=0),
    "face_brightness_min": Field(float, "Least mean brightness (0-255) of the face.", minimum=0, maximum=255),
    "face_brightness_max": Field(float, "Largest mean brightness (0-255) of the face.", minimum=0, maximum=255),
    "max_clipped_fraction": Field(float, "Largest fraction of face pixels burnt out (>= 250) or black (<= 5).",
                                  minimum=0, maximum=1),
    "min_contrast": Field(float, "Least spread of face brightness (5th to 95th percentile, 0-255).",
                          minimum=0, maximum=255),
    "background_min_lightness": Field(float, "Least CIE L* (0-100) of the background before whitening.",
                                      minimum=0, maximum=100),
    "background_max_chroma": Field(float, "Largest CIE chroma of the background (0 = grey); a coloured "
                                          "background cannot be whitened safely.", minimum=0, maximum=100),
    "background_max_unevenness": Field(float, "Largest L* difference between background patches "
                                              "(gradient, shadow).", minimum=0, maximum=100),
    "background_max_clutter": Field(float, "Largest fraction of the background border that is not "
                                           "plain background (objects, a second person).",
                                    minimum=0, maximum=1),
    "background_max_residue": Field(float, "Largest share of the backdrop still grey after whitening "
                                           "(mottling, soft shadows).", minimum=0, maximum=1),
    "pose_margin_degrees": Field(float, "Added to the spec's yaw/pitch limits, because the landmark pose fit "
                                        "uses a generic head and reads a person's own proportions as a few "
                                        "degrees of pose (see photo/landmarks.py).",
                                 minimum=0, maximum=45),
    "eyes_open_min": Field(float, "Least eye aspect ratio (lid-to-lid height over eye width, from the "
                                  "landmarks) of the less open eye; ~0.3 open, under 0.15 shut.",
                           minimum=0, maximum=1),
    "mouth_gap_max": Field(float, "Largest inner-lip gap over the mouth's width (landmarks): closed lips "
                                  "0.02-0.11, a smile showing teeth 0.17-0.22, laughing 0.43 (docs/photo.md).",
                           minimum=0, maximum=1),
    "mouth_closed_specs": Field(list, "Specs whose photo needs a closed mouth (the mouth_closed check).",
                                item_kind=str),
}

DETECTOR_SCHEMA: Schema = {
    "kind": Field(str, "Face detector implementation.", choices=("haar",)),
    "face_cascade": Field(str, "Face cascade file in OpenCV's cv2.data.haarcascades (or a path)."),
    "eye_cascade": Field(str, "Eye cascade file in OpenCV's cv2.data.haarcascades (or a path)."),
    "scale_factor": Field(float, "Cascade pyramid step; smaller finds more faces, slower.",
                          minimum=1.01, maximum=1.5),
    "min_neighbors": Field(int, "Overlapping hits needed to report a face; higher = fewer false faces.",
                           minimum=1, maximum=20),
    "detect_long_side": Field(int, "Still images are searched at this long side (pixels) for speed.",
                              minimum=160, maximum=4000),
    "min_face_fraction": Field(float, "Smallest face searched, as a fraction of the image's short side.",
                               minimum=0.02, maximum=0.8),
}

GUIDANCE_SCHEMA: Schema = {
    "detect_width": Field(int, "Preview frames are searched at this width (pixels) for speed.",
                          minimum=160, maximum=1280),
    "stable_pass_seconds": Field(float, "How long every frame must pass before the countdown starts.",
                                 minimum=0, maximum=10),
    "countdown_seconds": Field(int, "Length of the visible countdown before the automatic capture.",
                               minimum=0, maximum=10),
    "dropout_grace_seconds": Field(float, "Frames without a face for less than this (the detector "
                                          "missing a frame) do not reset the countdown.", minimum=0, maximum=2),
    "max_motion": Field(float, "Largest movement of the eyes between frames, as a fraction of the eye "
                               "distance, before 'hold still'.", minimum=0.01, maximum=2),
    "capture_height": Field(int, "Height (pixels) of the still capture, to judge 'come closer' on "
                                 "preview frames as the still will be judged.", minimum=240, maximum=4000),
}

PHOTO_SCHEMA: Schema = {
    "default_spec": Field(str, "Spec used when none is named (a key of [photo.specs])."),
    "retakes_limit": Field(int, "Refused photos a citizen may retake before being sent to staff.",
                           minimum=1, maximum=50),
    "frames_mirrored": Field(bool, "True when the camera delivers mirror-image frames; left and right "
                                   "advice is then swapped so it stays the citizen's own left and right."),
    "specs": MapOf(SPEC_SCHEMA, "Photo specs by name, e.g. [photo.specs.exit-entry]."),
    "quality": QUALITY_SCHEMA,
    "detector": DETECTOR_SCHEMA,
    "guidance": GUIDANCE_SCHEMA,
}
