import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { tsImport } from 'tsx/esm/api';
import { plainReporter } from './test/support/plain-reporter.mjs';

const servers = await tsImport('./test/support/wtr-servers.ts', import.meta.url);
const { oneFileFolders, removeOneFileFolders } = await tsImport('./test/support/one-file-folders.ts', import.meta.url);
const { testTokens, executeTokenCommand } = await tsImport('./test/support/test-tokens.ts', import.meta.url);

/** Starts and drives the real servers the browser tests talk to. */
const serversPlugin = {
  name: 'ws-bind-servers',
  async serverStop() {
    await servers.stopAll();
    removeOneFileFolders();
  },
  async executeCommand({ command, payload }) {
    if (command.startsWith('tokens:')) return executeTokenCommand(command, payload);
    return servers.executeCommand(command, payload);
  },
};

/**
 * The strict policy the CSP test page is served with: no inline script or style, Trusted Types required, and only
 * the policies ws-bind and lit-html create. connect-src names the test servers, which listen on other ports.
 */
const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self' ws://127.0.0.1:*",
  "require-trusted-types-for 'script'",
  'trusted-types ws-bind lit-html',
].join('; ');

/** Serves the pages under test/browser/strict-csp/ with STRICT_CSP. */
async function strictCspHeaders(context, next) {
  await next();
  if (context.path.startsWith('/test/browser/strict-csp/') && context.path.endsWith('.html')) {
    context.set('Content-Security-Policy', STRICT_CSP);
  }
}

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: { exportConditions: ['production'] },
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 10 * 60 * 1000,
  browserStartTimeout: 60000,
  testFramework: { config: { timeout: 20000 } },
  middleware: [oneFileFolders, strictCspHeaders, testTokens],
  plugins: [esbuildPlugin({ ts: true, target: 'es2022', tsconfig: './tsconfig.json' }), serversPlugin],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
          '--disable-background-timer-throttling',
          '--disable-renderer-backgrounding',
          '--disable-backgrounding-occluded-windows',
        ],
      },
    }),
  ],
  reporters: [process.env.CI ? summaryReporter({ flatten: true }) : defaultReporter(), plainReporter()],
};
