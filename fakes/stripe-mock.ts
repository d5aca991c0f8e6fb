import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const installer = fileURLToPath(new URL('../scripts/install/stripe-mock.sh', import.meta.url));

export interface StripeMock {
  /** HTTP address of the mock's API (STRIPE_API_URL). */
  url: string;
  stop(): Promise<void>;
}

/**
 * Stripe's own API mock (`stripe-mock`, built by scripts/install/stripe-mock.sh), on free loopback ports: it
 * validates every request against Stripe's OpenAPI description and answers with fixtures.
 */
export async function startStripeMock(timeoutMs = 30_000): Promise<StripeMock> {
  const binary = execFileSync('bash', [installer], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const child = spawn(binary, ['-http-addr', '127.0.0.1:', '-https-addr', '127.0.0.1:'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit');
  let output = '';
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stripe-mock did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening for HTTP at address: (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then(() => reject(new Error(`stripe-mock exited before listening:\n${output}`)));
  });
  return {
    url: `http://${address}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
