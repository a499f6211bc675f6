/**
 * POST /xjmf (the controller: every press) and POST /xjmf/<pressId> (one press, the XJMFURL
 * QueryKnownDevices gives for it). The body is one XJMF envelope as
 * application/vnd.cip4-xjmf+xml, text/xml or application/xml; the answer is always an XJMF
 * envelope, also for a refused body (wrong type 415, too large 413), never a 5xx.
 */
import express, { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { currentUser, clientAddress } from '../http/auth-guard.js';
import { ReturnCode } from './return-codes.js';
import { XJMF_CONTENT_TYPE } from './subscription-manager.js';
import type { XjmfHandler } from './xjmf-handler.js';
import type { TokenBook } from './token-book.js';

export const XJMF_BODY_TYPES = [XJMF_CONTENT_TYPE, 'text/xml', 'application/xml'];

export interface XjmfRouteOptions {
  handler: XjmfHandler;
  tokens: TokenBook;
  anonymousRead: boolean;
  maxBodyBytes: number;
  logger: Logger;
}

export function xjmfRoutes(options: XjmfRouteOptions): Router {
  const { handler, logger } = options;
  const readBody = express.raw({ type: () => true, limit: options.maxBodyBytes });
  const tokenName = (req: Request): string | null => options.tokens.fromAuthorization(req.headers.authorization);
  const send = (res: Response, status: number, xml: string) => res.status(status).type(XJMF_CONTENT_TYPE).send(xml);

  const router = Router();
  const answer: express.RequestHandler = (req, res) => {
    const pressId = typeof req.params.pressId === 'string' ? req.params.pressId : null;
    if (!req.is(XJMF_BODY_TYPES)) {
      const got = req.headers['content-type'] ? `Content-Type ${req.headers['content-type'].slice(0, 100)}` : 'no Content-Type';
      return send(res, 415, handler.refusal(pressId, ReturnCode.xmlParserError, `send one XJMF envelope as ${XJMF_BODY_TYPES.join(', ')} (got ${got})`));
    }
    readBody(req, res, (error?: unknown) => {
      if (error !== undefined) {
        const tooLarge = (error as { type?: string }).type === 'entity.too.large';
        return send(
          res,
          tooLarge ? 413 : 400,
          handler.refusal(pressId, ReturnCode.xmlParserError, tooLarge ? `the body is over ${options.maxBodyBytes} bytes` : 'the body could not be read'),
        );
      }
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const token = tokenName(req);
      const caller = {
        pressId,
        canRead: options.anonymousRead || currentUser(res) !== undefined || token !== null,
        tokenName: token,
        ip: clientAddress(req),
        baseUrl: req.headers.host ? `${req.protocol}://${req.headers.host}` : undefined,
      };
      handler.handle(body, caller).then(
        (xml) => send(res, 200, xml),
        (failure: unknown) => {
          logger.error({ err: failure }, 'xjmf request failed');
          send(res, 200, handler.refusal(pressId, ReturnCode.internalError, 'internal error; the request was not carried out'));
        },
      );
    });
  };
  router.post('/xjmf', answer);
  router.post('/xjmf/:pressId', answer);
  return router;
}
