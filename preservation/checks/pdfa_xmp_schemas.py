"""The XMP schemas PDF/A predefines, as data: property → value type, per part of ISO 19005.

ISO 19005-1 (6.7.9) admits the schemas of the XMP Specification of January 2004; ISO 19005-2 and -3
(6.6.2.3.1) those of September 2005 (a superset with Dynamic Media, Camera Raw and EXIF aux, and
some types changed). Types are written in the specification's own notation ("Bag ProperName",
"Seq Rational", "Lang Alt", a structure name); a closed choice is its base type and the allowed
values after ``=`` (``"Integer=1|6"``; for a sequence, whole sequences: ``"Seq Integer=2,1|2,2"``).
Structures name their namespace and fields. Facts of the specifications, no logic.
"""

from __future__ import annotations

from types import MappingProxyType

from .pdfa_xmp_2005 import ONLY_2005, STRUCTURES_2005_ONLY

__all__ = [
    "EXTENSION",
    "PDFAID",
    "PDFA_FIELD",
    "PDFA_PROPERTY",
    "PDFA_SCHEMA",
    "PDFA_TYPE",
    "predefined",
    "structures",
]

DC = "http://purl.org/dc/elements/1.1/"
XMP = "http://ns.adobe.com/xap/1.0/"
XMP_RIGHTS = "http://ns.adobe.com/xap/1.0/rights/"
XMP_MM = "http://ns.adobe.com/xap/1.0/mm/"
XMP_BJ = "http://ns.adobe.com/xap/1.0/bj/"
XMP_TPG = "http://ns.adobe.com/xap/1.0/t/pg/"
PDF = "http://ns.adobe.com/pdf/1.3/"
PHOTOSHOP = "http://ns.adobe.com/photoshop/1.0/"
TIFF = "http://ns.adobe.com/tiff/1.0/"
EXIF = "http://ns.adobe.com/exif/1.0/"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"
EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
PDFA_TYPE = "http://www.aiim.org/pdfa/ns/type#"
PDFA_FIELD = "http://www.aiim.org/pdfa/ns/field#"

_ST_DIM = "http://ns.adobe.com/xap/1.0/sType/Dimensions#"
_XMP_G_IMG = "http://ns.adobe.com/xap/1.0/g/img/"
_ST_EVT = "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#"
_ST_REF = "http://ns.adobe.com/xap/1.0/sType/ResourceRef#"
_ST_VER = "http://ns.adobe.com/xap/1.0/sType/Version#"
_ST_JOB = "http://ns.adobe.com/xap/1.0/sType/Job#"

_STRUCTURES_2004: dict[str, tuple[str, dict[str, str]]] = {
    "Dimensions": (_ST_DIM, {"w": "Real", "h": "Real", "unit": "Text"}),
    "Thumbnail": (
        _XMP_G_IMG,
        {"height": "Integer", "width": "Integer", "format": "Text=JPEG", "image": "Text"},
    ),
    "ResourceEvent": (
        _ST_EVT,
        {
            "action": "Text",
            "instanceID": "URI",
            "parameters": "Text",
            "softwareAgent": "AgentName",
            "when": "Date",
        },
    ),
    "ResourceRef": (
        _ST_REF,
        {
            "instanceID": "URI",
            "documentID": "URI",
            "versionID": "Text",
            "renditionClass": "RenditionClass",
            "renditionParams": "Text",
            "manager": "AgentName",
            "managerVariant": "Text",
            "manageTo": "URI",
            "manageUI": "URI",
        },
    ),
    "Version": (
        _ST_VER,
        {
            "comments": "Text",
            "event": "ResourceEvent",
            "modifyDate": "Date",
            "modifier": "ProperName",
            "version": "Text",
        },
    ),
    "Job": (_ST_JOB, {"name": "Text", "id": "Text", "url": "URL"}),
    "Flash": (
        EXIF,
        {
            "Fired": "Boolean",
            "Return": "Integer=0|2|3",
            "Mode": "Integer=0|1|2|3",
            "Function": "Boolean",
            "RedEyeMode": "Boolean",
        },
    ),
    "OECF/SFR": (
        EXIF,
        {"Columns": "Integer", "Rows": "Integer", "Names": "Seq Text", "Values": "Seq Rational"},
    ),
    "CFAPattern": (EXIF, {"Columns": "Integer", "Rows": "Integer", "Values": "Seq Integer"}),
    "DeviceSettings": (EXIF, {"Columns": "Integer", "Rows": "Integer", "Settings": "Seq Text"}),
}


