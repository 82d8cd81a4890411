"""The schemas and structures the XMP Specification of September 2005 adds or changes.

PDF/A-2 and -3 (ISO 19005-2/-3 6.6.2.3.1) admit them on top of the 2004 schemas: Colorant and
Font structures, Dynamic Media, Camera Raw and EXIF aux, and some EXIF and Photoshop types
changed. Notation as in ``pdfa_xmp_schemas``. Facts of the specification, no logic.
"""

from __future__ import annotations

__all__ = ["ONLY_2005", "STRUCTURES_2005_ONLY"]

DYNAMIC_MEDIA = "http://ns.adobe.com/xmp/1.0/DynamicMedia/"
_XMP_G = "http://ns.adobe.com/xap/1.0/g/"
_ST_FNT = "http://ns.adobe.com/xap/1.0/sType/Font#"
_PDFAID = "http://www.aiim.org/pdfa/ns/id/"
_XMP = "http://ns.adobe.com/xap/1.0/"
_XMP_TPG = "http://ns.adobe.com/xap/1.0/t/pg/"
_PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
_EXIF = "http://ns.adobe.com/exif/1.0/"
_EXIF_AUX = "http://ns.adobe.com/exif/1.0/aux/"
_CAMERA_RAW = "http://ns.adobe.com/camera-raw-settings/1.0/"
_QUALITY = "Text=High|Medium|Low"


def _ints(*values: int) -> str:
    return "Integer=" + "|".join(str(v) for v in values)


STRUCTURES_2005_ONLY: dict[str, tuple[str, dict[str, str]]] = {
    "Colorant": (
        _XMP_G,
        {
            "swatchName": "Text",
            "mode": "Text=CMYK|RGB|LAB",
            "type": "Text=PROCESS|SPOT",
            "cyan": "Percent",
            "magenta": "Percent",
            "yellow": "Percent",
            "black": "Percent",
            "red": "Byte",
            "green": "Byte",
            "blue": "Byte",
            "L": "Percent",
            "A": "SignedByte",
            "B": "SignedByte",
        },
    ),
    "Font": (
        _ST_FNT,
        {
            "fontName": "Text",
            "fontFamily": "Text",
            "fontFace": "Text",
            "fontType": "Text",
            "versionString": "Text",
            "composite": "Boolean",
            "fontFileName": "Text",
            "childFontFiles": "Seq Text",
        },
    ),
    "beatSpliceStretch": (
        DYNAMIC_MEDIA,
        {"useFileBeatsMarker": "Boolean", "riseInDecibel": "Real", "riseInTimeDuration": "Time"},
    ),
    "Marker": (
        DYNAMIC_MEDIA,
        {
            "startTime": "Time",
            "duration": "Time",
            "comment": "Text",
            "name": "Text",
            "location": "URI",
            "target": "Text",
            "type": "Text=Chapter|Cue|Beat|Track|Index",
        },
    ),
    "Media": (
        DYNAMIC_MEDIA,
        {
            "path": "URI",
            "track": "Text",
            "startTime": "Time",
            "duration": "Time",
            "managed": "Boolean",
            "webStatement": "URI",
        },
    ),
    "ProjectLink": (DYNAMIC_MEDIA, {"path": "URI", "type": "Text=movie|still|audio|custom"}),
    "resampleStretch": (DYNAMIC_MEDIA, {"quality": _QUALITY}),
    "Time": (DYNAMIC_MEDIA, {"value": "Integer", "scale": "Rational"}),
    "Timecode": (
        DYNAMIC_MEDIA,
        {
            "timeValue": "TimecodeValue",
            "timeFormat": "Text="
            + "|".join(
                f"{rate}Timecode"
                for rate in (
                    "24",
                    "25",
                    "2997Drop",
                    "2997NonDrop",
                    "30",
                    "50",
                    "5994Drop",
                    "5994NonDrop",
                    "60",
                    "23976",
                )
            ),
        },
    ),
    "timeScaleStretch": (
        DYNAMIC_MEDIA,
        {"quality": _QUALITY, "frameSize": "Real", "frameOverlappingPercentage": "Real"},
    ),
}


