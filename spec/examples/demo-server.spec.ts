import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';

const SERVER = join(__dirname, '../../examples/server.mjs');

describe('examples/server.mjs (npm start)', () => {
  it('says clearly, and exits, when its port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    try {
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          [SERVER],
          { env: { ...process.env, PORT: String(port) }, timeout: 20_000 },
          (_error, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
        );
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Port ${port} is already in use. Stop what uses it, or pick another: PORT=8081 npm start`);
    } finally {
      blocker.close();
    }
  }, 30_000);
});
