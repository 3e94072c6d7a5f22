import {
  BufferOverflowError,
  ConnectionError,
  DeserializationError,
  NotImplementedError,
  ReconnectError,
  SocketClosedError,
} from '../lib/index.js';
import { describeError, preview } from '../lib/errors.js';

describe('error classes', () => {
  it('each has its own name and is an Error', () => {
    const errors = [
      new NotImplementedError('x'),
      new BufferOverflowError(3, 'ws://h/'),
      new SocketClosedError('ws://h/', { by: 'client', code: 1000 }),
      new DeserializationError({ data: 'x' }, new Error('bad')),
      new ConnectionError('ws://h/'),
      new ReconnectError('ws://h/', 3, 'the server refused'),
    ];
    expect(errors.map((error) => error.name)).toEqual([
      'NotImplementedError',
      'BufferOverflowError',
      'SocketClosedError',
      'DeserializationError',
      'ConnectionError',
      'ReconnectError',
    ]);
    for (const error of errors) expect(error).toBeInstanceOf(Error);
  });

  it('say what happened and what to do', () => {
    expect(new SocketClosedError('ws://h/', { by: 'network', code: 1006 }).message).toBe(
      'reactive-websocket: cannot send: the socket to ws://h/ was closed by the network with code 1006; create a new socket to send more.',
    );
    expect(new ConnectionError('ws://h/', 'connect ECONNREFUSED').message).toMatch(/failed: connect ECONNREFUSED. Check that the server/);
    expect(new ConnectionError('ws://h/').message).toMatch(/the runtime gave no detail/);
    expect(new BufferOverflowError(3, 'ws://h/').limit).toBe(3);
  });

  it('ConnectionError advises by the handshake status, keeps status and cause, and drops trailing periods of the detail', () => {
    const failed = (status: number | undefined, detail?: string): ConnectionError =>
      new ConnectionError('ws://h/', detail, { status, cause: 'c' });
    const head = 'reactive-websocket: the connection to ws://h/ failed';
    expect(failed(401, 'Unexpected server response: 401...').message).toBe(
      `${head}: Unexpected server response: 401. The server refused the handshake with HTTP 401: check the credentials or token it expects; a close event follows.`,
    );
    expect(failed(403).message).toContain('refused the handshake with HTTP 403: check the credentials');
    expect(failed(404).message).toContain("no WebSocket endpoint there (HTTP 404): check the URL's path");
    expect(failed(500).message).toContain('HTTP 500, a server error: with reconnect on, the socket tries again');
    expect(failed(503).message).toContain('HTTP 503, a server error');
    expect(failed(499).message).toContain('HTTP 499 instead of 101 Switching Protocols');
    expect(failed(302).message).toContain('HTTP 302 instead of 101 Switching Protocols');
    // Without a status: the server may have refused the handshake unless the runtime said otherwise.
    const pathAdvice = "and that the URL's path and any credentials are right (the runtime does not say the HTTP status)";
    expect(failed(undefined).message).toBe(
      `${head} (the runtime gave no detail). Check that the server is running and reachable, ${pathAdvice}; a close event follows.`,
    );
    expect(failed(undefined, 'Received network error or non-101 status code.').message).toContain(pathAdvice);
    expect(failed(undefined, 'connect ECONNREFUSED').message).toBe(
      `${head}: connect ECONNREFUSED. Check that the server is running and reachable; a close event follows.`,
    );
    // A message over the runtime's limit is not a connection problem: the advice is about the message.
    for (const said of ['Max decompressed message size exceeded', 'Max payload size exceeded']) {
      expect(failed(undefined, said).message).toBe(
        `${head}: ${said}. The server sent a message larger than the runtime accepts, and the runtime dropped the connection for it: ` +
          "have the server send smaller messages, or on Node pass a WebSocketCtor that accepts larger ones (ws's WebSocket with a higher maxPayload); " +
          'a close event follows.',
      );
    }
    // undici 7 gives some error events an empty message: no detail, and the advice for that.
    expect(failed(undefined, '').message).toBe(failed(undefined).message);
    expect(failed(401).status).toBe(401);
    expect(failed(undefined).status).toBeUndefined();
    expect(failed(404).cause).toBe('c');
    expect(new ConnectionError('ws://h/')).not.toHaveProperty('cause');
  });

  it('BufferOverflowError names the limit and the URL, and says how to avoid it', () => {
    expect(new BufferOverflowError(3, 'ws://h/').message).toBe(
      'reactive-websocket: cannot queue the message: the outbox for ws://h/ already holds 3 messages, as many as buffer.limit allows. ' +
        'Nothing was queued. Send again once some have gone out (or, with delivery, been acknowledged), raise buffer.limit, ' +
        "or set buffer.overflow to 'drop-oldest' or 'drop-newest'.",
    );
  });

  it('SocketClosedError gives the close reason, and leaves out a code that is not known', () => {
    const error = new SocketClosedError('ws://h/', { by: 'server', code: 4001, reason: 'bye' });
    expect(error.message).toBe(
      'reactive-websocket: cannot send: the socket to ws://h/ was closed by the server with code 4001 ("bye"); create a new socket to send more.',
    );
    expect(error.closed).toEqual({ by: 'server', code: 4001, reason: 'bye' });
    expect(error.unsent).toEqual([]);
    expect(new SocketClosedError('ws://h/', { by: 'network' }).message).toMatch(
      /the socket to ws:\/\/h\/ was closed by the network; create a new socket/,
    );
  });

  it('SocketClosedError says the socket stopped when it did so on its own, with no close code', () => {
    expect(new SocketClosedError('ws://h/', { by: 'client', reason: 'invalid URL' }).message).toBe(
      'reactive-websocket: cannot send: the socket to ws://h/ stopped ("invalid URL", reported on error$); create a new socket to send more.',
    );
    expect(new SocketClosedError('ws://h/', { by: 'client' }).message).toContain('the socket to ws://h/ stopped (reported on error$);');
  });

  it('SocketClosedError for messages still queued at close counts and carries them', () => {
    const error = new SocketClosedError('ws://h/', { by: 'client', code: 1000 }, ['a', 'b']);
    expect(error.unsent).toEqual(['a', 'b']);
    expect(error.message).toBe(
      'reactive-websocket: 2 queued messages were not sent: the socket to ws://h/ was closed by close() with code 1000 before ' +
        'they could be. They are in error.unsent; send them on a new socket if they are still needed.',
    );
  });

  it('DeserializationError previews the message, names what the deserializer threw, and keeps it as cause', () => {
    const cause = new SyntaxError('Unexpected token');
    const error = new DeserializationError({ data: '{' }, cause);
    expect(error.message).toBe(
      'reactive-websocket: the deserializer threw for an incoming message (text of 1 character: "{"): SyntaxError: Unexpected token. ' +
        "The message was skipped; check the server's format or make the deserializer accept it.",
    );
    expect(error.cause).toBe(cause);
    expect(error.event).toEqual({ data: '{' });
  });

  it('ReconnectError says how many attempts were made and why it gave up, keeping the cause', () => {
    const cause = new Error('refused');
    const error = new ReconnectError('ws://h/', 3, 'the last close had code 1006', { cause });
    expect(error.message).toBe('reactive-websocket: gave up reconnecting to ws://h/ after 3 attempts: the last close had code 1006.');
    expect(error.attempts).toBe(3);
    expect(error.cause).toBe(cause);
  });
});

describe('preview', () => {
  it('keeps a message preview short', () => {
    expect(preview('x'.repeat(5000))).toMatch(/^text of 5000 characters: "x{1024}…"$/);
    expect(preview(new ArrayBuffer(8))).toBe('ArrayBuffer of 8 bytes');
    expect(preview(Buffer.alloc(3))).toBe('Uint8Array of 3 bytes');
    expect(preview(undefined)).toBe('undefined');
  });

  it('shows text of up to 1,024 characters whole', () => {
    expect(preview('hi')).toBe('text of 2 characters: "hi"');
    expect(preview('x'.repeat(1024))).toBe(`text of 1024 characters: "${'x'.repeat(1024)}"`);
  });

  it('names the kind of other data, with its size where it has one, and does not throw for null', () => {
    expect(preview(new Blob(['abc']))).toBe('Blob of 3 bytes');
    expect(preview({ op: 'x' })).toBe('Object');
    expect(preview(null)).toBe('object');
    expect(preview(42)).toBe('number');
  });
});

describe('describeError', () => {
  it('gives the name and message of an Error, and anything else as text', () => {
    expect(describeError(new RangeError('too far'))).toBe('RangeError: too far');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(404)).toBe('404');
  });
});