# what differs or is new in the XMP Specification of September 2005 (PDF/A-2 and -3)
ONLY_2005: dict[str, dict[str, str]] = {
    _PDFAID: {"conformance": "Text=A|B|U", "corr": "Text"},
    _XMP: {"Label": "Text", "Rating": "Integer"},
    _XMP_TPG: {"Fonts": "Bag Font", "Colorants": "Seq Colorant", "PlateNames": "Seq Text"},
    _PHOTOSHOP: {"SupplementalCategories": "Bag Text"},
    _EXIF: {
        "ExifVersion": "Text",
        "FlashpixVersion": "Text",
        "GPSMeasureMode": "Text",
        "ColorSpace": _ints(1, 65535),
        "LightSource": _ints(*range(5), *range(9, 16), *range(17, 25), 255),
    },
    _EXIF_AUX: {"Lens": "Text", "SerialNumber": "Text"},
    _CAMERA_RAW: {
        **dict.fromkeys(("AutoBrightness", "AutoContrast", "AutoExposure"), "Boolean"),
        **dict.fromkeys(("AutoShadows", "HasCrop", "HasSettings"), "Boolean"),
        **dict.fromkeys(
            (
                "BlueHue",
                "BlueSaturation",
                "Brightness",
                "ChromaticAberrationB",
                "ChromaticAberrationR",
                "ColorNoiseReduction",
                "Contrast",
                "CropUnits",
                "GreenHue",
                "GreenSaturation",
                "LuminanceSmoothing",
                "RedHue",
                "RedSaturation",
                "Saturation",
                "Shadows",
                "ShadowTint",
                "Sharpness",
                "Temperature",
                "Tint",
                "VignetteAmount",
                "VignetteMidpoint",
            ),
            "Integer",
        ),
        **dict.fromkeys(
            (
                "CropTop",
                "CropLeft",
                "CropBottom",
                "CropRight",
                "CropAngle",
                "CropWidth",
                "CropHeight",
                "Exposure",
            ),
            "Real",
        ),
        **dict.fromkeys(("CameraProfile", "RawFileName", "ToneCurveName", "Version"), "Text"),
        "ToneCurve": "Seq Point",
        "WhiteBalance": "Text=As Shot|Auto|Daylight|Cloudy|Shade|Tungsten|Fluorescent|Flash|Custom",
    },
    DYNAMIC_MEDIA: {
        "projectRef": "ProjectLink",
        "videoFrameRate": "Text",
        "videoFrameSize": "Dimensions",
        "videoPixelAspectRatio": "Rational",
        "videoPixelDepth": "Text=8Int|16Int|32Int|32Float",
        "videoColorSpace": "Text=sRGB|CCIR-601|CCIR-709",
        "videoAlphaMode": "Text=straight|pre-multiplied",
        "videoAlphaUnityIsTransparent": "Boolean",
        "videoFieldOrder": "Text=Upper|Lower|Progressive",
        "pullDown": "Text="
        + "|".join(
            f"{p}{s}" for s in ("", "_24p") for p in ("WSSWW", "SSWWW", "SWWWS", "WWWSS", "WWSSW")
        ),
        "audioSampleRate": "Integer",
        "audioSampleType": "Text=8Int|16Int|32Int|32Float",
        "audioChannelType": "Text=Mono|Stereo|5.1|7.1",
        "audioCompressor": "Text",
        "videoCompressor": "Text",
        "speakerPlacement": "Text",
        "fileDataRate": "Rational",
        "tapeName": "Text",
        "altTapeName": "Text",
        "startTimecode": "Timecode",
        "altTimecode": "Timecode",
        "duration": "Time",
        "scene": "Text",
        "shotName": "Text",
        "shotDate": "Date",
        "shotLocation": "Text",
        "logComment": "Text",
        "markers": "Seq Marker",
        "contributedMedia": "Bag Media",
        "absPeakAudioFilePath": "URI",
        "relativePeakAudioFilePath": "URI",
        "videoModDate": "Date",
        "audioModDate": "Date",
        "metadataModDate": "Date",
        "artist": "Text",
        "album": "Text",
        "trackNumber": "Integer",
        "genre": "Text",
        "copyright": "Text",
        "releaseDate": "Date",
        "composer": "Text",
        "engineer": "Text",
        "tempo": "Real",
        "instrument": "Text",
        "introTime": "Time",
        "outCue": "Time",
        "relativeTimestamp": "Time",
        "loop": "Boolean",
        "numberOfBeats": "Real",
        "key": "Text="
        + "|".join(("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")),
        "stretchMode": "Text=Fixed length|Time-Scale|Resample|Beat Splice|Hybrid",
        "timeScaleParams": "timeScaleStretch",
        "resampleParams": "resampleStretch",
        "beatSpliceParams": "beatSpliceStretch",
        "timeSignature": "Text=2/4|3/4|4/4|5/4|7/4|6/8|9/8|12/8|other",
        "scaleType": "Text=Major|Minor|Both|Neither",
    },
}
