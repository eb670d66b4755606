/**
 * Reads a Node `--cpu-prof` profile: self time per function, named by its
 * source file relative to the repository (or `(native)`, `(garbage
 * collector)`, `(program)`, `(idle)`), largest first.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Self time per function of one profile, largest first, with each one's share of the non-idle time. */
export function selfTimes(file: string): SelfTime[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const times = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
    const where = url ? `${url.replace('file://', '').replace(ROOT, '')}:${lineNumber + 1}` : '';
    const name = where ? `${functionName || '(anonymous)'} ${where}` : functionName || '(native)';
    times.set(name, (times.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const busy = [...times].filter(([name]) => name !== '(idle)').reduce((sum, [, ms]) => sum + ms, 0);
  return [...times]
    .map(([name, ms]) => ({ name, ms, share: ms / busy }))
    .sort((a, b) => b.ms - a.ms);
}
