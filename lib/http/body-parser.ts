import type { MiddlewareObj, Request } from '@middy/core';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpUrlencodeBodyParser from '@middy/http-urlencode-body-parser';
import { HttpError } from './errors';

export const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPE = /^application\/(.+\+)?json(;.*)?$/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded(;.*)?$/i;

interface HttpEvent {
  body?: unknown;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

/**
 * Caps the body size, then hands the body to middy's JSON or urlencoded parser by its
 * content type. The urlencoded one is there for the PoC's GET with a form body
 * (`curl -X GET -d UsrID=40`); JSON is for POST /reco. An empty body stays undefined.
 */
export function bodyParser(maxBytes = MAX_BODY_BYTES): MiddlewareObj {
  const json = httpJsonBodyParser();
  const form = httpUrlencodeBodyParser();
  return {
    before: async (request: Request) => {
      const event = request.event as HttpEvent;
      if (typeof event.body !== 'string' || event.body.length === 0) {
        event.body = undefined;
        return;
      }
      const bytes = event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body);
      if (bytes > maxBytes) throw new HttpError(413, 'payload-too-large', `the body is larger than ${maxBytes} bytes`);
      const type = (event.headers?.['content-type'] ?? '').trim();
      if (JSON_TYPE.test(type)) {
        try {
          await json.before!(request as Request<never>);
        } catch {
          throw new HttpError(400, 'invalid-json', 'the body is not valid JSON');
        }
      } else if (FORM_TYPE.test(type)) {
        try {
          await form.before!(request as Request<never>);
        } catch {
          throw new HttpError(400, 'invalid-form', 'the body is not a valid urlencoded form');
        }
      } else {
        throw new HttpError(
          415,
          'unsupported-media-type',
          'send the body as application/json or application/x-www-form-urlencoded',
        );
      }
    },
  };
}
