"""Regenerate budtiktok/tables/_hf_normalization_overrides.py by probing HuggingFace tokenizers.

HF's normalizers use the Unicode 9.0 tables of the ``unicode-normalization-alignments`` crate;
unicodedata2 is newer. Every code point (minus surrogates) is normalized alone by HF under NFD and
NFKD; where the result differs from unicodedata2's, HF leaves the char alone (it is too new). Canonical
combining classes are measured through canonical reordering: ``NFD("a" + x + y)`` swaps x and y
exactly when 0 < ccc(y) < ccc(x). Then every form is checked over every code point against the
tables built with the new overrides. Run: python tools/gen_normalization_overrides.py
"""
from pathlib import Path
import pprint

import numpy as np
import unicodedata2

from budtiktok.kernels.unicode_normalization import normalization_table_args, unicode_normalize
from budtiktok.tables import unicode_normalization as un

# Private use: a starter that never decomposes, composes or reorders, so it isolates probes.
SEPARATOR = "\ue000"
CCC_1_MARK = "\u0334"    # ccc 1 since Unicode 1.1
CCC_240_MARK = "\u0345"  # ccc 240 (the largest class) since Unicode 1.1


def normalize_each(normalizer, pieces):
    """HF's normalization of each piece (pieces must not contain SEPARATOR)."""
    out = normalizer.normalize_str(SEPARATOR.join(pieces)).split(SEPARATOR)
    assert len(out) == len(pieces)
    return out


def all_code_points():
    return [cp for cp in range(un.N_CODE_POINTS) if not 0xD800 <= cp < 0xE000 and chr(cp) != SEPARATOR]


def probe_decompositions(nfd, nfkd):
    """Code points unicodedata2 decomposes but HF leaves alone (chars newer than Unicode 9.0)."""
    code_points = all_code_points()
    chars = [chr(cp) for cp in code_points]
    hf_nfd, hf_nfkd = normalize_each(nfd, chars), normalize_each(nfkd, chars)
    undecomposed = []
    for cp, ch, d, kd in zip(code_points, chars, hf_nfd, hf_nfkd):
        if d != unicodedata2.normalize("NFD", ch) or kd != unicodedata2.normalize("NFKD", ch):
            # Decompositions never change once assigned, so HF can only lack one.
            assert d == kd == ch, f"U+{cp:04X}: HF decomposes differently, not just not at all"
            undecomposed.append(cp)
    assert nfd.normalize_str(SEPARATOR) == SEPARATOR == nfkd.normalize_str(SEPARATOR)
    return tuple(undecomposed)


def swapped(nfd, pairs):
    """For each (x, y): does HF's NFD put y before x in "a" + x + y?"""
    out = normalize_each(nfd, ["a" + x + y for x, y in pairs])
    assert all(o in ("a" + x + y, "a" + y + x) for o, (x, y) in zip(out, pairs))
    return [o != "a" + x + y for o, (x, y) in zip(out, pairs)]


def probe_combining_classes(nfd):
    """code point → HF's canonical combining class, where unicodedata2 disagrees."""
    chars = [chr(cp) for cp in all_code_points()]
    stable = [ch for ch, d in zip(chars, normalize_each(nfd, chars)) if d == ch]
    # With d = HF's ccc of x: CCC_240_MARK + x swaps iff 0 < d < 240; x + CCC_1_MARK swaps iff d > 1.
    below_240 = swapped(nfd, [(CCC_240_MARK, ch) for ch in stable])
    above_1 = swapped(nfd, [(ch, CCC_1_MARK) for ch in stable])
    hf_nonzero = {ch for ch, lo, hi in zip(stable, below_240, above_1) if lo or hi}

    anchors = {}
    for ch in stable:
        value = unicodedata2.combining(ch)
        if value and ch in hf_nonzero and value not in anchors:
            anchors[value] = ch
    values = sorted(anchors)
    # Anchors must keep unicodedata2's order under HF (ccc values never change once assigned).
    order = swapped(nfd, [(anchors[u], anchors[v]) for u in values for v in values])
    assert order == [u > v for u in values for v in values], "anchor marks disagree with HF"

    overrides = {}
    for ch in stable:
        if ch not in hf_nonzero:
            if unicodedata2.combining(ch):
                overrides[ord(ch)] = 0
            continue
        # x ties with the anchor of its own class: neither order gets swapped.
        after = swapped(nfd, [(ch, anchors[v]) for v in values])
        before = swapped(nfd, [(anchors[v], ch) for v in values])
        ties = [v for v, a, b in zip(values, after, before) if not a and not b]
        assert len(ties) == 1, f"U+{ord(ch):04X}: no anchor class matches HF"
        if ties[0] != unicodedata2.combining(ch):
            overrides[ord(ch)] = ties[0]
    return overrides


def check_all_forms(hf_normalizers):
    """Every code point alone, every form: the kernel with the new tables must match HF."""
    tables = un.build_normalization_tables()
    args = normalization_table_args(tables)
    text = SEPARATOR.join(map(chr, all_code_points()))
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.int32)
    src = np.arange(len(cps), dtype=np.int32)
    mismatches = 0
    for form, normalizer in hf_normalizers.items():
        size = len(cps) * int(tables.max_expansion[form]) + 4
        out_cp, out_src = np.empty(size, np.int32), np.empty(size, np.int32)
        n = unicode_normalize(cps, src, len(cps), out_cp, out_src, form, *args)
        ours = out_cp[:n].tobytes().decode("utf-32-le").split(SEPARATOR)
        theirs = normalizer.normalize_str(text).split(SEPARATOR)
        bad = [(hex(ord(c)), a, b) for c, a, b in zip(text[::2], ours, theirs) if a != b]
        mismatches += len(bad)
        if bad:
            print(f"form {form}: {len(bad)} mismatches, e.g. {bad[:5]}")
    return mismatches


def main():
    import tokenizers
    from tokenizers import normalizers

    hf = {un.NFD: normalizers.NFD(), un.NFKD: normalizers.NFKD(), un.NFC: normalizers.NFC(),
          un.NFKC: normalizers.NFKC()}
    undecomposed = probe_decompositions(hf[un.NFD], hf[un.NFKD])
    combining_classes = probe_combining_classes(hf[un.NFD])
    out = Path(__file__).resolve().parents[1] / "budtiktok" / "tables" / "_hf_normalization_overrides.py"
    text = (
        f'"""Generated by tools/gen_normalization_overrides.py from tokenizers {tokenizers.__version__}: '
        "do not edit.\n\n"
        "Where unicodedata2 disagrees with HF (its crate has Unicode 9.0 tables):\n"
        "UNDECOMPOSED: code points HF neither decomposes nor composes (NFD and NFKD leave them alone).\n"
        "COMBINING_CLASSES: code point → HF's canonical combining class.\n"
        '"""\n\n'
        f"UNDECOMPOSED = {pprint.pformat(undecomposed, width=110, compact=True)}\n\n"
        f"COMBINING_CLASSES = {pprint.pformat(combining_classes, width=110, compact=True)}\n"
    )
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}: {len(undecomposed)} undecomposed, {len(combining_classes)} combining classes")
    un.overrides.UNDECOMPOSED, un.overrides.COMBINING_CLASSES = undecomposed, combining_classes
    mismatches = check_all_forms(hf)
    if mismatches:
        raise SystemExit(f"{mismatches} single-char mismatches remain: the overrides need a new kind of entry")
    print("all forms match HF on every code point")


if __name__ == "__main__":
    main()
