/**
 * Topic patterns of a JWT's `topics` claim (SPEC 4.5): segments separated
 * by `/`, where a segment `*` matches exactly one non-empty segment and a
 * last segment `**` matches one or more segments (any rest). `chat/*`
 * matches `chat/lobby` but not `chat/a/b`; `chat/**` matches both; `**`
 * alone matches every topic.
 */

/** A parsed pattern: its segments, the last possibly `**`. */
export type TopicPattern = readonly string[];

/** Parses a pattern; undefined when it is not one (empty, or `*` mixed into a segment, or `**` not last). */
export function parseTopicPattern(text: unknown): TopicPattern | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const segments = text.split('/');
  const fits = segments.every((segment, index) =>
    segment === '**' ? index === segments.length - 1 : segment === '*' || !segment.includes('*'),
  );
  return fits ? segments : undefined;
}

/** True when `topic` matches `pattern`. */
export function matchesTopic(pattern: TopicPattern, topic: string): boolean {
  const segments = topic.split('/');
  const rest = pattern[pattern.length - 1] === '**';
  const fixed = rest ? pattern.length - 1 : pattern.length;
  if (rest ? segments.length <= fixed : segments.length !== fixed) return false;
  for (let index = 0; index < fixed; index++) {
    const wanted = pattern[index];
    if (wanted === '*' ? segments[index] === '' : wanted !== segments[index]) return false;
  }
  return true;
}

/** True when any of `patterns` matches `topic`. */
export function matchesAny(patterns: readonly TopicPattern[], topic: string): boolean {
  return patterns.some((pattern) => matchesTopic(pattern, topic));
}
