"""Stage grouping of lung cancer from T, N and M, 8th edition (IASLC/UICC 2017)."""

# Rows: T category; columns: N0, N1, N2, N3 (M0 only).
_M0 = {
    "Tis": ("0", None, None, None),
    "T1mi": ("IA1", "IIB", "IIIA", "IIIB"),
    "T1a": ("IA1", "IIB", "IIIA", "IIIB"),
    "T1b": ("IA2", "IIB", "IIIA", "IIIB"),
    "T1c": ("IA3", "IIB", "IIIA", "IIIB"),
    "T2a": ("IB", "IIB", "IIIA", "IIIB"),
    "T2b": ("IIA", "IIB", "IIIA", "IIIB"),
    "T3": ("IIB", "IIIA", "IIIB", "IIIC"),
    "T4": ("IIIA", "IIIA", "IIIB", "IIIC"),
}
_N = {"N0": 0, "N1": 1, "N2": 2, "N3": 3}


def stage(t: str, n: str, m: str) -> str:
    """Return the 8th-edition stage ('IA1'…'IVB'), or '' when the categories do not determine it."""
    if m == "M1c":
        return "IVB"
    if m in {"M1a", "M1b"}:
        return "IVA"
    if m != "M0" or t not in _M0 or n not in _N:
        return ""
    if t == "Tis":
        return "0" if n == "N0" else ""
    return _M0[t][_N[n]] or ""
