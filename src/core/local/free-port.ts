import { createServer } from 'node:net';

/**
 * A TCP port on 127.0.0.1 that is free right now, for MASTER_PORT. The system picks it (port 0); the port is
 * released before the workers start, so another program could take it in between, which is as good as
 * PAI's own choice gets on a shared machine.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