def _ints(*values: int) -> str:
    return "Integer=" + "|".join(str(v) for v in values)


_COMMON: dict[str, dict[str, str]] = {
    PDFAID: {"part": "Integer", "amd": "Text"},
    DC: {
        "contributor": "Bag ProperName",
        "coverage": "Text",
        "creator": "Seq ProperName",
        "date": "Seq Date",
        "description": "Lang Alt",
        "format": "MIMEType",
        "identifier": "Text",
        "language": "Bag Locale",
        "publisher": "Bag ProperName",
        "relation": "Bag Text",
        "rights": "Lang Alt",
        "source": "Text",
        "subject": "Bag Text",
        "title": "Lang Alt",
        "type": "Bag Text",
    },
    XMP: {
        "Advisory": "Bag XPath",
        "BaseURL": "URL",
        "CreateDate": "Date",
        "CreatorTool": "AgentName",
        "Identifier": "Bag Text",
        "MetadataDate": "Date",
        "ModifyDate": "Date",
        "Nickname": "Text",
        "Thumbnails": "Alt Thumbnail",
    },
    XMP_RIGHTS: {
        "Certificate": "URL",
        "Marked": "Boolean",
        "Owner": "Bag ProperName",
        "UsageTerms": "Lang Alt",
        "WebStatement": "URL",
    },
    XMP_MM: {
        "DerivedFrom": "ResourceRef",
        "DocumentID": "URI",
        "History": "Seq ResourceEvent",
        "InstanceID": "URI",
        "ManagedFrom": "ResourceRef",
        "Manager": "AgentName",
        "ManageTo": "URI",
        "ManageUI": "URI",
        "ManagerVariant": "Text",
        "RenditionClass": "RenditionClass",
        "RenditionParams": "Text",
        "VersionID": "Text",
        "Versions": "Seq Version",
        "LastURL": "URL",
        "RenditionOf": "ResourceRef",
        "SaveID": "Integer",
    },
    XMP_BJ: {"JobRef": "Bag Job"},
    XMP_TPG: {"MaxPageSize": "Dimensions", "NPages": "Integer"},
    PDF: {"Keywords": "Text", "PDFVersion": "Text", "Producer": "AgentName"},
    PHOTOSHOP: {
        "AuthorsPosition": "Text",
        "CaptionWriter": "ProperName",
        "Category": "Text",
        "City": "Text",
        "Country": "Text",
        "Credit": "Text",
        "DateCreated": "Date",
        "Headline": "Text",
        "Instructions": "Text",
        "Source": "Text",
        "State": "Text",
        "TransmissionReference": "Text",
        "Urgency": "Integer",
    },
    TIFF: {
        "ImageWidth": "Integer",
        "ImageLength": "Integer",
        "BitsPerSample": "Seq Integer",
        "Compression": _ints(1, 6),
        "PhotometricInterpretation": _ints(2, 6),
        "Orientation": _ints(*range(1, 9)),
        "SamplesPerPixel": "Integer",
        "PlanarConfiguration": _ints(1, 2),
        "YCbCrSubSampling": "Seq Integer=2,1|2,2",
        "YCbCrPositioning": _ints(1, 2),
        "XResolution": "Rational",
        "YResolution": "Rational",
        "ResolutionUnit": _ints(2, 3),
        "TransferFunction": "Seq Integer",
        "WhitePoint": "Seq Rational",
        "PrimaryChromaticities": "Seq Rational",
        "YCbCrCoefficients": "Seq Rational",
        "ReferenceBlackWhite": "Seq Rational",
        "DateTime": "Date",
        "ImageDescription": "Lang Alt",
        "Make": "ProperName",
        "Model": "ProperName",
        "Software": "AgentName",
        "Artist": "ProperName",
        "Copyright": "Lang Alt",
    },
    EXIF: {
        "ComponentsConfiguration": "Seq Integer=4,5,6,0|1,2,3,0",
        "CompressedBitsPerPixel": "Rational",
        "PixelXDimension": "Integer",
        "PixelYDimension": "Integer",
        "UserComment": "Lang Alt",
        "RelatedSoundFile": "Text",
        "DateTimeOriginal": "Date",
        "DateTimeDigitized": "Date",
        "ExposureTime": "Rational",
        "FNumber": "Rational",
        "ExposureProgram": _ints(*range(9)),
        "SpectralSensitivity": "Text",
        "ISOSpeedRatings": "Seq Integer",
        "OECF": "OECF/SFR",
        "ShutterSpeedValue": "Rational",
        "ApertureValue": "Rational",
        "BrightnessValue": "Rational",
        "ExposureBiasValue": "Rational",
        "MaxApertureValue": "Rational",
        "SubjectDistance": "Rational",
        "MeteringMode": _ints(*range(7), 255),
        "Flash": "Flash",
        "FocalLength": "Rational",
        "SubjectArea": "Seq Integer",
        "FlashEnergy": "Rational",
        "SpatialFrequencyResponse": "OECF/SFR",
        "FocalPlaneXResolution": "Rational",
        "FocalPlaneYResolution": "Rational",
        "FocalPlaneResolutionUnit": _ints(2, 3),
        "SubjectLocation": "Seq Integer",
        "ExposureIndex": "Rational",
        "SensingMethod": _ints(*range(1, 9)),
        "FileSource": _ints(3),
        "SceneType": _ints(1),
        "CFAPattern": "CFAPattern",
        "CustomRendered": _ints(0, 1),
        "ExposureMode": _ints(0, 1, 2),
        "WhiteBalance": _ints(0, 1),
        "DigitalZoomRatio": "Rational",
        "FocalLengthIn35mmFilm": "Integer",
        "SceneCaptureType": _ints(0, 1, 2, 3),
        "GainControl": _ints(0, 1, 2, 3, 4),
        "Contrast": _ints(0, 1, 2),
        "Saturation": _ints(0, 1, 2),
        "Sharpness": _ints(0, 1, 2),
        "DeviceSettingDescription": "DeviceSettings",
        "SubjectDistanceRange": _ints(0, 1, 2, 3),
        "ImageUniqueID": "Text",
        "GPSVersionID": "Text",
        "GPSLatitude": "GPSCoordinate",
        "GPSLongitude": "GPSCoordinate",
        "GPSAltitudeRef": _ints(0, 1),
        "GPSAltitude": "Rational",
        "GPSTimeStamp": "Date",
        "GPSSatellites": "Text",
        "GPSStatus": "Text=A|V",
        "GPSDOP": "Rational",
        "GPSSpeedRef": "Text=K|M|N",
        "GPSSpeed": "Rational",
        "GPSTrackRef": "Text=T|M",
        "GPSTrack": "Rational",
        "GPSImgDirectionRef": "Text=T|M",
        "GPSImgDirection": "Rational",
        "GPSMapDatum": "Text",
        "GPSDestLatitude": "GPSCoordinate",
        "GPSDestLongitude": "GPSCoordinate",
        "GPSDestBearingRef": "Text=T|M",
        "GPSDestBearing": "Rational",
        "GPSDestDistanceRef": "Text=K|M|N",
        "GPSDestDistance": "Rational",
        "GPSProcessingMethod": "Text",
        "GPSAreaInformation": "Text",
        "GPSDifferential": _ints(0, 1),
    },
}

