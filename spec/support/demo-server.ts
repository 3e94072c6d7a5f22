import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The demo server as `npm start` runs it (examples/server.mjs), on a free port, in a child process. */
export interface DemoServer {
  readonly url: string;
  readonly wsUrl: string;
  /** Every line it logged. */
  readonly log: string[];
  stop(): Promise<void>;
}

export function startDemoServer(): Promise<DemoServer> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, '../../examples/server.mjs')], {
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`the demo server did not start within 20 s:\n${log.join('\n')}`));
    }, 20_000);
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        log.push(line);
        const match = /open (http:\/\/[^ ]+) \(echo socket at ([^ )]+)\)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve({
            url: match[1],
            wsUrl: match[2],
            log,
            stop: () =>
              new Promise<void>((done) => {
                if (child.exitCode !== null) return done();
                child.once('exit', () => done());
                child.kill('SIGTERM');
              }),
          });
        }
      }
    };
    child.stdout!.on('data', onLine);
    child.stderr!.on('data', onLine);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo server exited with ${code}:\n${log.join('\n')}`));
    });
  });
}
