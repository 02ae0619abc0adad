// Comparing result rows in the canonical form: as a multiset (both sides sorted by byte order)
// or in order, cell by cell, numbers within a relative tolerance (NaN equals NaN).
const NUM = /^-?(?:\d+(?:\.\d*)?(?:e[+-]?\d+)?|Infinity)$|^NaN$/;

export function byteSort(rows) {
  return [...rows].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function cellsEqual(a, b, tol) {
  if (a === b) return true;
  if (!NUM.test(a) || !NUM.test(b)) return false;
  const x = Number(a), y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= tol * Math.max(Math.abs(x), Math.abs(y));
}

// Returns null when equal, else a short description of the first difference.
export function compareRows(expected, actual, { ordered, tolerance }) {
  const e = ordered ? expected : byteSort(expected);
  const a = ordered ? actual : byteSort(actual);
  const n = Math.max(e.length, a.length);
  for (let i = 0; i < n; i++) {
    if (i >= e.length) return `${a.length} rows, expected ${e.length}; extra row ${i + 1}: ${a[i]}`;
    if (i >= a.length) return `${a.length} rows, expected ${e.length}; missing row ${i + 1}: ${e[i]}`;
    const ec = e[i].split('\t'), ac = a[i].split('\t');
    const same = ec.length === ac.length && ec.every((c, k) => cellsEqual(c, ac[k], tolerance));
    if (!same) return `row ${i + 1}${ordered ? '' : ' (sorted)'} differs:\n    expected: ${e[i]}\n    actual:   ${a[i]}`;
  }
  return null;
}
