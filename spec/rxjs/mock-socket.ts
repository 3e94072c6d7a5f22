/**
 * A DOM-style WebSocket double for the drop-in's specs, in the part of the one RxJS's own specs use:
 * the class itself is passed as `WebSocketCtor`, and it keeps every socket it made. It is the
 * shared {@link FakeSocket} (no I/O, every event driven by the test, the constructor arguments,
 * sends and closes recorded, addEventListener as browsers have it), with JSON on top.
 */
import { FakeSocket } from '../support/fake-socket.js';

export class MockSocket extends FakeSocket {
  /** Every socket made, oldest first. */
  static readonly made: MockSocket[] = [];

  /** The last socket made. @throws when none was. */
  static get last(): MockSocket {
    const socket = MockSocket.made.at(-1);
    if (socket === undefined) throw new Error('no socket was made');
    return socket;
  }

  /** Forgets the sockets made so far. */
  static reset(): void {
    MockSocket.made.length = 0;
  }

  constructor(...args: unknown[]) {
    super(...args);
    MockSocket.made.push(this);
  }

  /** The messages sent, decoded from JSON. */
  get sentJson(): unknown[] {
    return this.sent.map((data) => JSON.parse(String(data)) as unknown);
  }

  /** Receives a value as JSON text. */
  receiveJson(value: unknown): void {
    this.receive(JSON.stringify(value));
  }
}
