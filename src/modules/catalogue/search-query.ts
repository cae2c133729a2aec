import { fold } from '../../platform/i18n/fold.js';

/**
 * Turning what a citizen types into a full-text query over procedure names.
 * Folding matches SQL search_tokens(): lower case, no diacritics, đ → d, and y → i (Vietnamese writes kỹ/kĩ,
 * lý/lí interchangeably). Words not in the catalogue's vocabulary are corrected to the closest words that are
 * (one edit for short words, two for longer ones), so "dang ki ket hon" and "khai snh" still find their procedure.
 */
export function queryTokens(query: string): string[] {
  return fold(query)
    .replace(/y/g, 'i')
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0)
    .slice(0, 12);
}

/** The words of all procedure names (lexemes of search_vector), kept in memory for typo correction. */
export class Vocabulary {
  private readonly words: Set<string>;
  private readonly byLength = new Map<number, string[]>();

  constructor(words: Iterable<string>) {
    this.words = new Set(words);
    for (const w of this.words) {
      const list = this.byLength.get(w.length) ?? [];
      list.push(w);
      this.byLength.set(w.length, list);
    }
  }

  get size(): number {
    return this.words.size;
  }

  has(word: string): boolean {
    return this.words.has(word);
  }

  /** The closest known words to an unknown one, best first (at most `limit`). */
  corrections(word: string, limit = 4): string[] {
    const maxDistance = word.length <= 4 ? 1 : 2;
    const found: { w: string; d: number }[] = [];
    for (let len = word.length - maxDistance; len <= word.length + maxDistance; len++) {
      for (const candidate of this.byLength.get(len) ?? []) {
        const d = editDistance(word, candidate, maxDistance);
        if (d <= maxDistance) found.push({ w: candidate, d });
      }
    }
    return found
      .sort((a, b) => a.d - b.d || a.w.localeCompare(b.w))
      .slice(0, limit)
      .map((f) => f.w);
  }
}

/** Optimal-string-alignment distance (adjacent swaps count as one edit), giving up beyond `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prevPrev: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prevPrev[j - 2]! + 1);
      row.push(v);
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    prevPrev = prev;
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * A to_tsquery('simple', …) text: every word must match (AND); an unknown word may match any of its corrections
 * (OR); the last word also matches as a prefix, so results come while the citizen is still typing.
 * Returns null when nothing usable remains.
 */
export function buildTsQuery(tokens: string[], vocabulary: Vocabulary): string | null {
  if (tokens.length === 0) return null;
  const parts = tokens.map((token, index) => {
    const alternatives = new Set<string>([token]);
    if (!vocabulary.has(token)) for (const c of vocabulary.corrections(token)) alternatives.add(c);
    const terms = [...alternatives];
    if (index === tokens.length - 1 && token.length >= 2) terms.push(`${token}:*`);
    return terms.length === 1 ? terms[0]! : `(${terms.join(' | ')})`;
  });
  return parts.join(' & ');
}
