"""The EICAR anti-virus test file: harmless bytes every engine must report as infected."""

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
