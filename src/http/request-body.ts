import type { FastifyInstance } from 'fastify';
import { parseJsonOrUndefined } from '../utils/json';
import { HttpError } from './refusals';

/** `application/json` and `application/*+json`, with any parameters. */
const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json(?![\w.+-])/i;

/**
 * The request bodies the server reads: a JSON one is read up to the server's `bodyLimit` (else
 * 413) and parsed (else 400); any other is left unread, for Apollo Server to refuse as it does
 * (CSRF prevention, content type), and Node discards it once the answer is sent.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'string' }, (_request, text, done) => {
    // JSON text never parses to undefined: undefined is the parse failing.
    const body = parseJsonOrUndefined(text as string);
    if (body === undefined) {
      done(new HttpError(400, 'BAD_USER_INPUT', 'The request body is not valid JSON.'), undefined);
    } else {
      done(null, body);
    }
  });
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
}
