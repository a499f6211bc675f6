/**
 * One HTTP request with nothing normalised away: any method, raw path bytes (latin1, so
 * `\xff` goes out as the byte 0xff), any header, any body bytes. A fresh connection each
 * time, since a refused upload may leave the server closing it. Never hangs: a request
 * without an answer within `timeoutMs` is reported as a timeout.
 */
import http, { type IncomingHttpHeaders } from 'node:http';

export interface RawRequest {
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  ms: number;
}

export class RequestTimeout extends Error {
  override name = 'RequestTimeout';
}

export function rawRequest(request: RawRequest): Promise<RawResponse> {
  const started = performance.now();
  const timeoutMs = request.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      { host: '127.0.0.1', port: request.port, method: request.method, path: request.path, headers: request.headers, agent: false },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      reject(new RequestTimeout(`no answer to ${request.method} ${request.path.slice(0, 80)} within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (error) => {
      // The server may answer (413) and close before a large upload is fully written: the
      // answer counts, the write error after it does not.
      if (answered) return;
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
}