# what differs in the XMP Specification of January 2004 (PDF/A-1)
_ONLY_2004: dict[str, dict[str, str]] = {
    PDFAID: {"conformance": "Text=A|B"},
    PHOTOSHOP: {"SupplementalCategories": "Text"},
    EXIF: {
        "MakerNote": "Text",
        "ExifVersion": "Text=0210",
        "FlashpixVersion": "Text=0100",
        "ColorSpace": _ints(1, -32786),
        "LightSource": _ints(0, 1, 2, 3, 17, 18, 19, 20, 21, 22, 255),
        "GPSMeasureMode": _ints(2, 3),
    },
}


def _merge(*tables: dict[str, dict[str, str]]) -> MappingProxyType[str, MappingProxyType[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for table in tables:
        for namespace, properties in table.items():
            out.setdefault(namespace, {}).update(properties)
    return MappingProxyType({ns: MappingProxyType(props) for ns, props in out.items()})


_PREDEFINED = {1: _merge(_COMMON, _ONLY_2004), 2: _merge(_COMMON, ONLY_2005)}
_STRUCTURES = {
    1: MappingProxyType(dict(_STRUCTURES_2004)),
    2: MappingProxyType({**_STRUCTURES_2004, **STRUCTURES_2005_ONLY}),
}


def predefined(part: int) -> MappingProxyType[str, MappingProxyType[str, str]]:
    """Namespace URI → property → type of the schemas ISO 19005-``part`` predefines."""
    return _PREDEFINED[1 if part == 1 else 2]


def structures(part: int) -> MappingProxyType[str, tuple[str, dict[str, str]]]:
    """Structure type name → (field namespace, field → type) for ISO 19005-``part``."""
    return _STRUCTURES[1 if part == 1 else 2]
