/**
 * Case-insensitive equality as Java has it, which is what Ranger's ignoreCase means: Ranger matches through
 * commons-io `IOCase.INSENSITIVE` and `StringUtils.equalsIgnoreCase`, both `String.regionMatches(true, ...)`, which
 * takes two characters as equal when `Character.toLowerCase(Character.toUpperCase(c))` agrees. Those are Unicode's
 * simple one-to-one mappings, so folding never changes a string's length: `ß` stays `ß` (and equals `ẞ`), `İ`, `ı`
 * and `i` are one letter, `ſ` is `s`, the Kelvin sign is `k`. JavaScript's toLowerCase/toUpperCase use the full
 * mappings (`ß` -> `SS`, `İ` -> `i̇`), which is why they are not used directly.
 *
 * Folding is by code point, as `regionMatches` does since JDK 16 (`𐐀` equals `𐐨`); no simple mapping leaves its
 * plane, so a folded string keeps every UTF-16 unit where it was.
 */
export function foldCase(s: string): string {
  let out = '';
  for (const unit of foldedUnits(s)) out += String.fromCharCode(unit);
  return out;
}

/** The UTF-16 units of `s`, every character folded; a surrogate pair folds as one code point and stays a pair. */
export function foldedUnits(s: string): Uint16Array {
  const out = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    const folded = foldCodePoint(cp);
    if (cp <= 0xffff) {
      out[i] = folded;
    } else {
      out[i] = 0xd800 + ((folded - 0x10000) >> 10);
      out[++i] = 0xdc00 + ((folded - 0x10000) & 0x3ff);
    }
  }
  return out;
}

/** The code points of `s`, each folded. */
export function foldedCodePoints(s: string): Int32Array {
  const out = new Int32Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    out[n++] = foldCodePoint(cp);
    if (cp > 0xffff) i++;
  }
  return out.subarray(0, n);
}

const bmp = new Int32Array(0x10000).fill(-1);

export function foldCodePoint(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp;
  if (cp > 0xffff) return simpleLower(simpleUpperOrSelf(cp));
  let folded = bmp[cp]!;
  if (folded < 0) folded = bmp[cp] = simpleLower(simpleUpperOrSelf(cp));
  return folded;
}

/**
 * The upper case when it is one code point. Where the full mapping is longer (`ß`, `ŉ`, `ᾳ`, the `ﬁ` ligatures) the
 * simple one is either absent or a letter whose lower case is this one's own (`ᾳ` -> `ᾼ` -> `ᾳ`), so keeping the
 * character folds it the same way.
 */
function simpleUpperOrSelf(cp: number): number {
  const upper = [...String.fromCodePoint(cp).toUpperCase()];
  return upper.length === 1 ? upper[0]!.codePointAt(0)! : cp;
}

/** `İ` (U+0130) is the one character whose full lower case (`i` + U+0307) is longer than its simple one (`i`). */
function simpleLower(cp: number): number {
  return cp === 0x130 ? 0x69 : String.fromCodePoint(cp).toLowerCase().codePointAt(0)!;
}
