import { spawn, type ChildProcess } from 'node:child_process';

// Node runs the file itself (tsx as a loader, not its CLI, which would put a second process in between that SIGKILL misses).
/** A running tests/reliability/app-process.ts: its port, its output, and how to stop or kill it. */
export interface AppProcess {
  port: number;
  url: string;
  output: string[];
  child: ChildProcess;
  /** SIGKILL: no shutdown hook runs, connections are cut by the kernel. */
  kill(): Promise<void>;
}

/** Starts an app process against `databaseUrl` and waits until it listens. */
export async function startAppProcess(databaseUrl: string): Promise<AppProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/reliability/app-process.ts'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: databaseUrl, AUTH_SECRET: 'reliability-test-secret-of-at-least-32-chars' },
  });
  const output: string[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app process did not start:\n${output.join('\n')}`)), 30_000);
    const read = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        output.push(line);
        const ready = /^ready (\d+)$/.exec(line);
        if (ready) {
          clearTimeout(timer);
          resolve(Number(ready[1]));
        }
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`the app process exited (${code}):\n${output.join('\n')}`)));
  });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    output,
    child,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
