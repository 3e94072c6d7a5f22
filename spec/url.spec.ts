import { normalizeProtocols, normalizeUrl, pageBaseUrl, redactUrl } from '../lib/url.js';

describe('normalizeUrl', () => {
  it.each([
    ['ws://h/p', 'ws://h/p'],
    ['wss://h:8443/p?q=1', 'wss://h:8443/p?q=1'],
    ['http://h/p', 'ws://h/p'],
    ['HTTPS://H/p', 'wss://h/p'],
  ])('accepts %s as %s', (input, output) => {
    expect(normalizeUrl(input)).toBe(output);
  });

  it('resolves a relative URL against a page base, mapping its scheme', () => {
    expect(normalizeUrl('/socket', 'https://example.test/app/')).toBe('wss://example.test/socket');
    expect(normalizeUrl('socket', 'http://example.test/app/')).toBe('ws://example.test/app/socket');
  });

  it.each(['ftp://h/', 'file:///etc/passwd', 'javascript:alert(1)', 'ws+unix:/tmp/s', 'ws://h/#', 'ws://h/#x', 'relative', ''])(
    'rejects %j with a SyntaxError',
    (input) => {
      expect(() => normalizeUrl(input)).toThrow(SyntaxError);
    },
  );

  it('says a relative URL needs a page to resolve against, and what a WebSocket URL looks like', () => {
    expect(() => normalizeUrl('/socket')).toThrow(
      new SyntaxError(
        'reactive-websocket: "/socket" is not a valid WebSocket URL (a relative URL needs a page to resolve against; ' +
          'give an absolute ws:// or wss:// URL). Use ws://host:port/path or wss://host/path.',
      ),
    );
  });

  it('does not mention a page when there is one and the URL still does not parse', () => {
    expect(() => normalizeUrl('http://[', 'http://example.test/')).toThrow(
      new SyntaxError('reactive-websocket: "http://[" is not a valid WebSocket URL. Use ws://host:port/path or wss://host/path.'),
    );
  });

  it('names the scheme it refuses and lists the accepted ones, credentials redacted', () => {
    expect(() => normalizeUrl('ftp://user:pw@h/')).toThrow(
      new SyntaxError(
        'reactive-websocket: "ftp://***@h/" has the scheme "ftp:"; a WebSocket URL must use one of ws: wss: http: https: ' +
          '(http and https become ws and wss).',
      ),
    );
  });

  it('suggests ws:// for a host and port written without it, which the URL parser reads as the scheme "localhost:"', () => {
    expect(() => normalizeUrl('localhost:8080')).toThrow(
      new SyntaxError(
        'reactive-websocket: "localhost:8080" has no scheme (so "localhost:" was taken for one); a WebSocket URL starts with ' +
          'ws:// or wss:// (http:// and https:// become ws:// and wss://). Did you mean "ws://localhost:8080"?',
      ),
    );
  });

  it('says an IP address and port lacks a scheme, not that it is a relative URL, and suggests ws://', () => {
    expect(() => normalizeUrl('127.0.0.1:8080')).toThrow(
      new SyntaxError(
        'reactive-websocket: "127.0.0.1:8080" has no scheme; a WebSocket URL starts with ws:// or wss:// ' +
          '(http:// and https:// become ws:// and wss://). Did you mean "ws://127.0.0.1:8080"?',
      ),
    );
  });

  it.each([
    ['localhost:8080/feed?room=1', 'ws://localhost:8080/feed?room=1'],
    ['example.test:443/feed', 'ws://example.test:443/feed'],
    ['localhost', 'ws://localhost'],
    ['127.0.0.1/feed', 'ws://127.0.0.1/feed'],
    ['[::1]:8080', 'ws://[::1]:8080'],
  ])('suggests ws:// in front of %s, keeping its path and query', (input, suggestion) => {
    expect(() => normalizeUrl(input)).toThrow(`has no scheme`);
    expect(() => normalizeUrl(input)).toThrow(`Did you mean ${JSON.stringify(suggestion)}?`);
  });

  it('suggests ws:// for a server address even on a page, where the host would otherwise be taken for a scheme', () => {
    expect(() => normalizeUrl('localhost:8080', 'http://example.test/app/')).toThrow('Did you mean "ws://localhost:8080"?');
  });

  it('shows neither the password nor the user name taken for a scheme when suggesting ws:// for an address with credentials', () => {
    let message = '';
    try {
      normalizeUrl('admin:hunter2@127.0.0.1:8080/feed');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toBe(
      'reactive-websocket: "***@127.0.0.1:8080/feed" has no scheme; a WebSocket URL starts with ws:// or wss:// ' +
        '(http:// and https:// become ws:// and wss://). Did you mean "ws://***@127.0.0.1:8080/feed"?',
    );
    expect(message).not.toMatch(/hunter2|admin/);
  });

  it.each(['/socket', 'socket', 'example.test', 'ftp://h/', 'javascript:alert(1)', 'ws+unix:/tmp/s'])(
    'suggests nothing for %j, which does not read as a server address',
    (input) => {
      expect(() => normalizeUrl(input)).toThrow(SyntaxError);
      expect(() => normalizeUrl(input)).not.toThrow(/Did you mean/);
    },
  );

  it('says a fragment must go, credentials redacted', () => {
    expect(() => normalizeUrl('wss://user:pw@h/p#part')).toThrow(
      new SyntaxError('reactive-websocket: "wss://***@h/p#part" has a fragment (#…), which WebSocket URLs may not have. Remove it.'),
    );
  });
});

describe('redactUrl', () => {
  it('replaces the user name and password, including a password holding @', () => {
    expect(redactUrl('ws://user:pa@ss@h:1/p?q')).toBe('ws://***@h:1/p?q');
    expect(redactUrl('wss://token@h/')).toBe('wss://***@h/');
    expect(redactUrl(new URL('ws://u:p@h/'))).toBe('ws://***@h/');
    expect(redactUrl('ws://h/p?next=a@b')).toBe('ws://h/p?next=a@b');
    expect(redactUrl('not a url')).toBe('not a url');
  });

  it('redacts credentials in a URL written without ws://, where the user name parses as the scheme', () => {
    expect(redactUrl('user:pw@127.0.0.1:8080/p')).toBe('***@127.0.0.1:8080/p');
    expect(redactUrl('javascript:alert(1)')).toBe('javascript:alert(1)');
    expect(redactUrl('/socket?next=a@b')).toBe('/socket?next=a@b');
  });
});

describe('normalizeProtocols', () => {
  it('accepts none, one or several distinct tokens', () => {
    expect(normalizeProtocols(undefined)).toEqual([]);
    expect(normalizeProtocols('v1')).toEqual(['v1']);
    expect(normalizeProtocols(['graphql-ws', 'v1.chat'])).toEqual(['graphql-ws', 'v1.chat']);
  });

  it.each([[['a', 'a']], [['a b']], [['a,b']], [['']], [['é']], [[42 as unknown as string]]])('rejects %j', (protocols) => {
    expect(() => normalizeProtocols(protocols)).toThrow(SyntaxError);
  });

  it('names the offending subprotocol and says what a name may hold, or that it is listed twice', () => {
    expect(() => normalizeProtocols(['v1', 'a b'])).toThrow(
      new SyntaxError(
        'reactive-websocket: "a b" is not a valid subprotocol name; ' +
          "use letters, digits and !#$%&'*+-.^_`|~ only, with no spaces or separators.",
      ),
    );
    expect(() => normalizeProtocols(['v1', 'v2', 'v1'])).toThrow(
      new SyntaxError('reactive-websocket: the subprotocol "v1" is listed twice; list each once.'),
    );
  });
});

describe('pageBaseUrl', () => {
  it('is undefined in Node and the page URL where there is one', () => {
    expect(pageBaseUrl()).toBeUndefined();
    const page = globalThis as { location?: unknown };
    page.location = { href: 'http://example.test/page' };
    try {
      expect(pageBaseUrl()).toBe('http://example.test/page');
    } finally {
      delete page.location;
    }
  });
});
