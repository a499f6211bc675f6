/**
 * Requests Node's HTTP parser refuses before express sees them (headers over 16 kB, raw
 * non-ASCII bytes in the path, a body longer than its Content-Length) get the same JSON
 * error shape as every other refusal, then the connection is closed.
 */
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

export function answerParserErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request';
    const body = JSON.stringify({
      error: tooLarge
        ? { code: 'headers_too_large', message: 'request headers (or the URL) exceed 16 kB' }
        : {
            code: 'malformed_request',
            message: 'the request is not valid HTTP/1.1 (bad bytes in the request line or headers, or a body that disagrees with its length)',
          },
    });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
