import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StartupError, type Config } from '../config.js';

export interface Listening {
  server: Server;
  url: string;
  /** Stops accepting connections and resolves once in-flight requests finish (or the timeout hits). */
  close(): Promise<void>;
}

/** Listens with `handler` (the application, or the metrics listener) on `config.port`. */
export async function listen(handler: RequestListener, config: Config['server']): Promise<Listening> {
  const server = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new StartupError(`Port ${config.port} is already in use; stop the other process or set PORT to another port.`)
          : error.code === 'EACCES'
            ? new StartupError(`Not allowed to listen on port ${config.port}; set PORT to a port above 1023.`)
            : error,
      );
    });
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host && config.host !== '0.0.0.0' && config.host !== '::' ? config.host : 'localhost'}:${port}`;

  const close = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
      // Keep-alive connections with no request in flight would otherwise hold close() open.
      server.closeIdleConnections();
    });
  return { server, url, close };
}
