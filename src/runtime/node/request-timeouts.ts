// Node's HTTP server answers a client that is too slow with its headers or its body (SERVER_LIMITS in
// service.ts) with a 408 of its own and closes the connection: the app never sees that request, so the
// request log has no line for it. This leaves one: `request.timeout`, with the status and how many
// bytes had arrived — never the address, the path or anything the client sent.
//
// Node keeps its own answer when no `clientError` listener exists, so this listens on each connection's
// socket instead: Node destroys it with ERR_HTTP_REQUEST_TIMEOUT right after writing the 408.
import type { Server } from 'node:net';
import type { Logger } from '../../ports/logger.js';

export function logRequestTimeouts(server: Server, logger: Logger): void {
  server.on('connection', (socket) => {
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ERR_HTTP_REQUEST_TIMEOUT') return;
      logger.warn('request.timeout', { status: 408, bytesRead: socket.bytesRead });
    });
  });
}
