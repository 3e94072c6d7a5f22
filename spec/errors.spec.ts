import { BufferOverflowError, ConnectionError, DeserializationError, NotImplementedError, SocketClosedError } from '../lib/index.js';
import { preview } from '../lib/errors.js';

describe('error classes', () => {
  it('each has its own name and is an Error', () => {
    const errors = [
      new NotImplementedError('x'),
      new BufferOverflowError(3, 'ws://h/'),
      new SocketClosedError('ws://h/', { by: 'client', code: 1000 }),
      new DeserializationError({ data: 'x' }, new Error('bad')),
      new ConnectionError('ws://h/'),
    ];
    expect(errors.map((error) => error.name)).toEqual([
      'NotImplementedError',
      'BufferOverflowError',
      'SocketClosedError',
      'DeserializationError',
      'ConnectionError',
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

  it('keep a message preview short', () => {
    expect(preview('x'.repeat(5000))).toMatch(/^text of 5000 characters: "x{1024}…"$/);
    expect(preview(new ArrayBuffer(8))).toBe('ArrayBuffer of 8 bytes');
    expect(preview(Buffer.alloc(3))).toBe('Uint8Array of 3 bytes');
    expect(preview(undefined)).toBe('undefined');
  });
});
