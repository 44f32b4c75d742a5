// Order statistics the benchmarks report (numbers only, never pass/fail).

/** The middle value (the upper one of an even count). */
export const median = (xs) => percentile(xs, 0.5);

/** The value below which a fraction `p` of the samples lie (nearest rank, no interpolation). */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
}
