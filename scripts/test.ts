/**
 * `npm test`: runs every suite (unit, server, browser) and ends with one
 * plain "N passed, N failed" line that covers them all. Exits non-zero when
 * any suite fails or any suite runs no test.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Counts { passed: number; failed: number; skipped: number }

function testFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => name.endsWith('.test.ts')).sort().map((name) => join(dir, name));
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; process.stdout.write(chunk); });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; process.stderr.write(chunk); });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function nodeSuite(name: string, dir: string): Promise<Counts & { code: number }> {
  const files = testFiles(dir);
  if (files.length === 0) return { passed: 0, failed: 0, skipped: 0, code: 0 };
  const { code, output } = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files]);
  const read = (label: string) => Number(output.match(new RegExp(`^ℹ ${label} (\\d+)$`, 'm'))?.[1] ?? 0);
  const counts = { passed: read('pass'), failed: read('fail') + read('cancelled'), skipped: read('skipped') + read('todo') };
  console.log(`${name}: ${counts.passed} passed, ${counts.failed} failed`);
  return { ...counts, code };
}

async function browserSuite(): Promise<Counts & { code: number }> {
  const summary = join(mkdtempSync(join(tmpdir(), 'wtr-')), 'summary.json');
  const bin = join('node_modules', '.bin', 'web-test-runner');
  const { code } = await run(bin, ['--config', 'web-test-runner.config.mjs'], { WTR_SUMMARY_FILE: summary });
  const counts: Counts = existsSync(summary)
    ? JSON.parse(readFileSync(summary, 'utf8')) as Counts
    : { passed: 0, failed: 1, skipped: 0 };
  return { ...counts, code };
}

// The browser suites that load the one-file bundles, and the package test, read dist/: build it on a fresh clone.
if (!existsSync(join('dist', 'ws-bind.js')) || !existsSync(join('dist', 'ws-bind.iife.js'))) {
  const { code } = await run('npm', ['run', 'build']);
  if (code !== 0) process.exit(code);
}

const suites = [
  await nodeSuite('unit', 'test/unit'),
  await nodeSuite('server', 'test/server'),
  await browserSuite(),
];
const total = suites.reduce((sum, s) => ({ passed: sum.passed + s.passed, failed: sum.failed + s.failed, skipped: sum.skipped + s.skipped }), { passed: 0, failed: 0, skipped: 0 });
const broken = suites.some((s) => s.code !== 0) || total.passed === 0;
const failed = total.failed === 0 && broken ? 1 : total.failed;
console.log(`\n${total.passed} passed, ${failed} failed` + (total.skipped ? `, ${total.skipped} skipped` : ''));
process.exit(broken || failed > 0 ? 1 : 0);
