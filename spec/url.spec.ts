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
});

describe('redactUrl', () => {
  it('replaces the user name and password, including a password holding @', () => {
    expect(redactUrl('ws://user:pa@ss@h:1/p?q')).toBe('ws://***@h:1/p?q');
    expect(redactUrl('wss://token@h/')).toBe('wss://***@h/');
    expect(redactUrl(new URL('ws://u:p@h/'))).toBe('ws://***@h/');
    expect(redactUrl('ws://h/p?next=a@b')).toBe('ws://h/p?next=a@b');
    expect(redactUrl('not a url')).toBe('not a url');
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
