/** Starts a node:http server on 127.0.0.1 and gives back its port and a close(). */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Started } from './target.js';

export function listen(server: Server, port: number): Promise<Started> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
