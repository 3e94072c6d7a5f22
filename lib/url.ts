/** The URL schemes a socket accepts; `http:` and `https:` are mapped to `ws:` and `wss:`. */
export const ACCEPTED_SCHEMES: readonly string[] = ['ws:', 'wss:', 'http:', 'https:'];

/**
 * Replaces the user name and password of a URL with `***`, for error messages and logs.
 * Works on strings that do not parse as URLs, too, and on a URL written without its `ws://`.
 */
export function redactUrl(url: string | URL): string {
  // Greedy up to the last '@' of the authority: a password may itself contain '@'. Without '//',
  // "user:pw@host:8080" parses with the scheme "user:"; its password still must not show.
  return String(url).replace(/^([a-z][a-z\d+.-]*:\/\/)?[^/?#]*@/i, '$1***@');
}

// A server address written without ws://: host:port, or localhost or an IP address with or without
// a port, then any path; credentials allowed. "localhost:8080" parses with the scheme "localhost:",
// and "127.0.0.1:8080" does not parse at all, so neither error says by itself what went wrong.
const ADDRESS_WITHOUT_SCHEME =
  /^(?:[^/?#@\s]*@)?(?:(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[\da-f:.]+\])(?::\d{1,5})?|[a-z\d-]+(?:\.[a-z\d-]+)*:\d{1,5})(?:[/?]\S*)?$/i;

/**
 * The error for a server address written without its scheme, with the URL it likely meant;
 * `undefined` when the input does not read as one. `taken` is the scheme the URL parser saw in it.
 */
function missingScheme(input: string | URL, taken?: string): SyntaxError | undefined {
  if (typeof input !== 'string' || !ADDRESS_WITHOUT_SCHEME.test(input)) return undefined;
  const shown = redactUrl(input);
  // With credentials, the scheme taken is the user name: it is not shown either.
  return new SyntaxError(
    `reactive-websocket: ${JSON.stringify(shown)} has no scheme` +
      (taken === undefined || shown !== input ? '' : ` (so ${JSON.stringify(taken)} was taken for one)`) +
      '; a WebSocket URL starts with ws:// or wss:// (http:// and https:// become ws:// and wss://). ' +
      `Did you mean ${JSON.stringify(redactUrl(`ws://${input}`))}?`,
  );
}

/**
 * Checks a socket URL the way browsers do and returns it as an absolute `ws:` or `wss:` URL.
 *
 * @param input - the URL as the user gave it.
 * @param base - what a relative URL resolves against (a page's base URL); none in Node.
 * @throws SyntaxError naming the (redacted) URL when it does not parse, is relative without a
 *   base, has a fragment, or has a scheme other than ws, wss, http or https. For a server address
 *   without its scheme (`localhost:8080`, `127.0.0.1:8080`), it suggests the `ws://` URL.
 */
export function normalizeUrl(input: string | URL, base?: string): string {
  let url: URL;
  try {
    url = new URL(String(input), base);
  } catch {
    throw (
      missingScheme(input) ??
      new SyntaxError(
        `reactive-websocket: ${JSON.stringify(redactUrl(input))} is not a valid WebSocket URL` +
          (base === undefined ? ' (a relative URL needs a page to resolve against; give an absolute ws:// or wss:// URL)' : '') +
          '. Use ws://host:port/path or wss://host/path.',
      )
    );
  }
  if (!ACCEPTED_SCHEMES.includes(url.protocol)) {
    throw (
      missingScheme(input, url.protocol) ??
      new SyntaxError(
        `reactive-websocket: ${JSON.stringify(redactUrl(url))} has the scheme ${JSON.stringify(url.protocol)}; ` +
          `a WebSocket URL must use one of ${ACCEPTED_SCHEMES.join(' ')} (http and https become ws and wss).`,
      )
    );
  }
  if (url.hash !== '' || url.href.endsWith('#')) {
    throw new SyntaxError(
      `reactive-websocket: ${JSON.stringify(redactUrl(url))} has a fragment (#…), which WebSocket URLs may not have. Remove it.`,
    );
  }
  url.protocol = url.protocol.replace('http', 'ws');
  return url.href;
}

/** The base URL of the current page, where there is one (browsers); `undefined` in Node. */
export function pageBaseUrl(): string | undefined {
  const page = globalThis as { document?: { baseURI?: unknown }; location?: { href?: unknown } };
  const base = page.document?.baseURI ?? page.location?.href;
  return typeof base === 'string' ? base : undefined;
}

const NO_PROTOCOLS: readonly string[] = Object.freeze([]);
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Checks subprotocol names as browsers do: each a non-empty HTTP token, none repeated.
 *
 * @returns the names as an array (empty when none were given).
 * @throws SyntaxError naming the offending value.
 */
export function normalizeProtocols(protocols: string | readonly string[] | undefined): readonly string[] {
  if (protocols === undefined) return NO_PROTOCOLS;
  const list = typeof protocols === 'string' ? [protocols] : [...protocols];
  const seen = new Set<string>();
  for (const protocol of list) {
    if (typeof protocol !== 'string' || !TOKEN.test(protocol)) {
      throw new SyntaxError(
        `reactive-websocket: ${JSON.stringify(protocol)} is not a valid subprotocol name; ` +
          "use letters, digits and !#$%&'*+-.^_`|~ only, with no spaces or separators.",
      );
    }
    if (seen.has(protocol)) {
      throw new SyntaxError(`reactive-websocket: the subprotocol ${JSON.stringify(protocol)} is listed twice; list each once.`);
    }
    seen.add(protocol);
  }
  return list;
}
